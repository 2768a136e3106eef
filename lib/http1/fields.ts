/**
 * Field-line scanner shared by the request and response head parsers, plus the parsers of
 * the few header values that decide framing (Content-Length, Transfer-Encoding,
 * Connection, Host). The rules follow what HAProxy 2.6.12 does on the wire (checked with
 * the real binary, see test/lib/http1/malformed-cases.ts):
 *
 * - a field name is one or more tchars directly followed by ':' (no space before the
 *   colon, no empty name); anything else is a 400;
 * - a line may end in CRLF or a bare LF (HAProxy accepts both); a CR not followed by LF
 *   is refused;
 * - obs-fold (a line starting with SP/HTAB) continues the previous value: like HAProxy we
 *   overwrite the CR/LF bytes with SP in place, so even a verbatim copy of the head is
 *   unfolded and no downstream parser can read it differently;
 * - NUL, controls other than HTAB and DEL in a value are refused (stricter than HAProxy);
 * - Content-Length: comma lists and repeated lines are accepted only when every value is
 *   the same number; repeats are marked `drop` (HAProxy forwards one line);
 * - Host: a repeated Host must be equal (case-insensitively) and is dropped, else 400.
 *
 * Transfer-Encoding tokens are only counted here (fields `te*` of the scan state); the
 * request and response parsers turn them into a verdict, because the rules differ.
 */
import {
  COLON, COMMA, CR, FIELD, FIELD_CR, FIELD_LF, HT, LF, SP, TOKEN, eqLower, isSpHt,
} from './chars.js';
import type { MessageHead } from './head.js';
import {
  CONN_CLOSE, CONN_KEEPALIVE, CONN_UPGRADE, HDR_CONNECTION, HDR_CONTENT_LENGTH, HDR_HOST,
  HDR_OTHER, HDR_TRANSFER_ENCODING, HDR_UPGRADE, HDR_WS_KEY,
} from './head.js';
import { DEFAULT_H1_LIMITS } from './limits.js';

/**
 * HAProxy converts a head to HTX before processing it; the HTX copy must fit in
 * bufsize (16384) - maxrewrite (1024), less HTX's own fixed overhead. Measured on 2.6.12:
 * a head is refused when 8 + len(method+uri+version) + sum(8 + name + value) + 8 exceeds
 * 15291 (value trimmed, folds expanded, lines HAProxy skips left out), whatever the number
 * of headers. These are the defaults; the configured ones are in limits.ts.
 */
export const HTX_BUDGET = DEFAULT_H1_LIMITS.htxBudget;
/** And the raw head (start line to empty line) must fit in 16320 bytes of input buffer. */
export const MAX_RAW_HEAD = DEFAULT_H1_LIMITS.maxRawHead;

/**
 * Scans field lines from `pos` (start of the first line after the start line) to
 * `head.end`. Returns the offset just past the empty line, or -1 with head.error set.
 * `isRequest` enables the Host checks.
 */
export function scanFields(head: MessageHead, pos: number, isRequest: boolean): number {
  const buf = head.buf;
  let hdr = head.hdr;
  const maxFields = head.maxFields;
  const maxLines = head.maxLines;
  let stored = 0;
  let cost = 0;
  for (;;) {
    const b = buf[pos];
    if (b === LF) return finish(head, pos + 1, cost);
    if (b === CR) {
      if (buf[pos + 1] !== LF) return fail(head, 'bare-cr', pos);
      return finish(head, pos + 2, cost);
    }
    const ns = pos;
    while (TOKEN[buf[pos] as number] === 1) pos++;
    if (pos === ns || buf[pos] !== COLON) return fail(head, 'bad-header-name', pos);
    const ne = pos++;
    // Value. Fast path: runs of bytes above 0x1F except DEL (visible, SP, obs-text) need
    // no decision; HTAB, CR, LF and the refused controls drop out of the inner loop.
    // Obs-folds are unfolded in place; blanks are trimmed once the line end is known.
    let vs = pos;
    let c = buf[pos] as number;
    for (;;) {
      while (c > 0x1f && c !== 0x7f) c = buf[++pos] as number;
      if (c === HT) {
        c = buf[++pos] as number;
        continue;
      }
      const cls = FIELD[c] as number;
      if (cls !== FIELD_CR && cls !== FIELD_LF) return fail(head, 'bad-header-value', pos);
      let lf = pos;
      if (cls === FIELD_CR) {
        if (buf[pos + 1] !== LF) return fail(head, 'bare-cr', pos);
        lf = pos + 1;
      }
      if (isSpHt(buf[lf + 1])) {
        buf.fill(SP, pos, lf + 1);
        pos = lf + 1;
        c = buf[pos] as number;
        continue;
      }
      break;
    }
    let ve = pos;
    while (vs < ve && isSpHt(buf[vs])) vs++;
    while (ve > vs && isSpHt(buf[ve - 1])) ve--;
    pos = buf[pos] === CR ? pos + 2 : pos + 1;
    const i = head.count;
    if (i >= head.lines) {
      if (i >= maxLines) return fail(head, 'too-many-headers', ns);
      head.grow();
      hdr = head.hdr;
    }
    head.count = i + 1;
    hdr[4 * i] = ns;
    hdr[4 * i + 1] = ne;
    hdr[4 * i + 2] = vs;
    hdr[4 * i + 3] = ve;
    head.kind[i] = HDR_OTHER;
    head.drop[i] = 0;
    const err = classify(head, i, ns, ne, vs, ve, isRequest);
    if (err !== 0) return -1;
    if (head.drop[i] === 0) {
      // HAProxy strips close/keep-alive from Connection and skips the line when nothing is left
      // (it re-adds what the other side needs later): it takes no slot and no HTX room
      const vlen = head.kind[i] === HDR_CONNECTION ? cleanedConnectionLength(buf, vs, ve)
        : (hdr[4 * i + 3] as number) - (hdr[4 * i + 2] as number);
      if (vlen >= 0) {
        if (++stored > maxFields) return fail(head, 'too-many-headers', ns);
        cost += 8 + (ne - ns) + vlen;
      }
    }
  }
}

