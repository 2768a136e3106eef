// `bind <addr>[,<addr>...] [options]`: addresses through address.ts (HAProxy's str2sa_range rules for
// listeners), then the option sub-table (HAProxy's bind_kws rows from listener.c, cfgparse-tcp.c,
// cfgparse-unix.c, cli.c). What the listeners need lands in BindConfig.
import { readFileSync } from 'node:fs';
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { BindAddress, BindOptions } from '../model.js';
import { HAPROXY_BIND } from '../haproxy-keywords.js';
import { atol } from '../values.js';
import { noEffect, unsupported } from './common.js';
import type { ProxyRows } from './proxy.js';
import { BIND_RULES, isAddrError, parseSockAddr, validHostname } from './address.js';
import { haproxyBestMatch } from './suggest.js';

interface BindOptCtx {
  readonly c: ProxyKwContext;
  readonly kw: string;
  readonly arg: string;
  readonly o: BindOptions;
  readonly sockets: number;
}

/** A row's answer: an error message (after the `'bind X' in section 'S' : ` prefix) or a ready verdict. */
type BindRes = string | Verdict | undefined;

interface BindRow { readonly name: string; readonly args: 0 | 1; readonly parse: (b: BindOptCtx) => BindRes }

const missing = (b: BindOptCtx, what = 'value'): string => `'${b.kw}' : missing ${what}`;
const unsup = (why: string) => (b: BindOptCtx): Verdict => unsupported(`'bind' option '${b.kw}'`, why);
const noEff = (why: string, what?: string) => (b: BindOptCtx): BindRes => (what !== undefined && b.arg === '' ? missing(b, what) : noEffect(`'bind' option '${b.kw}'`, why));

/** Names from /etc/passwd or /etc/group (HAProxy asks getpwnam/getgrnam at parse time). */
function nameExists(file: string, name: string): boolean {
  try {
    return readFileSync(file, 'utf8').split('\n').some((l) => l.split(':')[0] === name);
  } catch {
    return false;
  }
}

function count(k: 'maxconn' | 'backlog', strict: boolean) {
  return (b: BindOptCtx): BindRes => {
    if (b.arg === '') return missing(b);
    const n = atol(b.arg);
    if (n < 0) return `'${b.kw}' : invalid value ${n}, must be ${strict ? '>' : '>='} 0`;
    if (n > 0) b.o[k] = n;
    return undefined;
  };
}

function flag(k: 'acceptProxy' | 'v4v6' | 'v6only') {
  return (b: BindOptCtx): BindRes => { b.o[k] = true; return undefined; };
}

function pick<K extends 'level' | 'severityOutput'>(k: K, values: readonly NonNullable<BindOptions[K]>[], what: string, list: string) {
  return (b: BindOptCtx): BindRes => {
    if (b.arg === '') return missing(b, what);
    const v = values.find((x) => x === b.arg);
    if (v === undefined) return `'${b.kw}' only supports ${list} (got '${b.arg}')`;
    b.o[k] = v;
    return undefined;
  };
}

function threadSet(b: BindOptCtx, max: number, who: string): BindRes {
  if (!/^[0-9]+(-[0-9]*)?$|^all$|^odd$|^even$/.test(b.arg) || b.arg === '' || atol(b.arg) < 1 || atol(b.arg) > max) {
    return `'${who}' : '${b.arg}' is not a valid number/range. It supports numbers from 1 to ${max}.`;
  }
  return undefined;
}

const TLS = ['allow-0rtt', 'alpn', 'ca-file', 'ca-ignore-err', 'ca-sign-file', 'ca-sign-pass', 'ca-verify-file', 'ciphers', 'ciphersuites',
  'crl-file', 'crt', 'crt-ignore-err', 'crt-list', 'curves', 'ecdhe', 'force-sslv3', 'force-tlsv10', 'force-tlsv11', 'force-tlsv12',
  'force-tlsv13', 'generate-certificates', 'no-ca-names', 'no-sslv3', 'no-tls-tickets', 'no-tlsv10', 'no-tlsv11', 'no-tlsv12', 'no-tlsv13',
  'npn', 'prefer-client-ciphers', 'ssl', 'ssl-max-ver', 'ssl-min-ver', 'strict-sni', 'tls-ticket-keys', 'verify'] as const;
const TLS_ARGS = new Set(['alpn', 'ca-file', 'ca-ignore-err', 'ca-sign-file', 'ca-sign-pass', 'ca-verify-file', 'ciphers', 'ciphersuites',
  'crl-file', 'crt', 'crt-ignore-err', 'crt-list', 'curves', 'ecdhe', 'npn', 'ssl-max-ver', 'ssl-min-ver', 'tls-ticket-keys', 'verify']);

