// Syslog over UDP to a real socket on 127.0.0.1 (and ::1): one datagram per line, levels,
// facilities, len, and what each frontend option makes a SessionLogger emit.
process.env.TZ = 'UTC';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import t from 'tap';
import { builtinGlobal } from '../../../lib/config/proxy-defaults.js';
import type { LogTarget } from '../../../lib/config/model.js';
import { LogSystem } from '../../../lib/log/logger.js';
import { httpRecord, proxy, tcpRecord } from './records.js';

const loc = { file: 't.cfg', line: 1 };
/** What these helpers need from a tap test. */
interface Teardown { teardown(fn: () => void): void }

/** A syslog server on port 0 that hands over datagrams in order. */
async function listener(t: Teardown, family: 'udp4' | 'udp6' = 'udp4'): Promise<{ port: number; next: () => Promise<string> }> {
  const s: Socket = createSocket(family);
  const got: string[] = [];
  const waiting: ((m: string) => void)[] = [];
  s.on('message', (m) => {
    const w = waiting.shift();
    if (w !== undefined) w(m.toString('latin1')); else got.push(m.toString('latin1'));
  });
  s.bind(0, family === 'udp4' ? '127.0.0.1' : '::1');
  await once(s, 'listening');
  t.teardown(() => s.close());
  return {
    port: s.address().port,
    next: () => new Promise<string>((res) => { const m = got.shift(); if (m !== undefined) res(m); else waiting.push(res); }),
  };
}

function system(t: Teardown, logs: LogTarget[], env: ConstructorParameters<typeof LogSystem>[1] = {}): LogSystem {
  const g = builtinGlobal();
  g.logs = logs;
  const sys = new LogSystem(g, { pid: 4242, quiet: true, ...env });
  t.teardown(() => sys.close());
  return sys;
}

const HDR = /^<134>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d haproxy\[4242\]: /;

t.test('a tcplog session arrives as one rfc3164 datagram ending in a newline', async (t) => {
  const srv = await listener(t);
  const sys = system(t, [{ target: `127.0.0.1:${srv.port}`, facility: 'local0', loc }]);
  const log = sys.forProxy(proxy('fe_tcp', 'tcp', { tcplog: true }));
  t.ok(log.enabled);
  t.notOk(log.logsAccept);
  log.tcp(tcpRecord());
  const d = await srv.next();
  t.match(d, HDR);
  t.equal(d.replace(HDR, ''), '127.0.0.1:38006 [22/Nov/2026:11:58:16.756] fe_tcp be_tcp/s1 1/0/1 246 -- 1/1/0/0/0 0/0\n');
});

t.test('levels filter per target and the minimum level caps severity', async (t) => {
  const srv = await listener(t);
  const a = `127.0.0.1:${srv.port}`;
  const sys = system(t, [
    { target: a, facility: 'local0', level: 'notice', loc },                      // drops info
    { target: a, facility: 'user', format: 'priority', level: 'info', minLevel: 'err', loc },
  ]);
  const log = sys.forProxy(proxy('fe', 'tcp', { tcplog: true }));
  log.tcp(tcpRecord());
  t.equal(await srv.next(), '<14>127.0.0.1:38006 [22/Nov/2026:11:58:16.756] fe_tcp be_tcp/s1 1/0/1 246 -- 1/1/0/0/0 0/0\n',
    'only the info-level target received the session');
  log.event('emerg', 'backend be has no server available!');
  const first = await srv.next();
  const second = await srv.next();
  t.match(first, /^<128>[A-Z][a-z]{2} .* haproxy\[4242\]: backend be has no server available!\n$/, 'local0.emerg');
  t.equal(second, '<11>backend be has no server available!\n', 'user.emerg capped to err (3) by the minimum level');
});

t.test('len cuts the datagram, header included, before the newline', async (t) => {
  const srv = await listener(t);
  const sys = system(t, [{ target: `127.0.0.1:${srv.port}`, facility: 'local2', len: 100, loc }]);
  sys.forProxy(proxy('fe', 'tcp', { tcplog: true })).tcp(tcpRecord());
  const d = await srv.next();
  t.equal(Buffer.byteLength(d), 101);
  t.ok(d.endsWith('1/0/1 \n') || d.endsWith('\n'));
});

