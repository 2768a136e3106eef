// Helpers for HTTP-mode tests: origin servers that say who they are, a raw HTTP client that
// returns the exact bytes, and a proxy process (halyard or haproxy) started on a config text.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../../helpers/shared.js';
import { freePort } from '../../helpers/ports.js';
export { freePort };

const dir = mkdtempSync(join(tmpdir(), 'halyard-http-'));
let n = 0;


export interface Origin {
  readonly name: string;
  readonly port: number;
  /** TCP connections accepted so far */
  conns: number;
  /** request heads received, as node parsed them */
  readonly seen: IncomingMessage[];
  /** raw bytes received per connection, in order */
  readonly raw: Buffer[];
  close(): Promise<void>;
}

/**
 * An HTTP origin answering `<name> <method> <url> body=<bytes>` with `x-served-by: <name>`;
 * `/health` answers 200 "ok". It records every request and counts connections.
 */
export async function origin(name: string, handler?: (req: IncomingMessage, body: Buffer) => { status?: number; headers?: Record<string, string>; body?: string } | null): Promise<Origin> {
  const o: Origin & { server?: HttpServer } = { name, port: 0, conns: 0, seen: [], raw: [], close: async () => undefined };
  const server = createHttpServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      if (req.url !== '/health') o.seen.push(req);
      const custom = handler?.(req, body) ?? null;
      if (custom !== null) {
        res.writeHead(custom.status ?? 200, custom.headers ?? {});
        res.end(custom.body ?? '');
        return;
      }
      const text = req.url === '/health' ? 'ok\n' : `${name} ${req.method} ${req.url} body=${body.length}\n`;
      res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': name, 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    });
  });
  server.on('connection', (s: Socket) => {
    o.conns++;
    const idx = o.raw.length;
    o.raw.push(Buffer.alloc(0));
    s.on('data', (d: Buffer) => { o.raw[idx] = Buffer.concat([o.raw[idx] as Buffer, d]); });
  });
  server.keepAliveTimeout = 10000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (o as { port: number }).port = (server.address() as AddressInfo).port;
  o.close = () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
  return o;
}

/** A raw TCP origin: `onConn` decides what to do with each connection (garbage, silence, reset...). */
export async function rawOrigin(onConn: (s: Socket) => void): Promise<{ port: number; server: Server; close: () => Promise<void> }> {
  const socks = new Set<Socket>();
  const server = createServer((s) => { socks.add(s); s.on('close', () => socks.delete(s)); s.on('error', () => undefined); onConn(s); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port, server,
    close: () => new Promise((r) => { for (const s of socks) s.destroy(); server.close(() => r()); }),
  };
}

export interface Proc { child: ChildProcess; out: string; err: string; exit: Promise<number | string | null>; stop(): Promise<void> }

/** Starts `halyard -f` (or `haproxy -db -f`) on a config text; resolves once `port` accepts. */
export async function startProxy(kind: 'halyard' | 'haproxy', cfg: string, port: number): Promise<Proc> {
  const f = join(dir, `c${++n}.cfg`);
  writeFileSync(f, cfg);
  const child = kind === 'halyard'
    ? spawn(process.execPath, [cliPath, '-f', f], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('haproxy', ['-db', '-f', f], { stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = {
    child, out: '', err: '',
    exit: new Promise((r) => child.on('exit', (c, sig) => r(c ?? sig))),
    stop: async () => { if (child.exitCode === null && child.signalCode === null) { child.kill('SIGTERM'); await p.exit; } },
  };
  child.stdout?.on('data', (d: Buffer) => { p.out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { p.err += d.toString(); });
  for (let i = 0; ; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1', () => { c.destroy(); r(true); });
      c.on('error', () => r(false));
    });
    if (ok) break;
    if (child.exitCode !== null || i > 400) throw new Error(`${kind} did not start:\n${p.err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return p;
}

/** Waits until `pred` holds on the process output (log lines arrive asynchronously). */
export async function until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Response {
  status: number;
  head: string;
  headers: [string, string][];
  body: Buffer;
  raw: Buffer;
}

/** Parses complete responses out of `buf` (content-length, chunked, or up to EOF when `eof`). */
export function parseResponses(buf: Buffer, eof: boolean, heads = 0): { responses: Response[]; rest: Buffer } {
  const out: Response[] = [];
  let off = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', off);
    if (end < 0) break;
    const head = buf.toString('latin1', off, end);
    const lines = head.split('\r\n');
    const status = Number((lines[0] ?? '').split(' ')[1]);
    const headers = lines.slice(1).map((l) => { const i = l.indexOf(':'); return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()] as [string, string]; });
    const cl = headers.find(([k]) => k === 'content-length');
    const chunked = headers.some(([k, v]) => k === 'transfer-encoding' && /chunked/i.test(v));
    let bodyEnd: number;
    const bstart = end + 4;
    const noBody = status < 200 || status === 204 || status === 304 || (heads > 0 && out.length < heads);
    if (noBody) bodyEnd = bstart;
    else if (cl !== undefined) { bodyEnd = bstart + Number(cl[1]); if (bodyEnd > buf.length) break; }
    else if (chunked) {
      let p = bstart;
      let ok = false;
      for (;;) {
        const le = buf.indexOf('\r\n', p);
        if (le < 0) break;
        const size = parseInt(buf.toString('latin1', p, le), 16);
        if (size === 0) { const fe = buf.indexOf('\r\n\r\n', le - 2 < p ? p : le - 2); if (fe >= 0) { p = fe + 4; ok = true; } break; }
        p = le + 2 + size + 2;
        if (p > buf.length) break;
      }
      if (!ok) break;
      bodyEnd = p;
    } else if (eof) bodyEnd = buf.length;
    else break;
    out.push({ status, head, headers, body: buf.subarray(bstart, bodyEnd), raw: buf.subarray(off, bodyEnd) });
    off = bodyEnd;
    if (noBody && status >= 100 && status < 200 && status !== 101) continue;
  }
  return { responses: out, rest: buf.subarray(off) };
}

/**
 * Sends `raw` on one connection and collects `count` responses (or everything until the proxy
 * closes). Returns the responses and whether the connection was closed by the proxy.
 */
export function exchange(port: number, raw: string | Buffer | (string | Buffer)[], count: number, o: { waitClose?: boolean } = {}): Promise<{ responses: Response[]; closed: boolean; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      const { responses } = parseResponses(buf, closed);
      if (!closed) c.destroy();
      resolve({ responses, closed, bytes: buf });
    };
    const safety = setTimeout(() => { if (!done) { done = true; c.destroy(); reject(new Error(`no complete answer: ${JSON.stringify(buf.toString('latin1'))}`)); } }, 10000);
    c.on('connect', () => {
      for (const part of Array.isArray(raw) ? raw : [raw]) c.write(part);
    });
    c.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (o.waitClose !== true && parseResponses(buf, false).responses.filter((r) => r.status >= 200 || r.status === 101).length >= count) finish(false);
    });
    c.on('error', () => undefined);
    c.on('close', () => { clearTimeout(safety); finish(true); });
  });
}

export const get = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`;
