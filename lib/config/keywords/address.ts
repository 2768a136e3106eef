// Socket addresses as HAProxy's str2sa_range() reads them, for `server` and `bind`: env expansion
// (done here even outside quotes, as HAProxy does), family prefixes, [v6]/bare v6, port, port range,
// +N/-N offsets. Each caller says which forms it allows; errors keep HAProxy's wording.
import { fstatSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';

export type SockFamily = 'ipv4' | 'ipv6' | 'host' | 'unix' | 'abns' | 'fd' | 'sockpair';

export interface SockAddr {
  readonly family: SockFamily;
  /** IP literal, hostname (family 'host'), or '' for "any" */
  readonly host: string;
  /** for 'host': the family the name must resolve to (ipv4@ / ipv6@ prefixes) */
  readonly resolveFamily?: 4 | 6;
  /** 0 when no port was given */
  readonly portLow: number;
  readonly portHigh: number;
  /** +N / -N relative port (servers only); 0 when absent */
  readonly portOffset: number;
  readonly path?: string;
  readonly fd?: number;
}

export interface AddrRules {
  readonly portMandatory: boolean;
  readonly portRange: boolean;
  readonly portOffset: boolean;
  /** fd@N must name an open socket (bind); otherwise fd@ is refused (server) */
  readonly socketFd: boolean;
}

export const SERVER_RULES: AddrRules = { portMandatory: false, portRange: false, portOffset: true, socketFd: false };
export const BIND_RULES: AddrRules = { portMandatory: true, portRange: true, portOffset: false, socketFd: true };

/** An address error. `nl` marks HAProxy messages that end in a newline (server lines print a blank line after them). */
export interface AddrError { readonly error: string; readonly nl: boolean }

const err = (error: string, nl = false): AddrError => ({ error, nl });

/** HAProxy's env_expand(): `$NAME` and `${NAME}` (NAME = [A-Za-z0-9_]*); unset variables expand to nothing. */
export function envExpand(text: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const d = text.indexOf('$', i);
    if (d < 0) { out += text.slice(i); break; }
    out += text.slice(i, d);
    let b = d + 1;
    const brace = text[b] === '{';
    if (brace) b++;
    let e = b;
    while (e < text.length && /[A-Za-z0-9_]/.test(text[e] ?? '')) e++;
    out += env[text.slice(b, e)] ?? '';
    i = brace && text[e] === '}' ? e + 1 : e;
  }
  return out;
}

const PREFIXES: ReadonlyArray<readonly [string, SockFamily | 'any' | 'dgram' | 'quic4' | 'quic6' | 'uxdg', 4 | 6 | 0]> = [
  ['unix@', 'unix', 0], ['uxst@', 'unix', 0], ['uxdg@', 'uxdg', 0], ['abns@', 'abns', 0], ['ip@', 'any', 0],
  ['ipv4@', 'ipv4', 4], ['ipv6@', 'ipv6', 6], ['tcp4@', 'ipv4', 4], ['tcp6@', 'ipv6', 6], ['tcp@', 'any', 0],
  ['udp4@', 'dgram', 4], ['udp6@', 'dgram', 6], ['udp@', 'dgram', 0], ['quic4@', 'quic4', 4], ['quic6@', 'quic6', 6],
  ['fd@', 'fd', 0], ['sockpair@', 'sockpair', 0],
];

/** C's atoi() on a port text: leading digits only. */
function atoiDigits(s: string): number {
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    if (v > 1e9) break;
  }
  return v;
}

/** inet_pton-like literal check honouring a forced family; undefined when not a literal of that family. */
function ipLiteral(host: string, want: 4 | 6 | 0): { family: 'ipv4' | 'ipv6'; host: string } | undefined {
  let h = host;
  if (h.startsWith('[')) {
    if (h.length < 4 || !h.endsWith(']')) return undefined;
    h = h.slice(1, -1);
  }
  if (h === '::') return want === 4 ? undefined : { family: 'ipv6', host: '::' };
  if (h === '' || h === '*') return want === 6 ? { family: 'ipv6', host: '::' } : { family: 'ipv4', host: '0.0.0.0' };
  if (want !== 4 && isIPv6(h) && !h.includes('%')) return { family: 'ipv6', host: h };
  if (want !== 6 && isIPv4(h)) return { family: 'ipv4', host: h };
  return undefined;
}

function fdCheck(n: number): string | undefined {
  try {
    if (!fstatSync(n).isSocket()) return 'Socket operation on non-socket';
  } catch (e: unknown) {
    const code = (e as { code?: string }).code;
    return code === 'EBADF' ? 'Bad file descriptor' : String(code ?? e);
  }
  return undefined;
}