t.test('a default-format frontend logs "Connect from" at accept and nothing at close', async (t) => {
  const srv = await listener(t);
  const sys = system(t, [{ target: `127.0.0.1:${srv.port}`, facility: 'local0', loc }]);
  const log = sys.forProxy(proxy('fe_def', 'http'));
  t.notOk(log.enabled);
  t.ok(log.logsAccept);
  log.accept('127.0.0.1', 40052, '127.0.0.1', 15602);
  log.http(httpRecord());
  log.event('info', 'marker');
  t.equal((await srv.next()).replace(HDR, ''), 'Connect from 127.0.0.1:40052 to 127.0.0.1:15602 (fe_def/HTTP)\n');
  t.equal((await srv.next()).replace(HDR, ''), 'marker\n');
});

t.test('option dontlognull skips sessions that received nothing from the client', async (t) => {
  const srv = await listener(t);
  const sys = system(t, [{ target: `127.0.0.1:${srv.port}`, facility: 'local0', format: 'raw', loc }]);
  const log = sys.forProxy(proxy('fe_null', 'tcp', { tcplog: true, dontlognull: true }));
  log.tcp(tcpRecord({ bytesUploaded: 0, frontend: 'fe_null' }));
  log.tcp(tcpRecord({ bytesUploaded: 1, frontend: 'fe_null', clientPort: 1 }));
  t.match(await srv.next(), /^127\.0\.0\.1:1 \[.*fe_null/);
});

t.test('httplog on a tcp frontend falls back to tcplog; tcplog on an http frontend logs tcplog lines', async (t) => {
  const srv = await listener(t);
  const sys = system(t, [{ target: `127.0.0.1:${srv.port}`, facility: 'local0', format: 'raw', loc }]);
  sys.forProxy(proxy('a', 'tcp', { httplog: true })).tcp(tcpRecord());
  sys.forProxy(proxy('b', 'http', { tcplog: true })).http(httpRecord());
  sys.forProxy(proxy('c', 'http', { httplog: true, httplogClf: true })).http(httpRecord());
  t.equal(await srv.next(), '127.0.0.1:38006 [22/Nov/2026:11:58:16.756] fe_tcp be_tcp/s1 1/0/1 246 -- 1/1/0/0/0 0/0\n');
  t.equal(await srv.next(), '127.0.0.1:37134 [22/Nov/2026:11:52:42.557] fe be/s1 0/0/4 245 -- 1/1/0/0/0 0/0\n');
  t.match(await srv.next(), /^127\.0\.0\.1 - - \[22\/Nov\/2026:11:52:42 \+0000\] "GET \/a\/b\?x=1 HTTP\/1\.1" 200/);
});

t.test('"no log" and proxies without targets emit nothing; own targets replace global ones', async (t) => {
  const srv = await listener(t);
  const other = await listener(t);
  const sys = system(t, [{ target: `127.0.0.1:${srv.port}`, facility: 'local0', format: 'raw', loc }]);
  const silent = sys.forProxy(proxy('quiet', 'tcp', { tcplog: true }, []));
  t.notOk(silent.enabled);
  t.notOk(silent.logsAccept);
  silent.tcp(tcpRecord());
  const own = sys.forProxy(proxy('own', 'tcp', { tcplog: true }, [{ target: `127.0.0.1:${other.port}`, facility: 'local1', format: 'short', loc }]));
  own.event('notice', 'Proxy own stopped.');
  sys.global.event('warning', 'global only');
  t.equal(await other.next(), '<5>Proxy own stopped.\n');
  t.equal(await srv.next(), 'global only\n');
});

t.test('an IPv6 syslog address gets the same datagrams', async (t) => {
  const srv = await listener(t, 'udp6');
  const sys = system(t, [{ target: `[::1]:${srv.port}`, facility: 'local0', format: 'rfc5424', loc }], { hostname: 'vm' });
  sys.forProxy(proxy('fe', 'tcp')).accept('::1', 5, '::1', 80);
  t.match(await srv.next(), /^<134>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 vm haproxy 4242 - - Connect from ::1:5 to ::1:80 \(fe\/TCP\)\n$/);
});

t.test('a log server given by name is resolved once and gets the lines sent meanwhile', async (t) => {
  const srv = await listener(t);
  const sys = system(t, [{ target: `ipv4@localhost:${srv.port}`, facility: 'local0', format: 'raw', loc }]);
  sys.global.event('info', 'first');
  sys.global.event('info', 'second');
  const a = await srv.next();
  const b = await srv.next();
  t.same([a, b], ['first\n', 'second\n']);
});
