/** Shared helpers for balancer tests: backends from short specs, pick sequences, contexts. */
import { Backend } from '../../backends/backend.js';
import { balanceSpec, type BalanceAlgo, type BalanceSpec, type ByteSlice, type PickContext } from '../../backends/balance/index.js';
import type { Server, ServerConfig } from '../../backends/server.js';

export type SrvSpec = Partial<ServerConfig> & { name: string };

/** A backend over servers named in declaration order; `weight`, `backup`, ... as on a server line. */
export function backend(algo: BalanceAlgo, servers: readonly (SrvSpec | string)[], over: Partial<BalanceSpec> = {}): Backend {
  return new Backend({
    name: 'be',
    id: 1,
    balance: balanceSpec(algo, over),
    servers: servers.map((s, i) => ({ address: '127.0.0.1', port: 8000 + i, ...(typeof s === 'string' ? { name: s } : s) })),
  });
}

/** Servers named by weight list: [3, 1] → a(3), b(1). */
export function weighted(...weights: number[]): SrvSpec[] {
  return weights.map((w, i) => ({ name: String.fromCharCode(97 + i), weight: w }));
}

const enc = new TextEncoder();

/** A reusable context like a frontend keeps per connection. */
export class TestCtx implements PickContext {
  src: Uint8Array | null = null;
  uri: ByteSlice | null = null;
  headers = new Map<string, string>();

  static tcp(src?: string): TestCtx {
    const c = new TestCtx();
    if (src !== undefined) c.src = ipv4(src);
    return c;
  }

  static http(target: string, headers: Record<string, string> = {}, src?: string): TestCtx {
    const c = new TestCtx();
    const b = enc.encode(target);
    c.uri = { buf: b, start: 0, end: b.length };
    for (const [k, v] of Object.entries(headers)) c.headers.set(k.toLowerCase(), v);
    if (src !== undefined) c.src = ipv4(src);
    return c;
  }

  findHeader(nameLower: string, out: ByteSlice): boolean {
    const v = this.headers.get(nameLower);
    if (v === undefined) return false;
    out.buf = enc.encode(v);
    out.start = 0;
    out.end = out.buf.length;
    return true;
  }
}

export function ipv4(s: string): Uint8Array {
  return Uint8Array.from(s.split('.').map(Number));
}

/** `n` sequential picks, each connection closed before the next (as sequential clients do). */
export function seq(be: Backend, n: number, ctx: PickContext | ((i: number) => PickContext) = new TestCtx()): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = be.pick(typeof ctx === 'function' ? ctx(i) : ctx);
    out.push(s === null ? '-' : s.name);
    if (s !== null) {
      be.takeConn(s);
      be.releaseConn(s);
    }
  }
  return out;
}

/** `n` picks whose connections stay open. */
export function held(be: Backend, n: number, ctx: PickContext = new TestCtx()): Server[] {
  const out: Server[] = [];
  for (let i = 0; i < n; i++) {
    const s = be.pick(ctx);
    if (s === null) break;
    be.takeConn(s);
    out.push(s);
  }
  return out;
}

export function counts(names: readonly string[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const n of names) c[n] = (c[n] ?? 0) + 1;
  return c;
}
