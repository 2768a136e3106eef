// `server`, `default-server` and `server-template` (HAProxy's parse_server): the name, the address,
// then the options of server-options.ts applied in line order over the proxy's default-server preset.
// Cross-server checks (duplicate names, track targets) run after parsing, in server-post.ts.
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { ServerConfig, ServerSettings } from '../model.js';
import { HAPROXY_SERVER } from '../haproxy-keywords.js';
import { noEffect, unsupported } from './common.js';
import type { ProxyRows } from './proxy.js';
import { SERVER_RULES, badDnsName, isAddrError, parseSockAddr, type SockAddr } from './address.js';
import { haproxyBestMatch } from './suggest.js';
import { SERVER_EXTRA_WORDS, serverOptionIndex, type SrvOptErr } from './server-options.js';

const NAME_OK = /^[A-Za-z0-9_.:-]*$/;

/**
 * The built-in server values (HAProxy's defaults.h), under whatever default-server preset.
 * Passive checks too: `observe none`, `error-limit 10`, `on-error fail-check` (DEF_HANA_*).
 */
function finalSettings(s: ServerSettings): Omit<ServerConfig, 'name' | 'host' | 'family' | 'loc'> {
  const { check = false, inter = 2000, rise = 2, fall = 3, weight = 1, backup = false, disabled = false, maxconn = 0,
    maxqueue = 0, minconn = 0, slowstart = 0, checkSendProxy = false, observe = 'none', errorLimit = 10, onError = 'fail-check',
    ...rest } = s;
  return {
    ...rest, check, inter, rise, fall, weight, backup, disabled, maxconn, maxqueue, minconn, slowstart, checkSendProxy,
    observe, errorLimit, onError,
  };
}

/** One option complaint as a verdict; `who` is `'server be/s1'` (none for default-server). */
function verdictOf(who: string | undefined, e: SrvOptErr): Verdict {
  const pre = who !== undefined ? `${who} : ` : '';
  if (e.level === 'unsupported' || e.level === 'noeffect') {
    const [kw = '', why] = e.msg.split('|');
    const v = e.level === 'unsupported' ? unsupported(kw, why ?? 'no TLS') : noEffect(kw, why);
    return { ...v, message: pre + v.message, style: 'bracket' };
  }
  const text = e.raw === true ? e.msg : `${e.msg.replace(/\n$/, '')}.`;
  // HAProxy's ERR_ALERT without ERR_FATAL prints [ALERT] yet exits 0: a non-fatal alert here too.
  if (e.nonFatal === true) return alert('HLY_CFG_BAD_ARG', pre + text, { style: 'bracket', nonFatal: true });
  if (e.level === 'warning') return warning('HLY_CFG_BAD_ARG', pre + text, { style: 'bracket' });
  return alert('HLY_CFG_BAD_ARG', pre + text, { style: 'bracket' });
}

interface OptionsResult { readonly verdicts: Verdict[]; readonly fatal: boolean; readonly id?: number }