/** Parse one address (no commas). `text` is the word as written; env variables are expanded here. */
export function parseSockAddr(text: string, rules: AddrRules, env: Readonly<Record<string, string | undefined>>): SockAddr | AddrError {
  let s = envExpand(text, env);
  if (s === '') return err(`'${text}' resolves to an empty address (environment variable missing?)`, true);
  let dgram = false;
  if (s.startsWith('stream+')) s = s.slice(7);
  else if (s.startsWith('dgram+')) { s = s.slice(6); dgram = true; }
  let kind: SockFamily | 'any' | 'dgram' | 'quic4' | 'quic6' | 'uxdg' = 'any';
  let want: 4 | 6 | 0 = 0;
  const pfx = PREFIXES.find((p) => s.startsWith(p[0]));
  if (pfx !== undefined) { s = s.slice(pfx[0].length); kind = pfx[1]; want = pfx[2]; } else if (s.startsWith('/')) kind = 'unix';
  if (kind === 'dgram' || kind === 'uxdg') dgram = true;

  if (kind === 'fd' || kind === 'sockpair') {
    if (!/^[0-9]+$/.test(s)) return err(`file descriptor '${s}' is not a valid integer in '${text}'`, true);
    const fd = Number(s);
    if (kind === 'fd' && !rules.socketFd) return err(`a file descriptor is not acceptable here in '${text}'`, true);
    const bad = fdCheck(fd);
    if (bad !== undefined) return err(`cannot use file descriptor '${fd}' : ${bad}.`, true);
    return { family: kind, host: '', portLow: 0, portHigh: 0, portOffset: 0, fd };
  }
  if (kind === 'unix' || kind === 'abns' || kind === 'uxdg') {
    // sun_path is 108 bytes; HAProxy keeps room for ".<pid>.tmp" on plain unix sockets
    const max = kind === 'abns' ? 107 : 107 - (1 + 5 + 1 + 3);
    if (Buffer.byteLength(s) > max) return err(`socket path '${text}' too long (max ${max})`, true);
    if (dgram) return err(`dgram-type address not acceptable in '${text}'`, true);
    return { family: kind === 'abns' ? 'abns' : 'unix', host: '', portLow: 0, portHigh: 0, portOffset: 0, path: s };
  }

  // IPv4 / IPv6 / hostname: the port is after the last ':' unless a ']' comes first
  let chr = s.length - 1;
  while (chr > 0 && s[chr] !== ']' && s[chr] !== ':') chr--;
  let hostText = s;
  let p1 = '';
  if (s[chr] === ':') { hostText = s.slice(0, chr); p1 = s.slice(chr + 1); } else if (rules.portMandatory) {
    return err(`missing port specification in '${text}'`);
  }
  let portLow = 0;
  let portHigh = 0;
  let portOffset = 0;
  const c0 = p1.charCodeAt(0);
  if (c0 >= 0x30 && c0 <= 0x39) {
    const dash = p1.indexOf('-');
    if (dash >= 0 && !rules.portRange) return err(`port range not permitted here in '${text}'`);
    const t1 = dash >= 0 ? p1.slice(0, dash) : p1;
    const t2 = dash >= 0 ? p1.slice(dash + 1) : p1;
    portLow = atoiDigits(t1);
    portHigh = atoiDigits(t2);
    const min = rules.portMandatory ? 1 : 0;
    if (portLow < min || portLow > 65535) return err(`invalid port '${t1}'`);
    if (portHigh < min || portHigh > 65535) return err(`invalid port '${t2}'`);
    if (portLow > portHigh) return err(`invalid port range '${portLow}-${portHigh}'`);
  } else if (p1[0] === '-' || p1[0] === '+') {
    if (!rules.portOffset) return err(`port offset not permitted here in '${text}'`);
    portOffset = (p1[0] === '-' ? -1 : 1) * atoiDigits(p1.slice(1));
  } else if (p1 !== '') {
    return err(`invalid character '${p1[0] ?? ''}' in port number '${p1}' in '${text}'`, true);
  } else if (rules.portMandatory) {
    return err(`missing port specification in '${text}'`);
  }

  if (kind === 'dgram') return err(`dgram-type address not acceptable in '${text}'`, true);
  if (kind === 'quic4' || kind === 'quic6') {
    return err(`unsupported stream protocol for datagram family ${kind === 'quic4' ? 2 : 10} address '${text}'; QUIC is not compiled in if this is what you were looking for.`);
  }
  if (dgram) return err(`dgram-type address not acceptable in '${text}'`, true);
  const lit = ipLiteral(hostText, want);
  const ports = { portLow, portHigh, portOffset };
  if (lit !== undefined) return { family: lit.family, host: lit.host, ...ports };
  return { family: 'host', host: hostText, ...ports, ...(want !== 0 ? { resolveFamily: want } : {}) };
}

export function isAddrError(x: SockAddr | AddrError): x is AddrError {
  return 'error' in x;
}

/** HAProxy's resolv_str_to_dn_label() refusal: an empty label (leading dot, or two dots in a row). */
export function badDnsName(host: string): boolean {
  return host.startsWith('.') || host.includes('..');
}

/** resolv_hostname_validation(): letters, digits, '-', '_' in labels of at most 63 bytes, 255 in all. */
export function validHostname(host: string): boolean {
  if (host.length > 255) return false;
  for (const label of host.split('.')) {
    if (label.length > 63) return false;
    if (!/^[A-Za-z0-9_-]*$/.test(label)) return false;
  }
  return true;
}
