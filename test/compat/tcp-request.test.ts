// `tcp-request connection|session|content accept|reject` beside haproxy 2.6, in TCP and HTTP
// mode: one client per bind, each meeting a different rule, and a frontend whose backend has its
// own content rule. What each client sees (served, reset, closed without a byte), the log lines
// (dates, ports and timers masked) and the stats counters must be haproxy's.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipNoHaproxy } from '../helpers/shared.js';
import { cleanupDir, freePort, haveHalyardBuild, startProxy, type ProxyKind } from './http-lab.js';
import { cli, csvRows, httpOrigin, until } from './stats-lab.js';
import { echoServer, LogSink } from './sinks.js';

const skip = skipNoHaproxy() || haveHalyardBuild();

type Mode = 'tcp' | 'http';

/**
 * Connects to `port`, sends one message (unless `quiet`) and reports what happened: the answer's
 * first line (then closes), "reset", or "closed" (a FIN before any byte). A session rejection is
 * visited quietly: haproxy closes at once, and bytes it had not read would turn its FIN into a
 * reset, depending on which came first.
 */
function visit(port: number, mode: Mode, quiet: boolean, path = '/x'): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    let done = false;
    const end = (what: string): void => {
      if (done) return;
      done = true;
      s.destroy();
      resolve(what);
    };
    s.setEncoding('latin1');
    s.on('connect', () => { if (!quiet) s.write(mode === 'tcp' ? 'hello\n' : `GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`); });
    s.on('data', (d: string) => {
      got += d;
      if (mode === 'tcp' ? got.includes('\n') : got.endsWith('\r\n\r\nok')) end(got.split(/\r?\n/)[0] ?? '');
    });
    s.on('end', () => end(got === '' ? 'closed' : `closed after ${JSON.stringify(got)}`));
    s.on('error', (e: NodeJS.ErrnoException) => end(e.code === 'ECONNRESET' ? 'reset' : `error ${e.code ?? ''}`));
  });
}

interface Ports { probe: number; log: number; c: number; s: number; t: number; a: number; b: number; origin: number }

function config(mode: Mode, p: Ports): string {
  return `global
    stats socket ipv4@127.0.0.1:${p.probe} level admin
defaults
    mode ${mode}
    log 127.0.0.1:${p.log} format raw local0
    option ${mode}log
    timeout connect 1s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:${p.c}
    bind 127.0.0.1:${p.s}
    bind 127.0.0.1:${p.t}
    bind 127.0.0.1:${p.a}
    tcp-request connection accept if { dst_port ${p.a} }
    tcp-request connection reject if { dst_port ${p.c} } || { dst_port ${p.a} }
    tcp-request session reject if { dst_port ${p.s} }
    tcp-request content reject unless { src 127.0.0.0/8 }
    tcp-request content reject if { dst_port ${p.t} } !{ src 10.0.0.0/8 }
${mode === 'http' ? '    # in HTTP mode the rules see the parsed request\n    tcp-request content reject if { path_beg /admin }\n' : ''}    default_backend be
frontend fe2
    bind 127.0.0.1:${p.b}
    default_backend be2
backend be
    server s 127.0.0.1:${p.origin}
backend be2
    tcp-request content accept if { src 10.0.0.0/8 }
    tcp-request content reject if { src 127.0.0.1 }
    server s 127.0.0.1:${p.origin}
`;
}

const COLS = ['scur', 'stot', 'conn_tot', 'dcon', 'dses', 'dreq', 'req_tot', 'hrsp_2xx', 'hrsp_other'];

/** The counters the rules touch, for each proxy row. */
async function counters(probe: number): Promise<string[]> {
  const rows = csvRows(await cli(`127.0.0.1:${probe}`, 'show stat'));
  const head = rows[0] ?? [];
  return rows.slice(1).filter((r) => r.length > 2 && r[1] !== 's').map((r) => `${r[0]}/${r[1]}: ${COLS.map((c) => `${c}=${r[head.indexOf(c)] ?? '?'}`).join(' ')}`);
}

/**
 * Dates, client ports and the timers that are not -1 masked (they differ run to run), and the
 * size of a relayed HTTP response (%B: haproxy counts its internal HTX size, see the README).
 */
function shape(l: string): string {
  return l.replace(/ 200 \d+ - - /, ' 200 B - - ').replace(/^127\.0\.0\.1:\d+/, '127.0.0.1:PORT').replace(/\[[^\]]+\]/, '[DATE]')
    .replace(/ (-?\d+(?:\/-?\d+){2,4}) /, (_m, timers: string) => ` ${timers.split('/').map((x) => (x === '-1' ? x : 'N')).join('/')} `);
}

