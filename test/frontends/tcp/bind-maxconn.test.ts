// The accept gate with `bind ... maxconn`: each listening socket of a limited bind line counts
// its own sessions and holds its own extra connections, under the frontend and global limits.
// Listeners are opened here (pauseOnConnect, as lib/net does) and name their socket to accept().
import t, { type Test } from 'tap';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Frontend } from '../../../lib/runtime/frontend.js';
import { closeSock, hold, startProxy, tcpConfig, upstream, type Proxy } from './helpers.js';

/** A listening socket for `fe` that says it is socket `label` of bind line `bindIndex`. */
async function listener(t: Test, fe: Frontend, bindIndex: number, label: string, accepted: Socket[] = []): Promise<number> {
  const bind = fe.binds[bindIndex];
  if (bind === undefined) throw new Error(`no bind ${bindIndex}`);
  const srv: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => { accepted.push(s); fe.accept(s, { bind, label }); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => srv.close(() => r())));
  return (srv.address() as AddressInfo).port;
}

/** Resolves once `fe` holds `n` connections (a held connection is an accept we can observe). */
async function heldNow(fe: Frontend & { heldCount?: () => number }, n: number): Promise<void> {
  while ((fe.heldCount?.() ?? -1) !== n) await new Promise((r) => setImmediate(r));
}

/** A client kept open whose greeting is tracked: `got()` is set once the server's first bytes came. */
function waiting(port: number): { sock: Socket; got: () => string | null; served: Promise<{ name: string; sock: Socket }> } {
  let name: string | null = null;
  const sock = createConnection({ port, host: '127.0.0.1', allowHalfOpen: true });
  sock.setEncoding('latin1');
  sock.on('error', () => undefined);
  const served = new Promise<{ name: string; sock: Socket }>((r) => sock.once('data', (d: string) => { name = d; r({ name: d, sock }); }));
  return { sock, got: () => name, served };
}

async function setup(t: Test, extra: { frontend?: readonly string[]; global?: readonly string[] }): Promise<{ px: Proxy; fe: Frontend }> {
  const up = await upstream('s', 'name-and-hold');
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port}`], extra));
  t.teardown(px.close);
  const fe = px.rt.frontend('fe');
  if (fe === undefined) throw new Error('no fe');
  return { px, fe };
}

t.test('each socket of a limited bind has its own slots; the unlimited bind is not held by them', async (t) => {
  const { px, fe } = await setup(t, { frontend: ['bind 127.0.0.1:2,127.0.0.1:3 maxconn 1'] });
  const x = await listener(t, fe, 1, '127.0.0.1:2');
  const y = await listener(t, fe, 1, '127.0.0.1:3');
  const open = await listener(t, fe, 0, '127.0.0.1:1');
  const x1 = await hold(x);
  const x2 = waiting(x);
  await heldNow(fe, 1);
  const x3 = waiting(x);
  await heldNow(fe, 2);
  const y1 = await hold(y);
  const o1 = await hold(open);
  const o2 = await hold(open);
  t.equal(x2.got(), null, 'the second connection on the full socket waits');
  t.match(px.rt.snapshot().frontends[0], { scur: 4 }, 'held ones are not sessions');
  // a held client that gives up is not noticed while held (its socket is not read, as a
  // connection in HAProxy's backlog): it gets the slot, finds the close and ends, then x3 is in
  x2.sock.destroy();
  await closeSock(x1.sock);
  t.equal((await x3.served).name, 's', 'the next held connection of the socket is served');
  t.equal(fe.counters.held, 2, 'two connections were held');
  t.match(px.rt.snapshot().frontends[0], { scur: 4, smax: 4, stot: 6 });
  for (const h of [y1, o1, o2, await x3.served]) h.sock.destroy();
});

t.test('a freed frontend slot goes to the oldest held connection whose socket has room', async (t) => {
  const { fe } = await setup(t, { frontend: ['maxconn 2', 'bind 127.0.0.1:2 maxconn 1'] });
  const x = await listener(t, fe, 1, '127.0.0.1:2');
  const open = await listener(t, fe, 0, '127.0.0.1:1');
  const x1 = await hold(x);
  const x2 = waiting(x);            // held: its socket is full
  await heldNow(fe, 1);
  const o1 = await hold(open);      // the frontend is now full
  const o2 = waiting(open);         // held: the frontend is full
  await heldNow(fe, 2);
  await closeSock(o1.sock);
  const s = await o2.served;
  t.equal(x2.got(), null, 'the older x2 stays held: its own socket is still full');
  await closeSock(x1.sock);
  t.equal((await x2.served).name, 's', 'x2 gets in when its socket frees');
  s.sock.destroy();
  (await x2.served).sock.destroy();
});

t.test('a limited socket under the global limit, paused and resumed; drain waits for held ones', async (t) => {
  const { px, fe } = await setup(t, { global: ['maxconn 2'], frontend: ['bind 127.0.0.1:2 maxconn 1'] });
  const x = await listener(t, fe, 1, '127.0.0.1:2');
  const open = await listener(t, fe, 0, '127.0.0.1:1');
  const x1 = await hold(x);
  const o1 = await hold(open);      // the process is full
  const o2 = waiting(open);
  await heldNow(fe, 1);
  await closeSock(x1.sock);         // a global slot frees: o2 takes it (x has no one waiting)
  const s2 = await o2.served;
  px.rt.pause();
  await closeSock(o1.sock);
  const x2 = waiting(x);            // room on x and a global slot, but paused
  await heldNow(fe, 1);
  let drained = false;
  fe.stopAccepting();
  const d = fe.drain().then(() => { drained = true; });
  px.rt.resume();
  const h = await x2.served;
  t.equal(h.name, 's', 'served on resume');
  t.notOk(drained, 'sessions still run');
  s2.sock.destroy();
  h.sock.destroy();
  await d;
  t.ok(drained, 'drained once every session ended');
});

t.test('a held socket that closes leaves its queue: the one behind it is served next', async (t) => {
  const { px, fe } = await setup(t, { frontend: ['bind 127.0.0.1:2 maxconn 1'] });
  const accepted: Socket[] = [];
  const x = await listener(t, fe, 1, '127.0.0.1:2', accepted);
  const x1 = await hold(x);
  const x2 = waiting(x);
  await heldNow(fe, 1);
  const x3 = waiting(x);
  await heldNow(fe, 2);
  accepted[1]?.destroy();           // x2's socket, on our side, while held
  await heldNow(fe, 1);
  await closeSock(x1.sock);
  t.equal((await x3.served).name, 's');
  t.equal(x2.got(), null, 'the closed one was never served');
  t.match(px.rt.snapshot().frontends[0], { scur: 1, stot: 2 });
  (await x3.served).sock.destroy();
  x2.sock.destroy();
});
