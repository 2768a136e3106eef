import t from 'tap';
import { SrvAdmin, SrvState } from '../../../backends/server.js';
import { ask, closeSock, hold, startProxy, tally, tcpConfig, upstream, type Upstream } from './helpers.js';

async function ups(t: { teardown(f: () => unknown): void }, names: readonly string[], behaviour: 'name-and-close' | 'name-and-hold' = 'name-and-close'): Promise<Upstream[]> {
  const list = await Promise.all(names.map((n) => upstream(n, behaviour)));
  t.teardown(() => Promise.all(list.map((u) => u.close())));
  return list;
}

const srvLines = (list: readonly Upstream[], params: readonly string[] = []): string[] =>
  list.map((u, i) => `server ${u.name} 127.0.0.1:${u.port} ${params[i] ?? ''}`.trimEnd());

t.test('roundrobin with weights 80/10/10 sends exactly 80, 10 and 10 of 100 connections', async (t) => {
  const list = await ups(t, ['a', 'b', 'c']);
  const px = await startProxy(tcpConfig(['balance roundrobin', ...srvLines(list, ['weight 80', 'weight 10', 'weight 10'])]));
  t.teardown(px.close);
  const got: string[] = [];
  for (let i = 0; i < 100; i++) got.push((await ask(px.port())).data);
  t.same(tally(got), { a: 80, b: 10, c: 10 });
  t.same(list.map((u) => u.accepted), [80, 10, 10], 'each server saw exactly those connections');
  const s = px.rt.snapshot().backends[0];
  t.same(s?.servers.map((x) => x.lbtot), [80, 10, 10], 'per-server lbtot agrees');
});

t.test('leastconn sends new connections to the server with the fewest held ones', async (t) => {
  const list = await ups(t, ['a', 'b', 'c'], 'name-and-hold');
  const px = await startProxy(tcpConfig(['balance leastconn', ...srvLines(list)]));
  t.teardown(px.close);
  const held = [];
  for (let i = 0; i < 3; i++) held.push(await hold(px.port()));
  t.same(tally(held.map((h) => h.name)), { a: 1, b: 1, c: 1 }, 'one each while all are equal');
  // free the one on b: the next two go to b first (0 held), then round among the equals
  const onB = held.find((h) => h.name === 'b');
  if (onB === undefined) throw new Error('no b');
  await closeSock(onB.sock);
  await px.log.count(1);
  const next = await hold(px.port());
  t.equal(next.name, 'b', 'the server with the fewest connections wins');
  const more = [await hold(px.port()), await hold(px.port()), await hold(px.port())];
  t.same(tally(more.map((h) => h.name)), { a: 1, b: 1, c: 1 }, 'then equal again: one each');
  for (const h of [...held, next, ...more]) h.sock.destroy();
});

const SRCS = Array.from({ length: 48 }, (_, i) => `127.0.0.${i + 2}`);

t.test('source hashing sends a client address to the same server every time', async (t) => {
  const list = await ups(t, ['a', 'b', 'c']);
  const px = await startProxy(tcpConfig(['balance source', ...srvLines(list)]));
  t.teardown(px.close);
  const first: string[] = [];
  for (const src of SRCS) first.push((await ask(px.port(), { localAddress: src })).data);
  const again: string[] = [];
  for (const src of SRCS) again.push((await ask(px.port(), { localAddress: src })).data);
  t.same(again, first, 'stable');
  t.equal(Object.keys(tally(first)).length, 3, 'all servers get some clients');
});

t.test('consistent source hashing moves only about 1/N of the clients when a server goes away', async (t) => {
  const list = await ups(t, ['a', 'b', 'c', 'd']);
  const px = await startProxy(tcpConfig(['balance source', 'hash-type consistent', ...srvLines(list)]));
  t.teardown(px.close);
  const before: string[] = [];
  for (const src of SRCS) before.push((await ask(px.port(), { localAddress: src })).data);
  const be = px.rt.backends.get('be');
  const d = be?.findServer('d');
  if (be === undefined || d === undefined) throw new Error('no be/d');
  be.setAdmin(d, SrvAdmin.FMAINT, true);
  const after: string[] = [];
  for (const src of SRCS) after.push((await ask(px.port(), { localAddress: src })).data);
  const moved = SRCS.filter((_, i) => before[i] !== after[i]).length;
  const onD = before.filter((n) => n === 'd').length;
  t.equal(moved, onD, `only the ${onD} clients of the removed server moved`);
  t.ok(moved <= Math.ceil(SRCS.length / 4) + 6, `${moved}/${SRCS.length} moved (about 1/4 expected)`);
});

t.test('a backup server takes over when the active servers are down, and gives back', async (t) => {
  const list = await ups(t, ['a', 'b1', 'b2']);
  const px = await startProxy(tcpConfig(['balance roundrobin', ...srvLines(list, ['', 'backup', 'backup'])]));
  t.teardown(px.close);
  const be = px.rt.backends.get('be');
  const a = be?.findServer('a');
  if (be === undefined || a === undefined) throw new Error('no be/a');
  t.equal((await ask(px.port())).data, 'a');
  be.setServerState(a, SrvState.STOPPED, 'test');
  t.same([(await ask(px.port())).data, (await ask(px.port())).data], ['b1', 'b1'], 'first backup only');
  be.setServerState(a, SrvState.RUNNING, 'test');
  t.equal((await ask(px.port())).data, 'a', 'active back');
});

t.test('with every server down the client is closed cleanly and the log says SC and <NOSRV>', async (t) => {
  const list = await ups(t, ['a', 'b']);
  const px = await startProxy(tcpConfig(['balance roundrobin', ...srvLines(list, ['disabled', 'disabled'])]));
  t.teardown(px.close);
  const r = await ask(px.port(), { send: 'hello' });
  t.same(r, { data: '', how: 'end' }, 'closed with a FIN, nothing sent');
  const [rec] = await px.log.count(1);
  t.match(rec, { backend: 'be', server: '<NOSRV>', termState: 'SC', tw: -1, tc: -1, retries: 0 });
  t.equal(px.rt.snapshot().backends[0]?.econ, 1, 'counted as a connection error on the backend');
  t.same(list.map((u) => u.accepted), [0, 0]);
});
