// Log lines of live sessions, beside haproxy 2.6: the same clients against both, the lines they
// log (over UDP, `format raw`) must be the same once the values that differ by nature are masked
// (dates, client ports, timers, byte counts).
//  - a unix socket client is `unix:<listener id>` in httplog and tcplog lines, in %ci:%cp, and
//    "Connect to unix:<id>" in the line of a proxy without tcplog/httplog; it gets no
//    X-Forwarded-For;
//  - that "Connect from" line is written when a stream starts: at accept in TCP mode (even for a
//    client that sends nothing), for each request in HTTP mode (nothing for a connection that
//    closes, sends half a head or a bad one).
import t from 'tap';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipNoHaproxy } from '../helpers/shared.js';
import { cleanupDir, freePort, haveHalyardBuild, startProxy, type ProxyKind } from './http-lab.js';
import { cli, until } from './stats-lab.js';
import { LogSink } from './sinks.js';

/** A frontend's current sessions in a `show stat` answer. */
function scur(csv: string, fe: string): string {
  const rows = csv.split('\n');
  const h = (rows[0] ?? '').slice(2).split(',');
  return rows.map((r) => r.split(',')).find((f) => f[0] === fe && f[1] === 'FRONTEND')?.[h.indexOf('scur')] ?? '?';
}

const skip = skipNoHaproxy() || haveHalyardBuild();

/** The global and defaults sections every scenario here starts with: logs to `logPort`. */
function cfgHead(logPort: number): string {
  return `global
    log 127.0.0.1:${logPort} format raw local0
defaults
    log global
    timeout connect 1s
    timeout client 5s
    timeout server 5s
`;
}

/**
 * The sections that end them: a silent frontend for the stats probe, an httplog one whose line
 * marks the end of a scenario, and the HTTP and TCP backends on the origin.
 */
function cfgTail(probe: number, mark: number, origin: number): string {
  return `frontend probe
    mode http
    no log
    bind 127.0.0.1:${probe}
    default_backend beh
frontend mark
    mode http
    option httplog
    bind 127.0.0.1:${mark}
    default_backend beh
backend beh
    mode http
    server s1 127.0.0.1:${origin}
backend bet
    mode tcp
    server s1 127.0.0.1:${origin}
`;
}


/** Dates, inet client ports, timers and byte counts masked; the rest must match. */
function shape(l: string): string {
  return l
    .replace(/\[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\]/, '[T]')
    .replace(/127\.0\.0\.1:\d+ /, '127.0.0.1:PORT ')
    .replace(/^(\S+ \[T\] \S+ \S+) -?\d+(?:\/-?\d+){4} (\d{3}) \d+ /, '$1 TIMERS $2 BYTES ')
    .replace(/^(\S+ \[T\] \S+ \S+) -?\d+(?:\/-?\d+){2} \d+ /, '$1 TIMERS BYTES ');
}

/**
 * Writes `chunks`, each after the response to the previous one (the origin answers "ok"), then
 * shuts the write side (`half: false`: closes once every chunk is answered instead); resolves
 * with all it read once the connection is closed.
 */
function exchange(to: string | number, chunks: readonly string[], opts: { half?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const c: Socket = typeof to === 'number' ? connect(to, '127.0.0.1') : connect(to);
    let got = '';
    let written = 0;
    const next = (): void => {
      if (written < chunks.length) c.write(chunks[written++] as string);
      if (written === chunks.length && opts.half !== false) c.end();
    };
    c.setEncoding('latin1');
    c.on('connect', next);
    c.on('data', (d: string) => {
      got += d;
      const answered = (got.match(/\r\n\r\nok/g) ?? []).length;
      if (answered === written && written < chunks.length) next();
      // a keep-alive exchange: close once the last response is complete
      else if (opts.half === false && answered === chunks.length) c.end();
    });
    c.on('close', () => resolve(got));
    c.on('error', reject);
  });
}

