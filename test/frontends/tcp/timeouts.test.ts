import t from 'tap';
import { createConnection } from 'node:net';
import { ask, closeSock, hold, startProxy, tcpConfig, upstream } from './helpers.js';

t.test('timeout client closes an idle session and logs cD', async (t) => {
  const up = await upstream('s', 'silent');
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port}`], { defaults: ['timeout client 200ms', 'timeout server 10s'] }));
  t.teardown(px.close);
  const r = await ask(px.port(), { send: 'hi' });
  t.equal(r.data, '');
  const [rec] = await px.log.count(1);
  t.match(rec, { termState: 'cD', server: 's', bytesUploaded: 2 });
  t.ok((rec?.tt ?? 0) >= 200, `after the client timeout (${rec?.tt}ms)`);
});

t.test('timeout server closes an idle session and logs sD', async (t) => {
  const up = await upstream('s', 'silent');
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port}`], { defaults: ['timeout client 10s', 'timeout server 200ms'] }));
  t.teardown(px.close);
  await ask(px.port(), { send: 'hi' });
  const [rec] = await px.log.count(1);
  t.match(rec, { termState: 'sD' });
});

t.test('timeout tunnel replaces the client and server timeouts once connected', async (t) => {
  const up = await upstream('s', 'silent');
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port}`], { defaults: ['timeout client 100ms', 'timeout server 100ms', 'timeout tunnel 400ms'] }));
  t.teardown(px.close);
  await ask(px.port(), { send: 'hi' });
  const [rec] = await px.log.count(1);
  t.ok((rec?.tt ?? 0) >= 400, `the session lived for the tunnel timeout, not the 100ms ones (${rec?.tt}ms)`);
  t.match(rec?.termState, /^[cs]D$/);
});

t.test('timeout client-fin applies once the client has shut its write side', async (t) => {
  const up = await upstream('s', 'silent');
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port}`], { defaults: ['timeout client 10s', 'timeout server 10s', 'timeout client-fin 200ms'] }));
  t.teardown(px.close);
  // The server never answers nor closes: without client-fin the half-closed session would sit for 10s.
  await ask(px.port(), { send: 'bye', endWrite: true });
  const [rec] = await px.log.count(1);
  t.match(rec, { termState: 'cD' });
  t.ok((rec?.tt ?? 0) < 10000, `closed by client-fin (${rec?.tt}ms)`);
});

t.test('timeout server-fin applies once the server has shut its write side', async (t) => {
  // the server says its name and sends FIN but keeps reading; the client never closes
  const up = await upstream('s', 'name-and-close');
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port}`], { defaults: ['timeout client 10s', 'timeout server 10s', 'timeout server-fin 200ms'] }));
  t.teardown(px.close);
  const c = createConnection({ port: px.port(), host: '127.0.0.1', allowHalfOpen: true });
  c.resume();
  c.on('error', () => undefined);
  const [rec] = await px.log.count(1);
  t.match(rec, { termState: 'sD', bytesRead: 1 });
  c.destroy();
});

t.test('server maxconn queues the extra connections and serves them in order as slots free', async (t) => {
  const up = await upstream('s', 'name-and-hold');
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port} maxconn 2`]));
  t.teardown(px.close);
  const first = [await hold(px.port()), await hold(px.port())];
  const order: number[] = [];
  const waiting = [0, 1, 2].map((i) => hold(px.port()).then((h) => { order.push(i); return h; }));
  const be = px.rt.backends.get('be');
  while ((be?.counters.queueCur ?? 0) < 3) await new Promise((r) => setImmediate(r));
  const snap = px.rt.snapshot().backends[0];
  t.match(snap, { qcur: 3, qmax: 3, scur: 2 }, 'two served, three waiting in the backend queue');
  t.equal(up.accepted, 2, 'the server saw only two connections');
  await closeSock((first[0] as { sock: import('node:net').Socket }).sock);
  const w0 = await (waiting[0] as Promise<{ name: string; sock: import('node:net').Socket }>);
  t.same(order, [0], 'the oldest waiter got the freed slot');
  await closeSock((first[1] as { sock: import('node:net').Socket }).sock);
  await closeSock(w0.sock);
  const rest = await Promise.all([waiting[1], waiting[2]]);
  t.same(order, [0, 1, 2], 'then the others, in arrival order');
  for (const h of rest) h?.sock.destroy();
  const recs = await px.log.count(5);
  t.ok(recs.every((r) => r.tw >= 0 && r.tc >= 0), 'every session, queued or not, logs its queue and connect times');
});

t.test('timeout queue closes a connection that waited too long and logs sQ with <NOSRV>', async (t) => {
  const up = await upstream('s', 'name-and-hold');
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port} maxconn 1`, 'timeout queue 200ms']));
  t.teardown(px.close);
  const h = await hold(px.port());
  const r = await ask(px.port(), { send: 'waiting' });
  t.same(r, { data: '', how: 'end' }, 'closed cleanly without reaching the server');
  const [rec] = await px.log.count(1);
  t.match(rec, { termState: 'sQ', server: '<NOSRV>', tc: -1 });
  t.ok((rec?.tt ?? 0) >= 200);
  h.sock.destroy();
});

t.test('a full server queue (maxqueue) refuses at once with SQ', async (t) => {
  const up = await upstream('s', 'name-and-hold');
  t.teardown(up.close);
  // source hashing always names the server, so the server queue (not the backend's) is used
  const px = await startProxy(tcpConfig(['balance source', `server s 127.0.0.1:${up.port} maxconn 1 maxqueue 1`]));
  t.teardown(px.close);
  const h = await hold(px.port());
  const queued = hold(px.port());
  const be = px.rt.backends.get('be');
  while ((be?.servers[0]?.queueLength ?? 0) < 1) await new Promise((r) => setImmediate(r));
  const r = await ask(px.port());
  t.equal(r.data, '');
  const [rec] = await px.log.count(1);
  t.match(rec, { termState: 'SQ', server: 's' });
  t.match(px.rt.snapshot().backends[0]?.servers[0], { qcur: 1, qmax: 1, econ: 1 });
  await closeSock(h.sock);
  const q = await queued;
  t.equal(q.name, 's', 'the queued one is served when the slot frees');
  q.sock.destroy();
});
