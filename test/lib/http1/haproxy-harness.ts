/**
 * Test helper: a real haproxy (mode http) in front of a raw echo origin on 127.0.0.1, to
 * record what haproxy 2.6 does with raw client bytes. The origin answers 200 with an
 * empty body to each request it receives; haproxy's own timeouts (300 ms for an idle or
 * incomplete request) end every client connection, so a send resolves on the close event.
 */
import net from 'node:net';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../helpers/ports.js';

export function haproxyAvailable(): boolean {
  return spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
}

export interface Lab {
  /** Sends raw bytes on a new connection; resolves with the statuses the client read. */
  send(bytes: Buffer): Promise<{ statuses: number[]; raw: string }>;
  stop(): Promise<void>;
}

/** Minimal origin: haproxy only ever sends it normalised CRLF heads with CL or chunked. */
function originServer(): net.Server {
  return net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('error', () => undefined);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const used = requestLength(buf);
        if (used < 0) return;
        buf = buf.subarray(used);
        sock.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
      }
    });
  });
}

function requestLength(buf: Buffer): number {
  const he = buf.indexOf('\r\n\r\n');
  if (he < 0) return -1;
  const head = buf.toString('latin1', 0, he).toLowerCase();
  let p = he + 4;
  if (/\r\ntransfer-encoding: chunked/.test(head)) {
    for (;;) {
      const le = buf.indexOf('\r\n', p);
      if (le < 0) return -1;
      const size = parseInt(buf.toString('latin1', p, le), 16);
      p = le + 2;
      if (size === 0) break;
      p += size + 2;
      if (p > buf.length) return -1;
    }
    // Trailer lines, then the empty line.
    for (let q = p; ; ) {
      const le = buf.indexOf('\r\n', q);
      if (le < 0) return -1;
      if (le === q) return le + 2;
      q = le + 2;
    }
  }
  const m = /\r\ncontent-length: (\d+)/.exec(head);
  const len = m ? Number(m[1]) : 0;
  return buf.length >= p + len ? p + len : -1;
}


function connectOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

/** `frontendLines`: extra lines for the frontend section (rules). */
export async function startLab(frontendLines: readonly string[] = []): Promise<Lab> {
  const origin = originServer();
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  const oport = (origin.address() as net.AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'halyard-h1-'));
  // haproxy binds with SO_REUSEPORT by default, so two labs could share a port picked at
  // the same moment; `noreuseport` makes that a bind failure, and we retry another port.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(cfg, config(port, oport, frontendLines));
    const hp: ChildProcess = spawn('haproxy', ['-db', '-f', cfg], { stdio: 'ignore' });
    const exited = new Promise<void>((r) => hp.on('exit', () => r()));
    if (await listening(port, hp)) return lab(port, hp, exited, origin, dir);
    hp.kill();
    await exited;
    if (attempt === 4) throw new Error('haproxy did not start listening');
  }
}

function config(port: number, oport: number, frontendLines: readonly string[]): string {
  return [
    'global',
    '  noreuseport',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 5s',
    '  timeout server 5s',
    '  timeout http-request 300ms',
    '  timeout http-keep-alive 300ms',
    'frontend fe',
    `  bind 127.0.0.1:${port}`,
    ...frontendLines.map((l) => `  ${l}`),
    '  default_backend be',
    'backend be',
    `  server s1 127.0.0.1:${oport}`,
    '',
  ].join('\n');
}

/** haproxy signals nothing when it is ready, so poll its port (up to 10 s). */
async function listening(port: number, hp: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (!(await connectOnce(port))) {
    if (Date.now() > deadline || hp.exitCode !== null) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return hp.exitCode === null;
}

function lab(port: number, hp: ChildProcess, exited: Promise<void>, origin: net.Server, dir: string): Lab {
  return {
    send(bytes: Buffer) {
      return new Promise((resolve) => {
        const c = net.connect(port, '127.0.0.1');
        const chunks: Buffer[] = [];
        c.on('connect', () => c.write(bytes));
        c.on('data', (d: Buffer) => chunks.push(d));
        c.on('error', () => undefined);
        c.on('close', () => {
          const raw = Buffer.concat(chunks).toString('latin1');
          const statuses = [...raw.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
          resolve({ statuses, raw });
        });
      });
    },
    async stop() {
      hp.kill();
      await exited;
      await new Promise<void>((r) => origin.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
