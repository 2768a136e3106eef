/**
 * The PROXY protocol header a client sends first on a `bind ... accept-proxy` listener (v1
 * text, v2 binary), read as HAProxy 2.6 reads it (conn_recv_proxy in its src/connection.c).
 *
 * HAProxy peeks at the socket once, with MSG_PEEK, and decides on what that one read returned:
 * a header that is not complete in it is "truncated" and the connection is refused, it never
 * waits for more. The callers do the same with their first read (see `TRUNCATED`), except
 * where the read filled their buffer. HAProxy peeks at most one buffer (tune.bufsize, 16384
 * bytes): a longer header is truncated too, so only that much is looked at.
 *
 * Its leniencies are kept, since they decide which connections are served: TCP4 addresses are
 * read digit by digit (missing octets are 0, an octet keeps its last three digits and may
 * carry into the next), ports wrap (70000 is 4464), a TCP6 line may have extra fields after
 * the destination port, v1 has no length limit of its own. In v2, the PROXY command with a
 * family other than TCP over IPv4/IPv6 keeps the socket's addresses and parses TLVs from the
 * start of the header (which refuses it unless its length is in the thousands); TLVs are
 * skipped, but a CRC32C one must match and AUTHORITY/UNIQUE_ID ones have HAProxy's limits.
 */

/** how much HAProxy looks at: one buffer (tune.bufsize) */
export const PEEK_MAX = 16384;

/** Why a header was refused; `truncated` also means "incomplete so far". */
export type ProxyError = 'truncated' | 'not-hdr' | 'bad-hdr' | 'bad-proto';

/** Why a connection never got its header, besides a refused one. */
export type ProxyWaitError = 'empty' | 'abort' | 'timeout';

export interface ProxiedAddrs {
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
}

export type ProxyHeader =
  /** `len` bytes of header; `addrs` null: keep the socket's (v1 UNKNOWN, v2 LOCAL, other families) */
  | { readonly ok: true; readonly len: number; readonly addrs: ProxiedAddrs | null }
  | { readonly ok: false; readonly error: ProxyError };

/** HAProxy's log messages for each failure (conn_err_code_str), printed after the log prefix. */
export const PROXY_ERROR_TEXT: Readonly<Record<ProxyError | ProxyWaitError, string>> = {
  empty: 'Connection closed while waiting for PROXY protocol header',
  abort: 'Connection error while waiting for PROXY protocol header',
  timeout: 'Timeout while waiting for PROXY protocol header',
  truncated: 'Truncated PROXY protocol header received',
  'not-hdr': 'Received something which does not look like a PROXY protocol header',
  'bad-hdr': 'Received an invalid PROXY protocol header',
  'bad-proto': 'Received an unhandled protocol in the PROXY protocol header',
};

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const V1_PREFIX = [0x50, 0x52, 0x4f, 0x58, 0x59, SP]; // "PROXY "
const TCP4 = [0x54, 0x43, 0x50, 0x34, SP];
const TCP6 = [0x54, 0x43, 0x50, 0x36, SP];
const UNKNOWN = [0x55, 0x4e, 0x4b, 0x4e, 0x4f, 0x57, 0x4e, CR, LF]; // "UNKNOWN\r\n"
const V2_SIG = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];

const TRUNCATED: ProxyHeader = { ok: false, error: 'truncated' };
const BAD_HDR: ProxyHeader = { ok: false, error: 'bad-hdr' };
const BAD_PROTO: ProxyHeader = { ok: false, error: 'bad-proto' };
const NOT_HDR: ProxyHeader = { ok: false, error: 'not-hdr' };

function startsWith(b: Uint8Array, at: number, n: number, lit: readonly number[]): boolean {
  if (at + lit.length > n) return false;
  for (let i = 0; i < lit.length; i++) if (b[at + i] !== lit[i]) return false;
  return true;
}