const ROWS: readonly BindRow[] = [
  { name: 'accept-netscaler-cip', args: 1, parse: (b) => (b.arg === '' ? missing(b) : unsup('no NetScaler CIP')(b)) },
  { name: 'accept-proxy', args: 0, parse: flag('acceptProxy') },
  { name: 'backlog', args: 1, parse: count('backlog', true) },
  { name: 'defer-accept', args: 0, parse: noEff('Node cannot set TCP_DEFER_ACCEPT') },
  { name: 'expose-fd', args: 1, parse: (b) => {
    if (b.arg !== 'listeners') return `'${b.kw}' only supports 'listeners' (got '${b.arg}')`;
    b.o.exposeFd = b.arg;
    return undefined;
  } },
  { name: 'gid', args: 1, parse: (b) => { if (b.arg === '') return missing(b); b.o.gid = atol(b.arg); return undefined; } },
  { name: 'group', args: 1, parse: (b) => {
    if (b.arg === '') return missing(b, 'group name');
    if (!nameExists('/etc/group', b.arg)) return `'${b.kw}' : unknown group name '${b.arg}'`;
    b.o.group = b.arg;
    return undefined;
  } },
  { name: 'id', args: 1, parse: (b) => {
    if (b.sockets > 1) return `'${b.kw}' can only be used with a single socket`;
    if (b.arg === '') return `'${b.kw}' : expects an integer argument`;
    if (!/^[+-]?[0-9]+$/.test(b.arg)) return `'${b.kw}' : expects an integer argument, found '${b.arg}'`;
    const n = Number(b.arg);
    if (n <= 0) return `'${b.kw}' : custom id has to be > 0`;
    const clash = b.c.px.binds.find((x) => x.options.id === n);
    if (clash !== undefined) return `'${b.kw}' : custom id ${n} already used at ${clash.loc.file}:${clash.loc.line} ('bind ${bindText(clash.addresses)}')`;
    b.o.id = n;
    return undefined;
  } },
  { name: 'interface', args: 1, parse: (b) => (b.arg === '' ? missing(b, 'interface name') : unsup('Node cannot bind to a device')(b)) },
  { name: 'level', args: 1, parse: pick('level', ['user', 'operator', 'admin'], 'level', `'user', 'operator', and 'admin'`) },
  { name: 'maxconn', args: 1, parse: count('maxconn', false) },
  { name: 'mode', args: 1, parse: (b) => {
    if (!/^[0-7]+$/.test(b.arg)) return `'${b.kw}' : missing or invalid mode '${b.arg}' (octal integer expected)`;
    b.o.mode = parseInt(b.arg, 8);
    return undefined;
  } },
  { name: 'mss', args: 1, parse: noEff('Node cannot set TCP_MAXSEG', 'MSS value') },
  { name: 'name', args: 1, parse: (b) => { if (b.arg === '') return missing(b, 'name'); b.o.name = b.arg; return undefined; } },
  { name: 'namespace', args: 1, parse: (b) => (b.arg === '' ? missing(b, 'namespace id') : unsup('no network namespaces')(b)) },
  { name: 'nice', args: 1, parse: (b) => {
    if (b.arg === '') return missing(b);
    const n = atol(b.arg);
    if (n < -1024 || n > 1024) return `'${b.kw}' : invalid value ${n}, allowed range is -1024..1024`;
    return noEff('no task scheduler priorities')(b);
  } },
  { name: 'process', args: 1, parse: (b) => threadSet(b, 1, b.kw) ?? warning('HLY_CFG_NO_EFFECT', `'process ${b.arg}' on 'bind' lines is deprecated and will be removed in 2.7.`) },
  { name: 'proto', args: 1, parse: (b) => {
    if (b.arg === '') return missing(b);
    if (b.arg === 'h1') { b.o.proto = 'h1'; return undefined; }
    if (b.arg === 'h2' || b.arg === 'fcgi' || b.arg === 'none') return unsup('HTTP/1.1 only')(b);
    return `'${b.kw}' :  unknown MUX protocol '${b.arg}'`;
  } },
  { name: 'severity-output', args: 1, parse: pick('severityOutput', ['none', 'number', 'string'], 'severity format', `'none', 'number', and 'string'`) },
  { name: 'shards', args: 1, parse: noEff('one accept queue per listener', 'value') },
  { name: 'tcp-ut', args: 1, parse: noEff('Node cannot set TCP_USER_TIMEOUT', 'TCP User Timeout value') },
  { name: 'tfo', args: 0, parse: noEff('no TCP Fast Open in Node') },
  { name: 'thread', args: 1, parse: (b) => threadSet(b, 64, b.arg) ?? noEff('worker processes, not threads')(b) },
  { name: 'transparent', args: 0, parse: unsup('Node cannot set IP_TRANSPARENT') },
  { name: 'uid', args: 1, parse: (b) => { if (b.arg === '') return missing(b); b.o.uid = atol(b.arg); return undefined; } },
  { name: 'user', args: 1, parse: (b) => {
    if (b.arg === '') return missing(b, 'user name');
    if (!nameExists('/etc/passwd', b.arg)) return `'${b.kw}' : unknown user name '${b.arg}'`;
    b.o.user = b.arg;
    return undefined;
  } },
  { name: 'v4v6', args: 0, parse: flag('v4v6') },
  { name: 'v6only', args: 0, parse: flag('v6only') },
  ...TLS.map((name): BindRow => ({ name, args: TLS_ARGS.has(name) ? 1 : 0, parse: unsup('no TLS') })),
];

