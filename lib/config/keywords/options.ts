// `option <name>` and its `no option` / `default option` forms, in the order haproxy 2.6 tries them
// (cfgparse-listen.c): the simple boolean options first, then the HTTP connection modes, redispatch,
// the removed ones, then the rest (which refuse `no`/`default`), then "unknown option".
import { isIP } from 'node:net';
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { ProxyConfig } from '../model.js';
import { atol } from '../values.js';
import { noEffect, tooManyArgs, unsupported } from './common.js';
import type { ProxyRows } from './proxy.js';
import { parseHttpchk, parseTcpCheckOption } from './checks.js';
import { haproxyBestMatch } from './suggest.js';

type Cap = 'fe' | 'be' | 'any';
/**
 * HAProxy's cfg_opts/cfg_opts2 (in its order, which decides did-you-mean ties): boolean options that
 * accept `no`/`default`. `set` stores the ones Halyard implements; the others only tune HAProxy's
 * internals (warned, no effect) or are refused as unsupported.
 */
interface SimpleOption {
  readonly name: string;
  readonly cap: Cap;
  readonly set?: (px: ProxyConfig, on: boolean) => void;
  readonly unsupported?: string;
}
const SIMPLE: readonly SimpleOption[] = [
  { name: 'abortonclose', cap: 'be' },
  { name: 'allbackups', cap: 'be', set: (px, on) => { px.options.allbackups = on; } },
  { name: 'checkcache', cap: 'be' },
  { name: 'clitcpka', cap: 'fe' },
  { name: 'contstats', cap: 'fe' },
  { name: 'dontlognull', cap: 'fe', set: (px, on) => { px.options.dontlognull = on; } },
  { name: 'http-buffer-request', cap: 'any' },
  { name: 'http-ignore-probes', cap: 'fe' },
  { name: 'idle-close-on-response', cap: 'fe' },
  { name: 'prefer-last-server', cap: 'be' },
  { name: 'logasap', cap: 'fe' },
  { name: 'nolinger', cap: 'any' },
  { name: 'persist', cap: 'be', set: (px, on) => { px.options.persist = on; } },
  { name: 'srvtcpka', cap: 'be' },
  { name: 'transparent', cap: 'be', unsupported: 'transparent proxying needs kernel support Node does not expose' },
  { name: 'splice-request', cap: 'any' },
  { name: 'splice-response', cap: 'any' },
  { name: 'splice-auto', cap: 'any' },
  { name: 'accept-invalid-http-request', cap: 'fe', unsupported: 'Halyard always parses HTTP strictly' },
  { name: 'accept-invalid-http-response', cap: 'be', unsupported: 'Halyard always parses HTTP strictly' },
  { name: 'dontlog-normal', cap: 'fe' },
  { name: 'log-separate-errors', cap: 'fe' },
  { name: 'log-health-checks', cap: 'be', set: (px, on) => { px.options.logHealthChecks = on; } },
  { name: 'socket-stats', cap: 'fe' },
  { name: 'tcp-smart-accept', cap: 'fe' },
  { name: 'tcp-smart-connect', cap: 'be' },
  { name: 'independent-streams', cap: 'any' },
  { name: 'http-use-proxy-header', cap: 'fe', unsupported: 'Halyard is not a forward proxy' },
  { name: 'http-pretend-keepalive', cap: 'be' },
  { name: 'http-no-delay', cap: 'any' },
  { name: 'h1-case-adjust-bogus-client', cap: 'fe', unsupported: 'header names are sent in lower case' },
  { name: 'h1-case-adjust-bogus-server', cap: 'be', unsupported: 'header names are sent in lower case' },
  { name: 'disable-h2-upgrade', cap: 'fe' },
];
const SIMPLE_INDEX = new Map(SIMPLE.map((o) => [o.name, o]));
/** Options accepted with a warning because they only tune HAProxy internals (listed in the README). */
export const NO_EFFECT_OPTIONS: readonly string[] = [
  ...SIMPLE.filter((o) => o.set === undefined && o.unsupported === undefined ).map((o) => o.name),
  'tcpka',
];
/** HAProxy's common_options: the extra did-you-mean candidates after cfg_opts and cfg_opts2. */
const COMMON_OPTIONS = [
  'httpclose', 'http-server-close', 'http-keep-alive', 'redispatch', 'httplog', 'tcplog', 'tcpka', 'httpchk',
  'ssl-hello-chk', 'smtpchk', 'pgsql-check', 'redis-check', 'mysql-check', 'ldap-check', 'spop-check', 'tcp-check',
  'external-check', 'forwardfor', 'original-to',
];
const CANDIDATES = [...SIMPLE.map((o) => o.name), ...COMMON_OPTIONS];
const OTHER_CHECKS = new Set(['ssl-hello-chk', 'smtpchk', 'pgsql-check', 'redis-check', 'mysql-check', 'ldap-check', 'spop-check', 'external-check']);

