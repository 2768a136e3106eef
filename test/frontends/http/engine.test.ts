// The L7 engine end to end: real `halyard -f` and, beside it, real haproxy on the same config and
// the same origins; each scenario asserts what a client (or the origin) observes and, where
// HAProxy is installed, that it observes the same thing through both.
import t, { type Test } from 'tap';
import { connect } from 'node:net';
import { ERR_400, ERR_403, ERR_408, ERR_502, ERR_503, ERR_504 } from '../../../lib/http1/index.js';
import { skipNoHaproxy } from '../../helpers/shared.js';
import { exchange, freePort, get, origin, rawOrigin, startProxy, until, type Origin, type Proc } from './helpers.js';

interface Ports { main: number; nosrv: number; errs: number; sticky: number }

async function ports(): Promise<Ports> {
  return { main: await freePort(), nosrv: await freePort(), errs: await freePort(), sticky: await freePort() };
}

const origins: Record<string, Origin> = {};
for (const n of ['a1', 'a2', 'api1', 'b1', 'c1', 'c2']) origins[n] = await origin(n);
const garbage = await rawOrigin((s) => s.once('data', () => s.end('garbage\r\n\r\n')));
const silent = await rawOrigin(() => undefined);
const wsOrigin = await rawOrigin((s) => {
  s.once('data', () => {
    s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n');
    s.on('data', (d) => s.write(d)); // echo every frame back
  });
});
const deadPort = await freePort();
t.teardown(async () => {
  for (const o of Object.values(origins)) await o.close();
  await garbage.close();
  await silent.close();
  await wsOrigin.close();
});

const o = (n: string): Origin => origins[n] as Origin;

function config(p: Ports): string {
  return `global
    log stdout format raw local0 info
defaults
    mode http
    log global
    option httplog
    timeout connect 500ms
    timeout client 5s
    timeout server 5s
    timeout http-request 400ms
    retries 1
frontend main
    bind 127.0.0.1:${p.main}
    option forwardfor
    acl is_api path_beg /api
    acl host_b hdr(host) -i b.example
    http-request deny if { path_beg /forbidden }
    http-request set-header X-Added yes
    use_backend api if is_api
    use_backend bb if host_b !is_api
    use_backend ws if { hdr(upgrade) -i websocket }
    default_backend app
backend app
    balance roundrobin
    server a1 127.0.0.1:${o('a1').port}
    server a2 127.0.0.1:${o('a2').port}
backend api
    server api1 127.0.0.1:${o('api1').port}
backend bb
    server b1 127.0.0.1:${o('b1').port}
backend ws
    server w1 127.0.0.1:${wsOrigin.port}
frontend nosrv
    bind 127.0.0.1:${p.nosrv}
frontend errs
    bind 127.0.0.1:${p.errs}
    use_backend garbage if { path_beg /garbage }
    use_backend silent if { path_beg /silent }
    default_backend dead
backend garbage
    server g1 127.0.0.1:${garbage.port}
backend silent
    timeout server 300ms
    server s1 127.0.0.1:${silent.port}
backend dead
    server d1 127.0.0.1:${deadPort}
frontend sticky
    bind 127.0.0.1:${p.sticky}
    default_backend ck
backend ck
    cookie SRV insert indirect nocache
    server c1 127.0.0.1:${o('c1').port} cookie c1
    server c2 127.0.0.1:${o('c2').port} cookie c2
`;
}

interface Under { name: string; ports: Ports; proc: Proc }
const under: Under[] = [];
{
  const p = await ports();
  under.push({ name: 'halyard', ports: p, proc: await startProxy('halyard', config(p), p.main) });
}
const noHaproxy = skipNoHaproxy();
if (noHaproxy === false) {
  const p = await ports();
  under.push({ name: 'haproxy', ports: p, proc: await startProxy('haproxy', config(p), p.main) });
}
t.teardown(async () => { for (const u of under) await u.proc.stop(); });
const hal = under[0] as Under;
const hap = under[1];

const body = (r: { body: Buffer }): string => r.body.toString('latin1');
const header = (r: { headers: [string, string][] }, n: string): string | undefined => r.headers.find(([k]) => k === n)?.[1];

