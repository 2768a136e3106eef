/**
 * Heads as the engine forwards them (HAProxy 2.6 on the wire): start line rebuilt with single
 * spaces, header names lowercased, `name: value` with the trimmed value, lines the parser marked
 * `drop` left out, the hop-by-hop Connection header left out (the engine writes its own, the way
 * HAProxy's H1 mux decides it), then the engine's extra lines.
 *
 * Two sources: the parsed head (offsets into the bytes received: one Buffer allocation, no
 * per-header string), or the HttpTxn's HeaderList once a rule or persistence edited it.
 */
import { LOWER } from '../../lib/http1/chars.js';
import { HDR_CONNECTION, type MessageHead } from '../../lib/http1/head.js';
import type { HeaderList } from '../../lib/http/txn.js';

/** Writes the head: `start` is the start line with its CRLF; `extra` whole lines with CRLFs. */
export function encodeHead(start: string, head: MessageHead, edited: HeaderList | null, extra: string, keepConnection = false): Buffer {
  const dropKind = keepConnection ? -1 : HDR_CONNECTION;
  if (edited !== null) {
    const parts: string[] = [start];
    for (let i = 0; i < edited.names.length; i++) {
      const n = edited.names[i] as string;
      if (n === 'connection' && !keepConnection) continue;
      parts.push(n, ': ', edited.values[i] as string, '\r\n');
    }
    parts.push(extra, '\r\n');
    return Buffer.from(parts.join(''), 'latin1');
  }
  const h = head.hdr;
  const buf = head.buf;
  let size = start.length + extra.length + 2;
  for (let i = 0; i < head.count; i++) {
    if (head.drop[i] !== 0 || head.kind[i] === dropKind) continue;
    const vl = (h[4 * i + 3] as number) - (h[4 * i + 2] as number);
    size += (h[4 * i + 1] as number) - (h[4 * i] as number) + 4 + vl;
  }
  const out = Buffer.allocUnsafe(size);
  let p = out.write(start, 0, 'latin1');
  for (let i = 0; i < head.count; i++) {
    if (head.drop[i] !== 0 || head.kind[i] === dropKind) continue;
    const ne = h[4 * i + 1] as number;
    for (let k = h[4 * i] as number; k < ne; k++) out[p++] = LOWER[buf[k] as number] as number;
    out[p++] = 0x3a;
    out[p++] = 0x20;
    p += buf.copy(out, p, h[4 * i + 2] as number, h[4 * i + 3] as number);
    out[p++] = 0x0d;
    out[p++] = 0x0a;
  }
  if (extra.length > 0) p += out.write(extra, p, 'latin1');
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  return out;
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