/** Apply options a[from..] to `s`, the way parse_server loops over _srv_parse_kw. */
function applyOptions(c: ProxyKwContext, s: ServerSettings, from: number, srv: string, who: string | undefined, isDefault: boolean): OptionsResult {
  const verdicts: Verdict[] = [];
  let id: number | undefined;
  const a = c.a;
  let i = from;
  while (i < a.length) {
    const kw = a[i] ?? '';
    const row = serverOptionIndex.get(kw);
    if (row === undefined) {
      const hint = isDefault ? ' Hint: no address was expected for this server.' : '';
      const near = haproxyBestMatch(kw, [...HAPROXY_SERVER, ...SERVER_EXTRA_WORDS]);
      const msg = near !== undefined ? `unknown keyword '${kw}'; did you mean '${near}' maybe ?${hint}` : `unknown keyword '${kw}'.${hint}`;
      verdicts.push(alert('HLY_CFG_UNKNOWN_KEYWORD', (who !== undefined ? `${who} : ` : '') + msg, { style: 'bracket', col: c.args[i]?.col ?? 0 }));
      return { verdicts, fatal: true };
    }
    if (isDefault && !row.defaultOk) {
      verdicts.push(warning('HLY_CFG_PLACEMENT', `'${kw}' option is not accepted in default-server sections`, { style: 'bracket' }));
      i += 1 + row.args;
      continue;
    }
    const e = row.parse({
      kw, arg: a[i + 1] ?? '', s, px: c.px, srv, isDefault, env: c.parser.opts.env,
      setId: (n) => {
        const clash = c.px.servers.find((x) => x.id === n);
        if (clash !== undefined) return `${clash.loc.file}:${clash.loc.line} ('server ${clash.name}')`;
        id = n;
        return undefined;
      },
    });
    if (e !== undefined) {
      const v = verdictOf(who, e);
      verdicts.push({ ...v, col: c.args[i]?.col ?? 0 });
      if (v.severity === 'alert') return { verdicts, fatal: true };
    }
    i += 1 + row.args;
  }
  return { verdicts, fatal: false, ...(id !== undefined ? { id } : {}) };
}

type AddrOk = Pick<ServerConfig, 'host' | 'family' | 'resolveFamily' | 'port' | 'portOffset'>;

/** The address word of a server line, or the verdict HAProxy gives for it. */
function serverAddress(c: ProxyKwContext, text: string, who: string, srv: string): AddrOk | Verdict {
  const r = parseSockAddr(text, SERVER_RULES, c.parser.opts.env);
  if (isAddrError(r)) return alert('HLY_CFG_BAD_ARG', `${who} : ${r.error}`, { style: 'bracket', ...(r.nl ? { tail: [''] } : {}) });
  if (r.family === 'sockpair') return alert('HLY_CFG_UNSUPPORTED', `${who} : ${unsupported(`'sockpair@' addresses`).message}`, { style: 'bracket' });
  if (r.family === 'fd') return alert('HLY_CFG_BAD_ARG', `${who} : a file descriptor is not acceptable here in '${text}'`, { style: 'bracket', tail: [''] });
  if (r.family === 'host' && badDnsName(r.host)) {
    return alert('HLY_CFG_RESOLVE', `${who} : Can't create DNS resolution for server '${srv}'`, { style: 'bracket' });
  }
  return addrOk(r);
}

function addrOk(r: SockAddr): AddrOk {
  const family = r.family === 'unix' || r.family === 'abns' ? r.family : r.family === 'ipv4' || r.family === 'ipv6' || r.family === 'host' ? r.family : 'host';
  const out: { -readonly [K in keyof AddrOk]: AddrOk[K] } = { host: r.path ?? r.host, family };
  if (r.resolveFamily !== undefined) out.resolveFamily = r.resolveFamily;
  // port 0, +0 and -0 all mean "the client's destination port", as no port does
  if (r.portLow !== 0) out.port = r.portLow;
  else if (r.portOffset !== 0) out.portOffset = r.portOffset;
  return out;
}

function build(c: ProxyKwContext, name: string, addr: AddrOk, s: ServerSettings, id: number | undefined, template?: string): ServerConfig {
  return {
    name, ...addr, ...(id !== undefined ? { id } : {}), ...(template !== undefined ? { template } : {}),
    ...finalSettings(structuredClone(s)), loc: c.loc,
  };
}

function finalize(s: ServerSettings, who: string): Verdict | undefined {
  if (s.check === true && s.track !== undefined) {
    return alert('HLY_CFG_BAD_ARG', `${who} : unable to enable checks and tracking at the same time!`, { style: 'bracket' });
  }
  return undefined;
}

/** HAProxy words this one in brackets, unlike the placement table's other refusals. */
function inDefaults(c: ProxyKwContext): Verdict | undefined {
  if (c.px.kind !== 'defaults') return undefined;
  return alert('HLY_CFG_PLACEMENT', `'${c.a[0] ?? ''}' not allowed in 'defaults' section.`, { style: 'bracket' });
}