async function run(kind: ProxyKind, mode: Mode): Promise<string[]> {
  const origin = mode === 'http' ? await httpOrigin('ok') : await echoServer();
  const sink = await LogSink.open();
  const p: Ports = {
    probe: await freePort(), log: sink.port, c: await freePort(), s: await freePort(), t: await freePort(),
    a: await freePort(), b: await freePort(), origin: origin.port,
  };
  const proc = await startProxy(kind, config(mode, p), p.probe);
  const out: string[] = [];
  try {
    for (const [name, port] of [['connection reject', p.c], ['session reject', p.s], ['content reject', p.t], ['accepted', p.a], ['backend content reject', p.b]] as const) {
      out.push(`${name}: ${await visit(port, mode, name === 'session reject')}`);
      if (name === 'accepted' && mode === 'http') {
        out.push(`path rule: ${await visit(port, mode, false, '/admin/x')}`);
        await until(async () => /^CurrConns: 0$/m.test(await cli(`127.0.0.1:${p.probe}`, 'show info')), 'no connection left');
      }
      // haproxy frees a refused connection just after its FIN or reset: the next log line's
      // actconn/feconn would count it or not, so each visit starts on a proxy with none left
      await until(async () => /^CurrConns: 0$/m.test(await cli(`127.0.0.1:${p.probe}`, 'show info')), 'no connection left');
    }
    // the sessions that reached the content stage (the served one and the rejections) are logged
    await sink.count(mode === 'http' ? 4 : 3);
    out.push(...sink.lines.map(shape).sort());
    out.push(...await counters(p.probe));
  } finally {
    await proc.stop();
    await origin.close();
    sink.close();
  }
  return out;
}

t.test('tcp-request rules: what clients see, the log lines and the counters are haproxy\'s', { skip }, async (t) => {
  t.teardown(cleanupDir);
  for (const mode of ['tcp', 'http'] as const) {
    const theirs = await run('haproxy', mode);
    const ours = await run('halyard', mode);
    t.same(ours, theirs, `${mode}: the same observations as haproxy`);
    // and the ones expected, so that both being wrong alike fails too
    const ok = mode === 'tcp' ? 'hello' : 'HTTP/1.1 200 OK';
    t.same(theirs.slice(0, mode === 'http' ? 6 : 5), [
      'connection reject: reset', 'session reject: closed', 'content reject: closed', `accepted: ${ok}`,
      ...(mode === 'http' ? ['path rule: closed'] : []), 'backend content reject: closed',
    ], `${mode}: each stage's rule did what haproxy's documentation says`);
    t.ok(theirs.some((l) => / PR /.test(l) || / PR-- /.test(l)), `${mode}: content rejections are logged PR`);
  }
});

/** Connects to a unix socket and reports how the connection ended ("closed", or the error code). */
function visitUnix(path: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.on('data', () => undefined);
    s.on('end', () => { s.destroy(); resolve('closed'); });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code ?? ''}`));
  });
}

t.test('tcp-request connection reject on a unix socket bind closes it, and the proxy goes on', { skip }, async (t) => {
  t.teardown(cleanupDir);
  const dir = mkdtempSync(join(tmpdir(), 'halyard-tcpreq-unix-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const origin = await echoServer();
  t.teardown(() => origin.close());
  const seen: Record<string, string[]> = {};
  for (const kind of ['haproxy', 'halyard'] as const) {
    const probe = await freePort();
    const port = await freePort();
    const sock = join(dir, `${kind}.sock`);
    const proc = await startProxy(kind, `global
    stats socket ipv4@127.0.0.1:${probe} level admin
defaults
    mode tcp
    timeout connect 1s
    timeout client 10s
    timeout server 10s
frontend fe
    bind unix@${sock}
    bind 127.0.0.1:${port}
    tcp-request connection reject unless { dst_port ${port} }
    default_backend be
backend be
    server s 127.0.0.1:${origin.port}
`, probe);
    try {
      seen[kind] = [`unix: ${await visitUnix(sock)}`, `tcp after it: ${await visit(port, 'tcp', false)}`, `running: ${proc.alive()}`];
    } finally {
      await proc.stop();
    }
  }
  t.same(seen.halyard, seen.haproxy, 'the same as haproxy');
  t.same(seen.haproxy?.slice(1), ['tcp after it: hello', 'running: true'], 'the proxy still serves');
});
