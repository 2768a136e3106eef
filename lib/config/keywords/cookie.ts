// `cookie <name> [rewrite|insert|prefix] [options]`: persistence cookie settings.
import { alert, type ParseResult } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { CookieConfig } from '../model.js';
import { parseTime } from '../values.js';
import type { ProxyRows } from './proxy.js';

function parseCookie(c: ProxyKwContext): ParseResult {
  const name = c.a[1];
  if (name === undefined || name === '') return alert('HLY_CFG_BAD_ARG', `'cookie' expects <cookie_name> as argument.`);
  const ck: CookieConfig = {
    name, mode: 'passive', indirect: false, nocache: false, postonly: false, preserve: false, httponly: false,
    secure: false, domains: [], maxidle: 0, maxlife: 0, attrs: [], dynamic: false, loc: c.loc,
  };
  const m: { -readonly [K in keyof CookieConfig]: CookieConfig[K] } = ck;
  let modeSet = false;
  for (let i = 2; i < c.a.length; i++) {
    const w = c.a[i] ?? '';
    switch (w) {
      case 'rewrite': case 'insert': case 'prefix':
        if (modeSet) return alert('HLY_CFG_BAD_ARG', `'cookie' : 'rewrite', 'insert' and 'prefix' modes are mutually exclusive.`);
        m.mode = w; modeSet = true; break;
      case 'indirect': m.indirect = true; break;
      case 'nocache': m.nocache = true; break;
      case 'postonly': m.postonly = true; break;
      case 'preserve': m.preserve = true; break;
      case 'httponly': m.httponly = true; break;
      case 'secure': m.secure = true; break;
      case 'dynamic': m.dynamic = true; break;
      case 'domain': {
        const d = c.a[++i];
        if (d === undefined) return alert('HLY_CFG_BAD_ARG', `'cookie' 'domain' requires a domain name.`);
        m.domains = [...m.domains, d]; break;
      }
      case 'attr': {
        const v = c.a[++i];
        if (v === undefined) return alert('HLY_CFG_BAD_ARG', `'cookie' 'attr' requires an argument.`);
        m.attrs = [...m.attrs, v]; break;
      }
      case 'maxidle': case 'maxlife': {
        const v = c.a[++i];
        const t = v === undefined ? undefined : parseTime(v, 1000);
        if (t === undefined || !t.ok) return alert('HLY_CFG_BAD_ARG', `'cookie' '${w}' requires a time value.`);
        if (w === 'maxidle') m.maxidle = Math.floor(t.ms / 1000); else m.maxlife = Math.floor(t.ms / 1000);
        break;
      }
      default:
        return alert('HLY_CFG_BAD_ARG', `'cookie' supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', 'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options.`);
    }
  }
  if (m.mode === 'passive' && (m.indirect || m.nocache)) {
    // HAProxy only accepts these with insert/prefix/rewrite; keep the flags but warn is enough in practice
  }
  c.px.cookie = ck;
  return undefined;
}

export const cookieRows: ProxyRows = [
  { name: 'cookie', cap: 'be', defaults: 'yes', parse: parseCookie },
];
