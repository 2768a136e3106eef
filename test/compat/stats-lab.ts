/**
 * Test helper (not a test file): a runtime API client and a config with stats sockets that
 * haproxy and Halyard both run, for the stats compatibility suites.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

/**
 * Sends one line to a stats socket (unix path or host:port) and returns everything until close.
 * A unix socket may not exist yet when a test starts on the proxy's TCP probe port (haproxy binds
 * its listeners one after the other), so ENOENT is tried again for up to about 2 s.
 */
export async function cli(target: string, line: string): Promise<string> {
  for (let i = 0; ; i++) {
    try {
      return await cliOnce(target, line);
    } catch (e) {
      if (!target.startsWith('/') || (e as NodeJS.ErrnoException).code !== 'ENOENT' || i >= 100) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function cliOnce(target: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const k = target.lastIndexOf(':');
    const s = target.startsWith('/') ? connect(target) : connect(Number(target.slice(k + 1)), target.slice(0, k));
    let out = '';
    s.setEncoding('latin1');
    s.on('connect', () => s.write(`${line}\n`));
    s.on('data', (d: string) => { out += d; });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

/** An interactive session: sends each line after the previous reply's prompt; returns the whole exchange. */
export function promptSession(target: string, lines: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(target);
    let out = '';
    let i = 0;
    let seen = 0;
    s.setEncoding('latin1');
    s.on('connect', () => s.write('prompt\n'));
    s.on('data', (d: string) => {
      out += d;
      // every reply in prompt mode ends with "> "; send the next line then
      while (out.indexOf('> ', seen) >= 0) {
        seen = out.indexOf('> ', seen) + 2;
        if (i < lines.length) s.write(`${lines[i++]}\n`);
        else s.end();
      }
    });
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

export interface HttpOrigin {
  readonly port: number;
  requests: number;
  close(): Promise<void>;
}

/** An HTTP origin answering 200 with `body` (a fixed size, so bytes are predictable). */
export async function httpOrigin(body: string): Promise<HttpOrigin> {
  const o = { port: 0, requests: 0, close: async () => undefined as void };
  const server: HttpServer = createHttpServer((_req, res) => {
    o.requests++;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  o.port = (server.address() as AddressInfo).port;
  o.close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  return o;
}

/** Polls `pred` every 20 ms until it holds (a check result is an event we can only observe). */
export async function until(pred: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The CSV as rows of fields (header first, without the "# "). */
export function csvRows(text: string): string[][] {
  return text.split('\n').filter((l) => l !== '').map((l) => (l.startsWith('# ') ? l.slice(2) : l).split(','));
}

/**
 * The head of a config for a compat test that reads the stats socket: an admin unix socket in
 * `dir`, a TCP one on `probe` (startProxy's readiness port, so no session on the proxies), HTTP
 * defaults with short timeouts; `rest` follows.
 */
export function statsConfig(dir: string, probe: number, rest: string): string {
  return `global
    stats socket ${dir}/admin.sock mode 600 level admin
    stats socket ipv4@127.0.0.1:${probe} level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
${rest}`;
}
