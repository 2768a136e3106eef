import t from 'tap';
import net from 'node:net';
import { once } from 'node:events';
import { Probe } from '../../../backends/health/probe.js';
import { RealScheduler } from '../../../backends/health/scheduler.js';
import { CheckStatus, checkStatusRow, type CheckOutcome } from '../../../backends/health/status.js';
import { firstServer } from './helpers.js';

/** A listener on 127.0.0.1 that records what it receives and answers with `reply` (or nothing). */
async function server(t: { teardown(fn: () => void): void }, onConn: (s: net.Socket, got: Buffer[]) => void): Promise<{ port: number; got: Buffer[] }> {
  const got: Buffer[] = [];
  const srv = net.createServer((s) => {
    s.on('error', () => undefined);
    onConn(s, got);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  t.teardown(() => srv.close());
  return { port: (srv.address() as net.AddressInfo).port, got };
}

function replying(reply: string | null, close = true): (s: net.Socket, got: Buffer[]) => void {
  return (s, got) => s.once('data', (d: Buffer) => {
    got.push(d);
    if (reply !== null) {
      if (close) s.end(reply);
      else s.write(reply);
    }
  });
}

/**
 * One check run of `server s1 127.0.0.1:<port> check <server options>` in a backend whose other
 * lines are `lines` (check options, timeouts), everything read from configuration text.
 */
async function run(lines: string, port: number, serverOptions = ''): Promise<CheckOutcome> {
  const { program, settings } = await firstServer(`${lines}\nserver s1 127.0.0.1:${port} check ${serverOptions}`);
  const sched = new RealScheduler();
  return new Promise((resolve) => {
    const p = new Probe(
      program,
      settings.target,
      settings.timeouts,
      sched,
      { stateHeader: () => 'UP', isUp: () => true },
      (out) => { sched.stop(); resolve(out); },
    );
    p.start();
  });
}

const name = (o: CheckOutcome): string => checkStatusRow(o.status).code;

async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  s.close();
  await once(s, 'close');
  return port;
}

t.test('a plain check passes as L4OK when the port accepts', async (t) => {
  const { port } = await server(t, () => undefined);
  const o = await run('', port);
  t.equal(name(o), 'L4OK');
  t.equal(o.info, '');
});

t.test('a closed port is L4CON "Connection refused" (with the tcp-check step for tcp-check)', async (t) => {
  const port = await closedPort();
  const o = await run('', port);
  t.same([name(o), o.info], ['L4CON', 'Connection refused']);
  const o2 = await run('option tcp-check\ntcp-check send PING\\r\\n\ntcp-check expect string +PONG', port);
  t.same([name(o2), o2.info], ['L4CON', 'Connection refused at initial connection step of tcp-check']);
});

t.test('a server that never answers an HTTP check is L7TOUT after timeout check', async (t) => {
  const { port } = await server(t, () => undefined);
  const o = await run('option httpchk\ntimeout check 100\ntimeout connect 1000', port, 'inter 5000');
  t.equal(name(o), 'L7TOUT');
  t.equal(o.info, '');
  t.ok(o.duration >= 99 && o.duration < 4000, `duration ${o.duration}ms is about timeout check`);
});

t.test('without timeout check the whole check is bounded by inter', async (t) => {
  const { port } = await server(t, () => undefined);
  const o = await run('option httpchk', port, 'inter 150');
  t.equal(name(o), 'L7TOUT');
});

/** [label, backend lines, the bytes haproxy 2.6 puts on the wire for them] */
const wireCases: [string, string, string][] = [
  ['option httpchk', 'option httpchk', 'OPTIONS / HTTP/1.0\r\n\r\n'],
  ['option httpchk /health', 'option httpchk /health', 'OPTIONS /health HTTP/1.0\r\n\r\n'],
  ['option httpchk GET /e', 'option httpchk GET /e', 'GET /e HTTP/1.0\r\n\r\n'],
  ['legacy HTTP/1.1\\r\\nHost:\\ x', 'option httpchk GET /legacy HTTP/1.1\\r\\nHost:\\ www.example.com',
    'GET /legacy HTTP/1.1\r\nhost: www.example.com\r\nconnection: close\r\n\r\n'],
  ['http-check send meth/uri/ver/hdr', 'option httpchk\nhttp-check send meth GET uri /send ver HTTP/1.1 hdr Host www.example.org hdr X-Custom abc',
    'GET /send HTTP/1.1\r\nhost: www.example.org\r\nx-custom: abc\r\nconnection: close\r\n\r\n'],
  ['http-check send body on HTTP/1.1', 'option httpchk POST /p HTTP/1.1\nhttp-check send hdr Host x body hello',
    'POST /p HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello'],
  ['a configured Connection header is not sent', 'option httpchk\nhttp-check send ver HTTP/1.1 hdr Connection keep-alive', 'OPTIONS / HTTP/1.1\r\n\r\n'],
  ['HTTP/1.0 with a body', 'option httpchk\nhttp-check send uri /d body abc', 'OPTIONS /d HTTP/1.0\r\ncontent-length: 3\r\n\r\nabc'],
];

for (const [label, px, bytes] of wireCases) {
  t.test(`${label} sends exactly what haproxy sends`, async (t) => {
    const { port, got } = await server(t, replying('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
    const o = await run(px, port);
    t.equal(name(o), 'L7OK');
    t.equal(o.code, 200);
    t.equal(Buffer.concat(got).toString('latin1'), bytes);
  });
}

t.test('send-proxy puts a PROXY v1 line before the check request', async (t) => {
  const { port, got } = await server(t, (s, g) => {
    s.on('data', (d: Buffer) => {
      g.push(d);
      if (Buffer.concat(g).includes('\r\n\r\n')) s.end('HTTP/1.0 200 OK\r\n\r\n');
    });
  });
  await run('option httpchk', port, 'send-proxy');
  t.match(Buffer.concat(got).toString('latin1'), new RegExp(`^PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ ${port}\\r\\nOPTIONS / HTTP/1\\.0\\r\\n\\r\\n$`));
});

t.test('check-send-proxy: a PROXY header on checks without send-proxy; v2 with send-proxy-v2', async (t) => {
  for (const [opts, re] of [
    ['check-send-proxy', /^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ \d+\r\nOPTIONS \/ HTTP\/1\.0\r\n\r\n$/],
    ['send-proxy-v2 check-send-proxy', /^\r\n\r\n\0\r\nQUIT\n[\s\S]{4}\x7f\0\0\x01\x7f\0\0\x01[\s\S]{4}OPTIONS \/ HTTP\/1\.0\r\n\r\n$/],
  ] as const) {
    const { port, got } = await server(t, (s, g) => {
      s.on('data', (d: Buffer) => {
        g.push(d);
        if (Buffer.concat(g).includes('\r\n\r\n', 20)) s.end('HTTP/1.0 200 OK\r\n\r\n');
      });
    });
    await run('option httpchk', port, opts);
    t.match(Buffer.concat(got).toString('latin1'), re, opts);
  }
});

t.test('check connections end with a reset, as HAProxy\'s, and with a FIN under tcp-check connect linger', async (t) => {
  for (const [lines, want] of [['option httpchk', 'reset'], ['option tcp-check\ntcp-check connect linger', 'fin']] as const) {
    let seen: (v: string) => void = () => undefined;
    const how = new Promise<string>((r) => { seen = r; });
    const { port } = await server(t, (s) => {
      s.removeAllListeners('error');
      s.on('data', (d: Buffer) => { if (d.includes('\r\n\r\n')) s.write('HTTP/1.0 200 OK\r\n\r\n'); });
      s.on('end', () => { seen('fin'); s.end(); });
      s.on('error', (e: NodeJS.ErrnoException) => seen(e.code === 'ECONNRESET' ? 'reset' : String(e.code)));
    });
    await run(lines, port);
    t.equal(await how, want, lines);
  }
});

const reply = (status: string, body = ''): string => `HTTP/1.1 ${status}\r\ncontent-length: ${body.length}\r\n\r\n${body}`;

/** [label, backend lines, the server's answer, status, code, info] */
const expectCases: [string, string, string, string, number, string][] = [
  ['a 301 passes the default 2xx/3xx expectation', 'option httpchk', reply('301 Moved'), 'L7OK', 301, ''],
  ['a 404 fails the default expectation as L7STS with the reason phrase as info', 'option httpchk', reply('404 Not Here'), 'L7STS', 404, 'Not Here'],
  ['expect status 200,204,300-399 accepts 204', 'option httpchk\nhttp-check expect status 200,204,300-399', reply('204 X'), 'L7OK', 204, ''],
  ['expect status 200 refuses 204', 'option httpchk\nhttp-check expect status 200', reply('204 X'), 'L7STS', 204, 'X'],
  ['expect rstatus ^(2|5) accepts a 503', 'option httpchk\nhttp-check expect rstatus ^(2|5)', reply('503 Busy'), 'L7OK', 503, ''],
  ['expect ! status 500 refuses 500', 'option httpchk\nhttp-check expect ! status 500', reply('500 Bad'), 'L7STS', 500, 'Bad'],
  ['expect string matches the body', 'option httpchk\nhttp-check expect string alive', reply('200 OK', 'i am alive'), 'L7OK', 200, ''],
  ['expect string mismatch is L7RSP', 'option httpchk\nhttp-check expect string nope', reply('200 OK', 'hello world'), 'L7RSP', 200, 'HTTP content check did not match'],
  ['expect ! rstring that matches is L7RSP', 'option httpchk\nhttp-check expect ! rstring wor.d', reply('200 OK', 'hello world'), 'L7RSP', 200, 'HTTP check matched unwanted content'],
  ['expect rstring matches a regex', 'option httpchk\nhttp-check expect rstring ^hel+o', reply('200 OK', 'hello world'), 'L7OK', 200, ''],
  ['a garbage response is L7RSP', 'option httpchk', 'garbage\r\n\r\n', 'L7RSP', 0, ''],
  ['tcp-check send/expect passes as L7OK "(tcp-check)"', 'option tcp-check\ntcp-check send PING\\r\\n\ntcp-check expect string +PONG', '+PONG\r\n', 'L7OK', 0, '(tcp-check)'],
  ['tcp-check mismatch at close is L7RSP naming the step', 'option tcp-check\ntcp-check send PING\\r\\n\ntcp-check expect string bar', 'foo', 'L7RSP', 0, "TCPCHK did not match content 'bar' at step 2"],
  ['tcp-check negated match is L7RSP at once', 'option tcp-check\ntcp-check send PING\\r\\n\ntcp-check expect ! string foo', 'foo', 'L7RSP', 0, "TCPCHK matched unwanted content 'foo' at step 2"],
  ['a tcp-check ending on a send passes as L7OK "(tcp-check)"', 'option tcp-check\ntcp-check connect\ntcp-check send PING\\r\\n', 'foo', 'L7OK', 0, '(tcp-check)'],
  ['a comment line still counts as a step, as in haproxy', 'option tcp-check\ntcp-check comment ping\ntcp-check send PING\\r\\n\ntcp-check expect string bar', 'foo', 'L7RSP', 0, "TCPCHK did not match content 'bar' at step 3"],
];

for (const [label, px, answer, status, code, info] of expectCases) {
  t.test(label, async (t) => {
    const { port } = await server(t, replying(answer));
    const o = await run(px, port);
    t.same([name(o), o.code, o.info], [status, code, info]);
  });
}

t.test('a server closing without a response is L7RSP with no info', async (t) => {
  const { port } = await server(t, (s) => s.end());
  const o = await run('option httpchk', port);
  t.same([name(o), o.info], ['L7RSP', '']);
});

t.test('a tcp-check expect that times out names the step', async (t) => {
  const { port } = await server(t, (s) => s.write('banner foo\r\n'));
  const o = await run('option tcp-check\ntcp-check expect string bar\ntimeout connect 1000\ntimeout check 100', port, 'inter 5000');
  t.same([name(o), o.info], ['L7TOUT', " at step 1 of tcp-check (expect string 'bar')"]);
});

t.test('an HTTP status expectation does not wait for the body', async (t) => {
  const { port } = await server(t, (s) => s.once('data', () => s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial')));
  const o = await run('option httpchk\ntimeout connect 1000\ntimeout check 2000', port, 'inter 5000');
  t.equal(o.status, CheckStatus.L7OK);
});
