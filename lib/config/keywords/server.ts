// `server` and `default-server`. (First version: address forms and the common options; the
// full option sub-table is filled in by the server work.)
import { alert, type ParseResult, type Verdict } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { ServerConfig } from '../model.js';
import { atol, parseTime } from '../values.js';
import type { ProxyRows } from './proxy.js';

export interface ParsedAddress {
  host: string;
  family: 'ipv4' | 'ipv6' | 'host' | 'unix';
  port?: number;
  portOffset?: number;
}

/** `<host>[:[+-]port]`, `[v6]:port`, `ipv4@`, `ipv6@`, `unix@`. */
export function parseServerAddress(text: string): ParsedAddress | string {
  let t = text;
  let family: ParsedAddress['family'] | undefined;
  const pfx = /^(ipv4|ipv6|unix|abns|tcp|tcp4|tcp6)@/.exec(t);
  if (pfx !== null) {
    t = t.slice(pfx[0].length);
    if (pfx[1] === 'unix' || pfx[1] === 'abns') return { host: t, family: 'unix' };
    if (pfx[1] === 'ipv6' || pfx[1] === 'tcp6') family = 'ipv6';
    if (pfx[1] === 'ipv4' || pfx[1] === 'tcp4') family = 'ipv4';
  }
  if (t.startsWith('/')) return { host: t, family: 'unix' };
  let host: string;
  let portText: string | undefined;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return `invalid address: '${text}'`;
    host = t.slice(1, close);
    const rest = t.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return `invalid address: '${text}'`;
    portText = rest === '' ? undefined : rest.slice(1);
    family = 'ipv6';
  } else {
    const last = t.lastIndexOf(':');
    const colons = t.split(':').length - 1;
    if (colons > 1 && family !== 'ipv4') {
      // IPv6 without brackets: the port is after the last colon
      host = t.slice(0, last);
      portText = t.slice(last + 1);
      family = 'ipv6';
    } else if (last >= 0) {
      host = t.slice(0, last);
      portText = t.slice(last + 1);
    } else {
      host = t;
    }
  }
  if (family === undefined) family = /^[0-9.]+$/.test(host) ? 'ipv4' : host === '*' ? 'ipv4' : 'host';
  const out: ParsedAddress = { host, family };
  if (portText !== undefined && portText !== '') {
    if (/^[+-][0-9]+$/.test(portText)) { out.portOffset = parseInt(portText, 10); return out; }
    if (!/^[0-9]+$/.test(portText)) return `invalid port '${portText}'`;
    const p = Number(portText);
    if (p < 0 || p > 65535) return `invalid port '${portText}'`;
    out.port = p;
  }
  return out;
}

type Opts = Record<string, string[]>;

/** Server options: name -> number of argument words. */
const OPTION_ARITY: Readonly<Record<string, number>> = {
  check: 0, 'no-check': 0, backup: 0, 'no-backup': 0, disabled: 0, enabled: 0, 'send-proxy': 0, 'send-proxy-v2': 0,
  'no-send-proxy': 0, 'no-send-proxy-v2': 0, 'check-send-proxy': 0, 'non-stick': 0, stick: 0,
  inter: 1, fastinter: 1, downinter: 1, rise: 1, fall: 1, weight: 1, cookie: 1, maxconn: 1, maxqueue: 1, minconn: 1,
  port: 1, addr: 1, slowstart: 1, 'on-marked-down': 1, 'on-marked-up': 1, observe: 1, 'error-limit': 1, 'on-error': 1,
  'init-addr': 1, id: 1, track: 1, 'pool-max-conn': 1, 'pool-purge-delay': 1, 'pool-low-conn': 1, 'max-reuse': 1,
  'resolve-prefer': 1, 'resolve-opts': 1, 'resolve-net': 1,
};

function collectOptions(words: readonly string[], who: string, into: Opts): Verdict | undefined {
  for (let i = 0; i < words.length; i++) {
    const k = words[i] ?? '';
    const n = OPTION_ARITY[k];
    if (n === undefined) return alert('HLY_CFG_UNKNOWN_KEYWORD', `${who} : unknown keyword '${k}'.`, { style: 'bracket' });
    const args = words.slice(i + 1, i + 1 + n);
    if (args.length < n) return alert('HLY_CFG_BAD_ARG', `${who} : '${k}' expects an argument.`, { style: 'bracket' });
    into[k] = args;
    i += n;
  }
  return undefined;
}

function timeOpt(o: Opts, k: string, who: string, srv: string): number | Verdict | undefined {
  const v = o[k]?.[0];
  if (v === undefined) return undefined;
  const r = parseTime(v);
  if (!r.ok) {
    return alert('HLY_CFG_BAD_ARG', `${who} : unexpected character '${r.kind === 'char' ? r.ch : ''}' in '${k}' argument of server ${srv}.`, { style: 'bracket' });
  }
  if (r.ms === 0) return alert('HLY_CFG_BAD_ARG', `${who} : invalid value 0 for argument '${k}' of server ${srv}.`, { style: 'bracket' });
  return r.ms;
}

