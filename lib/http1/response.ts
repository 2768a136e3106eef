/**
 * Response head parser.
 *
 *   parseResponseHead(buf, start, end, out, ctx): 0 | 502
 *
 * Same contract as parseRequestHead (fields.ts does the field lines), but a bad response
 * is HAProxy's 502. `ctx` is what the framing needs to know about the request this
 * response answers: RESP_TO_HEAD, RESP_TO_CONNECT, RESP_TO_UPGRADE (see responseContext).
 *
 * Framing (RFC 9112 §6.3, and what HAProxy 2.6.12 did on the wire):
 *   - 1xx other than 101: 'none', out.interim = true (forward it, read the next head);
 *   - 101: 'tunnel' if the request asked to upgrade, else 502 (HAProxy does the same);
 *   - a 2xx to CONNECT: 'tunnel';
 *   - a response to HEAD, 204, 304: 'none' (a 204's Content-Length is dropped, as HAProxy
 *     does; a 304's and HEAD's are kept, they describe the representation);
 *   - Transfer-Encoding ending in one `chunked`: 'chunked', Content-Length dropped; an empty
 *     Transfer-Encoding: 'close' (HAProxy); any other coding: 502 (HAProxy 2.6.12);
 *   - Content-Length: 'length'; otherwise 'close' (read until the server closes).
 * Status: exactly three digits (HAProxy also forwards "20" or "2000"; we send 502).
 */
import { CR, LF, isSpHt } from './chars.js';
import { HDR_CONTENT_LENGTH, type RequestHead, type ResponseHead } from './head.js';
import { dropContentLength, fail, scanFields } from './fields.js';
import { parseVersion } from './request.js';

export const RESP_TO_HEAD = 1;
export const RESP_TO_CONNECT = 2;
export const RESP_TO_UPGRADE = 4;

/** The ctx bits parseResponseHead needs, from the request head. */
export function responseContext(req: RequestHead): number {
  return (req.isHead ? RESP_TO_HEAD : 0) | (req.isConnect ? RESP_TO_CONNECT : 0) | (req.wantsUpgrade() ? RESP_TO_UPGRADE : 0);
}

export function parseResponseHead(buf: Buffer, start: number, end: number, out: ResponseHead, ctx: number): number {
  out.reset(buf, start, end);
  let p = start;
  const v = parseVersion(buf, p);
  if (v < 0) return bad(out, 'bad-version', p);
  out.version = v >= 11 ? 11 : 10;
  p += 8;
  if (!isSpHt(buf[p])) return bad(out, 'bad-status-line', p);
  while (isSpHt(buf[p])) p++;
  const d0 = (buf[p] as number) - 0x30;
  const d1 = (buf[p + 1] as number) - 0x30;
  const d2 = (buf[p + 2] as number) - 0x30;
  if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return bad(out, 'bad-status-line', p);
  out.status = d0 * 100 + d1 * 10 + d2;
  p += 3;
  let rs = p;
  if (isSpHt(buf[p])) {
    while (isSpHt(buf[p])) p++;
    rs = p;
    // Reason phrase: anything up to the line end; a CR must start CRLF.
    while (buf[p] !== CR && buf[p] !== LF) p++;
  }
  out.reasonStart = rs;
  out.reasonEnd = p;
  if (buf[p] === CR) {
    if (buf[p + 1] !== LF) return bad(out, 'bare-cr', p);
    p++;
  }
  if (buf[p] !== LF) return bad(out, 'bad-status-line', p);
  p++;
  if (scanFields(out, p, false) < 0) return 502;
  out.htxCost += 16 + 8 + 3 + (out.reasonEnd - rs);
  if (out.htxCost > out.htxBudget) return bad(out, 'head-too-large', start);

  const st = out.status;
  if (st < 200) {
    if (st === 101) {
      if ((ctx & RESP_TO_UPGRADE) === 0) return bad(out, 'unexpected-101', start);
      out.framing = 'tunnel';
      return 0;
    }
    out.interim = true;
    out.framing = 'none';
    return 0;
  }
  if ((ctx & RESP_TO_CONNECT) !== 0 && st < 300) {
    out.framing = 'tunnel';
    return 0;
  }
  if (out.teLines > 0) {
    if (out.teChunked + out.teOther === 0) {
      out.framing = 'close';
    } else if (out.teChunked !== 1 || !out.teLastChunked || out.teOther > 0) {
      return bad(out, 'bad-transfer-encoding', start);
    } else {
      out.framing = 'chunked';
    }
    if (out.contentLength >= 0) dropContentLength(out);
  } else if (out.contentLength >= 0) {
    out.framing = 'length';
  } else {
    out.framing = 'close';
  }
  if ((ctx & RESP_TO_HEAD) !== 0 || st === 204 || st === 304) {
    if (st === 204) dropAllContentLength(out);
    out.framing = 'none';
  }
  return 0;
}

function dropAllContentLength(out: ResponseHead): void {
  for (let i = 0; i < out.count; i++) if (out.kind[i] === HDR_CONTENT_LENGTH) out.drop[i] = 1;
}

function bad(out: ResponseHead, why: NonNullable<ResponseHead['error']>, at: number): 502 {
  fail(out, why, at);
  return 502;
}