const kindWord = (px: ProxyConfig): string => (px.kind === 'listen' ? 'proxy' : px.kind);
/** warnifnotcap(): "'<word>' ignored because frontend 'x' has no backend capability." */
function capWarning(px: ProxyConfig, cap: Cap, word: string): Verdict | undefined {
  if (cap === 'any' || px.kind === 'defaults' || px.kind === 'listen') return undefined;
  if (cap === 'fe' && px.kind === 'backend') return warning('HLY_CFG_PLACEMENT', `'${word}' ignored because ${kindWord(px)} '${px.name}' has no frontend capability.`);
  if (cap === 'be' && px.kind === 'frontend') return warning('HLY_CFG_PLACEMENT', `'${word}' ignored because ${kindWord(px)} '${px.name}' has no backend capability.`);
  return undefined;
}

const optArgs = (c: ProxyKwContext): Verdict | undefined => {
  // 2.6 counts the words of `default option x` without removing `default`, so it always refuses it
  if (c.inverse === 'default') return alert('HLY_CFG_BAD_ARG', `'option ${c.a[1] ?? ''}' cannot handle unexpected argument '${c.a[1] ?? ''}'.`);
  if (c.a.length > 2) return alert('HLY_CFG_BAD_ARG', `'option ${c.a[1] ?? ''}' cannot handle unexpected argument '${c.a[2] ?? ''}'.`);
  return undefined;
};

function connMode(c: ProxyKwContext, mode: 'keep-alive' | 'server-close' | 'close'): ParseResult {
  const e = optArgs(c);
  if (e !== undefined) return e;
  const o = c.px.options;
  if (c.inverse === undefined) o.httpConnMode = mode;
  else if (c.inverse === 'no' && o.httpConnMode === mode) delete o.httpConnMode;
  // `default option x` leaves the mode as it is, as HAProxy does
  return undefined;
}

/** `'option httplog' overrides previous '...'` when a defaults section changes its log format. */
function logOverride(c: ProxyKwContext, now: string): Verdict | undefined {
  const o = c.px.options;
  if (c.px.kind !== 'defaults') return undefined;
  const prev = o.logFormat !== undefined ? 'log-format'
    : o.httplog ? (o.httplogClf ? 'option httplog clf' : 'option httplog') : o.tcplog ? 'option tcplog' : undefined;
  if (prev === undefined) return undefined;
  return warning('HLY_CFG_PLACEMENT', `'${now}' overrides previous '${prev}' in 'defaults' section.`, { style: 'parsing-tight' });
}

function parseForwardfor(c: ProxyKwContext): ParseResult {
  let header = 'X-Forwarded-For';
  let except: string | undefined;
  let ifNone = false;
  for (let i = 2; i < c.a.length; i++) {
    const w = c.a[i];
    if (w === 'except') {
      const net = c.a[i + 1] ?? '';
      if (!isNetwork(net)) return alert('HLY_CFG_BAD_ARG', `'option forwardfor except' expects <address>[/mask] as argument.`);
      except = net; i++;
    } else if (w === 'header') {
      const h = c.a[i + 1] ?? '';
      if (h === '') return alert('HLY_CFG_BAD_ARG', `'option forwardfor header' expects <header_name> as argument.`);
      header = h; i++;
    } else if (w === 'if-none') {
      ifNone = true;
    } else {
      return alert('HLY_CFG_BAD_ARG', `'option forwardfor' only supports optional values: 'except', 'header' and 'if-none'.`);
    }
  }
  c.px.options.forwardfor = { header, ifNone, ...(except !== undefined ? { except } : {}) };
  return undefined;
}

