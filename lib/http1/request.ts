/**
 * Request head parser.
 *
 *   parseRequestHead(buf, start, end, out): 0 | 400 | 422
 *
 * `buf[start..end)` must be one complete head as delimited by HeadReader (start line to
 * the empty line included, leading empty lines already skipped). The result is 0 when
 * the request may be processed, else the status HAProxy answers with (400, or 422 for a
 * Transfer-Encoding that ends in chunked but lists other codings), with out.error /
 * out.errorAt saying why. `out` is reused: one RequestHead per connection.
 *
 * The parser may write into buf: obs-fold CR/LF bytes become SP (see fields.ts).
 *
 * Request-line rules as HAProxy 2.6.12 applies them: method = tchars; one or more SP/HTAB
 * between the parts; request-target bytes 0x21..0x7E only; version exactly HTTP/d.d (any
 * version above 1.0 counts as 1.1, '#' in the target is 400, "http/1.1" and HTTP/0.9-style lines are 400).
 * Framing: Transfer-Encoding must end in a single `chunked` (then every Content-Length is
 * dropped), otherwise Content-Length, otherwise no body. A Host that differs from an
 * absolute-form target's authority is 400, and so is a WebSocket upgrade (Connection:
 * upgrade + Upgrade: websocket) without a 24-byte Sec-WebSocket-Key (HAProxy checks it).
 * Content-Length beside Transfer-Encoding sets out.closeAfter (see head.ts).
 */
import { CR, LF, TOKEN, isSpHt } from './chars.js';
import { HDR_UPGRADE, HDR_WS_KEY, type RequestHead } from './head.js';
import { dropContentLength, fail, sameCaseless, scanFields } from './fields.js';

export function parseRequestHead(buf: Buffer, start: number, end: number, out: RequestHead): number {
  out.reset(buf, start, end);
  let p = start;
  while (TOKEN[buf[p] as number] === 1) p++;
  if (p === start) return bad(out, 'bad-method', p);
  const me = p;
  if (!isSpHt(buf[p])) return bad(out, buf[p] === CR || buf[p] === LF ? 'bad-request-line' : 'bad-method', p);
  out.methodEnd = me;
  while (isSpHt(buf[p])) p++;
  const us = p;
  let u = buf[p] as number;
  while (u > 0x20 && u < 0x7f && u !== 0x23) u = buf[++p] as number; // URI_CHAR, without the lookup
  // a fragment is never sent by a client (RFC 9112 §3.2); haproxy 2.6.12 as Debian ships it refuses '#'
  if (u === 0x23) return bad(out, 'bad-uri', p);
  out.uriStart = us;
  out.uriEnd = p;
  if (p === us || !isSpHt(buf[p])) {
    // CR/LF here is an HTTP/0.9 request, which HAProxy refuses too.
    return bad(out, buf[p] === CR || buf[p] === LF ? 'bad-request-line' : 'bad-uri', p);
  }
  while (isSpHt(buf[p])) p++;
  const v = parseVersion(buf, p);
  if (v < 0) return bad(out, 'bad-version', p);
  out.version = v >= 11 ? 11 : 10;
  p += 8;
  if (buf[p] === CR) p++;
  if (buf[p] !== LF) return bad(out, 'bad-version', p);
  p++;
  const slCost = 16 + (me - start) + (out.uriEnd - us) + 8;

  const ml = me - start;
  out.isHead = ml === 4 && buf[start] === 0x48 && buf[start + 1] === 0x45 && buf[start + 2] === 0x41 && buf[start + 3] === 0x44;
  out.isConnect = ml === 7 && buf.toString('latin1', start, me) === 'CONNECT';

  if (scanFields(out, p, true) < 0) return 400;
  out.htxCost += slCost;

  if (out.teLines > 0) {
    // Transfer-Encoding wins over Content-Length, which HAProxy then removes.
    if (out.teChunked !== 1 || !out.teLastChunked) return bad(out, 'bad-transfer-encoding', start);
    if (out.contentLength >= 0) {
      dropContentLength(out);
      out.closeAfter = true;
    }
    if (out.teOther > 0) {
      out.error = 'unsupported-coding';
      out.errorAt = start;
      return 422;
    }
    out.framing = 'chunked';
  } else if (out.contentLength >= 0) {
    out.framing = 'length';
  } else {
    out.framing = 'none';
  }
  if (out.htxCost > out.htxBudget) return bad(out, 'head-too-large', start);
  if (out.hostIndex >= 0 && !hostMatchesAuthority(out)) return bad(out, 'host-mismatch', out.uriStart);
  if (out.wantsUpgrade() && isWebSocket(out) && !hasWsKey(out)) return bad(out, 'websocket-key', start);
  return 0;
}

function bad(out: RequestHead, why: NonNullable<RequestHead['error']>, at: number): 400 {
  fail(out, why, at);
  return 400;
}

/** "HTTP/d.d" at p: returns major*10+minor, or -1. */
export function parseVersion(buf: Uint8Array, p: number): number {
  if (buf[p] !== 0x48 || buf[p + 1] !== 0x54 || buf[p + 2] !== 0x54 || buf[p + 3] !== 0x50 || buf[p + 4] !== 0x2f) {
    return -1;
  }
  const maj = (buf[p + 5] as number) - 0x30;
  const min = (buf[p + 7] as number) - 0x30;
  if (maj < 0 || maj > 9 || buf[p + 6] !== 0x2e || min < 0 || min > 9) return -1;
  return maj * 10 + min;
}

/**
 * For an absolute-form target (scheme "://" authority ...), the first Host must equal
 * the authority, userinfo excluded (HAProxy's http_get_authority + isteqi).
 */
function hostMatchesAuthority(out: RequestHead): boolean {
  const buf = out.buf;
  let p = out.uriStart;
  const e = out.uriEnd;
  if (buf[p] === 0x2f) return true; // origin-form, the common case
  while (p < e && buf[p] !== 0x3a && buf[p] !== 0x2f) p++;
  if (p + 2 >= e || buf[p] !== 0x3a || buf[p + 1] !== 0x2f || buf[p + 2] !== 0x2f) return true;
  let as = p + 3;
  let ae = as;
  while (ae < e && buf[ae] !== 0x2f && buf[ae] !== 0x3f && buf[ae] !== 0x23) ae++;
  for (let k = as; k < ae; k++) if (buf[k] === 0x40) as = k + 1;
  if (as === ae) return true;
  const h = out.hostIndex;
  return sameCaseless(buf, out.hdr[4 * h + 2] as number, out.hdr[4 * h + 3] as number, as, ae);
}

function isWebSocket(out: RequestHead): boolean {
  for (let i = out.upgradeIndex; i < out.count; i++) {
    if (out.kind[i] === HDR_UPGRADE && containsWebsocket(out, i)) return true;
  }
  return false;
}

// Cold path (upgrade requests only), so a string split is fine here.
function containsWebsocket(out: RequestHead, i: number): boolean {
  const s = out.hdr[4 * i + 2] as number;
  const e = out.hdr[4 * i + 3] as number;
  const text = out.buf.toString('latin1', s, e).toLowerCase();
  return text.split(',').some((t) => t.trim() === 'websocket');
}

/** HAProxy wants a 24-byte key (base64 of a 16-byte nonce, RFC 6455 §4.1). */
function hasWsKey(out: RequestHead): boolean {
  for (let i = 0; i < out.count; i++) {
    if (out.kind[i] === HDR_WS_KEY && (out.hdr[4 * i + 3] as number) - (out.hdr[4 * i + 2] as number) === 24) return true;
  }
  return false;
}
