/**
 * Byte classes for the HTTP/1 parsers, as lookup tables (undici's `validTokenChars`,
 * HAProxy's `http_char_classes`): one array index per byte instead of a regex or a chain
 * of comparisons on the hot path.
 *
 *   TOKEN[b]      1 when b is a tchar (RFC 9110 §5.6.2): method and field-name bytes.
 *   URI_CHAR[b]   1 for 0x21..0x7E: what HAProxy 2.6 accepts in a request-target without
 *                 `option accept-invalid-http-request` (controls, SP and bytes >= 0x80 are 400).
 *                 request.ts tests the same range inline (measurably faster than a lookup).
 *   FIELD[b]      class of a byte inside a field value: FIELD_OK, FIELD_CR, FIELD_LF or
 *                 FIELD_BAD (NUL, controls other than HTAB, DEL). HAProxy 2.6.12 forwards
 *                 controls and even NUL in values; we refuse them on purpose (RFC 9110 §5.5
 *                 lets a recipient reject, and some origins treat \x0b/\x0c as whitespace).
 */

export const TOKEN = new Uint8Array(256);
export const URI_CHAR = new Uint8Array(256);
export const FIELD = new Uint8Array(256);

export const FIELD_OK = 0;
export const FIELD_CR = 1;
export const FIELD_LF = 2;
export const FIELD_BAD = 3;

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HT = 0x09;
export const COLON = 0x3a;
export const COMMA = 0x2c;
export const SEMI = 0x3b;

(function fillTables(): void {
  const tchars = "!#$%&'*+-.^_`|~";
  for (let b = 0x30; b <= 0x39; b++) TOKEN[b] = 1;
  for (let b = 0x41; b <= 0x5a; b++) TOKEN[b] = 1;
  for (let b = 0x61; b <= 0x7a; b++) TOKEN[b] = 1;
  for (let i = 0; i < tchars.length; i++) TOKEN[tchars.charCodeAt(i)] = 1;
  for (let b = 0x21; b <= 0x7e; b++) URI_CHAR[b] = 1;
  for (let b = 0; b < 0x20; b++) FIELD[b] = FIELD_BAD;
  FIELD[HT] = FIELD_OK;
  FIELD[CR] = FIELD_CR;
  FIELD[LF] = FIELD_LF;
  FIELD[0x7f] = FIELD_BAD;
})();

/** Lowercase byte for each byte (only A-Z change); used when re-encoding names. */
export const LOWER = new Uint8Array(256);
for (let b = 0; b < 256; b++) LOWER[b] = b >= 0x41 && b <= 0x5a ? b | 0x20 : b;

/**
 * Case-insensitive comparison of buf[start..end) with a lowercase ASCII literal made of
 * letters, digits and '-'. `| 0x20` folds only A-Z onto a-z for such literals: the only
 * other byte it could map onto '-' is CR, which never survives into a name or a trimmed
 * value. No string is created.
 */
export function eqLower(buf: Uint8Array, start: number, end: number, lit: string): boolean {
  if (end - start !== lit.length) return false;
  for (let i = 0; i < lit.length; i++) {
    if (((buf[start + i] as number) | 0x20) !== lit.charCodeAt(i)) return false;
  }
  return true;
}

/** True for SP and HTAB (HAProxy's HTTP_IS_SPHT). */
export function isSpHt(b: number | undefined): boolean {
  return b === SP || b === HT;
}
