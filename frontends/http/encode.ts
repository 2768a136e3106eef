/**
 * Heads as the engine forwards them (HAProxy 2.6 on the wire): start line rebuilt with single
 * spaces, header names lowercased, `name: value` with the trimmed value, lines the parser marked
 * `drop` left out, the hop-by-hop Connection header left out (the engine writes its own, the way
 * HAProxy's H1 mux decides it), then the engine's extra lines.
 *
 * Two sources: the parsed head (offsets into the bytes received: one Buffer allocation, no
 * per-header string), or the HttpTxn's HeaderList once a rule or persistence edited it.
 *
 * The start line is a string, or, when no rule changed it, `head` itself: written from the bytes
 * received (`METHOD URI HTTP/1.x`, or `HTTP/1.1 STATUS REASON`), without making strings. A
 * `tail` (body bytes that came with the head) is appended, so that both leave in one write.
 *
 * Also the other wire-level decisions the session makes on heads: the X-Forwarded-For line,
 * `connection: close` on a proxy-made reply, and the chunk check of bytes that came with a head.
 */
import { BodyFramer } from '../../lib/http1/body.js';
import { LOWER } from '../../lib/http1/chars.js';
import { HDR_CONNECTION, ResponseHead, type MessageHead, type RequestHead } from '../../lib/http1/head.js';
import type { HeaderList, HttpTxn } from '../../lib/http/txn.js';

/** The start line as received: a request's or a response's (with a 3-digit status). */
export type StartFrom = RequestHead | ResponseHead;

/**
 * Writes the head: `start` is the start line with its CRLF (or the head to take it from);
 * `extra` whole lines with CRLFs; `tail` bytes to send right after the head.
 */
export function encodeHead(start: string | StartFrom, head: MessageHead, edited: HeaderList | null, extra: string,
  keepConnection = false, tail: Buffer | null = null): Buffer {
  const dropKind = keepConnection ? -1 : HDR_CONNECTION;
  if (edited !== null) {
    const parts: string[] = [typeof start === 'string' ? start : startLine(start)];
    for (let i = 0; i < edited.names.length; i++) {
      const n = edited.names[i] as string;
      if (n === 'connection' && !keepConnection) continue;
      parts.push(n, ': ', edited.values[i] as string, '\r\n');
    }
    parts.push(extra, '\r\n');
    const b = Buffer.from(parts.join(''), 'latin1');
    return tail === null ? b : Buffer.concat([b, tail], b.length + tail.length);
  }
  const h = head.hdr;
  const buf = head.buf;
  let size = (typeof start === 'string' ? start.length : startSize(start)) + extra.length + 2 + (tail === null ? 0 : tail.length);
  for (let i = 0; i < head.count; i++) {
    if (head.drop[i] !== 0 || head.kind[i] === dropKind) continue;
    const vl = (h[4 * i + 3] as number) - (h[4 * i + 2] as number);
    size += (h[4 * i + 1] as number) - (h[4 * i] as number) + 4 + vl;
  }
  const out = Buffer.allocUnsafe(size);
  let p = typeof start === 'string' ? out.write(start, 0, 'latin1') : writeStart(out, start);
  for (let i = 0; i < head.count; i++) {
    if (head.drop[i] !== 0 || head.kind[i] === dropKind) continue;
    const ne = h[4 * i + 1] as number;
    for (let k = h[4 * i] as number; k < ne; k++) out[p++] = LOWER[buf[k] as number] as number;
    out[p++] = 0x3a;
    out[p++] = 0x20;
    p = put(out, p, buf, h[4 * i + 2] as number, h[4 * i + 3] as number);
    out[p++] = 0x0d;
    out[p++] = 0x0a;
  }
  if (extra.length > 0) p += out.write(extra, p, 'latin1');
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  if (tail !== null) tail.copy(out, p);
  return out;
}

/**
 * Copies buf[from, to) to out at p and returns the new p. Header values and start-line parts
 * are short: a loop beats Buffer#copy there, which makes a Uint8Array view for every call.
 */
function put(out: Buffer, p: number, buf: Buffer, from: number, to: number): number {
  if (to - from > 64) return p + buf.copy(out, p, from, to);
  for (let k = from; k < to; k++) out[p++] = buf[k] as number;
  return p;
}

// "HTTP/1.1 " and "HTTP/1.0" as bytes
const HTTP11_SP = Buffer.from('HTTP/1.1 ', 'latin1');
const HTTP1X = Buffer.from('HTTP/1.', 'latin1');