/** b[at, n) is a proper beginning of `lit` (the protocol name was cut by the end of the read) */
function cutShort(b: Uint8Array, at: number, n: number, lit: readonly number[]): boolean {
  if (at + lit.length <= n) return false;
  for (let i = at; i < n; i++) if (b[i] !== lit[i - at]) return false;
  return true;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** The header at the start of b[0, n). */
export function parseProxyHeader(b: Uint8Array, n: number): ProxyHeader {
  if (n > PEEK_MAX) n = PEEK_MAX;
  if (n < 6) return TRUNCATED;
  if (!startsWith(b, 0, n, V1_PREFIX)) return parseV2(b, n);
  if (n < 9) return TRUNCATED;
  if (startsWith(b, 6, n, TCP4)) return parseTcp4(b, n, 11);
  if (startsWith(b, 6, n, TCP6)) return parseTcp6(b, n, 11);
  if (startsWith(b, 6, n, UNKNOWN)) return { ok: true, len: 15, addrs: null };
  // HAProxy compares such a cut name with stale bytes of its buffer (a refusal either way)
  if (cutShort(b, 6, n, TCP4) || cutShort(b, 6, n, TCP6) || cutShort(b, 6, n, UNKNOWN)) return TRUNCATED;
  return BAD_PROTO;
}

// ------------------------------------------------------------------ v1

/** position reached by the last read (a pair would allocate per call) */
let at = 0;

/**
 * An IPv4 address read as HAProxy's inetaddr_host_lim_ret: up to four dot-separated runs of
 * digits, each counting by its last three digits, summed in place (so 300 carries over).
 */
function readV4(b: Uint8Array, p: number, n: number): number {
  let shift = 24;
  let v = 0;
  let text = p;
  for (;;) {
    while (p < n && isDigit(b[p])) p++;
    const len = p - text;
    if (len > 0) {
      const d1 = (b[p - 1] as number) - 0x30;
      const d10 = len > 1 ? (b[p - 2] as number) - 0x30 : 0;
      const d100 = len > 2 ? (b[p - 3] as number) - 0x30 : 0;
      v = (v + (d100 * 100 + d10 * 10 + d1) * 2 ** shift) % 2 ** 32;
    }
    if (shift === 0 || p === n || b[p] !== 0x2e) break;
    shift -= 8;
    text = ++p;
  }
  at = p;
  return v;
}

/** An unsigned decimal as HAProxy's read_uint: stops at the first non-digit, wraps at 2^32. */
function readUint(b: Uint8Array, p: number, end: number): number {
  let v = 0;
  while (p < end && isDigit(b[p])) {
    v = (v * 10 + ((b[p] as number) - 0x30)) % 2 ** 32;
    p++;
  }
  at = p;
  return v;
}

function v4Text(v: number): string {
  return `${Math.floor(v / 2 ** 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function parseTcp4(b: Uint8Array, n: number, p: number): ProxyHeader {
  const src = readV4(b, p, n);
  p = at;
  if (p === n) return TRUNCATED;
  if (b[p++] !== SP) return BAD_HDR;
  const dst = readV4(b, p, n);
  p = at;
  if (p === n) return TRUNCATED;
  if (b[p++] !== SP) return BAD_HDR;
  const sport = readUint(b, p, n);
  p = at;
  if (p === n) return TRUNCATED;
  if (b[p++] !== SP) return BAD_HDR;
  const dport = readUint(b, p, n);
  p = at;
  if (p > n - 2) return TRUNCATED;
  if (b[p++] !== CR || b[p++] !== LF) return BAD_HDR;
  return { ok: true, len: p, addrs: { srcIp: v4Text(src), srcPort: sport & 0xffff, dstIp: v4Text(dst), dstPort: dport & 0xffff } };
}

/**
 * TCP6: the line up to CR LF, split at spaces; HAProxy cuts the fields as C strings (a space,
 * the CR or a NUL ends one) and accepts extra fields after the destination port.
 */
function parseTcp6(b: Uint8Array, n: number, p: number): ProxyHeader {
  const srcS = p;
  let dstS = -1;
  let sportS = -1;
  let dportS = -1;
  for (;;) {
    if (p > n - 2) return TRUNCATED;
    if (b[p] === CR) {
      p++;
      if (b[p++] !== LF) return BAD_HDR;
      break;
    }
    if (b[p] === SP) {
      if (dstS < 0) dstS = p + 1;
      else if (sportS < 0) sportS = p + 1;
      else if (dportS < 0) dportS = p + 1;
    }
    p++;
  }
  if (dstS < 0 || sportS < 0 || dportS < 0) return BAD_HDR;
  const cr = p - 2;
  // a byte ends a C string field when it is NUL or was a space / the CR (cut by HAProxy)
  const ends = (i: number): boolean => i === cr || b[i] === 0 || (i < cr && b[i] === SP);
  const sport = readUint(b, sportS, dportS - 1);
  if (!ends(at)) return BAD_HDR;
  const dport = readUint(b, dportS, cr);
  if (!ends(at)) return BAD_HDR;
  const src = parseIp6(b, srcS, fieldEnd(b, srcS, cr));
  if (src === null) return BAD_HDR;
  const dst = parseIp6(b, dstS, fieldEnd(b, dstS, cr));
  if (dst === null) return BAD_HDR;
  return { ok: true, len: p, addrs: { srcIp: ip6Text(src), srcPort: sport & 0xffff, dstIp: ip6Text(dst), dstPort: dport & 0xffff } };
}

function fieldEnd(b: Uint8Array, from: number, cr: number): number {
  let i = from;
  while (i < cr && b[i] !== SP && b[i] !== 0) i++;
  return i;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** A dotted quad as inet_pton(AF_INET) reads it (4 octets, at most 255, no leading zero). */
function parseV4Strict(b: Uint8Array, p: number, end: number, out: Uint8Array, o: number): boolean {
  let octets = 0;
  let sawDigit = false;
  let cur = 0;
  for (; p < end; p++) {
    const c = b[p] as number;
    if (isDigit(c)) {
      if (sawDigit && cur === 0) return false;
      cur = cur * 10 + (c - 0x30);
      if (cur > 255) return false;
      if (!sawDigit) {
        if (++octets > 4) return false;
        sawDigit = true;
      }
      out[o + octets - 1] = cur;
    } else if (c === 0x2e && sawDigit) {
      if (octets === 4) return false;
      cur = 0;
      sawDigit = false;
    } else {
      return false;
    }
  }
  return octets === 4 && sawDigit;
}

/** An IPv6 address as inet_pton(AF_INET6) reads it (glibc's rules), as 16 bytes, or null. */
export function parseIp6(b: Uint8Array, p: number, end: number): Uint8Array | null {
  const out = new Uint8Array(16);
  let tp = 0;
  let colonp = -1;
  if (p < end && b[p] === 0x3a) {
    if (p + 1 >= end || b[p + 1] !== 0x3a) return null;
    p++;
  }
  let curtok = p;
  let digits = 0;
  let val = 0;
  while (p < end) {
    const c = b[p++] as number;
    const h = hexVal(c);
    if (h >= 0) {
      if (++digits > 4) return null;
      val = (val << 4) | h;
      continue;
    }
    if (c === 0x3a) {
      curtok = p;
      if (digits === 0) {
        if (colonp >= 0) return null;
        colonp = tp;
        continue;
      }
      if (p >= end) return null;
      if (tp + 2 > 16) return null;
      out[tp++] = (val >> 8) & 0xff;
      out[tp++] = val & 0xff;
      digits = 0;
      val = 0;
      continue;
    }
    if (c === 0x2e && tp + 4 <= 16 && parseV4Strict(b, curtok, end, out, tp)) {
      tp += 4;
      digits = 0;
      p = end;
      break;
    }
    return null;
  }
  if (digits > 0) {
    if (tp + 2 > 16) return null;
    out[tp++] = (val >> 8) & 0xff;
    out[tp++] = val & 0xff;
  }
  if (colonp >= 0) {
    if (tp === 16) return null;
    const moved = tp - colonp;
    for (let i = 1; i <= moved; i++) {
      out[16 - i] = out[colonp + moved - i] as number;
      out[colonp + moved - i] = 0;
    }
    tp = 16;
  }
  return tp === 16 ? out : null;
}

/** 16 bytes as inet_ntop(AF_INET6) writes them (glibc: `::` for the longest run of 2+ zero
 * groups, the first of equals; an IPv4 tail for ::a.b.c.d and ::ffff:a.b.c.d). */
export function ip6Text(a: Uint8Array, off = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(((a[off + 2 * i] as number) << 8) | (a[off + 2 * i + 1] as number));
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      if (curBase < 0) { curBase = i; curLen = 1; } else curLen++;
    } else if (curBase >= 0) {
      if (bestBase < 0 || curLen > bestLen) { bestBase = curBase; bestLen = curLen; }
      curBase = -1;
    }
  }
  if (curBase >= 0 && (bestBase < 0 || curLen > bestLen)) { bestBase = curBase; bestLen = curLen; }
  if (bestBase >= 0 && bestLen < 2) bestBase = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) s += ':';
      continue;
    }
    if (i !== 0) s += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      s += `${a[off + 12]}.${a[off + 13]}.${a[off + 14]}.${a[off + 15]}`;
      return s;
    }
    s += (w[i] as number).toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) s += ':';
  return s;
}

// ------------------------------------------------------------------ v2

const PP2_TYPE_AUTHORITY = 0x02;
const PP2_TYPE_CRC32C = 0x03;
const PP2_TYPE_UNIQUE_ID = 0x05;
const PP2_AUTHORITY_MAX = 255;
const UNIQUEID_LEN = 128;

function parseV2(b: Uint8Array, n: number): ProxyHeader {
  if (n < 16) return TRUNCATED;
  for (let i = 0; i < 12; i++) if (b[i] !== V2_SIG[i]) return NOT_HDR;
  const verCmd = b[12] as number;
  if ((verCmd & 0xf0) !== 0x20) return NOT_HDR;
  const len = ((b[14] as number) << 8) | (b[15] as number);
  const total = 16 + len;
  if (n < total) return TRUNCATED;
  switch (verCmd & 0x0f) {
    case 0x00: // LOCAL: the socket's own addresses, nothing else looked at
      return { ok: true, len: total, addrs: null };
    case 0x01:
      break;
    default:
      return BAD_HDR;
  }
  let addrs: ProxiedAddrs | null = null;
  let tlv = 0;
  const fam = b[13] as number;
  if (fam === 0x11) {
    if (len < 12) return BAD_HDR;
    addrs = {
      srcIp: `${b[16]}.${b[17]}.${b[18]}.${b[19]}`, srcPort: u16(b, 24),
      dstIp: `${b[20]}.${b[21]}.${b[22]}.${b[23]}`, dstPort: u16(b, 26),
    };
    tlv = 28;
  } else if (fam === 0x21) {
    if (len < 36) return BAD_HDR;
    addrs = { srcIp: ip6Text(b, 16), srcPort: u16(b, 48), dstIp: ip6Text(b, 32), dstPort: u16(b, 50) };
    tlv = 52;
  }
  while (tlv < total) {
    if (tlv + 3 > total) return BAD_HDR;
    const type = b[tlv] as number;
    const vlen = u16(b, tlv + 1);
    const value = tlv + 3;
    tlv = value + vlen;
    if (tlv > total) return BAD_HDR;
    if (type === PP2_TYPE_CRC32C) {
      if (vlen !== 4) return BAD_HDR;
      const want = (((b[value] as number) << 24) | ((b[value + 1] as number) << 16) | u16(b, value + 2)) >>> 0;
      const copy = Uint8Array.prototype.slice.call(b, 0, total);
      copy.fill(0, value, value + 4);
      if (crc32c(copy) !== want) return BAD_HDR;
    } else if (type === PP2_TYPE_AUTHORITY) {
      if (vlen > PP2_AUTHORITY_MAX) return BAD_HDR;
    } else if (type === PP2_TYPE_UNIQUE_ID) {
      if (vlen > UNIQUEID_LEN) return BAD_HDR;
    }
  }
  return { ok: true, len: total, addrs };
}

function u16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

let crcTable: Uint32Array | null = null;

/** CRC-32C (Castagnoli), as the PP2_TYPE_CRC32C TLV carries it. */
export function crc32c(data: Uint8Array): number {
  let t = crcTable;
  if (t === null) {
    t = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      t[i] = c >>> 0;
    }
    crcTable = t;
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (crc >>> 8) ^ (t[(crc ^ (data[i] as number)) & 0xff] as number);
  return (crc ^ 0xffffffff) >>> 0;
}
