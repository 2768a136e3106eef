/**
 * Re-encoding a parsed head the way HAProxy 2.6 forwards it (observed on the wire):
 *   - start line rebuilt with single spaces; the version becomes HTTP/1.0 or HTTP/1.1
 *     (a request sent as HTTP/2.0 is forwarded as HTTP/1.1); a response keeps its reason;
 *   - header names lowercased, "name: value" with the trimmed (unfolded) value, CRLF;
 *   - lines marked `drop` left out (repeated Content-Length/Host, Content-Length beside
 *     Transfer-Encoding, a 204's Content-Length); Content-Length written as the number.
 * One Buffer allocation per head. The engine, which also adds and removes headers per the
 * rules, can use these as its base or write the same bytes into its own buffer.
 */
import { LOWER } from './chars.js';
import { type MessageHead, type RequestHead, type ResponseHead } from './head.js';

export function encodeRequestHead(head: RequestHead): Buffer {
  const ml = head.methodEnd - head.start;
  const ul = head.uriEnd - head.uriStart;
  const size = ml + 1 + ul + 1 + 8 + 2 + fieldsSize(head) + 2;
  const out = Buffer.allocUnsafe(size);
  let p = head.buf.copy(out, 0, head.start, head.methodEnd);
  out[p++] = 0x20;
  p += head.buf.copy(out, p, head.uriStart, head.uriEnd);
  out[p++] = 0x20;
  p += out.write(head.version === 11 ? 'HTTP/1.1\r\n' : 'HTTP/1.0\r\n', p, 'latin1');
  p = writeFields(head, out, p);
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  return out;
}

export function encodeResponseHead(head: ResponseHead): Buffer {
  const rl = head.reasonEnd - head.reasonStart;
  const size = 8 + 1 + 3 + 1 + rl + 2 + fieldsSize(head) + 2;
  const out = Buffer.allocUnsafe(size);
  let p = out.write(head.version === 11 ? 'HTTP/1.1 ' : 'HTTP/1.0 ', 0, 'latin1');
  p += out.write(String(head.status) + ' ', p, 'latin1');
  p += head.buf.copy(out, p, head.reasonStart, head.reasonEnd);
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  p = writeFields(head, out, p);
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  return out;
}

function fieldsSize(head: MessageHead): number {
  const h = head.hdr;
  let size = 0;
  for (let i = 0; i < head.count; i++) {
    if (head.drop[i] !== 0) continue;
    const vl = (h[4 * i + 3] as number) - (h[4 * i + 2] as number);
    size += (h[4 * i + 1] as number) - (h[4 * i] as number) + 2 + vl + 2;
  }
  return size;
}

function writeFields(head: MessageHead, out: Buffer, p: number): number {
  const h = head.hdr;
  const buf = head.buf;
  for (let i = 0; i < head.count; i++) {
    if (head.drop[i] !== 0) continue;
    const ne = h[4 * i + 1] as number;
    for (let k = h[4 * i] as number; k < ne; k++) out[p++] = LOWER[buf[k] as number] as number;
    out[p++] = 0x3a;
    out[p++] = 0x20;
    p += buf.copy(out, p, h[4 * i + 2] as number, h[4 * i + 3] as number);
    out[p++] = 0x0d;
    out[p++] = 0x0a;
  }
  return p;
}