async function origin(): Promise<{ port: number; close: () => void }> {
  const srv = createHttpServer((req, res) => {
    // which X-Forwarded-For the proxy added, if any
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2', 'x-got-xff': String(req.headers['x-forwarded-for'] ?? 'none') });
    res.end('ok');
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return { port: (srv.address() as AddressInfo).port, close: () => { srv.closeAllConnections(); srv.close(); } };
}

const GET = 'GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n';

t.test('unix socket clients: unix:<listener id> in httplog, tcplog, %ci:%cp and the Connect line', { skip }, async (t) => {
  const o = await origin();
  const logs = await LogSink.open();
  t.teardown(() => { o.close(); logs.close(); cleanupDir(); });

  const observe = async (kind: ProxyKind): Promise<string[]> => {
    const dir = mkdtempSync(join(tmpdir(), `hly-logunix-${kind}-`));
    const probe = await freePort();
    const mark = await freePort();
    const cfg = `${cfgHead(logs.port)}frontend feh
    mode http
    option httplog
    bind ${dir}/h1.sock
    bind unix@${dir}/h7.sock id 7
    bind ${dir}/h2.sock
    http-response set-header x-ci "%ci:%cp"
    option forwardfor
    default_backend beh
frontend fet
    mode tcp
    option tcplog
    bind ${dir}/t1.sock
    default_backend bet
frontend fec
    mode http
    bind ${dir}/c1.sock
    bind ${dir}/c2.sock
    default_backend beh
frontend fect
    mode tcp
    bind ${dir}/ct.sock
    default_backend bet
${cfgTail(probe, mark, o.port)}`;
    const proc = await startProxy(kind, cfg, probe);
    const from = logs.lines.length;
    const seen: string[] = [];
    try {
      for (const s of ['h1', 'h7', 'h2']) {
        const r = await exchange(`${dir}/${s}.sock`, [GET]);
        seen.push(`${s}: ${/^x-ci: (.*)$/im.exec(r)?.[1] ?? 'no x-ci'}, x-forwarded-for ${/^x-got-xff: (.*)$/im.exec(r)?.[1] ?? '?'}`);
      }
      await exchange(`${dir}/t1.sock`, ['GET / HTTP/1.0\r\n\r\n']);
      await exchange(`${dir}/c2.sock`, [GET]);
      await exchange(`${dir}/ct.sock`, []);
      // every line above was sent before this one's
      await exchange(mark, ['GET /end-of-test HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n']);
      await logs.until(/end-of-test/);
      seen.push(...logs.lines.slice(from).filter((l) => !/end-of-test|started\.$/.test(l)).map(shape));
      logs.lines.length = 0;
      return seen;
    } finally {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const h = await observe('haproxy');
  const y = await observe('halyard');
  t.comment(h.join('\n'));
  t.same(y, h, 'the same header values and log lines');
  t.ok(h.includes('Connect to unix:2 (fec/HTTP)'), 'haproxy names the unix listener (sanity)');
});

t.test('the "Connect from" line: at accept in TCP mode, per request in HTTP mode, as haproxy writes it', { skip }, async (t) => {
  const o = await origin();
  const logs = await LogSink.open();
  t.teardown(() => { o.close(); logs.close(); cleanupDir(); });

  const observe = async (kind: ProxyKind): Promise<string[]> => {
    const p = { probe: await freePort(), mark: await freePort(), ft: await freePort(), fh: await freePort(), fhn: await freePort() };
    const cfg = `${cfgHead(logs.port)}frontend ft
    mode tcp
    bind 127.0.0.1:${p.ft}
    default_backend bet
frontend fh
    mode http
    bind 127.0.0.1:${p.fh}
    default_backend beh
frontend fhn
    mode http
    option dontlognull
    bind 127.0.0.1:${p.fhn}
    default_backend beh
${cfgTail(p.probe, p.mark, o.port)}`;
    const proc = await startProxy(kind, cfg, p.probe);
    const from = logs.lines.length;
    const seen: string[] = [];
    try {
      const scenarios: [string, string[], { half?: boolean }?][] = [
        ['nothing sent', []],
        ['half a head', ['GET / HT']],
        ['a bad head (400)', ['GET / HTTP/1.1\r\nbad header\r\n\r\n']],
        ['one request', [GET]],
        ['two requests on one connection', ['GET /1 HTTP/1.1\r\nhost: x\r\n\r\n', 'GET /2 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'], { half: false }],
      ];
      for (const fe of ['ft', 'fh', 'fhn'] as const) {
        for (const [name, chunks, opts] of scenarios) {
          // a marker request between scenarios splits the lines by scenario
          await exchange(p[fe], chunks, opts);
          await exchange(p.mark, [`GET /${fe}/${name.replace(/\W+/g, '-')} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`]);
        }
      }
      await exchange(p.mark, ['GET /end-of-test HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n']);
      await logs.until(/end-of-test/);
      for (const l of logs.lines.slice(from)) {
        if (/started\.$|end-of-test/.test(l)) continue;
        // a marker line names the scenario that came before it
        const m = /"GET \/(\S+) HTTP\/1\.1"$/.exec(l);
        seen.push(m !== null ? `-- after ${m[1]}` : shape(l).replace(/ to 127\.0\.0\.1:\d+ /, ' to 127.0.0.1:FE '));
      }
      logs.lines.length = 0;
      return seen;
    } finally {
      await proc.stop();
    }
  };
  const h = await observe('haproxy');
  const y = await observe('halyard');
  t.comment(h.join('\n'));
  t.same(y, h, 'the same lines, scenario by scenario');
});

t.test('httplog: a connection gone before its first head, or in the middle of one, is a 400 the client aborted', { skip }, async (t) => {
  const o = await origin();
  const logs = await LogSink.open();
  t.teardown(() => { o.close(); logs.close(); cleanupDir(); });

  const observe = async (kind: ProxyKind): Promise<string[]> => {
    const p = { probe: await freePort(), fh: await freePort(), fn: await freePort() };
    const cfg = `global
    log 127.0.0.1:${logs.port} format raw local0
    stats socket ipv4@127.0.0.1:${p.probe} level admin
defaults
    log global
    mode http
    option httplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fh
    bind 127.0.0.1:${p.fh}
    default_backend beh
frontend fn
    option dontlognull
    bind 127.0.0.1:${p.fn}
    default_backend beh
backend beh
    server s1 127.0.0.1:${o.port}
`;
    const proc = await startProxy(kind, cfg, p.probe);
    const seen: string[] = [];
    try {
      const scenarios: [string, string[], { half?: boolean }?][] = [
        ['nothing sent, FIN', []],
        ['half a head, FIN', ['GET / HT']],
        ['a request, then half a head, FIN', ['GET /1 HTTP/1.1\r\nhost: x\r\n\r\n', 'GET / HT']],
        ['two requests, then closed', ['GET /1 HTTP/1.1\r\nhost: x\r\n\r\n', 'GET /2 HTTP/1.1\r\nhost: x\r\n\r\n'], { half: false }],
      ];
      for (const fe of ['fh', 'fn'] as const) {
        for (const [name, chunks, opts] of scenarios) {
          const r = await exchange(p[fe], chunks, opts);
          seen.push(`${fe} ${name}: ${(r.match(/HTTP\/1\.1 \d+/g) ?? []).join(', ')}`);
        }
        // closed without a byte: nothing to answer; then wait until the proxy saw it go, so
        // that the next connection does not count it in %ac
        await new Promise<void>((resolve) => {
          const c = connect(p[fe], '127.0.0.1', () => c.destroy());
          c.on('close', () => resolve());
        });
        await until(async () => scur(await cli(`127.0.0.1:${p.probe}`, 'show stat'), fe) === '0', `${kind}: ${fe} idle`);
      }
      // a request of fh ends the lines (the last connection of fn was closed before it)
      await exchange(p.fh, ['GET /end-of-test HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n']);
      await logs.until(/end-of-test/);
      seen.push(...logs.lines.filter((l) => !/end-of-test|started\.$/.test(l)).map(shape));
      logs.lines.length = 0;
      const rows = (await cli(`127.0.0.1:${p.probe}`, 'show stat')).split('\n');
      const h = (rows[0] ?? '').slice(2).split(',');
      for (const r of rows.slice(1)) {
        const f = r.split(',');
        if (f[1] === 'FRONTEND') seen.push(`${f[0]} ${['req_tot', 'ereq', 'hrsp_2xx', 'hrsp_4xx'].map((k) => `${k}=${f[h.indexOf(k)]}`).join(' ')}`);
      }
      return seen;
    } finally {
      await proc.stop();
    }
  };
  const h = await observe('haproxy');
  const y = await observe('halyard');
  t.comment(h.join('\n'));
  t.same(y, h, 'the same answers, lines and counters');
});

t.test('behind accept-proxy the "Connect from" line carries the header\'s addresses: TCP once it is in, HTTP per request', { skip }, async (t) => {
  const o = await origin();
  const logs = await LogSink.open();
  t.teardown(() => { o.close(); logs.close(); cleanupDir(); });

  const observe = async (kind: ProxyKind): Promise<string[]> => {
    const p = { probe: await freePort(), mark: await freePort(), ft: await freePort(), fh: await freePort() };
    const cfg = `${cfgHead(logs.port)}frontend ft
    mode tcp
    bind 127.0.0.1:${p.ft} accept-proxy
    default_backend bet
frontend fh
    mode http
    bind 127.0.0.1:${p.fh} accept-proxy
    default_backend beh
${cfgTail(p.probe, p.mark, o.port)}`;
    const proc = await startProxy(kind, cfg, p.probe);
    const seen: string[] = [];
    try {
      const pp = 'PROXY TCP4 192.0.2.7 198.51.100.9 4242 8080\r\n';
      const scenarios: [string, string[], { half?: boolean }?][] = [
        ['a header, nothing else', [pp]],
        ['a header and a request', [pp + GET]],
        ['a header and two requests', [pp + 'GET /1 HTTP/1.1\r\nhost: x\r\n\r\n', 'GET /2 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'], { half: false }],
        ['a local header and a request', ['PROXY UNKNOWN\r\n' + GET]],
      ];
      for (const fe of ['ft', 'fh'] as const) {
        for (const [name, chunks, opts] of scenarios) {
          await exchange(p[fe], chunks, opts);
          await exchange(p.mark, [`GET /${fe}/${name.replace(/\W+/g, '-')} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`]);
        }
      }
      await exchange(p.mark, ['GET /end-of-test HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n']);
      await logs.until(/end-of-test/);
      for (const l of logs.lines) {
        if (/started\.$|end-of-test/.test(l)) continue;
        const m = /"GET \/(\S+) HTTP\/1\.1"$/.exec(l);
        seen.push(m !== null ? `-- after ${m[1]}` : shape(l).replace(/ to 127\.0\.0\.1:\d+ /, ' to 127.0.0.1:FE '));
      }
      logs.lines.length = 0;
      return seen;
    } finally {
      await proc.stop();
    }
  };
  const h = await observe('haproxy');
  const y = await observe('halyard');
  t.comment(h.join('\n'));
  t.same(y, h, 'the same lines, scenario by scenario');
});

/** Whether this machine can listen on `::` (a dual-stack bind). */
async function haveDualStack(): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(0, '::', () => s.close(() => resolve(true)));
  });
}

t.test('an IPv4 client of a dual-stack bind is logged, and forwarded for, as the socket names it (::ffff:a.b.c.d)', { skip }, async (t) => {
  if (!(await haveDualStack())) {
    t.comment('skipped: this machine cannot listen on ::');
    return;
  }
  const o = await origin();
  const logs = await LogSink.open();
  t.teardown(() => { o.close(); logs.close(); cleanupDir(); });
  const observe = async (kind: ProxyKind): Promise<string[]> => {
    const p = { probe: await freePort(), fh: await freePort(), fc: await freePort(), ft: await freePort() };
    const cfg = `${cfgHead(logs.port)}frontend fh
    mode http
    option httplog
    option forwardfor
    bind :::${p.fh} v4v6
    default_backend beh
frontend fc
    mode http
    bind :::${p.fc} v4v6
    default_backend beh
frontend ft
    mode tcp
    bind :::${p.ft} v4v6
    default_backend bet
frontend probe
    mode http
    no log
    bind 127.0.0.1:${p.probe}
    default_backend beh
backend beh
    mode http
    server s1 127.0.0.1:${o.port}
backend bet
    mode tcp
    server s1 127.0.0.1:${o.port}
`;
    const proc = await startProxy(kind, cfg, p.probe);
    try {
      await exchange(p.fc, [GET]);
      await exchange(p.ft, ['GET / HTTP/1.0\r\n\r\n']);
      const r = await exchange(p.fh, ['GET /end-of-test HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n']);
      await logs.until(/end-of-test/);
      const seen = [`x-forwarded-for ${/^x-got-xff: (.*)$/im.exec(r)?.[1] ?? '?'}`];
      seen.push(...logs.lines.filter((l) => !/started\.$/.test(l)).map((l) => shape(l).replace(/ to (\S+):\d+ \(/, ' to $1:FE (').replace(/^(::ffff:127\.0\.0\.1):\d+ /, '$1:PORT ')));
      logs.lines.length = 0;
      return seen;
    } finally {
      await proc.stop();
    }
  };
  const h = await observe('haproxy');
  const y = await observe('halyard');
  t.comment(h.join('\n'));
  t.same(y, h, 'the same client and frontend addresses');
});