const bindOptionIndex: ReadonlyMap<string, BindRow> = new Map(ROWS.map((r) => [r.name, r]));

function bindText(addrs: readonly BindAddress[]): string {
  return addrs.map((a) => {
    if (a.family === 'unix') return a.path ?? '';
    if (a.family === 'abns') return `abns@${a.path ?? ''}`;
    if (a.family === 'fd') return `fd@${a.fd ?? ''}`;
    const h = a.family === 'ipv6' ? `[${a.host}]` : a.host;
    return a.portLow === a.portHigh ? `${h}:${a.portLow}` : `${h}:${a.portLow}-${a.portHigh}`;
  }).join(',');
}

/** The comma list of a bind line (a trailing comma is tolerated, an empty element is not). */
function parseAddresses(c: ProxyKwContext, list: string): BindAddress[] | Verdict {
  const parts = list.split(',');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const out: BindAddress[] = [];
  for (const part of parts) {
    const r = parseSockAddr(part, BIND_RULES, c.parser.opts.env);
    if (isAddrError(r)) return alert('HLY_CFG_BAD_ARG', `'bind' : ${r.error}`);
    if (r.family === 'sockpair') return unsupported(`'bind' on 'sockpair@' addresses`);
    // names go to DNS after parsing (resolve.ts); malformed names and bad dotted quads need no DNS to fail
    if (r.family === 'host' && (!validHostname(r.host) || /^[0-9.]+$/.test(r.host))) return alert('HLY_CFG_BAD_ARG', `'bind' : invalid address: '${r.host}' in '${part}'`);
    const a: { -readonly [K in keyof BindAddress]: BindAddress[K] } = { family: r.family, host: r.host, portLow: r.portLow, portHigh: r.portHigh };
    if (r.path !== undefined) a.path = r.path;
    if (r.fd !== undefined) a.fd = r.fd;
    if (r.resolveFamily !== undefined) a.resolveFamily = r.resolveFamily;
    out.push(a);
  }
  return out;
}

function parseBind(c: ProxyKwContext): ParseResult {
  const list = c.a[1] ?? '';
  if (list === '') return alert('HLY_CFG_BAD_ARG', `'bind' expects {<path>|[addr1]:port1[-end1]}{,[addr]:port[-end]}... as arguments.`);
  const addresses = parseAddresses(c, list);
  if (!Array.isArray(addresses)) return addresses;
  const sockets = addresses.reduce((n, a) => n + (a.portHigh - a.portLow + 1), 0);
  const pre = `'bind ${list}' in section '${c.px.kind}'`;
  const options: BindOptions = {};
  const verdicts: Verdict[] = [];
  for (let i = 2; i < c.a.length;) {
    const kw = c.a[i] ?? '';
    const row = bindOptionIndex.get(kw);
    if (row === undefined) {
      const near = haproxyBestMatch(kw, [...HAPROXY_BIND, ...TLS]);
      return [...verdicts, alert('HLY_CFG_UNKNOWN_KEYWORD', `${pre}: unknown keyword '${kw}'${near !== undefined ? `; did you mean '${near}' maybe ?` : '.'}`, { col: c.args[i]?.col ?? 0 })];
    }
    const r = row.parse({ c, kw, arg: c.a[i + 1] ?? '', o: options, sockets });
    if (typeof r === 'string') return [...verdicts, alert('HLY_CFG_BAD_ARG', `${pre} : ${r}`, { col: c.args[i]?.col ?? 0 })];
    if (r !== undefined) {
      verdicts.push({ ...r, message: `${pre} : ${r.message}` });
      if (r.severity === 'alert') return verdicts;
    }
    i += 1 + row.args;
  }
  c.px.binds.push({ addresses, options, loc: c.loc });
  return verdicts;
}

export const bindRows: ProxyRows = [
  { name: 'bind', cap: 'fe', defaults: 'no', parse: parseBind },
];
