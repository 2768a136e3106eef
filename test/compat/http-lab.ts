/**
 * Test helper (not a test file): real proxy processes for the HTTP compatibility suites.
 * The same config text is run by the real haproxy (`haproxy -db -f cfg`) and by Halyard
 * (`node dist/lib/cli/halyard.js -f cfg`, built by `npm test` before tap runs). Each config
 * carries a `frontend probe` on its own port: readiness is a successful connect there, so
 * the polling never creates a session on the frontends under test. Raw clients, a framing
 * response splitter, and /proc readers (RSS, open descriptors) for the process under test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../helpers/shared.js';
import { freePort } from '../helpers/ports.js';
export { freePort };

export type ProxyKind = 'haproxy' | 'halyard';

export interface ProxyProc {
  readonly kind: ProxyKind;
  readonly pid: number;
  /** stderr so far (warnings, alerts) */
  stderr(): string;
  /** true while the process runs */
  alive(): boolean;
  /** resolves once stderr (from the start) matches `re`; rejects if the process exits first */
  waitStderr(re: RegExp): Promise<void>;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (bound on 0, then closed). */

export function haveHalyardBuild(): string | false {
  return existsSync(cliPath) ? false : `${cliPath} is absent: build first (npx tsc -p tsconfig.build.json)`;
}

let dir: string | null = null;
let seq = 0;

/**
 * Writes `cfg` and starts `kind` on it; resolves once `probePort` accepts a connection.
 * Rejects (with the process's stderr) when it exits first or is not listening within 15 s.
 */
