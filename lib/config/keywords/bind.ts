// `bind <addr>[,<addr>...] [options]`. (First version: address forms and ports; the bind option
// sub-table is filled in by the listener work.)
import { alert, type ParseResult, type Verdict } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { BindAddress } from '../model.js';
import { HAPROXY_BIND } from '../haproxy-keywords.js';
import { unsupported } from './common.js';
import type { ProxyRows } from './proxy.js';

export function parseBindAddress(text: string): BindAddress | string {
  let t = text;
  let family: BindAddress['family'] | undefined;
  const pfx = /^(ipv4|ipv6|unix|abns|fd|sockpair|udp|udp4|udp6|quic4|quic6|tcp|tcp4|tcp6)@/.exec(t);
  if (pfx !== null) {
    t = t.slice(pfx[0].length);
    const p = pfx[1];
    if (p === 'unix' || p === 'abns') return { family: p, host: '', portLow: 0, portHigh: 0, path: t };
    if (p === 'fd' || p === 'sockpair') return { family: p, host: '', portLow: 0, portHigh: 0, path: t };
    if (p === 'ipv6' || p === 'tcp6') family = 'ipv6';
    else if (p === 'ipv4' || p === 'tcp4') family = 'ipv4';
    else return `'${p}@' addresses are not supported by Halyard`;
  }
  if (t.startsWith('/')) return { family: 'unix', host: '', portLow: 0, portHigh: 0, path: t };
  let host: string;
  let portText: string;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0 || t[close + 1] !== ':') return `missing port specification in '${text}'`;
    host = t.slice(1, close); portText = t.slice(close + 2); family = 'ipv6';
  } else {
    const last = t.lastIndexOf(':');
    if (last < 0) return `missing port specification in '${text}'`;
    host = t.slice(0, last); portText = t.slice(last + 1);
    if (host.includes(':')) family = 'ipv6';
  }
  if (portText === '') return `missing port specification in '${text}'`;
  const range = /^([0-9]+)(?:-([0-9]+))?$/.exec(portText);
  if (range === null) {
    const bad = [...portText].find((ch) => !/[0-9-]/.test(ch)) ?? portText[0] ?? '';
    return `invalid character '${bad}' in port number '${portText}' in '${text}'`;
  }
  const lo = Number(range[1]);
  const hi = range[2] !== undefined ? Number(range[2]) : lo;
  if (lo < 1 || lo > 65535) return `invalid port '${range[1] ?? ''}'`;
  if (hi < 1 || hi > 65535) return `invalid port '${range[2] ?? ''}'`;
  if (hi < lo) return `invalid port range '${portText}'`;
  if (host === '*' || host === '') host = family === 'ipv6' ? '::' : '0.0.0.0';
  if (family === undefined) family = /^[0-9.]+$/.test(host) ? 'ipv4' : 'host';
  return { family, host, portLow: lo, portHigh: hi };
}

const BIND_VALUED = new Set(['name', 'id', 'maxconn', 'backlog', 'mode', 'user', 'group', 'uid', 'gid', 'level', 'interface', 'process', 'thread', 'nice', 'mss', 'tcp-ut', 'severity-output', 'expose-fd', 'namespace', 'proto', 'shards']);
const BIND_FLAGS = new Set(['transparent', 'v4v6', 'v6only', 'defer-accept', 'tfo', 'accept-proxy', 'accept-netscaler-cip']);
const BIND_TLS = new Set(['ssl', 'crt', 'crt-list', 'alpn', 'npn', 'ca-file', 'verify', 'ciphers', 'ciphersuites', 'curves', 'ecdhe', 'no-sslv3', 'no-tlsv10', 'no-tlsv11', 'no-tlsv12', 'no-tlsv13', 'ssl-min-ver', 'ssl-max-ver', 'strict-sni', 'crl-file', 'no-tls-tickets', 'prefer-client-ciphers', 'allow-0rtt', 'force-tlsv12', 'force-tlsv13', 'ca-verify-file', 'tls-ticket-keys', 'generate-certificates', 'ca-sign-file', 'ca-ignore-err', 'crt-ignore-err', 'no-ca-names']);

function parseBind(c: ProxyKwContext): ParseResult {
  const list = c.a[1];
  if (list === undefined || list === '') return alert('HLY_CFG_BAD_ARG', `'bind' expects {<path>|[addr1]:port1[-end1]}{,[addr]:port[-end]}... as arguments.`);
  const addresses: BindAddress[] = [];
  for (const part of list.split(',')) {
    const r = parseBindAddress(part);
    if (typeof r === 'string') return alert('HLY_CFG_BAD_ARG', `'bind' : ${r}`);
    addresses.push(r);
  }
  const options: Record<string, string | number | boolean> = {};
  for (let i = 2; i < c.a.length; i++) {
    const k = c.a[i] ?? '';
    if (BIND_FLAGS.has(k)) { options[k] = true; continue; }
    if (BIND_TLS.has(k)) return unsupported(`'bind' option '${k}'`, 'no TLS');
    if (BIND_VALUED.has(k)) {
      const v = c.a[i + 1];
      if (v === undefined) return alert('HLY_CFG_BAD_ARG', `'bind ${list}' : '${k}' : missing value.`);
      options[k] = v; i++; continue;
    }
    if (HAPROXY_BIND.has(k)) return unsupported(`'bind' option '${k}'`);
    return alert('HLY_CFG_UNKNOWN_KEYWORD', `'bind ${list}' unknown keyword '${k}'.`);
  }
  c.px.binds.push({ addresses, options, loc: c.loc });
  return undefined;
}

export const bindRows: ProxyRows = [
  { name: 'bind', cap: 'fe', defaults: 'no', parse: parseBind },
];
export type { Verdict };
