/**
 * The hash functions of `hash-type` (sdbm, djb2, wt6, crc32) and the `avalanche` integer mixer,
 * computing the same 32-bit values as HAProxy so a key lands on the same server.
 * They hash bytes in place (no string, no copy).
 *
 * Results are SIGNED 32-bit integers; `h >>> 0` is HAProxy's unsigned value. Returning int32
 * keeps them small integers for V8: a uint32 above 2^31 returned from a call is boxed on the
 * heap, which would make every hashed pick allocate. Consumers convert where they use them.
 */
import type { HashFunction } from './types.js';

export type ByteHash = (buf: Uint8Array, start: number, end: number) => number;

/** sdbm, HAProxy's default: h = c + (h << 6) + (h << 16) - h. */
export function hashSdbm(buf: Uint8Array, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) {
    h = ((buf[i] as number) + (h << 6) + (h << 16) - h) | 0;
  }
  return h | 0;
}

/** djb2: h = h * 33 + c, from 5381. */
export function hashDjb2(buf: Uint8Array, start: number, end: number): number {
  let h = 5381;
  for (let i = start; i < end; i++) {
    h = ((h << 5) + h + (buf[i] as number)) | 0;
  }
  return h;
}

/** wt6: two 32-bit lanes with data-dependent rotations (Willy Tarreau's "wt6"). */
export function hashWt6(buf: Uint8Array, start: number, end: number): number {
  let h0 = 0xa53c965a | 0;
  let h1 = 0x5ca6953a | 0;
  let step0 = 6;
  let step1 = 18;
  for (let i = start; i < end; i++) {
    const c = buf[i] as number;
    h0 = ~(h0 ^ c);
    h1 = ~((h1 + c) | 0);
    // A rotation by 0 shifts by 32: JS (count mod 32) and x86 C both yield x, as required.
    const t = (h1 << step0) | (h1 >>> (32 - step0));
    h1 = (h0 << step1) | (h0 >>> (32 - step1));
    h0 = t;
    const u = ((h0 >>> 16) ^ h1) & 0xffff;
    step0 = u & 0x1f;
    step1 = u >>> 11;
  }
  return h0 ^ h1;
}

// The plain CRC-32 (polynomial 0xEDB88320) table, computed once at load.
const CRC_TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c >>> 0;
}

/** crc32 (the zlib/Ethernet CRC); a table gives the same value as HAProxy's bitwise loop. */
export function hashCrc32(buf: Uint8Array, start: number, end: number): number {
  let h = ~0;
  for (let i = start; i < end; i++) {
    h = (CRC_TABLE[(h ^ (buf[i] as number)) & 0xff] as number) ^ (h >>> 8);
  }
  return ~h;
}

export const HASH_FUNCTIONS: Readonly<Record<HashFunction, ByteHash>> = {
  sdbm: hashSdbm,
  djb2: hashDjb2,
  wt6: hashWt6,
  crc32: hashCrc32,
};

/**
 * Bob Jenkins' 32-bit integer avalanche (HAProxy's full_hash), then a multiply by a large
 * prime so values spread over the whole 32-bit ring. Used for `avalanche` and to place the
 * consistent-hashing points.
 */
export function fullHash(a: number): number {
  a = (a + 0x7ed55d16 + (a << 12)) | 0;
  a = a ^ 0xc761c23c ^ (a >>> 19);
  a = (a + 0x165667b1 + (a << 5)) | 0;
  a = ((a + 0xd3a2646c) | 0) ^ (a << 9);
  a = (a + 0xfd7046c5 + (a << 3)) | 0;
  a = a ^ 0xb55a4f09 ^ (a >>> 16);
  return Math.imul(a, 3221225473 | 0);
}
