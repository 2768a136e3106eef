// `stats *` in proxies: the stats page settings.
import { alert, type ParseResult } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import { isVerdict, timeArg } from './common.js';
import { parseCondition } from './acl.js';
import type { ProxyRows } from './proxy.js';

function parseStats(c: ProxyKwContext): ParseResult {
  const sub = c.a[1] ?? '';
  const s = c.px.stats;
  switch (sub) {
    case 'enable': s.enabled = true; return undefined;
    case 'disable': s.enabled = false; return undefined;
    case 'uri':
      if (c.a[2] === undefined) return alert('HLY_CFG_BAD_ARG', `'uri' needs an URI prefix.`);
      s.enabled = true; s.uri = c.a[2]; return undefined;
    case 'realm':
      if (c.a[2] === undefined) return alert('HLY_CFG_BAD_ARG', `'realm' needs an realm name.`);
      s.enabled = true; s.realm = c.a.slice(2).join(' '); return undefined;
    case 'refresh': {
      const t = timeArg(c.a[2], 'stats refresh');
      if (isVerdict(t)) return t;
      s.enabled = true; s.refresh = t.ms; return t.warn;
    }
    case 'auth': {
      const up = c.a[2] ?? '';
      const k = up.indexOf(':');
      if (k < 0) return alert('HLY_CFG_BAD_ARG', `'auth' needs a user:password account.`);
      s.enabled = true; s.auth.push({ user: up.slice(0, k), password: up.slice(k + 1) }); return undefined;
    }
    case 'admin': {
      if (c.px.kind === 'defaults') return alert('HLY_CFG_PLACEMENT', `'stats admin' not allowed in 'defaults' section.`);
      const r = parseCondition(c, c.args.slice(2), `'stats admin' rule`);
      if (isVerdict(r)) return r;
      s.admin.push(r); return undefined;
    }
    case 'hide-version': s.enabled = true; s.hideVersion = true; return undefined;
    case 'show-legends': s.enabled = true; s.showLegends = true; return undefined;
    case 'show-node': s.enabled = true; s.showNode = c.a[2] ?? ''; return undefined;
    case 'show-desc': s.enabled = true; s.showDesc = c.a.slice(2).join(' '); return undefined;
    case 'scope':
      if (c.a[2] === undefined) return alert('HLY_CFG_BAD_ARG', `'scope' needs a proxy name.`);
      s.enabled = true; s.scope.push(c.a[2]); return undefined;
    case 'http-request':
      return alert('HLY_CFG_UNSUPPORTED', `'stats http-request' is not supported by Halyard.`);
    case 'bind-process': case 'show-modules':
      return undefined;
    default:
      return alert('HLY_CFG_BAD_ARG', `'stats' expects 'admin', 'uri', 'realm', 'auth', 'scope', 'enable', 'hide-version', 'show-node', 'show-desc' or 'show-legends'.`);
  }
}

export const statsRows: ProxyRows = [
  { name: 'stats', cap: 'any', defaults: 'yes', parse: parseStats },
];
