/**
 * Bytes a check writes: the HTTP check request exactly as HAProxy 2.6 puts it on the wire, and
 * the PROXY protocol header of `send-proxy` / `send-proxy-v2`.
 *
 * HTTP requests (captured from haproxy 2.6.12, see test/backends/health/wire.test.ts):
 *   - request line as configured (default `OPTIONS / HTTP/1.0`);
 *   - header names lowercased, in configuration order;
 *   - a configured Connection header is never sent (the H1 layer owns it);
 *   - `content-length` after the headers when there is a body;
 *   - `connection: close` last, only for HTTP/1.1 and only if no Connection header was
 *     configured: an HTTP/1.0 request carries nothing but what was asked for.
 */
import type { HttpSendStep } from './rules.js';

export function httpCheckRequest(s: HttpSendStep, stateHeader: string | null): Buffer {
  let head = `${s.method} ${s.uri} ${s.version}\r\n`;
  let connHdr = false;
  for (const h of s.headers) {
    const name = h.name.toLowerCase();
    if (name === 'connection') {
      connHdr = true;
      continue;
    }
    head += `${name}: ${h.value}\r\n`;
  }
  if (stateHeader !== null) head += `x-haproxy-server-state: ${stateHeader}\r\n`;
  if (s.body !== '') head += `content-length: ${Buffer.byteLength(s.body, 'latin1')}\r\n`;
  if (!connHdr && s.version === 'HTTP/1.1') head += 'connection: close\r\n';
  return Buffer.from(`${head}\r\n${s.body}`, 'latin1');
}

/** PROXY v1: `PROXY TCP4 <src> <dst> <sport> <dport>\r\n` (src = our end of the check socket). */
export function proxyV1(family: 4 | 6, src: string, dst: string, sport: number, dport: number): Buffer {
  return Buffer.from(`PROXY TCP${family} ${src} ${dst} ${sport} ${dport}\r\n`, 'latin1');
}

const V2_SIG = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** PROXY v2, command PROXY over TCP, no TLV. */
export function proxyV2(family: 4 | 6, src: string, dst: string, sport: number, dport: number): Buffer {
  const alen = family === 4 ? 12 : 36;
  const b = Buffer.alloc(16 + alen);
  V2_SIG.copy(b, 0);
  b[12] = 0x21;
  b[13] = family === 4 ? 0x11 : 0x21;
  b.writeUInt16BE(alen, 14);
  const a = family === 4 ? 4 : 16;
  ipBytes(src, family).copy(b, 16);
  ipBytes(dst, family).copy(b, 16 + a);
  b.writeUInt16BE(sport, 16 + 2 * a);
  b.writeUInt16BE(dport, 18 + 2 * a);
  return b;
}

function ipBytes(ip: string, family: 4 | 6): Buffer {
  if (family === 4) return Buffer.from(ip.split('.').map(Number));
  // Expand "::" then write eight 16-bit groups; an embedded IPv4 tail becomes two groups.
  let s = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4 !== null) {
    const p = (v4[1] as string).split('.').map(Number);
    s = s.slice(0, v4.index) + `${(((p[0] ?? 0) << 8) | (p[1] ?? 0)).toString(16)}:${(((p[2] ?? 0) << 8) | (p[3] ?? 0)).toString(16)}`;
  }
  const [l, r] = s.split('::') as [string, string | undefined];
  const left = l === '' ? [] : l.split(':');
  const right = r === undefined || r === '' ? [] : r.split(':');
  const groups = r === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16) || 0, 2 * i));
  return b;
}