function finish(head: MessageHead, end: number, cost: number): number {
  head.htxCost += cost;
  return end;
}

export function fail(head: MessageHead, why: NonNullable<MessageHead['error']>, at: number): -1 {
  head.error = why;
  head.errorAt = at;
  return -1;
}

/** Sets kind/drop for header i and folds its value into the head state. 0 or -1. */
function classify(
  head: MessageHead, i: number, ns: number, ne: number, vs: number, ve: number, isRequest: boolean,
): number {
  const buf = head.buf;
  switch (ne - ns) {
    case 4:
      if (isRequest && eqLower(buf, ns, ne, 'host')) {
        head.kind[i] = HDR_HOST;
        if (head.hostIndex < 0) {
          head.hostIndex = i;
        } else {
          const hs = head.hdr[4 * head.hostIndex + 2] as number;
          const he = head.hdr[4 * head.hostIndex + 3] as number;
          if (!sameCaseless(buf, hs, he, vs, ve)) return fail(head, 'host-mismatch', vs);
          head.drop[i] = 1;
        }
      }
      return 0;
    case 7:
      if (eqLower(buf, ns, ne, 'upgrade')) {
        head.kind[i] = HDR_UPGRADE;
        if (head.upgradeIndex < 0) head.upgradeIndex = i;
      }
      return 0;
    case 10:
      if (eqLower(buf, ns, ne, 'connection')) {
        head.kind[i] = HDR_CONNECTION;
        head.connection |= connectionTokens(buf, vs, ve);
      }
      return 0;
    case 14:
      if (eqLower(buf, ns, ne, 'content-length')) {
        head.kind[i] = HDR_CONTENT_LENGTH;
        const n = parseContentLength(buf, vs, ve);
        if (n < 0 || (head.contentLength >= 0 && n !== head.contentLength)) {
          return fail(head, 'bad-content-length', vs);
        }
        if (head.contentLength >= 0) {
          head.drop[i] = 1;
        } else {
          // the line's value becomes its first element's digits as received ("0003" stays, "3, 3"
          // is "3"): every encoder then forwards what haproxy does
          let d = vs;
          while (isSpHt(buf[d])) d++;
          head.hdr[4 * i + 2] = d;
          while (d < ve && (buf[d] as number) >= 0x30 && (buf[d] as number) <= 0x39) d++;
          head.hdr[4 * i + 3] = d;
        }
        head.contentLength = n;
      }
      return 0;
    case 17:
      if (eqLower(buf, ns, ne, 'transfer-encoding')) {
        head.kind[i] = HDR_TRANSFER_ENCODING;
        countCodings(head, buf, vs, ve);
      } else if (eqLower(buf, ns, ne, 'sec-websocket-key')) {
        head.kind[i] = HDR_WS_KEY;
      }
      return 0;
    default:
      return 0;
  }
}

/**
 * Content-Length value: one or more decimal numbers separated by commas and blanks, all
 * equal (RFC 9110 §8.6 allows a recipient to accept such a list). Empty, signed, hex,
 * mixed values and empty list elements are -1. Values past 2^53 are refused too (HAProxy's limit is 2^64).
 */
