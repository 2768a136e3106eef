/**
 * Live updates (Server-Sent Events): while browsers watch, the rows are recomputed every second
 * and each client receives the HTML of the rows that changed since its last message, so a server
 * going DOWN recolours its row in place, without a reload. Comments keep idle streams alive
 * through the engine's client timeout.
 */
import type { ServerResponse } from 'node:http';
import type { ProxyConfig } from '../lib/config/model.js';
import { infoView, proxyViews, type StatsSource } from './model.js';
import type { Renderer } from './render.js';

/** counters are pushed this often; a state change is seen within FAST_MS */
const TICK_MS = 1000;
const FAST_MS = 200;

interface Client {
  readonly res: ServerResponse;
  readonly admin: boolean;
  readonly seen: Map<string, string>;
  lastWrite: number;
}

export class EventHub {
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private lastPush = 0;
  private lastSig = '';

  constructor(
    private readonly src: StatsSource,
    private readonly px: ProxyConfig,
    private readonly render: Renderer,
    /** ms between keep-alive comments */
    private readonly heartbeat: number,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** Takes over `res` as an event stream; the first message brings every row. */
  add(res: ServerResponse, admin: boolean): void {
    if (this.closed) {
      res.writeHead(503, { 'content-type': 'text/plain', 'cache-control': 'no-cache' }).end('stopping\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('retry: 2000\n\n');
    const c: Client = { res, admin, seen: new Map(), lastWrite: Date.now() };
    this.clients.add(c);
    res.on('close', () => {
      this.clients.delete(c);
      if (this.clients.size === 0) this.stopTimer();
    });
    this.push([c]);
    if (this.timer === null) {
      this.timer = setInterval(() => this.tick(), FAST_MS);
      this.timer.unref();
    }
  }

  /** Ends every stream (soft stop, close): browsers are told not to reconnect to this process. */
  closeAll(): void {
    this.closed = true;
    this.stopTimer();
    for (const c of this.clients) c.res.end('event: bye\ndata: {}\n\n');
    this.clients.clear();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Pushes every TICK_MS, or at once when a server's state, admin flags or check counter moved. */
  private tick(): void {
    const sig = this.signature();
    if (sig === this.lastSig && Date.now() - this.lastPush < TICK_MS) return;
    this.lastSig = sig;
    this.push([...this.clients]);
  }

  /** A cheap fingerprint of what colours the rows (read-only walk over the servers). */
  private signature(): string {
    let sig = '';
    for (const pool of this.src.runtime.pools.values()) {
      for (const s of pool.be.servers) sig += `${s.state}${s.admin}${this.src.checks?.of(s)?.health ?? ''},`;
    }
    return sig;
  }

  private push(clients: Client[]): void {
    if (clients.length === 0) return;
    this.lastPush = Date.now();
    const snap = this.src.runtime.snapshot();
    const views = proxyViews(this.src, this.px, snap);
    const info = infoView(this.src, this.px, snap);
    const html = new Map<boolean, Map<string, string>>();
    const rowsFor = (admin: boolean): Map<string, string> => {
      let m = html.get(admin);
      if (m === undefined) {
        m = new Map();
        for (const p of views) for (const r of p.rows) m.set(r.id, this.render.row(r, admin && p.hasServers, this.px.stats.showLegends));
        html.set(admin, m);
      }
      return m;
    };
    const now = Date.now();
    for (const c of clients) {
      const rows: { id: string; html: string }[] = [];
      for (const [id, h] of rowsFor(c.admin)) {
        if (c.seen.get(id) === h) continue;
        c.seen.set(id, h);
        rows.push({ id, html: h });
      }
      if (rows.length > 0) {
        c.res.write(`event: rows\ndata: ${JSON.stringify({ rows, info: { uptime: info.uptime, actconn: info.actconn, gentime: info.time } })}\n\n`);
        c.lastWrite = now;
      } else if (now - c.lastWrite >= this.heartbeat) {
        c.res.write(': keep-alive\n\n');
        c.lastWrite = now;
      }
    }
  }
}
