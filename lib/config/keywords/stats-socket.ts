// `stats socket <address> [bind options]` in global: the runtime API listener. The address is a unix
// socket path (also unix@PATH) or ipv4@/ipv6@ADDR:PORT (or a bare ADDR:PORT). Options are bind
// keywords; errors from them are wrapped as HAProxy does: `'stats socket' : '<inner message>'`.
import { isIP } from 'node:net';
import { alert, type Loc, type Verdict } from '../diag.js';
import type { StatsSocketConfig } from '../model.js';
import { HAPROXY_BIND } from '../haproxy-keywords.js';
import { haproxyBestMatch } from './suggest.js';

export type { StatsSocketConfig };

const SS = `'stats socket'`;
const wrapped = (inner: string): Verdict => alert('HLY_CFG_BAD_ARG', `${SS} : '${inner}'`);
/** bind keywords that make no sense for a CLI listener in Halyard (TLS, kernel knobs) */
const TLS_WORDS = new Set(['ssl', 'crt', 'crt-list', 'ca-file', 'verify', 'alpn', 'ciphers', 'ciphersuites', 'npn', 'curves', 'ecdhe', 'crl-file']);
const FLAGS = new Set(['accept-proxy', 'transparent', 'v4v6', 'v6only', 'defer-accept', 'tfo']);
const VALUED = new Set(['name', 'id', 'maxconn', 'backlog', 'process', 'thread', 'nice', 'interface', 'mss', 'namespace', 'shards', 'tcp-ut', 'proto']);
/** the options a stats socket honours: maxconn and backlog (listen), name and id (labels) */
const KEPT = new Set(['name', 'id', 'maxconn', 'backlog']);

function parseAddress(text: string): Pick<StatsSocketConfig, 'family' | 'path' | 'host' | 'port'> | Verdict {
  let t = text;
  if (t.startsWith('unix@')) return { family: 'unix', path: t.slice(5) };
  if (t.startsWith('/') || t.startsWith('./') || (!t.includes(':') && !t.includes('@'))) return { family: 'unix', path: t };
  let fam: 'ipv4' | 'ipv6' | undefined;
  if (t.startsWith('ipv4@')) { fam = 'ipv4'; t = t.slice(5); } else if (t.startsWith('ipv6@')) { fam = 'ipv6'; t = t.slice(5); } else if (t.startsWith('tcp@')) t = t.slice(4);
  else if (/^[a-z0-9]+@/.test(t)) return alert('HLY_CFG_UNSUPPORTED', `${SS} address '${text}' is not supported by Halyard (use a unix socket path or ipv4@/ipv6@ADDR:PORT).`);
  const k = t.lastIndexOf(':');
  if (k < 0) return alert('HLY_CFG_BAD_ARG', `parsing [%FILE%] : ${SS} : missing port specification in '${text}'`);
  let host = t.slice(0, k);
  const port = t.slice(k + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (!/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65535) return alert('HLY_CFG_BAD_ARG', `${SS} : invalid port '${port}'`);
  if (host === '' || host === '*') host = fam === 'ipv6' ? '::' : '0.0.0.0';
  const ipf = isIP(host);
  if (ipf === 0) return alert('HLY_CFG_BAD_ARG', `${SS} : invalid address: '${host}' in '${text}'`);
  return { family: ipf === 6 ? 'ipv6' : 'ipv4', host, port: Number(port) };
}

/** `a` is the words after `stats socket`. */
export function parseStatsSocket(a: readonly string[], loc: Loc): StatsSocketConfig | Verdict {
  const address = a[0];
  if (address === undefined || address === '') return alert('HLY_CFG_BAD_ARG', `${SS} in global section expects an address or a path to a UNIX socket`);
  const addr = parseAddress(address);
  if ('severity' in addr) {
    return addr.message.startsWith('parsing [%FILE%]')
      ? { ...addr, message: addr.message.replace('%FILE%', `${loc.file}:${loc.line}`) }
      : addr;
  }
  const s: StatsSocketConfig = { address, ...addr, level: 'operator', exposeFd: false, severityOutput: 'none', options: {}, loc };
  for (let i = 1; i < a.length; i++) {
    const k = a[i] ?? '';
    const v = a[i + 1];
    const missing = (what: string): Verdict => wrapped(`'${k}' : ${what}`);
    switch (k) {
      case 'level':
        if (v === undefined) return missing('missing level');
        if (v !== 'user' && v !== 'operator' && v !== 'admin') return wrapped(`'level' only supports 'user', 'operator', and 'admin' (got '${v}')`);
        s.level = v; i++; continue;
      case 'expose-fd':
        if (v === undefined) return missing('missing fd type');
        if (v !== 'listeners') return wrapped(`'expose-fd' only supports 'listeners' (got '${v}')`);
        s.exposeFd = true; i++; continue;
      case 'severity-output':
        if (v === undefined) return missing('missing severity format');
        if (v !== 'none' && v !== 'number' && v !== 'string') return wrapped(`'severity-output' only supports 'none', 'number', and 'string' (got '${v}')`);
        // the runtime API does not prefix its messages with a severity: only the default is honest
        if (v !== 'none') return alert('HLY_CFG_UNSUPPORTED', `${SS} option 'severity-output ${v}' is not supported by Halyard (only 'none').`);
        s.severityOutput = v; i++; continue;
      case 'mode':
        if (v === undefined || !/^[0-7]+$/.test(v)) return missing(v === undefined ? 'missing mode' : `invalid mode '${v}'`);
        s.mode = parseInt(v, 8); i++; continue;
      case 'uid': case 'gid':
        if (v === undefined || !/^[0-9]+$/.test(v)) return missing(v === undefined ? 'missing value' : `invalid value '${v}'`);
        s[k] = Number(v); i++; continue;
      case 'user': case 'group':
        if (v === undefined) return missing('missing value');
        s[k] = v; i++; continue;
      default:
    }
    if (FLAGS.has(k) || (VALUED.has(k) && !KEPT.has(k))) {
      if (VALUED.has(k) && v === undefined) return missing('missing value');
      // a stats socket is a plain listener here: these would be silently ignored
      return alert('HLY_CFG_UNSUPPORTED', `${SS} option '${k}' is not supported by Halyard.`);
    }
    if (VALUED.has(k)) {
      if (v === undefined) return missing('missing value');
      s.options[k] = v; i++; continue;
    }
    if (TLS_WORDS.has(k)) return alert('HLY_CFG_UNSUPPORTED', `${SS} option '${k}' is not supported by Halyard (no TLS).`);
    if (HAPROXY_BIND.has(k)) return alert('HLY_CFG_UNSUPPORTED', `${SS} option '${k}' is not supported by Halyard.`);
    const best = haproxyBestMatch(k, HAPROXY_BIND);
    return alert('HLY_CFG_UNKNOWN_KEYWORD', `${SS} : unknown keyword '${k}'.${best !== undefined ? ` Did you mean '${best}' maybe ?` : ''}`);
  }
  return s;
}
