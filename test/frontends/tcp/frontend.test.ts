import t from 'tap';
import { createServer, type AddressInfo } from 'node:net';
import { ask, closeSock, hold, startProxy, tcpConfig, upstream } from './helpers.js';

t.test('frontend maxconn holds the extra connection un-served until a slot frees', async (t) => {
  const up = await upstream('s', 'name-and-hold');
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port}`], { frontend: ['maxconn 2'] }));
  t.teardown(px.close);
  const a = await hold(px.port());
  const b = await hold(px.port());
  let thirdServed = false;
  const third = hold(px.port()).then((h) => { thirdServed = true; return h; });
  const fe = px.rt.frontends[0];
  while ((fe?.counters.held ?? 0) < 1) await new Promise((r) => setImmediate(r));
  t.notOk(thirdServed, 'the third connection waits');
  t.equal(up.accepted, 2, 'the server saw two connections');
  t.match(px.rt.snapshot().frontends[0], { scur: 2, smax: 2, slim: 2 });
  await closeSock(a.sock);
  const c = await third;
  t.equal(c.name, 's', 'served once a slot freed');
  t.equal(px.rt.snapshot().frontends[0]?.smax, 2, 'never more than maxconn at once');
  b.sock.destroy();
  c.sock.destroy();
});

t.test('global maxconn is shared by all frontends', async (t) => {
  const up = await upstream('s', 'name-and-hold');
  t.teardown(up.close);
  const cfg = tcpConfig([`server s 127.0.0.1:${up.port}`], { global: ['maxconn 1'] }) +
    'frontend fe2\n    bind 127.0.0.1:2\n    default_backend be\n';
  const px = await startProxy(cfg);
  t.teardown(px.close);
  const a = await hold(px.port('fe'));
  let served = false;
  const other = hold(px.port('fe2')).then((h) => { served = true; return h; });
  const fe2 = px.rt.frontend('fe2');
  while ((fe2?.counters.held ?? 0) < 1) await new Promise((r) => setImmediate(r));
  t.notOk(served, 'the other frontend waits for the global slot');
  await closeSock(a.sock);
  const b = await other;
  t.equal(b.name, 's');
  b.sock.destroy();
});

t.test('pause() holds new connections and resume() serves them', async (t) => {
  const up = await upstream('s');
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port}`]));
  t.teardown(px.close);
  px.rt.pause();
  let done = false;
  const r = ask(px.port()).then((x) => { done = true; return x; });
  const fe = px.rt.frontends[0];
  while ((fe?.counters.held ?? 0) < 1) await new Promise((r2) => setImmediate(r2));
  t.notOk(done);
  t.equal(px.rt.snapshot().frontends[0]?.status, 'PAUSED');
  px.rt.resume();
  t.equal((await r).data, 's');
});

t.test('stop() refuses new connections and resolves when the running sessions end', async (t) => {
  const up = await upstream('s', 'name-and-hold');
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port}`]));
  t.teardown(px.close);
  const a = await hold(px.port());
  let stopped = false;
  const stop = px.rt.stop().then(() => { stopped = true; });
  const late = await ask(px.port());
  t.same(late.data, '', 'a connection after stop is closed');
  t.notOk(stopped, 'still draining while a session runs');
  await closeSock(a.sock);
  await stop;
  t.ok(stopped);
});

t.test('counters after N connections agree with what the clients sent and received', async (t) => {
  const echo = await upstream('e', 'echo');
  t.teardown(echo.close);
  const px = await startProxy(tcpConfig([`server e 127.0.0.1:${echo.port}`]));
  t.teardown(px.close);
  let sent = 0;
  let received = 0;
  for (let i = 0; i < 20; i++) {
    const msg = 'x'.repeat(100 * (i + 1));
    sent += msg.length;
    received += (await ask(px.port(), { send: msg, endWrite: true })).data.length;
  }
  await px.log.count(20);
  t.equal(received, sent, 'echoed everything');
  const s = px.rt.snapshot();
  t.match(s.frontends[0], { stot: 20, scur: 0, smax: 1, bin: sent, bout: received });
  t.match(s.backends[0], { stot: 20, lbtot: 20, scur: 0, bin: sent, bout: received, econ: 0 });
  t.match(s.backends[0]?.servers[0], { stot: 20, bin: sent, bout: received });
  t.ok((s.frontends[0]?.rate_max ?? 0) >= 1, 'a session rate was recorded');
  t.equal(px.log.records.reduce((n, r) => n + r.bytesUploaded, 0), sent, 'the log agrees');
});

t.test('use_backend with layer-4 conditions routes by destination port and source', async (t) => {
  const a = await upstream('a');
  const b = await upstream('b');
  t.teardown(a.close);
  t.teardown(b.close);
  const cfg = [
    'defaults', '    mode tcp', '    timeout connect 1s', '    timeout client 5s', '    timeout server 5s',
    'frontend fe', '    bind 127.0.0.1:1',
    '    acl from_two src 127.0.0.2 10.0.0.0/8',
    '    use_backend bb if from_two',
    '    use_backend bb if { dst_port 1:1023 }',
    '    default_backend ba',
    `backend ba`, `    server a 127.0.0.1:${a.port}`,
    `backend bb`, `    server b 127.0.0.1:${b.port}`, '',
  ].join('\n');
  const px = await startProxy(cfg);
  t.teardown(px.close);
  t.equal((await ask(px.port(), { localAddress: '127.0.0.1' })).data, 'a', 'default backend');
  t.equal((await ask(px.port(), { localAddress: '127.0.0.2' })).data, 'b', 'source rule');
});

t.test('a TCP frontend refuses to start with a rule it cannot evaluate, naming file:line', async (t) => {
  const cfg = tcpConfig(['server s 127.0.0.1:9'], { frontend: ['use_backend be if { nbsrv(be) gt 0 }'] });
  await t.rejects(startProxy(cfg), /\.cfg:\d+ : the ACL fetch 'nbsrv' is not supported by Halyard yet in a TCP frontend/);
});

t.test('send-proxy puts a PROXY v1 line before the client bytes; send-proxy-v2 the binary header', async (t) => {
  for (const [opt, expect] of [['send-proxy', /^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ \d+\r\nhello$/], ['send-proxy-v2', /^\r\n\r\n\0\r\nQUIT\n!\x11\0\x0c\x7f\0\0\x01\x7f\0\0\x01[\s\S]{4}hello$/]] as const) {
    let seen = '';
    const up = createServer({ allowHalfOpen: true }, (s) => {
      s.setEncoding('latin1');
      s.on('data', (d: string) => { seen += d; });
      s.on('end', () => s.end());
    });
    await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
    const px = await startProxy(tcpConfig([`server s 127.0.0.1:${(up.address() as AddressInfo).port} ${opt}`]));
    await ask(px.port(), { send: 'hello', endWrite: true });
    t.match(seen, expect, opt);
    await px.close();
    await new Promise<void>((r) => { up.close(() => r()); });
  }
});
