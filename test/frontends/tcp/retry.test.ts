import t from 'tap';
import { createServer, type AddressInfo } from 'node:net';
import { blackhole } from './blackhole.js';
import { ask, deadPort, startProxy, tcpConfig, upstream } from './helpers.js';

t.test('a refused server is retried 3 times, then the client is closed and the log says SC with 3 retries', async (t) => {
  const dead = await deadPort();
  const px = await startProxy(tcpConfig([`server dead 127.0.0.1:${dead}`], { defaults: ['timeout connect 20ms'] }));
  t.teardown(px.close);
  const r = await ask(px.port(), { send: 'x' });
  t.equal(r.data, '', 'nothing relayed');
  const [rec] = await px.log.count(1);
  t.match(rec, { server: 'dead', termState: 'SC', retries: 3, redispatched: false, tc: -1 });
  t.ok((rec?.tt ?? 0) >= 60, `3 turnarounds of min(timeout connect, 1s) = 20ms each (took ${rec?.tt}ms)`);
  const s = px.rt.snapshot().backends[0];
  t.match(s, { econ: 1, wretr: 3, wredis: 0 });
  t.match(s?.servers[0], { econ: 1, wretr: 3 });
});

t.test('a server that starts listening during the turnaround gets the retried connection', async (t) => {
  const port = await deadPort();
  const px = await startProxy(tcpConfig([`server late 127.0.0.1:${port}`], { defaults: ['timeout connect 300ms'] }));
  t.teardown(px.close);
  const late = createServer((s) => { s.end('late'); });
  t.teardown(() => new Promise<void>((r) => { late.close(() => r()); }));
  // the first attempt is refused; the retry waits 300ms, long enough for the server to appear
  const pending = ask(px.port());
  const be = px.rt.backends.get('be');
  while ((be?.servers[0]?.counters.retries ?? 0) === 0) await new Promise((r) => setImmediate(r));
  await new Promise<void>((r) => late.listen(port, '127.0.0.1', r));
  t.equal((late.address() as AddressInfo).port, port);
  t.equal((await pending).data, 'late');
  const [rec] = await px.log.count(1);
  t.match(rec, { server: 'late', termState: '--', retries: 1, redispatched: false });
});

t.test('option redispatch sends the retry of a refused connection to another server at once (+1)', async (t) => {
  const dead = await deadPort();
  const alive = await upstream('alive');
  t.teardown(alive.close);
  const px = await startProxy(tcpConfig(['balance roundrobin', 'option redispatch', `server dead 127.0.0.1:${dead}`, `server alive 127.0.0.1:${alive.port}`], { defaults: ['timeout connect 5s'] }));
  t.teardown(px.close);
  // timeout connect 5s: a turnaround would wait 1s, so tt < 1000 shows there was none
  const r = await ask(px.port());
  t.equal(r.data, 'alive', 'the first connection (picked for dead) reached alive');
  const [rec] = await px.log.count(1);
  t.match(rec, { server: 'alive', retries: 1, redispatched: true, termState: '--' });
  t.ok((rec?.tt ?? 0) < 1000, 'no turnaround delay when redispatching among round robin servers');
  const s = px.rt.snapshot().backends[0];
  t.match(s, { wredis: 1, wretr: 0, econ: 0 });
  t.match(s?.servers.find((x) => x.svname === 'dead'), { wredis: 1 });
  t.equal(alive.accepted, 1, 'one connection reached alive');
});

t.test('without option redispatch a dead server is retried and never replaced', async (t) => {
  const dead = await deadPort();
  const alive = await upstream('alive');
  t.teardown(alive.close);
  const px = await startProxy(tcpConfig(['balance roundrobin', 'retries 2', `server dead 127.0.0.1:${dead}`, `server alive 127.0.0.1:${alive.port}`], { defaults: ['timeout connect 10ms'] }));
  t.teardown(px.close);
  const r = await ask(px.port());
  t.equal(r.data, '');
  const [rec] = await px.log.count(1);
  t.match(rec, { server: 'dead', retries: 2, redispatched: false, termState: 'SC' });
  t.equal(alive.accepted, 0);
});

t.test('a connect timeout is retried without turnaround and ends as sC', async (t) => {
  const bh = await blackhole();
  if (bh === null) { t.pass('skipped: python3 is needed for a port that never answers'); return; }
  t.teardown(bh.stop);
  const px = await startProxy(tcpConfig(['retries 1', `server blackhole 127.0.0.1:${bh.port}`], { defaults: ['timeout connect 100ms'] }));
  t.teardown(px.close);
  await ask(px.port());
  const [rec] = await px.log.count(1);
  t.match(rec, { termState: 'sC', retries: 1, server: 'blackhole' });
  t.ok((rec?.tt ?? 0) >= 200, `two 100ms connect timeouts (${rec?.tt}ms)`);
});
