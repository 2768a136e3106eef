// `log` targets, shared by global and proxy sections:
//   log <target> [len <n>] [format <fmt>] [sample <ranges>:<size>] <facility> [<level> [<minlevel>]]
// HAProxy checks the words after the target first and the target last; its messages are prefixed
// with "log : " by the caller.
import { isIP } from 'node:net';
import { spawnSync } from 'node:child_process';
import { alert, type Verdict } from '../diag.js';
import type { Loc } from '../diag.js';
import type { LogTarget } from '../model.js';
import { atol } from '../values.js';

export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit',
  'alert', 'cron2', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
export const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
const FORMATS = new Set(['local', 'rfc3164', 'rfc5424', 'priority', 'short', 'timed', 'iso', 'raw']);

const bad = (msg: string): Verdict => alert('HLY_CFG_BAD_ARG', `log : ${msg}`);

/** `sample a-b,c:size`: the ranges and the size, or HAProxy's complaint. */
function parseSample(text: string): { ranges: [number, number][]; size: number } | string {
  const colon = text.indexOf(':');
  if (colon < 0) return 'Missing sample size';
  const ranges: [number, number][] = [];
  let maxHigh = 0;
  for (const part of text.slice(0, colon).split(',')) {
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(part);
    const low = m === null ? 0 : Number(m[1]);
    const high = m === null ? 0 : m[2] === undefined ? low : Number(m[2]);
    if (m === null || low === 0 || high < low) return `wrong sample range '${part}'`;
    for (const r of ranges) if (low <= r[1] && high >= r[0]) return `ranges ${r[0]}-${r[1]} and ${low}-${high} overlap`;
    ranges.push([low, high]);
    maxHigh = Math.max(maxHigh, high);
  }
  if (ranges.length === 0) return 'no sampling ranges given';
  const sizeText = text.slice(colon + 1);
  const size = /^[0-9]+$/.test(sizeText) ? Number(sizeText) : 0;
  if (size === 0) return `wrong sample size '${sizeText}' for sample range '${text.slice(0, colon)}'`;
  if (size < maxHigh) return `sample size ${size} should be greater or equal to ${maxHigh} the maximum of the high ranges limits`;
  return { ranges, size };
}

/** Parse a log line (a[0] is 'log'); `inGlobal` only changes one message, as in HAProxy. */
export function parseLogTarget(a: readonly string[], loc: Loc, inGlobal = false): LogTarget | Verdict {
  const target = a[1] ?? '';
  if (target === '' || (a[2] ?? '') === '') return bad(`expects <address> and <facility> ${inGlobal ? '' : 'or global'} as arguments`);
  let i = 2;
  let len: number | undefined;
  let format: string | undefined;
  if (a[i] === 'len') {
    const n = atol(a[i + 1] ?? '');
    if (n < 80 || n > 65535) return bad(`invalid log length '${a[i + 1] ?? ''}', must be between 80 and 65535`);
    len = n; i += 2;
  }
  if (a[i] === 'format') {
    const f = a[i + 1] ?? '';
    if (!FORMATS.has(f)) return bad(`unknown log format '${f}'`);
    format = f; i += 2;
  }
  if (a[i] === 'sample') {
    const s = parseSample(a[i + 1] ?? '');
    if (typeof s === 'string') return bad(s);
    // log sampling is not implemented: every line would be sent
    return alert('HLY_CFG_UNSUPPORTED', `'log ... sample' is not supported by Halyard.`);
  }
  const facility = a[i] ?? '';
  if (!(FACILITIES as readonly string[]).includes(facility)) return bad(`unknown log facility '${facility}'`);
  i++;
  const level = a[i];
  if (level !== undefined && level !== '') {
    if (!(LEVELS as readonly string[]).includes(level)) return bad(`unknown optional log level '${level}'`);
    i++;
  }
  const minLevel = a[i];
  if (minLevel !== undefined && minLevel !== '') {
    if (!(LEVELS as readonly string[]).includes(minLevel)) return bad(`unknown optional minimum log level '${minLevel}'`);
    i++;
  }
  if (a[i] !== undefined && a[i] !== '') return bad(`cannot handle unexpected argument '${a[i] ?? ''}'`);
  const addr = checkLogAddress(target);
  if (typeof addr !== 'string') return addr;
  return {
    target: addr, facility, loc,
    ...(format !== undefined ? { format } : {}),
    ...(level !== undefined && level !== '' ? { level } : {}),
    ...(minLevel !== undefined && minLevel !== '' ? { minLevel } : {}),
    ...(len !== undefined ? { len } : {}),
  };
}

/** Resolve a host name the way HAProxy's parser does (getaddrinfo, synchronously). */
function resolvable(host: string): boolean {
  if (host === 'localhost') return true;
  try {
    const r = spawnSync('getent', ['ahosts', host], { encoding: 'utf8', timeout: 10000 });
    return r.status === 0 && typeof r.stdout === 'string' && r.stdout.trim() !== '';
  } catch {
    return false;
  }
}

/**
 * Check the target and return its canonical form: `fd@1`/`fd@2` for stdout/stderr, a path for unix
 * sockets, or `[udp@]host:port` with the syslog port 514 filled in. Rings and TCP syslog are refused.
 */
function checkLogAddress(t: string): string | Verdict {
  if (t === 'stdout') return 'fd@1';
  if (t === 'stderr') return 'fd@2';
  if (t.startsWith('fd@')) {
    if (!/^fd@[0-9]+$/.test(t)) return bad(`invalid file descriptor '${t.slice(3)}' in '${t}'`);
    return t;
  }
  if (t.startsWith('/')) return t;
  if (t.startsWith('unix@')) return t.slice(5);
  if (t.startsWith('ring@') || /^tcp[46]?@/.test(t)) {
    return alert('HLY_CFG_UNSUPPORTED', `log target '${t}' is not supported by Halyard (rings and TCP syslog); use a UDP address, a unix socket, stdout or stderr.`);
  }
  const prefix = /^(udp|udp4|udp6|ipv4|ipv6)@/.exec(t)?.[0] ?? '';
  const body = t.slice(prefix.length);
  let host: string;
  let port: string | undefined;
  const br = /^\[([^\]]*)\](?::(.*))?$/.exec(body);
  if (br !== null) { host = br[1] ?? ''; port = br[2]; }
  else if (isIP(body) === 6 || (body.split(':').length > 2 && isIP(body.slice(0, body.lastIndexOf(':'))) !== 6)) { host = body; }
  else if (body.split(':').length > 2) { host = body.slice(0, body.lastIndexOf(':')); port = body.slice(body.lastIndexOf(':') + 1); }
  else { const k = body.indexOf(':'); host = k < 0 ? body : body.slice(0, k); port = k < 0 ? undefined : body.slice(k + 1); }
  if (port !== undefined && port !== '') {
    if (!/^[0-9]+$/.test(port)) return bad(`invalid character '${[...port].find((ch) => ch < '0' || ch > '9') ?? ''}' in port number '${port}' in '${t}'`);
    if (Number(port) < 1 || Number(port) > 65535) return bad(`invalid port '${port}'`);
  }
  const fam = isIP(host);
  if (fam === 0 && (host === '' || /^[0-9.]+$/.test(host) || !resolvable(host))) return bad(`invalid address: '${host}' in '${t}'`);
  const p = port === undefined || port === '' ? '514' : port;
  return `${prefix}${fam === 6 ? `[${host}]` : host}:${p}`;
}
