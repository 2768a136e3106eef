/**
 * Test helper (not a test file): small node:net HTTP/1.1 servers behind the proxies.
 *
 * - echo: answers each request with its own name and what it received: the request head as
 *   it arrived (bytes), the body's length and SHA-256 (bodies are decoded as they stream:
 *   content-length or chunked, never held whole). Keep-alive; honours `connection: close`;
 *   answers `Expect: 100-continue` with a 100 first.
 *   A WebSocket upgrade (Upgrade: websocket + Sec-WebSocket-Key) is answered 101 and the
 *   connection then echoes every byte.
 * - reset: sends a response head announcing 100000 bytes, 1000 of them, then resets (RST).
 * - garbage: answers anything with bytes that are not HTTP.
 * - silent: reads and never answers.
 */
import { createHash, type Hash } from 'node:crypto';
import net from 'node:net';

export type BackendBehaviour = 'echo' | 'reset' | 'garbage' | 'silent';

export interface HttpBackend {
  readonly name: string;
  readonly port: number;
  /** request heads received, in order (all connections) */
  readonly heads: string[];
  /** connections accepted */
  accepted: number;
  /** connections currently open */
  readonly open: Set<net.Socket>;
  /** resolves when the number of open connections is 0 */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export async function httpBackend(name: string, behaviour: BackendBehaviour): Promise<HttpBackend> {
  const open = new Set<net.Socket>();
  let idleWaiters: (() => void)[] = [];
  const b: HttpBackend = {
    name, port: 0, heads: [], accepted: 0, open,
    idle: () => (open.size === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),
    close: () => new Promise<void>((r) => { for (const s of open) s.destroy(); server.close(() => r()); }),
  };
  const server = net.createServer({ allowHalfOpen: false }, (sock) => {
    b.accepted++;
    open.add(sock);
    sock.setNoDelay(true);
    sock.on('error', () => undefined);
    sock.on('close', () => {
      open.delete(sock);
      if (open.size === 0) { const w = idleWaiters; idleWaiters = []; for (const f of w) f(); }
    });
    serve(sock, b, behaviour);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (b as { port: number }).port = (server.address() as net.AddressInfo).port;
  return b;
}

interface BodyState {
  /** bytes of body left (content-length), or -1 when chunked */
  left: number;
  chunked: ChunkDecoder | null;
  bytes: number;
  hash: Hash;
}

function serve(sock: net.Socket, b: HttpBackend, behaviour: BackendBehaviour): void {
  let buf: Buffer = Buffer.alloc(0);
  let head: string | null = null;
  let body: BodyState | null = null;
  let tunnel = false;
  const onData = (d: Buffer): void => {
    if (tunnel) { sock.write(d); return; }
    if (behaviour === 'silent') return;
    buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
    for (;;) {
      if (head === null) {
        const he = buf.indexOf('\r\n\r\n');
        if (he < 0) return;
        head = buf.toString('latin1', 0, he + 4);
        buf = buf.subarray(he + 4);
        b.heads.push(head);
        if (behaviour === 'garbage') { sock.end('this is not HTTP\r\n\r\n'); return; }
        if (behaviour === 'reset') {
          sock.write(`HTTP/1.1 200 OK\r\ncontent-length: 100000\r\nx-server: ${b.name}\r\n\r\n${'r'.repeat(1000)}`, () => sock.resetAndDestroy());
          return;
        }
        const key = /\r\nsec-websocket-key:[ \t]*([^\r]*)/i.exec(head)?.[1];
        if (/\r\nupgrade:[ \t]*websocket/i.test(head) && key !== undefined) {
          const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
          sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nX-Server: ${b.name}\r\n\r\n`);
          tunnel = true;
          if (buf.length > 0) sock.write(buf);
          return;
        }
        if (/\r\nexpect:[ \t]*100-continue/i.test(head)) sock.write('HTTP/1.1 100 Continue\r\n\r\n');
        const cl = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
        const chunked = /\r\ntransfer-encoding:[^\r]*chunked/i.test(head);
        body = { left: chunked ? -1 : cl ? Number(cl[1]) : 0, chunked: chunked ? new ChunkDecoder() : null, bytes: 0, hash: createHash('sha256') };
      }
      const st = body as BodyState;
      if (st.chunked !== null) {
        const used = st.chunked.feed(buf, (data) => { st.bytes += data.length; st.hash.update(data); });
        if (used < 0) { sock.destroy(); return; }
        buf = buf.subarray(used);
        if (!st.chunked.done) return;
      } else {
        const n = Math.min(st.left, buf.length);
        if (n > 0) { st.hash.update(buf.subarray(0, n)); st.bytes += n; st.left -= n; buf = buf.subarray(n); }
        if (st.left > 0) return;
      }
      respond(sock, b.name, head, st);
      const close = /\r\nconnection:[^\r]*close/i.test(head) || /^[^\r]* HTTP\/1\.0\r\n/.test(head) && !/\r\nconnection:[^\r]*keep-alive/i.test(head);
      head = null;
      body = null;
      if (close) { sock.end(); return; }
      if (buf.length === 0) return;
    }
  };
  sock.on('data', onData);
}

function respond(sock: net.Socket, name: string, head: string, st: BodyState): void {
  const text = `server=${name}\nbody-bytes=${st.bytes}\nbody-sha256=${st.hash.digest('hex')}\n--- head ---\n${head}`;
  const isHead = head.startsWith('HEAD ');
  // response head size and field count tests: `x-reply-pad: N` adds a header of N value bytes,
  // `x-reply-fields: N` adds N one-byte headers
  const pad = Number(/\r\nx-reply-pad:[ \t]*(\d+)/i.exec(head)?.[1] ?? 0);
  const fields = Number(/\r\nx-reply-fields:[ \t]*(\d+)/i.exec(head)?.[1] ?? 0);
  const extra = (pad > 0 ? `x-pad: ${'p'.repeat(pad)}\r\n` : '') + Array.from({ length: fields }, (_, i) => `x-f${i}: f\r\n`).join('');
  sock.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nx-server: ${name}\r\n${extra}content-length: ${Buffer.byteLength(text, 'latin1')}\r\n\r\n${isHead ? '' : text}`, 'latin1');
}

/** Streaming chunked decoder: feed() returns the bytes it used, -1 on bad framing. */
export class ChunkDecoder {
  done = false;
  private state: 'size' | 'data' | 'crlf' | 'trailer' = 'size';
  private left = 0;
  private line = '';

  feed(buf: Buffer, onData: (d: Buffer) => void): number {
    let p = 0;
    while (p < buf.length && !this.done) {
      if (this.state === 'data') {
        const n = Math.min(this.left, buf.length - p);
        onData(buf.subarray(p, p + n));
        p += n;
        this.left -= n;
        if (this.left === 0) this.state = 'crlf';
        continue;
      }
      const lf = buf.indexOf(10, p);
      if (lf < 0) {
        this.line += buf.toString('latin1', p);
        if (this.line.length > 4096) return -1;
        return buf.length;
      }
      const line = (this.line + buf.toString('latin1', p, lf)).replace(/\r$/, '');
      this.line = '';
      p = lf + 1;
      if (this.state === 'crlf') {
        if (line !== '') return -1;
        this.state = 'size';
      } else if (this.state === 'size') {
        const m = /^([0-9a-fA-F]+)/.exec(line);
        if (!m) return -1;
        this.left = parseInt(m[1] ?? '0', 16);
        this.state = this.left === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.done = true;
      }
    }
    return p;
  }
}
