// `bind ... maxconn` beside haproxy 2.6, in TCP and HTTP mode: a frontend with two binds, one
// limited to 2 connections. Three clients on the limited bind and one on the other: the third
// waits (haproxy leaves it in the kernel backlog, Halyard holds it un-read) while the other bind
// still serves; closing one of the first two lets it in. Then a bind limit above the frontend's
// maxconn, where the frontend limit holds connections on both binds. Every step is an event:
// a client is "served" when its data comes back (echoed, or an HTTP response); "waiting" is
// established by a later round trip (through another bind or frontend) and a stats query that
// both complete while it is still unanswered. Both proxies must report the same observations.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipNoHaproxy } from '../helpers/shared.js';
import { cleanupDir, freePort, haveHalyardBuild, startProxy, type ProxyKind } from './http-lab.js';
import { cli, csvRows, httpOrigin, type HttpOrigin } from './stats-lab.js';
import { echoServer } from './sinks.js';

const skip = skipNoHaproxy() || haveHalyardBuild();

type Mode = 'tcp' | 'http';

/**
 * A client that can be asked to speak (one line in TCP, one GET in HTTP) and tells when its
 * answer came back. HTTP clients keep their connection open after a response (keep-alive),
 * so the connection keeps its listener slot, as in TCP.
 */
class Client {
  private got = '';
  private waiters: (() => void)[] = [];
  closed = false;
  private constructor(readonly sock: Socket, readonly mode: Mode, readonly tag: string) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => { this.got += d; this.wake(); });
    sock.on('error', () => undefined);
    sock.on('close', () => { this.closed = true; this.wake(); });
  }

  static open(port: number, mode: Mode, tag: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1');
      s.setNoDelay(true);
      s.once('connect', () => resolve(new Client(s, mode, tag)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(): void {
    this.sock.write(this.mode === 'tcp' ? `${this.tag}\n` : `GET /${this.tag} HTTP/1.1\r\nhost: x\r\n\r\n`);
  }

  /** the answer is complete: the echoed line, or a whole response (its body is "ok") */
  answered(): boolean {
    return this.mode === 'tcp' ? this.got.includes(`${this.tag}\n`) : /^HTTP\/1\.1 200 [^]*\r\n\r\nok$/.test(this.got);
  }

  /** resolves with the answer's first line once it is complete (or what came before a close) */
  async answer(): Promise<string> {
    while (!this.answered() && !this.closed) await new Promise<void>((r) => this.waiters.push(r));
    return this.answered() ? (this.got.split(/\r?\n/)[0] ?? '') : `closed: ${JSON.stringify(this.got)}`;
  }

  /** sends and waits for the answer */
  async ask(): Promise<string> {
    this.send();
    return this.answer();
  }

  close(): Promise<void> {
    return new Promise((r) => {
      if (this.closed) { r(); return; }
      this.sock.once('close', () => r());
      this.sock.end();
    });
  }
}

interface Ports { probe: number; a: number; b: number; other: number; origin: number }

function config(mode: Mode, sock: string, p: Ports, fe: { bindA: string; maxconn?: number }): string {
  return `global
    maxconn 100
    stats socket ${sock} mode 600 level admin
    stats socket ipv4@127.0.0.1:${p.probe} level admin
defaults
    mode ${mode}
    timeout connect 1s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:${p.a} ${fe.bindA}
    bind 127.0.0.1:${p.b}
${fe.maxconn !== undefined ? `    maxconn ${fe.maxconn}\n` : ''}    default_backend be
frontend other
    bind 127.0.0.1:${p.other}
    default_backend be
backend be
    server s 127.0.0.1:${p.origin}
`;
}

/** What the stats say about frontend fe and the process: the figures a bind maxconn could touch. */
async function stats(sock: string): Promise<string> {
  const rows = csvRows(await cli(sock, 'show stat'));
  const head = rows[0] ?? [];
  const col = (r: string[], name: string): string => r[head.indexOf(name)] ?? '?';
  const fe = rows.find((r) => r[0] === 'fe' && r[1] === 'FRONTEND') ?? [];
  const be = rows.find((r) => r[0] === 'be' && r[1] === 'BACKEND') ?? [];
  const info = await cli(sock, 'show info');
  const field = (k: string): string => new RegExp(`^${k}: (.*)$`, 'm').exec(info)?.[1] ?? '?';
  return `fe scur=${col(fe, 'scur')} smax=${col(fe, 'smax')} slim=${col(fe, 'slim')} stot=${col(fe, 'stot')}; ` +
    `be slim=${col(be, 'slim')}; info Maxconn=${field('Maxconn')} CurrConns=${field('CurrConns')}`;
}

/** Runs `steps` against one proxy on `cfg`, with a fresh origin; returns the observations. */
async function run(kind: ProxyKind, mode: Mode, dir: string, fe: { bindA: string; maxconn?: number },
  steps: (p: Ports, sock: string, log: string[]) => Promise<void>): Promise<string[]> {
  const origin: HttpOrigin | { port: number; close(): Promise<void> } = mode === 'http' ? await httpOrigin('ok') : await echoServer();
  const p: Ports = { probe: await freePort(), a: await freePort(), b: await freePort(), other: await freePort(), origin: origin.port };
  const sock = join(dir, `${kind}-${mode}.sock`);
  const proc = await startProxy(kind, config(mode, sock, p, fe), p.probe);
  const log: string[] = [];
  try {
    await steps(p, sock, log);
  } finally {
    await proc.stop();
    await origin.close();
  }
  return log;
}

/** Opens a client on `port` and asks; the first line of its answer. */
async function served(port: number, mode: Mode, tag: string, log: string[]): Promise<Client> {
  const c = await Client.open(port, mode, tag);
  log.push(`${tag}: ${await c.ask()}`);
  return c;
}

/** Opens a client on `port` and sends without waiting; the answer is logged when it comes. */
async function pending(port: number, mode: Mode, tag: string): Promise<Client> {
  const c = await Client.open(port, mode, tag);
  c.send();
  return c;
}

/** A round trip through `port` that completes after `waiting` were sent, then the stats. */
async function barrier(port: number, mode: Mode, tag: string, waiting: readonly Client[], sock: string, log: string[]): Promise<void> {
  const c = await served(port, mode, tag, log);
  log.push(`${waiting.map((w) => `${w.tag} ${w.answered() ? 'answered' : 'waiting'}`).join(', ')} after ${tag}`);
  log.push(await stats(sock));
  await c.close();
}

t.test('bind maxconn: a full listener holds its own connections, the other bind serves', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halyard-bindmax-'));
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }); cleanupDir(); });
  for (const mode of ['tcp', 'http'] as const) {
    const steps = async (p: Ports, sock: string, log: string[]): Promise<void> => {
      const c1 = await served(p.a, mode, 'a1', log);
      const c2 = await served(p.a, mode, 'a2', log);
      const c3 = await pending(p.a, mode, 'a3');
      // b1 is answered while a3, sent before it, is not
      const b1 = await served(p.b, mode, 'b1', log);
      log.push(`a3 ${c3.answered() ? 'answered' : 'waiting'} after b1`);
      log.push(await stats(sock));
      // one of the limited bind's connections ends: the waiting one gets in
      await c1.close();
      log.push(`a3 after a1 closed: ${await c3.answer()}`);
      // the bind is full again (a2, a3): a4 waits too, while the other bind still serves
      const c4 = await pending(p.a, mode, 'a4');
      await barrier(p.b, mode, 'b2', [c4], sock, log);
      await c2.close();
      log.push(`a4 after a2 closed: ${await c4.answer()}`);
      await Promise.all([c3.close(), c4.close(), b1.close()]);
    };
    const fe = { bindA: 'maxconn 2' };
    const theirs = await run('haproxy', mode, dir, fe, steps);
    const ours = await run('halyard', mode, dir, fe, steps);
    t.same(ours, theirs, `${mode}: the same observations as haproxy`);
    // and what they are, so that both being wrong the same way fails too
    const first = mode === 'tcp' ? (tag: string) => tag : () => 'HTTP/1.1 200 OK';
    t.same(theirs.filter((l) => !l.startsWith('fe ')), [
      `a1: ${first('a1')}`, `a2: ${first('a2')}`, `b1: ${first('b1')}`, 'a3 waiting after b1',
      `a3 after a1 closed: ${first('a3')}`, `b2: ${first('b2')}`, 'a4 waiting after b2', `a4 after a2 closed: ${first('a4')}`,
    ], `${mode}: haproxy's observations are the expected ones`);
    t.match(theirs[4], /^fe scur=3 smax=3 slim=100 stot=3; be slim=20; info Maxconn=100 CurrConns=3$/, `${mode}: the held one is no session yet`);
  }
});

