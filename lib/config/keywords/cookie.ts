// `cookie <name> [rewrite|insert|prefix] [indirect] [nocache] [postonly] [preserve] [httponly] [secure]
//  [domain <d>]* [maxidle <t>] [maxlife <t>] [dynamic] [attr <v>]*` and `dynamic-cookie-key`.
// Checks and wording follow haproxy 2.6 (cfgparse-listen.c); maxidle/maxlife are stored in seconds.
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { CookieConfig, ProxyConfig } from '../model.js';
import { parseTime } from '../values.js';
import type { ProxyRows } from './proxy.js';

const kindWord = (px: ProxyConfig): string => (px.kind === 'listen' ? 'proxy' : px.kind);
const tight = (msg: string): Verdict => alert('HLY_CFG_BAD_ARG', msg, { style: 'parsing-tight' });

/** A time in seconds (bare numbers are seconds), with HAProxy's cookie-specific messages. */
function seconds(word: string, value: string | undefined, what: string): number | Verdict {
  if (value === undefined || value === '') return tight(`'${word}' expects <${what}> in seconds as argument.`);
  const r = parseTime(value, 1000);
  if (!r.ok) {
    if (r.kind === 'overflow') return tight(`timer overflow in argument <${value}> to <${word}>, maximum value is 2147483647 s (~68 years).`);
    return tight(`unexpected character '${r.ch}' in argument to <${word}>.`);
  }
  if (r.trailing !== undefined) return tight(`unexpected character '${r.trailing[0] ?? ''}' in argument to <${word}>.`);
  if (r.ms > 0 && r.ms < 1000) return tight(`timer underflow in argument <${value}> to <${word}>, minimum non-null value is 1 s.`);
  return Math.floor(r.ms / 1000);
}

function parseCookie(c: ProxyKwContext): ParseResult {
  const out: Verdict[] = [];
  const px = c.px;
  // warnifnotcap(): HAProxy warns in a frontend but still parses the line
  if (px.kind === 'frontend') out.push(warning('HLY_CFG_PLACEMENT', `'cookie' ignored because ${kindWord(px)} '${px.name}' has no backend capability.`));
  const name = c.a[1];
  if (name === undefined || name === '') return [...out, alert('HLY_CFG_BAD_ARG', `'cookie' expects <cookie_name> as argument.`)];
  const ck: { -readonly [K in keyof CookieConfig]: CookieConfig[K] } = {
    name, mode: 'passive', indirect: false, nocache: false, postonly: false, preserve: false, httponly: false,
    secure: false, domains: [], maxidle: 0, maxlife: 0, attrs: [], dynamic: false, loc: c.loc,
  };
  const modes = new Set<'insert' | 'rewrite' | 'prefix'>();
  for (let i = 2; i < c.a.length; i++) {
    const w = c.a[i] ?? '';
    const v = c.a[i + 1];
    switch (w) {
      case 'rewrite': case 'insert': case 'prefix': modes.add(w); ck.mode = w; break;
      case 'indirect': ck.indirect = true; break;
      case 'nocache': ck.nocache = true; break;
      case 'postonly': ck.postonly = true; break;
      case 'preserve': ck.preserve = true; break;
      case 'httponly': ck.httponly = true; break;
      case 'secure': ck.secure = true; break;
      case 'dynamic': ck.dynamic = true; break;
      case 'domain': {
        if (v === undefined || v === '') return [...out, tight(`'domain' expects <domain> as argument.`)];
        if (!v.includes('.')) out.push(warning('HLY_CFG_BAD_ARG', `domain '${v}' contains no embedded dot, this configuration may not work properly (see RFC6265#5.2.3).`, { style: 'parsing-tight' }));
        const badCh = [...v].find((ch) => !/[A-Za-z0-9_.-]/.test(ch));
        if (badCh !== undefined) return [...out, tight(`character '${badCh}' is not permitted in domain name '${v}'.`)];
        ck.domains.push(v); i++; break;
      }
      case 'maxidle': case 'maxlife': {
        const s = seconds(w, v, w === 'maxidle' ? 'idletime' : 'lifetime');
        if (typeof s !== 'number') return [...out, s];
        if (w === 'maxidle') ck.maxidle = s; else ck.maxlife = s;
        i++; break;
      }
      case 'attr': {
        if (v === undefined || v === '') return [...out, tight(`'attr' expects <value> as argument.`)];
        for (const ch of v) {
          const code = ch.charCodeAt(0);
          if (code < 0x20 || code === 0x7f || ch === ';') {
            return [...out, tight(`character '%x${code.toString(16).toUpperCase().padStart(2, '0')}' is not permitted in attribute value.`)];
          }
        }
        ck.attrs.push(v); i++; break;
      }
      default:
        return [...out, alert('HLY_CFG_BAD_ARG', `'cookie' supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', 'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options.`)];
    }
  }
  // HAProxy keeps the line but reports each incompatible combination
  if (modes.has('rewrite') && ck.indirect) out.push(alert('HLY_CFG_BAD_ARG', `cookie 'rewrite' and 'indirect' modes are incompatible.`));
  if (modes.size > 1) out.push(alert('HLY_CFG_BAD_ARG', `cookie 'rewrite', 'insert' and 'prefix' modes are incompatible.`));
  if (ck.preserve && !modes.has('insert') && !ck.indirect) out.push(alert('HLY_CFG_BAD_ARG', `cookie 'preserve' requires at least 'insert' or 'indirect'.`));
  px.cookie = ck;
  return out;
}

function parseDynamicCookieKey(c: ProxyKwContext): ParseResult {
  const out: Verdict[] = [];
  const px = c.px;
  if (px.kind === 'frontend') out.push(warning('HLY_CFG_PLACEMENT', `'dynamic-cookie-key' ignored because ${kindWord(px)} '${px.name}' has no backend capability.`));
  const k = c.a[1];
  if (k === undefined || k === '') return [...out, alert('HLY_CFG_BAD_ARG', `'dynamic-cookie-key' expects <secret_key> as argument.`)];
  px.dynamicCookieKey = k;
  return out;
}

export const cookieRows: ProxyRows = [
  { name: 'cookie', cap: 'any', defaults: 'yes', parse: parseCookie },
  { name: 'dynamic-cookie-key', cap: 'any', defaults: 'yes', parse: parseDynamicCookieKey },
];