function buildServer(c: ProxyKwContext, name: string, addr: ParsedAddress, o: Opts, who: string): ServerConfig | Verdict {
  const num = (k: string, d: number): number => (o[k] !== undefined ? atol(o[k]?.[0] ?? '') : d);
  const has = (k: string): boolean => o[k] !== undefined && o[`no-${k}`] === undefined;
  const weight = num('weight', 1);
  if (weight < 0 || weight > 256) return alert('HLY_CFG_BAD_ARG', `${who} : weight of server ${name} is not within 0 and 256 (${weight})..`, { style: 'bracket' });
  const rise = num('rise', 2);
  if (rise <= 0) return alert('HLY_CFG_BAD_ARG', `${who} : 'rise' has to be > 0..`, { style: 'bracket' });
  const fall = num('fall', 3);
  if (fall <= 0) return alert('HLY_CFG_BAD_ARG', `${who} : 'fall' has to be > 0..`, { style: 'bracket' });
  const times: Record<string, number> = {};
  for (const k of ['inter', 'fastinter', 'downinter', 'slowstart']) {
    const t = timeOpt(o, k, who, name);
    if (typeof t === 'object') return t;
    if (t !== undefined) times[k] = t;
  }
  const checkPort = o.port !== undefined ? atol(o.port[0] ?? '') : undefined;
  return {
    name, host: addr.host, family: addr.family,
    ...(addr.port !== undefined ? { port: addr.port } : {}),
    ...(addr.portOffset !== undefined ? { portOffset: addr.portOffset } : {}),
    check: has('check'), inter: times.inter ?? 2000,
    ...(times.fastinter !== undefined ? { fastinter: times.fastinter } : {}),
    ...(times.downinter !== undefined ? { downinter: times.downinter } : {}),
    rise, fall, weight, backup: has('backup'), disabled: o.disabled !== undefined && o.enabled === undefined,
    ...(o.cookie?.[0] !== undefined ? { cookie: o.cookie[0] } : {}),
    maxconn: num('maxconn', 0), maxqueue: num('maxqueue', 0), minconn: num('minconn', 0),
    ...(checkPort !== undefined ? { checkPort } : {}),
    ...(o.addr?.[0] !== undefined ? { checkAddr: o.addr[0] } : {}),
    slowstart: times.slowstart ?? 0,
    ...(has('send-proxy-v2') ? { sendProxy: 'v2' as const } : has('send-proxy') ? { sendProxy: 'v1' as const } : {}),
    ...(o['on-marked-down']?.[0] !== undefined ? { onMarkedDown: o['on-marked-down'][0] } : {}),
    ...(o['on-marked-up']?.[0] !== undefined ? { onMarkedUp: o['on-marked-up'][0] } : {}),
    ...(o.id?.[0] !== undefined ? { id: atol(o.id[0]) } : {}),
    loc: c.loc,
  };
}

function parseServer(c: ProxyKwContext): ParseResult {
  const name = c.a[1];
  const px = c.px;
  if (name === undefined || c.a[2] === undefined) {
    return alert('HLY_CFG_BAD_ARG', `'server' expects <name> and <addr>[:<port>] as arguments.`);
  }
  const who = `'server ${px.name}/${name}'`;
  const addr = parseServerAddress(c.a[2]);
  if (typeof addr === 'string') return alert('HLY_CFG_BAD_ARG', `${who} : ${addr}`, { style: 'bracket' });
  const o: Opts = { ...px.defaultServer };
  const bad = collectOptions(c.a.slice(3), who, o);
  if (bad !== undefined) return bad;
  const dup = px.servers.find((s) => s.name === name);
  if (dup !== undefined) {
    return alert('HLY_CFG_DUPLICATE', `${px.kind} '${px.name}', another server named '${name}' was already defined at line ${dup.loc.line}, please use distinct names.`);
  }
  const srv = buildServer(c, name, addr, o, who);
  if ('severity' in srv) return srv;
  px.servers.push(srv);
  return undefined;
}

function parseDefaultServer(c: ProxyKwContext): ParseResult {
  const o: Opts = { ...c.px.defaultServer };
  const bad = collectOptions(c.a.slice(1), `'default-server'`, o);
  if (bad !== undefined) return bad;
  c.px.defaultServer = o;
  return undefined;
}

export const serverRows: ProxyRows = [
  { name: 'server', cap: 'be', defaults: 'no', misplaced: 'error', parse: parseServer },
  { name: 'default-server', cap: 'be', defaults: 'yes', parse: parseDefaultServer },
];