export function parseContentLength(buf: Uint8Array, p: number, end: number): number {
  if (p === end) return -1;
  let result = -1;
  while (p < end) {
    let b = buf[p] as number;
    if (b === SP || b === HT) {
      p++;
      continue;
    }
    const ds = p;
    let n = 0;
    while (p < end && (b = (buf[p] as number) - 0x30) >= 0 && b <= 9) {
      n = n * 10 + b;
      if (n > Number.MAX_SAFE_INTEGER) return -1;
      p++;
    }
    if (p === ds) return -1;
    while (p < end && isSpHt(buf[p])) p++;
    if (result >= 0 && n !== result) return -1;
    result = n;
    if (p < end) {
      if (buf[p] !== COMMA) return -1;
      p++;
      // HAProxy 2.6.12 refuses a trailing comma ("3," and "3, " are 400).
      while (p < end && isSpHt(buf[p])) p++;
      if (p === end) return -1;
    }
  }
  return result;
}

/** Counts Transfer-Encoding tokens into head.te* (all lines together, in order). */
function countCodings(head: MessageHead, buf: Uint8Array, p: number, end: number): void {
  head.teLines++;
  while (p < end) {
    const b = buf[p];
    if (b === SP || b === HT || b === COMMA) {
      p++;
      continue;
    }
    const ts = p;
    while (p < end && buf[p] !== COMMA) p++;
    let te = p;
    while (te > ts && isSpHt(buf[te - 1])) te--;
    if (eqLower(buf, ts, te, 'chunked')) {
      head.teChunked++;
      head.teLastChunked = true;
    } else {
      head.teOther++;
      head.teLastChunked = false;
    }
  }
}

/** close / keep-alive / upgrade tokens of a Connection value, as CONN_* bits. */
export function connectionTokens(buf: Uint8Array, p: number, end: number): number {
  let bits = 0;
  while (p < end) {
    const b = buf[p];
    if (b === SP || b === HT || b === COMMA) {
      p++;
      continue;
    }
    const ts = p;
    while (p < end && buf[p] !== COMMA) p++;
    let te = p;
    while (te > ts && isSpHt(buf[te - 1])) te--;
    if (eqLower(buf, ts, te, 'close')) bits |= CONN_CLOSE;
    else if (eqLower(buf, ts, te, 'keep-alive')) bits |= CONN_KEEPALIVE;
    else if (eqLower(buf, ts, te, 'upgrade')) bits |= CONN_UPGRADE;
  }
  return bits;
}

/**
 * Length of a Connection value once HAProxy has taken the close and keep-alive tokens out
 * (-1: none left, the line is skipped). Until a token is taken out the value keeps its
 * spelling; after that the kept tokens are joined by bare commas.
 */
export function cleanedConnectionLength(buf: Uint8Array, p: number, end: number): number {
  const vs = p;
  let len = 0;
  let removed = false;
  while (p < end) {
    const b = buf[p];
    if (b === SP || b === HT || b === COMMA) {
      p++;
      continue;
    }
    const ts = p;
    while (p < end && buf[p] !== COMMA) p++;
    let te = p;
    while (te > ts && isSpHt(buf[te - 1])) te--;
    if (eqLower(buf, ts, te, 'close') || eqLower(buf, ts, te, 'keep-alive')) {
      removed = true;
    } else if (!removed) {
      len = p - vs;
    } else {
      len = (len > 0 ? len + 1 : 0) + (te - ts);
    }
  }
  return len > 0 ? len : -1;
}

/** ASCII case-insensitive equality of two ranges of the same buffer. */
export function sameCaseless(buf: Uint8Array, as: number, ae: number, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let k = 0; k < ae - as; k++) {
    const x = buf[as + k] as number;
    const y = buf[bs + k] as number;
    if (x !== y && ((x | 0x20) !== (y | 0x20) || (x | 0x20) < 0x61 || (x | 0x20) > 0x7a)) return false;
  }
  return true;
}

/** Marks every Content-Length line dropped (Transfer-Encoding wins, RFC 9112 §6.3). */
export function dropContentLength(head: MessageHead): void {
  for (let i = 0; i < head.count; i++) {
    if (head.kind[i] === HDR_CONTENT_LENGTH && head.drop[i] === 0) {
      head.drop[i] = 1;
      head.htxCost -= 8 + 14 + (head.hdr[4 * i + 3] as number) - (head.hdr[4 * i + 2] as number);
    }
  }
  head.contentLength = -1;
}

