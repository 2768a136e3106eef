/**
 * `cookie ... dynamic` with `dynamic-cookie-key`: a server without its own `cookie` value gets
 * one derived from the key, its IP address and its port, as HAProxy's srv_set_dyncookie() does:
 * XXH64 (seed 0) over key bytes + address bytes (4 or 16, network order) + port as a 32-bit
 * big-endian number, printed as 16 lowercase hex digits. Computed once at start-up, so BigInt
 * arithmetic is fine here.
 */
import { isIPv4, isIPv6 } from 'node:net';

const M64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

const rotl = (x: bigint, r: number): bigint => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & M64;
const round = (acc: bigint, lane: bigint): bigint => (rotl((acc + lane * P2) & M64, 31) * P1) & M64;
const mergeRound = (acc: bigint, v: bigint): bigint => (((acc ^ round(0n, v)) * P1) + P4) & M64;

/** XXH64 of `b` (the reference algorithm, little-endian lanes). */
export function xxh64(b: Buffer, seed = 0n): bigint {
  const len = b.length;
  let p = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (seed + P1 + P2) & M64;
    let v2 = (seed + P2) & M64;
    let v3 = seed & M64;
    let v4 = (seed - P1) & M64;
    for (; p <= len - 32; p += 32) {
      v1 = round(v1, b.readBigUInt64LE(p));
      v2 = round(v2, b.readBigUInt64LE(p + 8));
      v3 = round(v3, b.readBigUInt64LE(p + 16));
      v4 = round(v4, b.readBigUInt64LE(p + 24));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) & M64;
    h = mergeRound(mergeRound(mergeRound(mergeRound(h, v1), v2), v3), v4);
  } else {
    h = (seed + P5) & M64;
  }
  h = (h + BigInt(len)) & M64;
  for (; p + 8 <= len; p += 8) h = (rotl(h ^ round(0n, b.readBigUInt64LE(p)), 27) * P1 + P4) & M64;
  if (p + 4 <= len) {
    h = (rotl(h ^ ((BigInt(b.readUInt32LE(p)) * P1) & M64), 23) * P2 + P3) & M64;
    p += 4;
  }
  for (; p < len; p++) h = (rotl(h ^ ((BigInt(b[p] as number) * P5) & M64), 11) * P1) & M64;
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  h ^= h >> 32n;
  return h;
}

/** The address as the bytes HAProxy hashes, or null when it is not an IP literal. */
function addrBytes(host: string): Buffer | null {
  if (isIPv4(host)) return Buffer.from(host.split('.').map(Number));
  if (!isIPv6(host)) return null;
  const out = Buffer.alloc(16);
  let h = host;
  // an embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups
  const dot = h.lastIndexOf(':');
  const tail = h.slice(dot + 1);
  if (isIPv4(tail)) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    h = `${h.slice(0, dot + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = h.split('::');
  const hi = head === '' ? [] : head.split(':');
  const lo = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? hi : [...hi, ...new Array<string>(8 - hi.length - lo.length).fill('0'), ...lo];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/**
 * The dynamic cookie value of a server at `host:port` for `key`, or null when HAProxy would not
 * give it one because the address is not an IPv4/IPv6 literal.
 */
export function dynamicCookie(key: string, host: string, port: number): string | null {
  const addr = addrBytes(host);
  if (addr === null) return null;
  const k = Buffer.from(key, 'latin1');
  const buf = Buffer.alloc(k.length + addr.length + 4);
  k.copy(buf, 0);
  addr.copy(buf, k.length);
  buf.writeUInt32BE(port >>> 0, k.length + addr.length);
  return xxh64(buf).toString(16).padStart(16, '0');
}