/** Runs `fn` against every proxy under test and asserts the observations are equal. */
async function same<T>(tt: Test, what: string, fn: (u: Under) => Promise<T>): Promise<T> {
  const mine = await fn(hal);
  if (hap !== undefined) {
    for (const x of Object.values(origins)) x.seen.length = 0;
    tt.same(mine, await fn(hap), `${what}: same as haproxy`);
  }
  return mine;
}

t.test('routing by path_beg, hdr(host) and a compound condition; roundrobin per request on one keep-alive connection', async (tt) => {
  const r = await same(tt, 'routing', async (u) => {
    const { responses } = await exchange(u.ports.main, [get('/api/x'), get('/x', ''), get('/x'), 'GET /y HTTP/1.1\r\nHost: B.example\r\n\r\n'].join(''), 4);
    return responses.map((x) => header(x, 'x-served-by'));
  });
  tt.equal(r[0], 'api1');
  tt.equal(r[3], 'b1', 'Host: B.example (case-insensitive) went to bb');
  tt.ok(r[1] !== r[2] && ['a1', 'a2'].includes(r[1] as string) && ['a1', 'a2'].includes(r[2] as string), 'consecutive requests on one connection go to both servers');
});

t.test('Host header routing and request rules: the origin receives set-header and X-Forwarded-For lines as HAProxy sends them', async (tt) => {
  const heads = await same(tt, 'request head at the origin', async (u) => {
    const before = o('b1').raw.length;
    const { responses } = await exchange(u.ports.main, 'GET /page?q=1 HTTP/1.1\r\nHost: b.example\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n', 1);
    tt.equal(header(responses[0]!, 'x-served-by'), 'b1');
    await until(() => o('b1').raw.length > before && (o('b1').raw.at(-1) as Buffer).includes('\r\n\r\n'), 'the origin head');
    return (o('b1').raw.at(-1) as Buffer).toString('latin1');
  });
  tt.equal(heads, 'GET /page?q=1 HTTP/1.1\r\nhost: b.example\r\nx-forwarded-for: 1.2.3.4\r\nx-added: yes\r\nx-forwarded-for: 127.0.0.1\r\n\r\n');
});

t.test('error responses are HAProxy\'s bytes: 403 deny, 503 no backend / dead server, 502 garbage, 504 timeout server, 400, 408', async (tt) => {
  const cases: [string, (u: Under) => Promise<Buffer>, Buffer][] = [
    ['deny', async (u) => (await exchange(u.ports.main, get('/forbidden'), 1)).responses[0]!.raw, ERR_403],
    ['no backend', async (u) => (await exchange(u.ports.nosrv, get('/'), 1)).responses[0]!.raw, ERR_503],
    ['dead server', async (u) => (await exchange(u.ports.errs, get('/'), 1)).responses[0]!.raw, ERR_503],
    ['garbage response', async (u) => (await exchange(u.ports.errs, get('/garbage'), 1)).responses[0]!.raw, ERR_502],
    ['silent server', async (u) => (await exchange(u.ports.errs, get('/silent'), 1)).responses[0]!.raw, ERR_504],
    ['bad request', async (u) => (await exchange(u.ports.main, 'GET / HTTP/1.1\r\nBad Header\r\n\r\n', 1, { waitClose: true })).bytes, ERR_400],
    ['slow head', async (u) => (await exchange(u.ports.main, 'GET / HTTP/1.1\r\nHost: x\r\n', 1, { waitClose: true })).bytes, ERR_408],
  ];
  for (const [what, fn, page] of cases) {
    const got = await same(tt, what, async (u) => (await fn(u)).toString('latin1'));
    tt.equal(got, page.toString('latin1'), what);
  }
});