function parseServer(c: ProxyKwContext): ParseResult {
  const misplaced = inDefaults(c);
  if (misplaced !== undefined) return misplaced;
  const name = c.a[1] ?? '';
  const addrText = c.a[2] ?? '';
  if (addrText === '') return alert('HLY_CFG_BAD_ARG', `'server' expects <name> and <addr>[:<port>] as arguments.`, { style: 'bracket' });
  const badCh = [...name].find((ch) => !NAME_OK.test(ch));
  if (badCh !== undefined) return alert('HLY_CFG_BAD_ARG', `character '${badCh}' is not permitted in server name '${name}'.`, { style: 'bracket' });
  const who = `'server ${c.px.name}/${name}'`;
  const addr = serverAddress(c, addrText, who, name);
  if ('severity' in addr) return addr;
  const s = structuredClone(c.px.defaultServer);
  const r = applyOptions(c, s, 3, name, who, false);
  if (r.fatal) return r.verdicts;
  const fin = finalize(s, who);
  if (fin !== undefined) return [...r.verdicts, fin];
  c.px.servers.push(build(c, name, addr, s, r.id));
  return r.verdicts;
}

function parseDefaultServer(c: ProxyKwContext): ParseResult {
  // options land in the proxy's preset immediately, as HAProxy's defsrv: a bad line keeps what came before it
  return applyOptions(c, c.px.defaultServer, 1, 'default-server', undefined, true).verdicts;
}

/** C's atoi(): optional sign then digits. */
function atoi(t: string): number {
  const m = /^\s*([+-]?[0-9]+)/.exec(t);
  return m?.[1] !== undefined ? parseInt(m[1], 10) : 0;
}

function parseServerTemplate(c: ProxyKwContext): ParseResult {
  const misplaced = inDefaults(c);
  if (misplaced !== undefined) return misplaced;
  const prefix = c.a[1] ?? '';
  const range = c.a[2] ?? '';
  const addrText = c.a[3] ?? '';
  if (addrText === '') {
    return alert('HLY_CFG_BAD_ARG', `'server-template' expects <prefix> <nb | range> <addr>[:<port>] as arguments.`, { style: 'bracket' });
  }
  const badCh = [...prefix].find((ch) => !NAME_OK.test(ch));
  if (badCh !== undefined) return alert('HLY_CFG_BAD_ARG', `character '${badCh}' is not permitted in server-template prefix '${prefix}'.`, { style: 'bracket' });
  let low = atoi(range);
  let high: number;
  const dash = range.indexOf('-');
  if (dash >= 0) high = atoi(range.slice(dash + 1));
  else { high = low; low = 1; }
  if (low < 0 || high < low) return alert('HLY_CFG_BAD_ARG', `Wrong server-template number or range arg '${range}'.`, { style: 'bracket' });
  // before expansion the template has no name: HAProxy prints "(null)"
  const who = `'server ${c.px.name}/(null)'`;
  const addr = serverAddress(c, addrText, who, '(null)');
  if ('severity' in addr) return addr;
  const s = structuredClone(c.px.defaultServer);
  const r = applyOptions(c, s, 4, '(null)', who, false);
  if (r.fatal) return r.verdicts;
  const fin = finalize(s, who);
  if (fin !== undefined) return [...r.verdicts, fin];
  for (let n = low; n <= high; n++) {
    c.px.servers.push(build(c, `${prefix}${n}`, addr, s, n === low ? r.id : undefined, prefix));
  }
  return r.verdicts;
}

export const serverRows: ProxyRows = [
  // defaults: 'yes' so that the parser itself refuses them there, with HAProxy's bracketed wording
  { name: 'server', cap: 'be', defaults: 'yes', misplaced: 'error', parse: parseServer },
  { name: 'default-server', cap: 'be', defaults: 'yes', misplaced: 'error', parse: parseDefaultServer },
  { name: 'server-template', cap: 'be', defaults: 'yes', misplaced: 'error', parse: parseServerTemplate },
];
