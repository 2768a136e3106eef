// The server option sub-table (HAProxy's srv_kws): one row per keyword HAProxy 2.6 registers, with
// its argument count and whether default-server accepts it. Parsers apply to the settings being
// built, in line order, so `check no-check` ends unchecked as in HAProxy. Messages are HAProxy's.
import type { ProxyConfig, ServerSettings } from '../model.js';
import { atol, parseTime } from '../values.js';
import { isIPv4, isIPv6 } from 'node:net';
import { SERVER_RULES, isAddrError, parseSockAddr } from './address.js';

/** What an option parser sees. */
export interface SrvOptCtx {
  readonly kw: string;
  /** the next word ('' when the line ends: HAProxy reads an empty string there) */
  readonly arg: string;
  readonly s: ServerSettings;
  readonly px: ProxyConfig;
  /** the name HAProxy prints in messages: the server's, 'default-server', or '(null)' for templates */
  readonly srv: string;
  readonly isDefault: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `id` is not part of the preset: it goes straight to the server */
  setId(n: number): string | undefined;
}

/**
 * A parser's complaint. 'alert' is fatal unless `nonFatal` (HAProxy's ERR_ALERT without ERR_FATAL);
 * `raw` messages are printed as is, the others get HAProxy's display_parser_err final dot.
 */
export interface SrvOptErr {
  readonly level: 'alert' | 'warning' | 'unsupported' | 'noeffect';
  readonly msg: string;
  readonly raw?: boolean;
  readonly nonFatal?: boolean;
}

export interface SrvOptRow {
  readonly name: string;
  /** argument words the keyword consumes (HAProxy's skip column) */
  readonly args: 0 | 1;
  readonly defaultOk: boolean;
  readonly parse: (c: SrvOptCtx) => SrvOptErr | undefined;
}

const bad = (msg: string): SrvOptErr => ({ level: 'alert', msg });
const NOTLS = (c: SrvOptCtx): SrvOptErr => ({ level: 'unsupported', msg: `'${c.kw}'`, raw: true });

function unsup(why: string): (c: SrvOptCtx) => SrvOptErr {
  return (c) => ({ level: 'unsupported', msg: `'${c.kw}'|${why}`, raw: true });
}
function noEff(why: string): (c: SrvOptCtx) => SrvOptErr {
  return (c) => ({ level: 'noeffect', msg: `'${c.kw}'|${why}`, raw: true });
}
function flag(k: 'check' | 'backup' | 'checkSendProxy', v: boolean): (c: SrvOptCtx) => undefined {
  return (c) => { c.s[k] = v; return undefined; };
}

/** inter, fastinter, downinter: the 2.6 parsers all name 'agent-inter' in their character error. */
function delay(k: 'inter' | 'fastinter' | 'downinter'): (c: SrvOptCtx) => SrvOptErr | undefined {
  return (c) => {
    if (c.arg === '') return bad(`'${c.kw}' expects a delay as argument.`);
    const r = parseTime(c.arg);
    if (!r.ok && r.kind === 'overflow') {
      return bad(`timer overflow in argument <${c.arg}> to <${c.kw}> of server ${c.srv}, maximum value is 2147483647 ms (~24.8 days).`);
    }
    if (!r.ok) return bad(`unexpected character '${r.ch}' in 'agent-inter' argument of server ${c.srv}.`);
    if (r.ms === 0) return bad(`invalid value 0 for argument '${c.kw}' of server ${c.srv}.`);
    c.s[k] = r.ms;
    if (r.trailing !== undefined) return trailingWarn(c.arg, r.trailing);
    return undefined;
  };
}

function trailingWarn(text: string, trailing: string): SrvOptErr {
  return {
    level: 'warning', raw: true,
    msg: `unexpected character '${trailing[0] ?? ''}' after the timer value '${text}', only (us=microseconds,ms=milliseconds,s=seconds,m=minutes,h=hours,d=days) are supported. This will be reported as an error in next versions.`,
  };
}