/** str2net / str62net: an IPv4 address with an optional dotted or CIDR mask, or an IPv6 one with a length. */
function isNetwork(s: string): boolean {
  const k = s.indexOf('/');
  const addr = k < 0 ? s : s.slice(0, k);
  const mask = k < 0 ? undefined : s.slice(k + 1);
  if (isIP(addr) === 4) return mask === undefined || (/^[0-9]+$/.test(mask) && Number(mask) <= 32) || isIP(mask) === 4;
  if (isIP(addr) === 6) return mask === undefined || (/^[0-9]+$/.test(mask) && Number(mask) <= 128);
  return false;
}

function parseOption(c: ProxyKwContext): ParseResult {
  const name = c.a[1] ?? '';
  const px = c.px;
  if (name === '') return alert('HLY_CFG_BAD_ARG', `'option' expects an option name.`, { style: 'parsing-tight' });
  const simple = SIMPLE_INDEX.get(name);
  if (simple !== undefined) {
    const e = optArgs(c);
    if (e !== undefined) return e;
    const w = capWarning(px, simple.cap, name);
    if (w !== undefined) return w;
    if (simple.unsupported !== undefined) return unsupported(`'option ${name}'`, simple.unsupported);
    const on = c.inverse === undefined;
    if (simple.set !== undefined) { simple.set(px, on); return undefined; }
    if (on) px.options.other[name] = true; else delete px.options.other[name];
    return noEffect(`'option ${name}'`);
  }
  switch (name) {
    case 'forceclose':
      return alert('HLY_CFG_REMOVED', `option 'forceclose' is not supported any more since HAProxy 2.0, please just remove it, or use 'option httpclose' if absolutely needed.`, { style: 'parsing-tight' });
    case 'httpclose': return connMode(c, 'close');
    case 'http-server-close': return connMode(c, 'server-close');
    case 'http-keep-alive': return connMode(c, 'keep-alive');
    case 'http-tunnel':
      return alert('HLY_CFG_REMOVED', `option 'http-tunnel' is not supported any more since HAProxy 2.1, please just remove it, it shouldn't be needed.`, { style: 'parsing-tight' });
    case 'redispatch': {
      const w = capWarning(px, 'be', name);
      if (w !== undefined) return w;
      // atol(): HAProxy does not check the interval; 0 or garbage means "redispatch disabled"
      if (c.inverse === 'no') px.options.redispatch = { interval: 0 };
      else if (c.inverse === 'default') delete px.options.redispatch;
      else px.options.redispatch = { interval: c.a[2] !== undefined && c.a[2] !== '' ? atol(c.a[2]) : -1 };
      return undefined;
    }
    case 'http_proxy':
      return alert('HLY_CFG_REMOVED', `option 'http_proxy' is not supported any more since HAProxy 2.5. This option stopped working in HAProxy 1.9 and usually had nasty side effects. It can be more reliably implemented with combinations of 'http-request set-dst' and 'http-request set-uri', and even 'http-request do-resolve' if absolutely required.`, { style: 'parsing-tight' });
    default:
  }
  if (c.inverse !== undefined) return alert('HLY_CFG_BAD_ARG', `negation/default is not supported for option '${name}'.`, { style: 'parsing-tight' });
  switch (name) {
    case 'httplog': {
      const clf = c.a[2];
      if (clf !== undefined && clf !== '' && clf !== 'clf') return alert('HLY_CFG_BAD_ARG', `keyword 'httplog' only supports option 'clf'.`);
      if (clf === 'clf') { const t = tooManyArgs(c, 2); if (t !== undefined) return t; }
      const out: Verdict[] = [];
      const o = logOverride(c, clf === 'clf' ? 'option httplog clf' : 'option httplog');
      if (o !== undefined) out.push(o);
      px.options.httplog = true;
      delete px.options.logFormat;
      px.options.httplogLoc = c.loc;
      px.options.httplogClf = clf === 'clf';
      px.options.tcplog = false;
      if (px.kind === 'backend') out.push(warning('HLY_CFG_PLACEMENT', `backend '${px.name}' : 'option httplog' directive is ignored in backends.`));
      return out;
    }
    case 'tcplog': {
      const out: Verdict[] = [];
      const o = logOverride(c, 'option tcplog');
      if (o !== undefined) out.push(o);
      px.options.tcplog = true;
      delete px.options.logFormat;
      px.options.httplog = false;
      px.options.httplogClf = false;
      const e = optArgs(c);
      if (e !== undefined) return [...out, e];
      if (px.kind === 'backend') out.push(warning('HLY_CFG_PLACEMENT', `backend '${px.name}' : 'option tcplog' directive is ignored in backends.`));
      return out;
    }
    case 'httpslog':
      return unsupported(`'option httpslog'`, 'Halyard has no TLS');
    case 'tcpka': {
      const e = optArgs(c);
      if (e !== undefined) return e;
      px.options.other.tcpka = true;
      return noEffect(`'option tcpka'`);
    }
    case 'httpchk': return parseHttpchk(c);
    case 'tcp-check': return parseTcpCheckOption(c);
    case 'forwardfor': return parseForwardfor(c);
    case 'originalto': return unsupported(`'option originalto'`);
    default:
  }
  if (OTHER_CHECKS.has(name)) {
    const w = capWarning(px, 'be', name);
    return w ?? unsupported(`'option ${name}'`, 'Halyard runs tcp, httpchk and tcp-check health checks only');
  }
  const best = haproxyBestMatch(name, CANDIDATES);
  return alert('HLY_CFG_UNKNOWN_KEYWORD', best !== undefined ? `unknown option '${name}'; did you mean '${best}' maybe ?` : `unknown option '${name}'.`);
}

