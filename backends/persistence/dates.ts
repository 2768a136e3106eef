/**
 * The dates `maxidle` / `maxlife` append to a persistence cookie (`SRV=a|<last>|<first>`): a unix
 * time in 4-second units, 30 bits, written as five base64 digits, most significant first, with
 * no padding (HAProxy's s30tob64 / b64tos30). A date is written as (t + 3) >> 2, so it reads
 * back as the next multiple of 4 seconds at or after t.
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Digit value of each latin1 code, -1 for anything that is not a base64 digit ('=' included). */
const B64_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** The low 30 bits of `v` as five digits. */
export function s30ToB64(v: number): string {
  let s = '';
  for (let shift = 24; shift >= 0; shift -= 6) s += B64[(v >>> shift) & 63];
  return s;
}

/** The five digits at `s[at..at+5)` as a 30-bit number, or -1 when one of them is not a digit. */
export function b64ToS30(s: string, at: number): number {
  let v = 0;
  for (let i = at; i < at + 5; i++) {
    const c = s.charCodeAt(i);
    const d = c < 256 ? (B64_VALUE[c] as number) : -1;
    if (d < 0) return -1;
    v = (v << 6) + d;
  }
  return v;
}

/** The field written for `nowSec` (a last-seen or first-seen date). */
export function encodeCookieDate(nowSec: number): string {
  return s30ToB64((nowSec + 3) >> 2);
}

/** A field read back as seconds (what HAProxy compares with maxidle/maxlife), or 0 when invalid. */
export function decodeCookieDate(field: string): number {
  if (field.length < 5) return 0;
  const v = b64ToS30(field, 0);
  return v > 0 ? v << 2 : 0;
}