t.test('bind maxconn above the frontend maxconn: the frontend limit holds both binds', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halyard-bindmax-'));
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }); cleanupDir(); });
  for (const mode of ['tcp', 'http'] as const) {
    const steps = async (p: Ports, sock: string, log: string[]): Promise<void> => {
      const c1 = await served(p.a, mode, 'a1', log);
      const c2 = await served(p.b, mode, 'b1', log);
      const c3 = await pending(p.a, mode, 'a2');
      const c4 = await pending(p.b, mode, 'b2');
      // the frontend is full: a round trip through the other frontend proves both wait
      await barrier(p.other, mode, 'o1', [c3, c4], sock, log);
      // a slot frees: one of the two gets in (which one is the order the listeners are polled)
      await c1.close();
      const first = await Promise.race([c3.answer(), c4.answer()]);
      log.push(`one answered after a1 closed: ${/^(a2|b2|HTTP\/1\.1 200 OK)$/.test(first)}`);
      await barrier(p.other, mode, 'o2', [], sock, log);
      log.push(`answered: ${[c3, c4].filter((c) => c.answered()).length}`);
      await c2.close();
      await Promise.all([c3.answer(), c4.answer()]);
      log.push(`answered after b1 closed: ${[c3, c4].filter((c) => c.answered()).length}`);
      await Promise.all([c3.close(), c4.close()]);
    };
    const fe = { bindA: 'maxconn 5', maxconn: 2 };
    const theirs = await run('haproxy', mode, dir, fe, steps);
    const ours = await run('halyard', mode, dir, fe, steps);
    t.same(ours, theirs, `${mode}: the same observations as haproxy`);
    t.same(theirs.filter((l) => !l.startsWith('fe ')), [
      `a1: ${mode === 'tcp' ? 'a1' : 'HTTP/1.1 200 OK'}`, `b1: ${mode === 'tcp' ? 'b1' : 'HTTP/1.1 200 OK'}`,
      `o1: ${mode === 'tcp' ? 'o1' : 'HTTP/1.1 200 OK'}`, 'a2 waiting, b2 waiting after o1',
      'one answered after a1 closed: true',
      `o2: ${mode === 'tcp' ? 'o2' : 'HTTP/1.1 200 OK'}`, ' after o2', 'answered: 1', 'answered after b1 closed: 2',
    ], `${mode}: haproxy's observations are the expected ones`);
  }
});
