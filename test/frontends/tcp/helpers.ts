/**
 * Test helpers for the TCP frontend: real upstream servers on 127.0.0.1 (port 0), a Halyard
 * runtime built from config text through loadConfig, listeners opened here (not by lib/net),
 * clients that report which server answered, and a logger that keeps the records.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../lib/config/load.js';
import type { HttpRecord, SessionLogger, SessionRecord } from '../../../lib/log/record.js';
import { buildRuntime, type Runtime } from '../../../lib/runtime/runtime.js';

export interface Upstream {
  readonly name: string;
  readonly server: NetServer;
  port: number;
  /** connections accepted so far */
  accepted: number;
  /** sockets still open */
  readonly open: Set<Socket>;
  close(): Promise<void>;
}

export type UpstreamBehaviour = 'name-and-close' | 'name-and-hold' | 'echo' | 'silent';

/** A server that answers with its name (and closes, or holds), echoes, or says nothing. */
export async function upstream(name: string, behaviour: UpstreamBehaviour = 'name-and-close', port = 0): Promise<Upstream> {
  const open = new Set<Socket>();
  const u: Upstream = {
    name, server: createServer({ allowHalfOpen: true }), port: 0, accepted: 0, open,
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      if (!u.server.listening) { resolve(); return; }
      u.server.close(() => resolve());
    }),
  };
  u.server.on('connection', (s) => {
    u.accepted++;
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => undefined);
    if (behaviour === 'echo') {
      s.pipe(s);
      return;
    }
    if (behaviour === 'silent') { s.resume(); return; }
    s.write(name);
    s.resume();
    if (behaviour === 'name-and-close') s.end();
    else s.on('end', () => s.end());
  });
  await new Promise<void>((resolve) => u.server.listen(port, '127.0.0.1', resolve));
  u.port = (u.server.address() as AddressInfo).port;
  return u;
}

/** A port nothing listens on (bound then closed, so connecting is refused). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

export class MemoryLogger implements SessionLogger {
  readonly enabled = true;
  readonly logsAccept = false;
  accept(): void {}
  connError(): void {}
  readonly records: SessionRecord[] = [];
  private waiters: (() => void)[] = [];
  tcp(rec: SessionRecord): void {
    this.records.push(rec);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
  http(rec: HttpRecord): void { this.tcp(rec); }
  event(): void {}
  /** Resolves once `n` records exist. */
  async count(n: number): Promise<SessionRecord[]> {
    while (this.records.length < n) await new Promise<void>((r) => this.waiters.push(r));
    return this.records;
  }
}

export interface Proxy {
  readonly rt: Runtime;
  readonly log: MemoryLogger;
  /** listening port per frontend name */
  readonly ports: Map<string, number>;
  port(fe?: string): number;
  close(): Promise<void>;
}

let cfgDir: string | null = null;

/** Config text → loadConfig (no DNS) → runtime; one listener per frontend, on port 0. */
export async function startProxy(cfg: string): Promise<Proxy> {
  cfgDir ??= mkdtempSync(join(tmpdir(), 'halyard-tcp-'));
  const file = join(cfgDir, `c${Math.random().toString(36).slice(2)}.cfg`);
  writeFileSync(file, cfg);
  const res = await loadConfig([file], { noResolve: true });
  if (res.config === undefined) throw new Error(`config rejected: ${res.diags.map((d) => d.message).join('; ')}`);
  const log = new MemoryLogger();
  const rt = buildRuntime(res.config, { logger: () => log });
  const ports = new Map<string, number>();
  const servers: NetServer[] = [];
  for (const fe of rt.frontends) {
    const srv = createServer({ allowHalfOpen: true }, (s) => fe.accept(s));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    ports.set(fe.name, (srv.address() as AddressInfo).port);
    servers.push(srv);
  }
  return {
    rt, log, ports,
    port: (fe?: string) => {
      const p = fe === undefined ? ports.values().next().value : ports.get(fe);
      if (p === undefined) throw new Error(`no frontend ${fe ?? ''}`);
      return p;
    },
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); })));
    },
  };
}

export interface Reply {
  readonly data: string;
  /** 'end' when the proxy closed cleanly (FIN), 'reset' on ECONNRESET */
  readonly how: 'end' | 'reset';
}

/** Connects, optionally sends, reads until the connection ends. */
export function ask(port: number, opts: { send?: string; localAddress?: string; endWrite?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve) => {
    const c = createConnection({ port, host: '127.0.0.1', allowHalfOpen: true, ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}) });
    let data = '';
    let how: Reply['how'] = 'end';
    c.setEncoding('latin1');
    c.on('data', (d: string) => { data += d; });
    c.on('error', () => { how = 'reset'; });
    c.on('end', () => c.end());
    c.on('close', () => resolve({ data, how }));
    if (opts.send !== undefined) c.write(opts.send);
    if (opts.endWrite === true) c.end();
  });
}

/** Connects and resolves with the first bytes received, keeping the connection open. */
export function hold(port: number, localAddress?: string): Promise<{ name: string; sock: Socket }> {
  return new Promise((resolve, reject) => {
    const c = createConnection({ port, host: '127.0.0.1', allowHalfOpen: true, ...(localAddress !== undefined ? { localAddress } : {}) });
    c.setEncoding('latin1');
    c.once('data', (d: string) => resolve({ name: d, sock: c }));
    c.on('error', reject);
  });
}

/** Closes a client socket and waits for it to be gone. */
export function closeSock(s: Socket): Promise<void> {
  return new Promise((r) => {
    if (s.destroyed) { r(); return; }
    s.once('close', () => r());
    s.end();
    s.resume();
  });
}

/** Standard config around a backend body. */
export function tcpConfig(backendLines: readonly string[], extra: { defaults?: readonly string[]; frontend?: readonly string[]; global?: readonly string[] } = {}): string {
  return [
    'global',
    ...(extra.global ?? []).map((l) => `    ${l}`),
    'defaults',
    '    mode tcp',
    '    timeout connect 1s',
    '    timeout client 10s',
    '    timeout server 10s',
    ...(extra.defaults ?? []).map((l) => `    ${l}`),
    'frontend fe',
    '    bind 127.0.0.1:1',  // not opened: the tests listen on port 0 themselves
    ...(extra.frontend ?? []).map((l) => `    ${l}`),
    '    default_backend be',
    'backend be',
    ...backendLines.map((l) => `    ${l}`),
    '',
  ].join('\n');
}

export function tally(names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = (out[n] ?? 0) + 1;
  return out;
}