/**
 * `log-format <string>`: one word (spaces escaped), replacing `option httplog`/`tcplog` and being
 * replaced by them, whichever comes last. The string is compiled after parsing (compile.ts), as
 * HAProxy does; a backend ignores it with a warning.
 */
function parseLogFormatKw(c: ProxyKwContext): ParseResult {
  const fmt = c.a[1];
  if (fmt === undefined || fmt === '') return alert('HLY_CFG_BAD_ARG', `log-format expects an argument.`);
  if (c.a.length > 2 && c.a.slice(2).some((w) => w !== '')) {
    return alert('HLY_CFG_BAD_ARG', `log-format expects only one argument, don't forget to escape spaces!`);
  }
  const px = c.px;
  if (px.kind === 'backend') return warning('HLY_CFG_PLACEMENT', `backend '${px.name}' : 'log-format' directive is ignored in backends.`);
  const o = logOverride(c, 'log-format');
  px.options.logFormat = { raw: fmt, loc: c.loc };
  px.options.httplog = false;
  px.options.httplogClf = false;
  px.options.tcplog = false;
  return o;
}

/** `unique-id-format <string>` (one word) and `unique-id-header <name>` (extra words ignored, as HAProxy). */
function parseUniqueId(c: ProxyKwContext): ParseResult {
  const kw = c.a[0] ?? '';
  const v = c.a[1];
  if (v === undefined || v === '') return alert('HLY_CFG_BAD_ARG', `${kw} expects an argument.`);
  if (kw === 'unique-id-header') { c.px.options.uniqueIdHeader = v; return undefined; }
  if (c.a.length > 2 && c.a.slice(2).some((w) => w !== '')) {
    return alert('HLY_CFG_BAD_ARG', `${kw} expects only one argument, don't forget to escape spaces!`);
  }
  c.px.options.uniqueIdFormat = { raw: v, loc: c.loc };
  return undefined;
}

export const optionRows: ProxyRows = [
  { name: 'unique-id-format', cap: 'any', defaults: 'yes', parse: parseUniqueId },
  { name: 'unique-id-header', cap: 'any', defaults: 'yes', parse: parseUniqueId },
  { name: 'option', cap: 'any', defaults: 'yes', parse: parseOption },
  { name: 'log-format', cap: 'any', defaults: 'yes', parse: parseLogFormatKw },
];