function riseFall(k: 'rise' | 'fall'): (c: SrvOptCtx) => SrvOptErr | undefined {
  return (c) => {
    if (c.arg === '') return bad(`'${c.kw}' expects an integer argument.`);
    const n = atol(c.arg);
    if (n <= 0) return bad(`'${c.kw}' has to be > 0.`);
    c.s[k] = n;
    return undefined;
  };
}

function counter(k: 'maxconn' | 'maxqueue' | 'minconn'): (c: SrvOptCtx) => undefined {
  return (c) => { c.s[k] = atol(c.arg); return undefined; };
}

function oneOf<K extends 'onMarkedDown' | 'onMarkedUp' | 'onError'>(k: K, values: readonly NonNullable<ServerSettings[K]>[], expects: string): (c: SrvOptCtx) => SrvOptErr | undefined {
  return (c) => {
    const v = values.find((x) => x === c.arg);
    if (v === undefined) return bad(`'${c.kw}' expects ${expects} but got '${c.arg}'`);
    c.s[k] = v;
    return undefined;
  };
}

const TLS = [
  'allow-0rtt', 'alpn', 'ca-file', 'check-alpn', 'check-sni', 'check-ssl', 'ciphers', 'ciphersuites', 'crl-file', 'crt',
  'force-sslv3', 'force-tlsv10', 'force-tlsv11', 'force-tlsv12', 'force-tlsv13', 'no-check-ssl', 'no-send-proxy-v2-ssl',
  'no-send-proxy-v2-ssl-cn', 'no-ssl', 'no-ssl-reuse', 'no-sslv3', 'no-tlsv10', 'no-tlsv11', 'no-tlsv12', 'no-tlsv13',
  'no-tls-tickets', 'npn', 'send-proxy-v2-ssl', 'send-proxy-v2-ssl-cn', 'sni', 'ssl', 'ssl-max-ver', 'ssl-min-ver',
  'ssl-reuse', 'tls-tickets', 'verify', 'verifyhost',
] as const;
const TLS_ARGS = new Set(['alpn', 'ca-file', 'check-alpn', 'check-sni', 'ciphers', 'ciphersuites', 'crl-file', 'crt', 'npn', 'sni', 'ssl-max-ver', 'ssl-min-ver', 'verify', 'verifyhost']);
/** HAProxy refuses these few on default-server (they are per-server toggles) */
const TLS_NOT_DEFAULT = new Set(['no-sslv3', 'no-tlsv10', 'no-tlsv11', 'no-tlsv12', 'no-tlsv13']);