export async function startProxy(kind: ProxyKind, cfg: string, probePort: number): Promise<ProxyProc> {
  dir ??= mkdtempSync(join(tmpdir(), 'halyard-compat-http-'));
  const file = join(dir, `${kind}-${++seq}.cfg`);
  writeFileSync(file, cfg);
  const child: ChildProcess = kind === 'haproxy'
    ? spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(process.execPath, [cliPath, '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  let waiters: { re: RegExp; resolve: () => void }[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    waiters = waiters.filter((w) => (w.re.test(err) ? (w.resolve(), false) : true));
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const proc: ProxyProc = {
    kind,
    pid: child.pid ?? -1,
    stderr: () => err,
    alive: () => child.exitCode === null && child.signalCode === null,
    waitStderr: (re) => (re.test(err) ? Promise.resolve() : Promise.race([
      new Promise<void>((resolve, reject) => {
        // a safety net so a missing line fails the test instead of hanging it, not a timing assertion
        const timer = setTimeout(() => reject(new Error(`${kind} did not print ${re} within 30 s: ${err.trim().slice(-300)}`)), 30_000);
        waiters.push({ re, resolve: () => { clearTimeout(timer); resolve(); } });
      }),
      exited.then(() => { throw new Error(`${kind} exited before printing ${re}: ${err.trim().slice(-300)}`); }),
    ])),
    async stop() {
      if (proc.alive()) child.kill('SIGKILL');
      await exited;
    },
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (!proc.alive()) throw new Error(`${kind} exited before listening: ${err.trim()}`);
    if (await connects(probePort)) return proc;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`${kind} did not listen on ${probePort} within 15 s: ${err.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('connect', () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  });
}

export function cleanupDir(): void {
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
}

/** Resident set size of `pid` in bytes (VmRSS), or -1 when the process is gone. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) * 1024 : -1;
  } catch {
    return -1;
  }
}

/** Number of open descriptors of `pid` (/proc/PID/fd), or -1 when unreadable. */
export function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return -1;
  }
}

// ---------------------------------------------------------------------------------------------
// Clients

export interface Exchange {
  /** every byte the client read */
  raw: Buffer;
  /** the responses in `raw`, split by their framing */
  responses: ParsedResponse[];
  /**
   * how the exchange ended: 'end' (the proxy closed), 'reset' (ECONNRESET/EPIPE), 'complete'
   * (the expected responses were complete by their framing: we closed), 'deadline' (safety net)
   */
  ended: 'end' | 'reset' | 'complete' | 'deadline';
  ms: number;
}

export interface ParsedResponse {
  status: number;
  /** the status line, without CRLF */
  line: string;
  /** the head as received (status line + header lines, CRLF, final CRLF) */
  head: string;
  body: Buffer;
  /** the body ended by the close, not its framing (or the close cut it short) */
  closeDelimited: boolean;
}

export interface SendOptions {
  localAddress?: string;
  /** safety net only: an exchange still open after this many ms is reported as 'deadline' */
  deadlineMs?: number;
  /** after writing, half-close the sending side */
  end?: boolean;
  /** finish (and close) once this many responses are complete by their framing */
  responses?: number;
}

/**
 * Opens a connection, writes `bytes` and reads until the proxy closes it. Finishing is on the
 * close event; the deadline is a failure marker, never the normal way out.
 */
export function sendRaw(port: number, bytes: Buffer, opts: SendOptions = {}): Promise<Exchange> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const c = net.connect({ port, host: '127.0.0.1', ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}) });
    c.setNoDelay(true);
    const chunks: Buffer[] = [];
    let ended: Exchange['ended'] = 'end';
    let settled = false;
    const timer = setTimeout(() => { ended = 'deadline'; c.destroy(); }, opts.deadlineMs ?? 10_000);
    c.on('connect', () => {
      c.write(bytes);
      if (opts.end === true) c.end();
    });
    c.on('data', (d: Buffer) => {
      chunks.push(d);
      const want = opts.responses;
      if (want === undefined) return;
      const rs = splitResponses(Buffer.concat(chunks));
      if (rs.filter((r) => r.status > 0 && !r.closeDelimited).length >= want) { ended = 'complete'; c.destroy(); }
    });
    c.on('error', () => { if (ended === 'end') ended = 'reset'; });
    c.on('close', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      resolve({ raw, responses: splitResponses(raw), ended, ms: Date.now() - t0 });
    });
  });
}

/** Splits a client's received bytes into responses (content-length, chunked or close-delimited). */
export function splitResponses(raw: Buffer, headRequests = 0): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let p = 0;
  let heads = headRequests;
  while (p < raw.length) {
    const he = raw.indexOf('\r\n\r\n', p);
    if (he < 0) {
      out.push({ status: 0, line: raw.toString('latin1', p, Math.min(raw.length, p + 60)), head: raw.toString('latin1', p), body: Buffer.alloc(0), closeDelimited: true });
      break;
    }
    const head = raw.toString('latin1', p, he + 4);
    const line = head.slice(0, head.indexOf('\r\n'));
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(line);
    const status = m ? Number(m[1]) : 0;
    let q = he + 4;
    const noBody = heads-- > 0 || (status >= 100 && status < 200) || status === 204 || status === 304;
    const cl = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
    const chunked = /\r\ntransfer-encoding:[^\r]*chunked/i.test(head);
    if (noBody) {
      out.push({ status, line, head, body: Buffer.alloc(0), closeDelimited: false });
      if (status === 101) {
        // the rest is tunnel data
        out.push({ status: -1, line: '(tunnel)', head: '', body: raw.subarray(q), closeDelimited: true });
        break;
      }
      p = q;
      continue;
    }
    if (chunked) {
      const start = q;
      let ok = false;
      for (;;) {
        const le = raw.indexOf('\r\n', q);
        if (le < 0) break;
        const size = parseInt(raw.toString('latin1', q, le), 16);
        if (Number.isNaN(size)) break;
        q = le + 2;
        if (size === 0) {
          const te = raw.indexOf('\r\n\r\n', q - 2);
          if (te >= 0) { q = te + 4; ok = true; }
          break;
        }
        q += size + 2;
        if (q > raw.length) break;
      }
      if (!ok) q = raw.length;
      out.push({ status, line, head, body: raw.subarray(start, q), closeDelimited: !ok });
      p = q;
      continue;
    }
    if (cl) {
      const end = q + Number(cl[1]);
      out.push({ status, line, head, body: raw.subarray(q, Math.min(end, raw.length)), closeDelimited: end > raw.length });
      p = end;
      continue;
    }
    out.push({ status, line, head, body: raw.subarray(q), closeDelimited: true });
    break;
  }
  return out;
}

/** A persistent client connection that sends requests one at a time and reads each response. */
export class KeepAliveClient {
  private readonly sock: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  closed = false;
  reset = false;

  private constructor(sock: net.Socket) {
    this.sock = sock;
    sock.on('data', (d: Buffer) => { this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]); this.wake(); });
    sock.on('error', () => { this.reset = true; });
    sock.on('close', () => { this.closed = true; this.wake(); });
  }

  static open(port: number): Promise<KeepAliveClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      s.setNoDelay(true);
      s.once('connect', () => resolve(new KeepAliveClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Sends `req` and resolves with the next complete response (or what came before the close). */
  async request(req: string | Buffer, isHead = false): Promise<ParsedResponse | null> {
    this.sock.write(req);
    for (;;) {
      const rs = splitResponses(this.buf, isHead ? 1 : 0);
      const first = rs[0];
      if (first !== undefined && first.status !== 0 && !first.closeDelimited) {
        // a chunked body is kept with its framing, so head + body is what the response used
        const used = first.head.length + first.body.length;
        this.buf = this.buf.subarray(used);
        return first;
      }
      if (this.closed) {
        this.buf = Buffer.alloc(0);
        return first ?? null;
      }
      await new Promise<void>((r) => { this.waiter = r; });
    }
  }

  close(): void {
    this.sock.destroy();
  }
}