function startSize(s: StartFrom): number {
  if (s instanceof ResponseHead) return 9 + 4 + (s.reasonEnd - s.reasonStart) + 2;
  return (s.methodEnd - s.start) + 1 + (s.uriEnd - s.uriStart) + 1 + 8 + 2;
}

function writeStart(out: Buffer, s: StartFrom): number {
  const b = s.buf;
  let p: number;
  if (s instanceof ResponseHead) {
    p = HTTP11_SP.copy(out, 0);
    const st = s.status;
    out[p++] = 0x30 + Math.floor(st / 100);
    out[p++] = 0x30 + (Math.floor(st / 10) % 10);
    out[p++] = 0x30 + (st % 10);
    out[p++] = 0x20;
    p = put(out, p, b, s.reasonStart, s.reasonEnd);
  } else {
    p = put(out, 0, b, s.start, s.methodEnd);
    out[p++] = 0x20;
    p = put(out, p, b, s.uriStart, s.uriEnd);
    out[p++] = 0x20;
    p += HTTP1X.copy(out, p);
    out[p++] = s.version === 10 ? 0x30 : 0x31;
  }
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  return p;
}

/** The same start line as a string (for the edited-headers path). */
function startLine(s: StartFrom): string {
  if (s instanceof ResponseHead) return `HTTP/1.1 ${s.status} ${s.reason()}\r\n`;
  return `${s.method()} ${s.uri()} HTTP/1.${s.version === 10 ? '0' : '1'}\r\n`;
}

/** Reason phrases HAProxy uses when it sets a status itself (set-status without reason). */
export function reasonOf(status: number): string {
  return REASONS[status] ?? 'Other';
}

const REASONS: Record<number, string> = {
  100: 'Continue', 101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information',
  204: 'No Content', 205: 'Reset Content', 206: 'Partial Content', 300: 'Multiple Choices', 301: 'Moved Permanently',
  302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  407: 'Proxy Authentication Required', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 413: 'Payload Too Large',
  414: 'URI Too Long', 415: 'Unsupported Media Type', 421: 'Misdirected Request', 422: 'Unprocessable Content',
  425: 'Too Early', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Gateway Timeout',
};

const PRECHECK = new BodyFramer();

/** False when bytes received with a chunked head already break chunked framing. */
export function chunksParse(b: Buffer): boolean {
  PRECHECK.begin('chunked', 0);
  return PRECHECK.feed(b, 0, b.length) >= 0;
}

/** Adds `connection: close` to a response the proxy made for a client that will be closed. */
export function withConnectionClose(page: Buffer): Buffer {
  const end = page.indexOf('\r\n\r\n');
  if (end < 0 || page.subarray(0, end).toString('latin1').toLowerCase().includes('\r\nconnection:')) return page;
  return Buffer.concat([page.subarray(0, end + 2), CONN_CLOSE_LINE, page.subarray(end + 2)]);
}
const CONN_CLOSE_LINE = Buffer.from('connection: close\r\n', 'latin1');

/** A reply without its body (for a HEAD request). */
export function headOnly(page: Buffer): Buffer {
  const end = page.indexOf('\r\n\r\n');
  return end < 0 || end + 4 === page.length ? page : page.subarray(0, end + 4);
}

/** The X-Forwarded-For line(s) to append (reference §8.3), or null. */
export function xffHeader(fe: { header: string; ifNone: boolean; except: ((ip: string) => boolean) | null } | null,
  be: { header: string; ifNone: boolean; except: ((ip: string) => boolean) | null } | null, client: { readonly srcIp: string; readonly logIp: string }, txn: HttpTxn): string | null {
  if (fe === null && be === null) return null;
  // the client address is read only here, where it is needed (ConnAddrs reads it lazily)
  const ip = client.srcIp;
  // a unix socket client has no address: HAProxy adds no header
  if (ip === '') return null;
  const name = (be ?? fe)!.header;
  const except = (be?.except ?? null) ?? (fe?.except ?? null);
  if (except !== null && except(ip)) return null;
  const ifNone = (fe === null || fe.ifNone) && (be === null || be.ifNone);
  if (ifNone && txn.reqHeaderLines(name).length > 0) return null;
  // the address as the socket names it, as HAProxy writes it (::ffff:a.b.c.d on a dual-stack bind)
  return `${name}: ${client.logIp}\r\n`;
}