const ROWS: readonly SrvOptRow[] = [
  { name: 'addr', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg === '') return bad(`'${c.kw}' expects <ipv4|ipv6> as argument.`);
    const a = parseSockAddr(c.arg, SERVER_RULES, c.env);
    if (isAddrError(a)) return bad(`'${c.kw}' : ${a.error}`);
    // HAProxy resolves `addr` at parse time; an IP literal is all Halyard takes here
    if (a.family !== 'ipv4' && a.family !== 'ipv6') return bad(`'${c.kw}' : invalid address: '${a.host}' in '${c.arg}'`);
    c.s.checkAddr = a.host;
    return undefined;
  } },
  { name: 'agent-addr', args: 1, defaultOk: true, parse: unsup('agent checks') },
  { name: 'agent-check', args: 0, defaultOk: true, parse: unsup('agent checks') },
  { name: 'agent-inter', args: 1, defaultOk: true, parse: unsup('agent checks') },
  { name: 'agent-port', args: 1, defaultOk: true, parse: unsup('agent checks') },
  { name: 'agent-send', args: 1, defaultOk: true, parse: unsup('agent checks') },
  { name: 'backup', args: 0, defaultOk: true, parse: flag('backup', true) },
  { name: 'check', args: 0, defaultOk: true, parse: flag('check', true) },
  { name: 'check-proto', args: 1, defaultOk: true, parse: unsup('checks speak HTTP/1 or TCP only') },
  { name: 'check-send-proxy', args: 0, defaultOk: true, parse: flag('checkSendProxy', true) },
  { name: 'check-via-socks4', args: 0, defaultOk: true, parse: unsup('no SOCKS4') },
  { name: 'cookie', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg === '') return bad(`'${c.kw}' expects <value> as argument.\n`);
    c.s.cookie = c.arg;
    return undefined;
  } },
  { name: 'disabled', args: 0, defaultOk: true, parse: (c) => { c.s.disabled = true; return undefined; } },
  { name: 'downinter', args: 1, defaultOk: true, parse: delay('downinter') },
  { name: 'enabled', args: 0, defaultOk: true, parse: (c) => { c.s.disabled = false; return undefined; } },
  { name: 'error-limit', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg === '') return bad(`'${c.kw}' expects an integer argument.`);
    const n = atol(c.arg);
    if (n <= 0) return bad(`${c.kw} has to be > 0.`);
    c.s.errorLimit = n;
    return undefined;
  } },
  { name: 'fall', args: 1, defaultOk: true, parse: riseFall('fall') },
  { name: 'fastinter', args: 1, defaultOk: true, parse: delay('fastinter') },
  { name: 'id', args: 1, defaultOk: false, parse: (c) => {
    if (c.arg === '') return bad(`'${c.kw}' : expects an integer argument`);
    const n = atol(c.arg);
    if (n <= 0) return bad(`'${c.kw}' : custom id has to be > 0`);
    const clash = c.setId(n);
    if (clash !== undefined) return bad(`'${c.kw}' : custom id ${n} already used at ${clash}`);
    return undefined;
  } },
  { name: 'init-addr', args: 1, defaultOk: true, parse: (c) => {
    const methods: string[] = [];
    let ip: string | undefined;
    for (const m of c.arg === '' ? [] : c.arg.split(',')) {
      if (m === '') continue;
      if (m === 'libc' || m === 'last' || m === 'none') { if (!methods.includes(m)) methods.push(m); continue; }
      if (isIPv4(m) || (isIPv6(m) && !m.includes('%'))) {
        if (ip !== undefined) return bad(`'${c.kw}' : initial address already specified, cannot add '${m}'.`);
        ip = m;
        methods.push(m);
        continue;
      }
      return bad(`'${c.kw}' : unknown init-addr method '${m}', supported methods are 'libc', 'last', 'none'.`);
    }
    c.s.initAddr = methods;
    return undefined;
  } },
  { name: 'inter', args: 1, defaultOk: true, parse: delay('inter') },
  { name: 'log-proto', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg !== 'legacy' && c.arg !== 'octet-count') return bad(`'${c.kw}' expects one of 'legacy' or 'octet-count' but got '${c.arg}'`);
    return noEff('only meaningful in ring sections')(c);
  } },
  { name: 'max-reuse', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg === '') return bad(`'${c.kw}' expects <value> as argument.\n`);
    c.s.maxReuse = atol(c.arg);
    return undefined;
  } },
  { name: 'maxconn', args: 1, defaultOk: true, parse: counter('maxconn') },
  { name: 'maxqueue', args: 1, defaultOk: true, parse: counter('maxqueue') },
  { name: 'minconn', args: 1, defaultOk: true, parse: counter('minconn') },
  { name: 'namespace', args: 1, defaultOk: true, parse: unsup('no network namespaces') },
  { name: 'no-agent-check', args: 0, defaultOk: true, parse: () => undefined },
  { name: 'no-backup', args: 0, defaultOk: true, parse: flag('backup', false) },
  { name: 'no-check', args: 0, defaultOk: true, parse: flag('check', false) },
  { name: 'no-check-send-proxy', args: 0, defaultOk: true, parse: flag('checkSendProxy', false) },
  { name: 'no-send-proxy', args: 0, defaultOk: true, parse: (c) => { if (c.s.sendProxy === 'v1') delete c.s.sendProxy; return undefined; } },
  { name: 'no-send-proxy-v2', args: 0, defaultOk: true, parse: (c) => { if (c.s.sendProxy === 'v2') delete c.s.sendProxy; return undefined; } },
  { name: 'no-tfo', args: 0, defaultOk: true, parse: () => undefined },
  { name: 'non-stick', args: 0, defaultOk: true, parse: noEff('no stick tables') },
  { name: 'observe', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg === '') return bad(`'${c.kw}' expects <mode> as argument.\n`);
    if (c.arg !== 'none' && c.arg !== 'layer4' && c.arg !== 'layer7') return bad(`'${c.kw}' expects one of 'none', 'layer4', 'layer7' but got '${c.arg}'\n`);
    if (c.arg === 'layer7' && c.px.mode !== 'http') return { level: 'alert', nonFatal: true, msg: `'${c.arg}' can only be used in http proxies.\n` };
    c.s.observe = c.arg;
    return undefined;
  } },
  { name: 'on-error', args: 1, defaultOk: true, parse: oneOf('onError', ['fastinter', 'fail-check', 'sudden-death', 'mark-down'], `one of 'fastinter', 'fail-check', 'sudden-death' or 'mark-down'`) },
  { name: 'on-marked-down', args: 1, defaultOk: true, parse: oneOf('onMarkedDown', ['shutdown-sessions'], `'shutdown-sessions'`) },
  { name: 'on-marked-up', args: 1, defaultOk: true, parse: oneOf('onMarkedUp', ['shutdown-backup-sessions'], `'shutdown-backup-sessions'`) },
  { name: 'pool-low-conn', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg === '') return bad(`'${c.kw}' expects <value> as argument.\n`);
    // atoi, unchecked, as HAProxy: a value <= 0 keeps no reserve
    c.s.poolLowConn = atol(c.arg);
    return undefined;
  } },
  { name: 'pool-max-conn', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg === '') return bad(`'${c.kw}' expects <value> as argument.\n`);
    const n = atol(c.arg);
    if (n < -1) return bad(`'${c.kw}' must be >= -1`);
    c.s.poolMaxConn = n;
    return undefined;
  } },
  { name: 'pool-purge-delay', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg === '') return bad(`'${c.kw}' expects <value> as argument.\n`);
    const r = parseTime(c.arg);
    if (!r.ok && r.kind === 'overflow') return bad(`timer overflow in argument '${c.arg}' to '${c.kw}' (maximum value is 2147483647 ms or ~24.8 days)`);
    if (!r.ok) return bad(`unexpected character '${r.ch}' in argument to <${c.kw}>.\n`);
    c.s.poolPurgeDelay = r.ms;
    return r.trailing !== undefined ? trailingWarn(c.arg, r.trailing) : undefined;
  } },
  { name: 'port', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg === '') return bad(`'${c.kw}' expects a port number as argument.`);
    // atol, unchecked, as in HAProxy: `port abc` is 0 (no check port) and `port 70000` passes -c,
    // then reaches the socket as its low 16 bits (htons)
    const p = atol(c.arg) & 0xffff;
    if (p === 0) delete c.s.checkPort;
    else c.s.checkPort = p;
    return undefined;
  } },
  { name: 'proto', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg === '') return bad(`'${c.kw}' : missing value`);
    if (c.arg === 'h1') return undefined;
    if (c.arg === 'h2' || c.arg === 'fcgi' || c.arg === 'none') return unsup(`only HTTP/1.1 to servers`)(c);
    return bad(`'${c.kw}' :  unknown MUX protocol '${c.arg}'`);
  } },
  { name: 'proxy-v2-options', args: 1, defaultOk: true, parse: unsup('PROXY v2 TLVs are not sent') },
  { name: 'redir', args: 1, defaultOk: true, parse: unsup('no redirect mode') },
  { name: 'resolve-net', args: 1, defaultOk: true, parse: unsup('no runtime DNS resolvers') },
  { name: 'resolve-opts', args: 1, defaultOk: true, parse: unsup('no runtime DNS resolvers') },
  { name: 'resolve-prefer', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg !== 'ipv4' && c.arg !== 'ipv6') return bad(`'${c.kw}' expects either ipv4 or ipv6 as argument.`);
    return unsup('no runtime DNS resolvers')(c);
  } },
  { name: 'resolvers', args: 1, defaultOk: true, parse: unsup('no runtime DNS resolvers') },
  { name: 'rise', args: 1, defaultOk: true, parse: riseFall('rise') },
  { name: 'send-proxy', args: 0, defaultOk: true, parse: (c) => { if (c.s.sendProxy !== 'v2') c.s.sendProxy = 'v1'; return undefined; } },
  { name: 'send-proxy-v2', args: 0, defaultOk: true, parse: (c) => { c.s.sendProxy = 'v2'; return undefined; } },
  { name: 'slowstart', args: 1, defaultOk: true, parse: (c) => {
    const r = parseTime(c.arg);
    if (!r.ok && r.kind === 'overflow') return bad(`overflow in argument <${c.arg}> to <${c.kw}> of server ${c.srv}, maximum value is 2147483647 ms (~24.8 days).`);
    // an empty value makes HAProxy print a NUL character, which cuts its message short
    if (!r.ok) return bad(r.ch === '' ? `unexpected character '` : `unexpected character '${r.ch}' in 'slowstart' argument of server ${c.srv}.`);
    c.s.slowstart = r.ms;
    return r.trailing !== undefined ? trailingWarn(c.arg, r.trailing) : undefined;
  } },
  { name: 'socks4', args: 1, defaultOk: true, parse: unsup('no SOCKS4') },
  { name: 'source', args: 1, defaultOk: true, parse: unsup('no source address selection') },
  { name: 'stick', args: 0, defaultOk: true, parse: () => undefined },
  { name: 'tcp-ut', args: 1, defaultOk: true, parse: noEff('Node cannot set TCP_USER_TIMEOUT') },
  { name: 'tfo', args: 0, defaultOk: true, parse: noEff('no TCP Fast Open from Node') },
  { name: 'track', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg === '') return bad(`'track' expects [<proxy>/]<server> as argument.\n`);
    c.s.track = c.arg;
    return undefined;
  } },
  { name: 'usesrc', args: 0, defaultOk: true, parse: () => bad(`'usesrc' only allowed after a 'source' statement.`) },
  { name: 'weight', args: 1, defaultOk: true, parse: (c) => {
    const w = atol(c.arg);
    if (w < 0 || w > 256) return bad(`weight of server ${c.srv} is not within 0 and 256 (${w}).`);
    c.s.weight = w;
    return undefined;
  } },
  { name: 'ws', args: 1, defaultOk: true, parse: (c) => {
    if (c.arg !== 'auto' && c.arg !== 'h1' && c.arg !== 'h2') return bad(`'${c.kw}' has to be 'auto', 'h1' or 'h2'`);
    if (c.arg === 'h2') return unsup('only HTTP/1.1 to servers')(c);
    return undefined;
  } },
  ...TLS.map((name): SrvOptRow => ({ name, args: TLS_ARGS.has(name) ? 1 : 0, defaultOk: !TLS_NOT_DEFAULT.has(name), parse: NOTLS })),
];

export const serverOptionIndex: ReadonlyMap<string, SrvOptRow> = new Map(ROWS.map((r) => [r.name, r]));

/** Words HAProxy also offers as suggestions (its extra_kw_list). */
export const SERVER_EXTRA_WORDS = ['ipv4', 'ipv6', 'legacy', 'octet-count', 'fail-check', 'sudden-death', 'mark-down'] as const;
