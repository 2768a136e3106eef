/**
 * The `stats socket` listeners: a unix socket (mode/uid/gid applied after bind, a stale
 * socket file replaced) or ipv4@/ipv6@ADDR:PORT, each with its level. Every connection gets a
 * CliSession; lines are read as they come, replies written in order, and the connection is
 * closed after a one-shot reply, on `quit`, or after `stats timeout` (default 10 s) idle.
 */
import { chmodSync, chownSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { StatsSocketConfig } from '../config/model.js';
import { CliSession, type CliContext } from './cli.js';

export interface StatsSocket {
  readonly config: StatsSocketConfig;
  readonly server: Server;
  /** "unix:/run/halyard.sock" or "127.0.0.1:9999" once listening */
  readonly address: string;
  close(): Promise<void>;
}

const MAX_LINE = 16384;

function serve(ctx: CliContext, cfg: StatsSocketConfig, timeout: number, sock: Socket): void {
  const session = new CliSession(ctx, cfg.level);
  let buf = '';
  let closing = false;
  sock.setEncoding('latin1');
  sock.setTimeout(timeout, () => sock.destroy());
  sock.on('error', () => undefined);
  sock.on('data', (chunk: string) => {
    if (closing) return;
    buf += chunk;
    let nl: number;
    while (!closing && (nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      let r;
      try {
        r = session.line(line);
      } catch (e: unknown) {
        r = { out: `Internal error: ${(e as Error).message}\n\n`, close: true };
      }
      if (r.out !== '') sock.write(r.out);
      if (r.close) {
        closing = true;
        sock.end();
      }
    }
    if (buf.length > MAX_LINE) sock.destroy();
  });
  // a client that sends a command without a newline and half-closes still gets its reply
  sock.on('end', () => {
    if (closing) return;
    closing = true;
    if (buf.trim() !== '') sock.write(session.line(buf).out);
    sock.end();
  });
}

/** Opens one stats socket; rejects with a message naming the address on failure. */
export async function openStatsSocket(ctx: CliContext, cfg: StatsSocketConfig, timeout = 10_000, maxconn = 10): Promise<StatsSocket> {
  const server = createServer({ allowHalfOpen: true }, (s) => serve(ctx, cfg, timeout, s));
  // global `stats maxconn` (HAProxy's default 10) per socket; Node closes a connection beyond it
  // at once where HAProxy leaves it waiting in the backlog
  const own = Number(cfg.options.maxconn ?? 0);
  server.maxConnections = own > 0 ? own : maxconn;
  const backlog = Number(cfg.options.backlog ?? 0);
  const path = cfg.family === 'unix' ? cfg.path ?? cfg.address : null;
  if (path !== null) {
    // HAProxy replaces a socket file left by a previous process; anything else is an error
    try {
      if (lstatSync(path).isSocket()) unlinkSync(path);
    } catch {
      // absent: fine
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`cannot bind stats socket '${cfg.address}': ${e.code ?? e.message}`)));
    const opts = { ...(path !== null ? { path } : { port: cfg.port ?? 0, host: cfg.host }), ...(backlog > 0 ? { backlog } : {}) };
    server.listen(opts, () => resolve());
  });
  server.on('error', () => undefined);
  if (path !== null) {
    try {
      if (cfg.mode !== undefined) chmodSync(path, cfg.mode);
      if (cfg.uid !== undefined || cfg.gid !== undefined) chownSync(path, cfg.uid ?? -1, cfg.gid ?? -1);
    } catch (e: unknown) {
      server.close();
      throw new Error(`cannot set permissions on stats socket '${path}': ${(e as Error).message}`);
    }
  }
  const a = server.address();
  const address = path !== null ? `unix:${path}` : typeof a === 'object' && a !== null ? `${a.address}:${a.port}` : cfg.address;
  return {
    config: cfg, server, address,
    close: () => new Promise<void>((resolve) => {
      server.close(() => {
        if (path !== null) {
          try { unlinkSync(path); } catch { /* gone */ }
        }
        resolve();
      });
    }),
  };
}

/** Opens every configured stats socket, or none (closing the opened ones) if one fails. */
export async function openStatsSockets(ctx: CliContext, cfgs: readonly StatsSocketConfig[], timeout?: number, maxconn?: number): Promise<StatsSocket[]> {
  const out: StatsSocket[] = [];
  try {
    for (const c of cfgs) out.push(await openStatsSocket(ctx, c, timeout, maxconn));
  } catch (e: unknown) {
    await Promise.all(out.map((s) => s.close()));
    throw e;
  }
  return out;
}
