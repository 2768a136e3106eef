// `stats *` in proxies: the stats page settings. Any keyword but `stats admin` implies `stats enable`.
// Wording follows haproxy 2.6 (cfgparse-listen.c); `stats refresh` is in seconds (bare numbers too).
import { alert, warning, type ParseResult } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import { parseTime } from '../values.js';
import { isVerdict, noEffect, unsupported } from './common.js';
import { parseCondition } from './acl.js';
import type { ProxyRows } from './proxy.js';

const EXPECTS = `expects 'admin', 'uri', 'realm', 'auth', 'scope', 'enable', 'hide-version', 'show-node', 'show-desc' or 'show-legends'.`;
const tight = (msg: string): ReturnType<typeof alert> => alert('HLY_CFG_BAD_ARG', msg, { style: 'parsing-tight' });

function parseStats(c: ProxyKwContext): ParseResult {
  const sub = c.a[1] ?? '';
  const s = c.px.stats;
  const arg = c.a[2];
  switch (sub) {
    case 'enable': s.enabled = true; return undefined;
    case 'uri':
      if (arg === undefined || arg === '') return alert('HLY_CFG_BAD_ARG', `'uri' needs an URI prefix.`);
      s.enabled = true; s.uri = arg; return undefined;
    case 'realm':
      if (arg === undefined || arg === '') return alert('HLY_CFG_BAD_ARG', `'realm' needs an realm name.`);
      s.enabled = true; s.realm = arg; return undefined;
    case 'refresh': {
      const r = parseTime(arg ?? '', 1000);
      // with no argument HAProxy prints the NUL it stopped at, which truncates its message
      if (!r.ok && r.kind === 'overflow') return tight(`timer overflow in argument <${arg ?? ''}> to stats refresh interval, maximum value is 2147483647 s (~68 years).`);
      if (!r.ok) return tight(`unexpected character '${r.ch}' in argument to stats refresh interval.`);
      if (r.trailing !== undefined) return tight(`unexpected character '${r.trailing[0] ?? ''}' in argument to stats refresh interval.`);
      if (r.ms > 0 && r.ms < 1000) return tight(`timer underflow in argument <${arg ?? ''}> to stats refresh interval, minimum non-null value is 1 s.`);
      s.enabled = true; s.refresh = Math.floor(r.ms / 1000); return undefined;
    }
    case 'auth': {
      if (arg === undefined || arg === '') return alert('HLY_CFG_BAD_ARG', `'auth' needs a user:password account.`);
      const k = arg.indexOf(':');
      // HAProxy accepts a word without ':' too; no client can then log in with it (Basic always sends a ':')
      s.enabled = true;
      s.auth.push(k < 0 ? { user: arg, password: '', noPassword: true } : { user: arg.slice(0, k), password: arg.slice(k + 1) });
      return undefined;
    }
    case 'admin': {
      if (c.px.kind === 'defaults') return tight(`'stats admin' not allowed in 'defaults' section.`);
      if (arg !== 'if' && arg !== 'unless') return alert('HLY_CFG_BAD_ARG', `'stats admin' requires either 'if' or 'unless' followed by a condition.`);
      const r = parseCondition(c, c.args.slice(2), `a 'stats admin' rule`);
      if (isVerdict(r)) return r;
      s.admin.push(r); return undefined;
    }
    case 'hide-version': s.enabled = true; s.hideVersion = true; return undefined;
    case 'show-legends': s.enabled = true; s.showLegends = true; return undefined;
    case 'show-modules': s.enabled = true; return noEffect(`'stats show-modules'`, 'Halyard has no extra stats modules');
    case 'show-node': {
      if (arg !== undefined && arg !== '' && !/^[A-Za-z0-9_.-]+$/.test(arg)) {
        return tight(`'stats show-node' invalid node name - should be a stringwith digits(0-9), letters(A-Z, a-z), hyphen(-) or underscode(_).`);
      }
      s.enabled = true; s.showNode = arg ?? ''; return undefined;
    }
    case 'show-desc': {
      s.enabled = true;
      s.showDesc = c.a.slice(2).join(' ');
      if (s.showDesc === '' && c.parser.global.description === undefined) {
        return warning('HLY_CFG_BAD_ARG', `'show-desc' requires a parameter or 'desc' to be set in the global section.`, { style: 'parsing-tight' });
      }
      return undefined;
    }
    case 'scope':
      if (arg === undefined || arg === '') return alert('HLY_CFG_BAD_ARG', `'scope' needs a proxy name.`);
      s.enabled = true; s.scope.push(arg); return undefined;
    case 'http-request':
      if (c.px.kind === 'defaults') return tight(`'stats' not allowed in 'defaults' section.`);
      return unsupported(`'stats http-request'`, `use 'stats auth' and 'stats admin'`);
    case '':
      return tight(`missing keyword in 'stats', ${EXPECTS}`);
    default:
      return tight(`unknown stats parameter '${sub}', ${EXPECTS}`);
  }
}

export const statsRows: ProxyRows = [
  { name: 'stats', cap: 'any', defaults: 'yes', parse: parseStats },
];