t.test('request bodies are streamed: 0 B, 100 KB with content-length, chunked, and Expect: 100-continue', async (tt) => {
  const big = Buffer.alloc(100 * 1024, 'x');
  const res = await same(tt, 'bodies', async (u) => {
    const out: string[] = [];
    const post = (len: number): Buffer => Buffer.concat([Buffer.from(`POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: ${len}\r\n\r\n`), big.subarray(0, len)]);
    out.push(body((await exchange(u.ports.main, post(0), 1)).responses[0]!).replace(/^a[12]/, 'a'));
    out.push(body((await exchange(u.ports.main, post(big.length), 1)).responses[0]!).replace(/^a[12]/, 'a'));
    const chunked = `POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`;
    out.push(body((await exchange(u.ports.main, chunked, 1)).responses[0]!).replace(/^a[12]/, 'a'));
    // 100-continue: the body is only sent once the interim response arrived
    const cont = await new Promise<string>((resolve) => {
      const c = connect(u.ports.main, '127.0.0.1', () => c.write('POST /e HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n'));
      let buf = '';
      let sent = false;
      c.on('data', (d) => {
        buf += d.toString('latin1');
        if (!sent && buf.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) { sent = true; c.write('abcd'); }
        if (sent && buf.endsWith('body=4\n')) { c.destroy(); resolve(buf.replace(/a[12]/g, 'a').replace(/date: .*\r\n/i, '')); }
      });
    });
    out.push(cont.split('\r\n')[0] as string, cont.slice(cont.lastIndexOf('\n', cont.length - 2) + 1));
    return out;
  });
  tt.same(res, ['a POST /up body=0\n', 'a POST /up body=102400\n', 'a POST /c body=11\n', 'HTTP/1.1 100 Continue', 'a POST /e body=4\n']);
});

t.test('idle server connections are reused across requests of a keep-alive client', async (tt) => {
  const before = o('a1').conns + o('a2').conns;
  const { responses } = await exchange(hal.ports.main, Array.from({ length: 10 }, () => get('/r')).join(''), 10);
  tt.equal(responses.length, 10, 'ten pipelined requests, ten responses in order');
  const opened = o('a1').conns + o('a2').conns - before;
  tt.ok(opened <= 3, `the origins saw ${opened} connections for 10 requests`);
});

t.test('a WebSocket upgrade becomes a tunnel: 101 forwarded, bytes echoed both ways', async (tt) => {
  const echoed = await same(tt, 'websocket', (u) => new Promise<string>((resolve) => {
    const c = connect(u.ports.main, '127.0.0.1', () => c.write('GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'));
    let buf = '';
    let sent = false;
    c.on('data', (d) => {
      buf += d.toString('latin1');
      if (!sent && buf.includes('\r\n\r\n')) { sent = true; c.write('frame-1'); }
      if (buf.endsWith('frame-1')) { c.destroy(); resolve(buf); }
    });
  }));
  tt.match(echoed, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  tt.match(echoed, /\r\n\r\nframe-1$/);
});

t.test('cookie insert: the first response sets SRV, 20 requests with it stay on one server, the cookie never reaches it', async (tt) => {
  const first = await same(tt, 'first response', async (u) => {
    const r = (await exchange(u.ports.sticky, get('/s', ''), 1)).responses[0]!;
    return { setCookie: header(r, 'set-cookie')?.replace(/c[12]/, 'cX'), cache: header(r, 'cache-control') ?? null };
  });
  tt.same(first, { setCookie: 'SRV=cX; path=/', cache: null });
  const { responses } = await exchange(hal.ports.sticky, Array.from({ length: 20 }, () => get('/s', 'Cookie: SRV=c2; other=1\r\n')).join(''), 20);
  tt.same([...new Set(responses.map((r) => header(r, 'x-served-by')))], ['c2'], 'every request reached c2');
  tt.equal(responses.filter((r) => header(r, 'set-cookie') !== undefined).length, 0, 'no new cookie while it is valid');
  const cookies = o('c2').seen.slice(-20).map((r) => r.headers.cookie);
  tt.same([...new Set(cookies)], ['other=1'], 'indirect: the persistence cookie was removed before forwarding');
});

t.test('httplog lines in HAProxy\'s format', async (tt) => {
  await exchange(hal.ports.main, get('/logged'), 1);
  await until(() => /"GET \/logged HTTP\/1\.1"/.test(hal.proc.out), 'the log line');
  tt.match(hal.proc.out, /^127\.0\.0\.1:\d+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] main app\/a[12] \d+\/\d+\/\d+\/\d+\/\d+ 200 \d+ - - ---- \d+\/\d+\/\d+\/\d+\/0 0\/0 "GET \/logged HTTP\/1\.1"$/m);
  tt.match(hal.proc.out, /\] nosrv nosrv\/<NOSRV> -?\d+\/-1\/-1\/-1\/\d+ 503 \d+ - - SC-- /);
  tt.match(hal.proc.out, /\] errs silent\/s1 \d+\/\d+\/\d+\/-1\/\d+ 504 \d+ - - sH-- /);
});
