/**
 * `bind ... accept-proxy` beside the real haproxy 2.6: the same config and the same client
 * bytes (PROXY protocol v1 and v2 headers, good and bad, then a request or a stream) go to
 * both, each in front of its own origin. What each client observes (bytes, and whether the
 * connection ended with a FIN or a reset), what each origin receives (X-Forwarded-For in HTTP
 * mode, the exact bytes with send-proxy / send-proxy-v2 in TCP mode) and the log line of each
 * connection must agree. Cases run concurrently; the only wait is the `timeout client` case.
 */
import t from 'tap';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupDir, freePort, haveHalyardBuild, startProxy, type ProxyKind, type ProxyProc } from './http-lab.js';
import { skipNoHaproxy } from '../helpers/shared.js';

const skip = skipNoHaproxy() || haveHalyardBuild();

// ------------------------------------------------------------------ bytes the clients send

const SIG = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
function v2(verCmd: number, fam: number, body: Buffer): Buffer {
  const h = Buffer.from([...SIG, verCmd, fam, 0, 0]);
  h.writeUInt16BE(body.length, 14);
  return Buffer.concat([h, body]);
}
function v2inet4(src: number[], dst: number[], sport: number, dport: number, tlvs: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(12);
  b.set(src, 0);
  b.set(dst, 4);
  b.writeUInt16BE(sport, 8);
  b.writeUInt16BE(dport, 10);
  return v2(0x21, 0x11, Buffer.concat([b, tlvs]));
}
function v2inet6(src: string, dst: string, sport: number, dport: number): Buffer {
  const b = Buffer.alloc(36);
  b.set(ip6(src), 0);
  b.set(ip6(dst), 16);
  b.writeUInt16BE(sport, 32);
  b.writeUInt16BE(dport, 34);
  // a TLV HAProxy skips (ALPN)
  return v2(0x21, 0x21, Buffer.concat([b, Buffer.from([0x01, 0x00, 0x02]), Buffer.from('h2')]));
}
/** full-form IPv6 text (eight groups) to bytes */
function ip6(full: string): Buffer {
  const b = Buffer.alloc(16);
  full.split(':').forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}
const req = (id: string): string => `GET /${id} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`;
const lat = (s: string): Buffer => Buffer.from(s, 'latin1');

interface Case {
  readonly id: string;
  /** the frontend: fe (http, httplog), ft (tcp, send-proxy), f2 (tcp, send-proxy-v2), fs (http, balance source) */
  readonly fe: 'fe' | 'ft' | 'f2' | 'fs';
  /** what the client writes, one write each; the next one after a short pause */
  readonly writes: readonly Buffer[];
  /** half-close after the writes */
  readonly end?: boolean;
}

const HTTP_CASES: Case[] = [
  { id: 'v1-tcp4', fe: 'fe', writes: [lat('PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r\n' + req('v1-tcp4'))] },
  { id: 'v1-tcp6', fe: 'fe', writes: [lat('PROXY TCP6 2001:DB8:0:0:0:0:0:1 2001:db8::2 1112 2222\r\n' + req('v1-tcp6'))] },
  { id: 'v1-tcp6-mapped', fe: 'fe', writes: [lat('PROXY TCP6 ::ffff:1.2.3.4 ::1 1113 80\r\n' + req('v1-tcp6-mapped'))] },
  { id: 'v1-unknown', fe: 'fe', writes: [lat('PROXY UNKNOWN\r\n' + req('v1-unknown'))] },
  { id: 'v1-lenient', fe: 'fe', writes: [lat(`PROXY TCP4 1.2.3 5.6.7.1234 70001 ${'2'.repeat(200)}\r\n` + req('v1-lenient'))] },
  { id: 'v1-denied-src', fe: 'fe', writes: [lat('PROXY TCP4 9.9.9.9 5.6.7.8 1114 2222\r\n' + req('v1-denied-src'))] },
  // an IPv4-mapped source against the IPv4 pattern of `http-request deny if { src 9.9.9.9 }`
  { id: 'v1-denied-mapped', fe: 'fe', writes: [lat('PROXY TCP6 ::ffff:9.9.9.9 ::1 1119 2222\r\n' + req('v1-denied-mapped'))] },
  { id: 'v2-proxy4', fe: 'fe', writes: [Buffer.concat([v2inet4([1, 2, 3, 5], [5, 6, 7, 8], 1115, 2222), lat(req('v2-proxy4'))])] },
  { id: 'v2-proxy6-tlv', fe: 'fe', writes: [Buffer.concat([v2inet6('2001:db8:0:0:0:0:0:7', '0:0:0:0:0:0:0:1', 1116, 443), lat(req('v2-proxy6-tlv'))])] },
  { id: 'v2-local', fe: 'fe', writes: [Buffer.concat([v2(0x20, 0x00, Buffer.alloc(0)), lat(req('v2-local'))])] },
  // two requests behind one header: both carry its address
  { id: 'keep-alive', fe: 'fe', writes: [lat('PROXY TCP4 1.2.3.7 5.6.7.8 1118 2222\r\n' + req('keep-alive-1').replace('Connection: close\r\n', '') + req('keep-alive-2'))] },
  // the header alone, the request in a later write
  { id: 'header-then-request', fe: 'fe', writes: [lat('PROXY TCP4 1.2.3.6 5.6.7.8 1117 2222\r\n'), lat(req('header-then-request'))] },
  // HAProxy decides on its first read: a header cut there is refused (the rest is never sent)
  { id: 'split-header', fe: 'fe', writes: [lat('PROXY TCP4 1.2.3.4 ')] },
  { id: 'split-v2', fe: 'fe', writes: [v2inet4([1, 2, 3, 4], [5, 6, 7, 8], 1, 2).subarray(0, 20)] },
  { id: 'garbage', fe: 'fe', writes: [lat('HELLO WORLD THIS IS NOT A PROXY LINE\r\n' + req('garbage'))] },
  { id: 'no-header', fe: 'fe', writes: [lat(req('no-header'))] },
  { id: 'no-header-short', fe: 'fe', writes: [lat('GET /\r\n\r\n')] },
  { id: 'too-long', fe: 'fe', writes: [lat(`PROXY TCP4 1.2.3.4 5.6.7.8 1111 ${'2'.repeat(20000)}\r\n` + req('too-long'))] },
  { id: 'bad-proto', fe: 'fe', writes: [lat('PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n' + req('bad-proto'))] },
  { id: 'unknown-with-addrs', fe: 'fe', writes: [lat('PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n' + req('unknown-with-addrs'))] },
  { id: 'v1-bad-eol', fe: 'fe', writes: [lat('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n' + req('v1-bad-eol'))] },
  { id: 'v2-bad-signature', fe: 'fe', writes: [(() => { const b = Buffer.concat([v2inet4([1, 2, 3, 4], [5, 6, 7, 8], 1, 2), lat(req('v2-bad-signature'))]); b[11] = 0x0b; return b; })()] },
  { id: 'v2-bad-command', fe: 'fe', writes: [Buffer.concat([v2(0x22, 0x11, Buffer.alloc(12)), lat(req('v2-bad-command'))])] },
  { id: 'v2-unix-family', fe: 'fe', writes: [Buffer.concat([v2(0x21, 0x31, Buffer.alloc(216)), lat(req('v2-unix-family'))])] },
  { id: 'closed-before-header', fe: 'fe', writes: [], end: true },
  // nothing at all: `timeout client` (1s) ends the wait
  { id: 'idle', fe: 'fe', writes: [] },
];

const TCP_CASES: Case[] = [
  { id: 't-v1-tcp4', fe: 'ft', writes: [lat('PROXY TCP4 1.2.3.4 5.6.7.8 1121 2222\r\nhello t-v1-tcp4')], end: true },
  { id: 't-v1-tcp6', fe: 'ft', writes: [lat('PROXY TCP6 2001:db8::1 2001:db8::2 1122 2222\r\nhello t-v1-tcp6')], end: true },
  { id: 't-v2-local', fe: 'ft', writes: [Buffer.concat([v2(0x20, 0x00, Buffer.alloc(0)), lat('hello t-v2-local')])], end: true },
  { id: 't-v1-unknown', fe: 'ft', writes: [lat('PROXY UNKNOWN\r\nhello t-v1-unknown')], end: true },
  { id: 't-header-then-data', fe: 'ft', writes: [lat('PROXY TCP4 1.2.3.4 5.6.7.8 1123 2222\r\n'), lat('hello t-header-then-data')], end: true },
  // routed by the header's source (use_backend ... if { src 10.0.0.0/8 }): the origin sees send-proxy-v2
  { id: 't-routed-by-src', fe: 'ft', writes: [lat('PROXY TCP4 10.1.2.3 5.6.7.8 1124 2222\r\nhello t-routed-by-src')], end: true },
  { id: 't-garbage', fe: 'ft', writes: [lat('garbage garbage garbage\r\nhello t-garbage')], end: true },
  { id: 't-split', fe: 'ft', writes: [lat('PROXY TCP4 1.2.3.4')] },
  { id: 't2-v1-tcp4', fe: 'f2', writes: [lat('PROXY TCP4 1.2.3.4 5.6.7.8 1125 2222\r\nhello t2-v1-tcp4')], end: true },
  { id: 't2-v2-tcp6', fe: 'f2', writes: [Buffer.concat([v2inet6('2001:db8:0:0:0:0:0:9', '2001:db8:0:0:0:0:0:a', 1126, 8080), lat('hello t2-v2-tcp6')])], end: true },
];

// `balance source` hashes the header's source: the log line names the server each one reached
const SOURCE_CASES: Case[] = ['10.0.0.1', '10.0.0.2', '172.16.5.9', '192.168.1.1', '2001:db8::1', '2001:db8::2'].map((ip, i) => ({
  id: `src-${i}`, fe: 'fs', writes: [lat(`PROXY ${ip.includes(':') ? 'TCP6' : 'TCP4'} ${ip} ${ip} ${3000 + i} 80\r\n` + req(`src-${i}`))],
}));

const CASES = [...HTTP_CASES, ...TCP_CASES, ...SOURCE_CASES];

// ------------------------------------------------------------------ one proxy's run

interface Ports { probe: number; fe: number; ft: number; f2: number; fs: number; origin: number; log: number; stats: string }

function config(p: Ports): string {
  return [
    'global', '    nbthread 1', `    log 127.0.0.1:${p.log} local0`, `    stats socket ${p.stats} level admin`,
    'defaults', '    mode http', '    timeout connect 1s', '    timeout client 1s', '    timeout server 5s',
    'frontend probe', `    bind 127.0.0.1:${p.probe}`, '    default_backend be',
    'frontend fe', '    log global', '    option httplog', `    bind 127.0.0.1:${p.fe} accept-proxy`,
    '    option forwardfor', '    http-request deny if { src 9.9.9.9 }', '    default_backend be',
    'frontend ft', '    mode tcp', '    log global', '    option tcplog', `    bind 127.0.0.1:${p.ft} accept-proxy name tcpin`,
    '    use_backend bt2 if { src 10.0.0.0/8 }', '    default_backend bt',
    'frontend f2', '    mode tcp', '    log global', '    option tcplog', `    bind 127.0.0.1:${p.f2} accept-proxy`, '    default_backend bt2',
    'frontend fs', '    log global', '    option httplog', `    bind 127.0.0.1:${p.fs} accept-proxy`, '    default_backend bsrc',
    'backend be', `    server o 127.0.0.1:${p.origin}`,
    'backend bsrc', '    balance source', ...['a', 'b', 'c', 'd'].map((n) => `    server ${n} 127.0.0.1:${p.origin}`),
    'backend bt', '    mode tcp', `    server o 127.0.0.1:${p.origin} send-proxy`,
    'backend bt2', '    mode tcp', `    server o 127.0.0.1:${p.origin} send-proxy-v2`,
    '',
  ].join('\n');
}

interface Origin { port: number; seen: Map<string, string>; close(): void }

/**
 * The origin: an HTTP request is answered with the X-Forwarded-For it carried and recorded by
 * its path; a TCP stream is recorded whole (hex) by the `hello <id>` it ends with, and answered
 * once the proxy half-closes.
 */
async function origin(): Promise<Origin> {
  const seen = new Map<string, string>();
  const srv = net.createServer((s) => {
    let all = Buffer.alloc(0);
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      all = Buffer.concat([all, d]);
      const text = all.toString('latin1');
      const m = /^GET \/(\S+) HTTP\/1\.1\r\n/.exec(text);
      if (m !== null && text.includes('\r\n\r\n')) {
        const xff = /\r\nx-forwarded-for: ([^\r]*)\r\n/i.exec(text)?.[1] ?? '(none)';
        seen.set(m[1] as string, `xff=${xff}`);
        const body = `xff=${xff}`;
        s.end(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
      }
    });
    s.on('end', () => {
      const text = all.toString('latin1');
      if (text.startsWith('GET ')) return;
      const id = /hello (\S+)$/.exec(text)?.[1] ?? 'unknown';
      seen.set(id, all.toString('hex'));
      s.end(`got ${all.length} bytes`);
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return { port: (srv.address() as AddressInfo).port, seen, close: () => srv.close() };
}

interface Observed { how: string; got: string; localPort: number }

/** Runs one case: its writes (the next after a short pause), then reads until the proxy closes. */
function drive(port: number, c: Case): Promise<Observed> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let how = 'end';
    let localPort = 0;
    // a safety net so a hang fails the test instead of stalling it, never the normal way out
    const guard = setTimeout(() => { how = 'hung'; sock.destroy(); }, 15_000);
    sock.on('connect', () => {
      localPort = sock.localPort ?? 0;
      let i = 0;
      const next = (): void => {
        if (sock.destroyed) return;
        const w = c.writes[i++];
        if (w === undefined) {
          if (c.end === true) sock.end();
          return;
        }
        sock.write(w);
        // the pause only lets the bytes leave as separate reads; the outcome does not depend on it
        if (i < c.writes.length) setTimeout(next, 30);
        else next();
      };
      next();
    });
    sock.on('data', (d: Buffer) => got.push(d));
    sock.on('error', (e: NodeJS.ErrnoException) => { if (how === 'end') how = e.code === 'ECONNRESET' || e.code === 'EPIPE' ? 'reset' : (e.code ?? 'error'); });
    sock.on('close', () => {
      clearTimeout(guard);
      resolve({ how, got: Buffer.concat(got).toString('latin1'), localPort });
    });
  });
}

/** `show stat` on the stats socket: the counters of each frontend that do not depend on timing (not smax) */
async function showStat(path: string): Promise<Record<string, Record<string, string>>> {
  const c = net.connect(path);
  c.end('show stat\n');
  let text = '';
  for await (const d of c) text += (d as Buffer).toString('latin1');
  const [head = '', ...rows] = text.split('\n');
  const cols = head.replace(/^# /, '').split(',');
  const out: Record<string, Record<string, string>> = {};
  for (const r of rows) {
    const f = r.split(',');
    if (f[1] !== 'FRONTEND' || f[0] === 'probe') continue;
    out[f[0] as string] = Object.fromEntries(['scur', 'stot', 'conn_tot', 'ereq', 'req_tot'].map((k) => [k, f[cols.indexOf(k)] ?? '?']));
  }
  return out;
}

interface Run {
  observed: Map<string, Observed>;
  origin: Map<string, string>;
  logs: Map<string, string>;
  /** stats counters of the frontends, after every case */
  stats: Record<string, Record<string, string>>;
  ports: Ports;
  proc: ProxyProc;
}

async function udpLog(): Promise<{ sock: UdpSocket; port: number; lines: string[]; wait(n: number): Promise<void> }> {
  const sock = createSocket('udp4');
  const lines: string[] = [];
  let waiter: { n: number; resolve: () => void } | null = null;
  sock.on('message', (m) => {
    lines.push(m.toString('latin1'));
    if (waiter !== null && lines.length >= waiter.n) waiter.resolve();
  });
  sock.bind(0, '127.0.0.1');
  await once(sock, 'listening');
  return {
    sock, port: sock.address().port, lines,
    wait: (n) => (lines.length >= n ? Promise.resolve() : Promise.race([
      new Promise<void>((resolve) => { waiter = { n, resolve }; }),
      // safety net: the comparison then shows which lines are missing
      new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref()),
    ])),
  };
}

async function run(kind: ProxyKind): Promise<Run> {
  const o = await origin();
  const log = await udpLog();
  const stats = join(mkdtempSync(join(tmpdir(), 'halyard-pp-')), 'stats.sock');
  const ports: Ports = { probe: await freePort(), fe: await freePort(), ft: await freePort(), f2: await freePort(), fs: await freePort(), origin: o.port, log: log.port, stats };
  const proc = await startProxy(kind, config(ports), ports.probe);
  try {
    const results = await Promise.all(CASES.map((c) => drive(ports[c.fe], c)));
    const observed = new Map(CASES.map((c, i) => [c.id, results[i] as Observed]));
    // every connection logs one line (httplog/tcplog, or the refused-connection line), and
    // keep-alive one per request
    await log.wait(CASES.length + 1);
    const logs = new Map<string, string>();
    for (const raw of log.lines) {
      const line = raw.replace(/^<\d+>\w{3} [ \d]\d [\d:]{8} \S+\[\d+\]: /, '').trimEnd();
      const who = line.split(' ')[0] ?? '';
      const fe = /\] ([^\s/]+)/.exec(line)?.[1];
      // a refused connection is logged with the socket's port, a session with the header's; the
      // OS may give connections to different frontends the same local port
      const c = CASES.find((k) => k.fe === fe && who === `127.0.0.1:${observed.get(k.id)?.localPort}`);
      logs.set(c !== undefined ? c.id : who, line);
    }
    return { observed, origin: o.seen, logs, stats: await showStat(stats), ports, proc };
  } finally {
    await proc.stop();
    o.close();
    log.sock.close();
  }
}

/** What must agree, with what differs by nature (ports chosen by the OS, dates, timers) shaped. */
function shapeOrigin(v: string | undefined, r: Run, c: Case): string | undefined {
  if (v === undefined || v.startsWith('xff=')) return v;
  const text = Buffer.from(v, 'hex').toString('latin1');
  // send-proxy v1 with the socket's own addresses: the client's port and the frontend's
  if (text.startsWith('PROXY ')) return text.replace(` ${r.observed.get(c.id)?.localPort} ${r.ports[c.fe]}\r\n`, ' CPORT FEPORT\r\n');
  return v;
}

function shapeLog(line: string | undefined, r: Run, c: Case | undefined): string | undefined {
  if (line === undefined) return undefined;
  const port = c === undefined ? -1 : r.observed.get(c.id)?.localPort;
  let s = line.replace(`127.0.0.1:${port} `, '127.0.0.1:CPORT ').replace(/\[\d\d\/\w{3}\/\d{4}:[\d:.]+\]/, '[DATE]');
  // session lines: client, frontend, backend/server, status; their timers and byte counts
  // are another suite's business (log.test.ts)
  if (s.includes(': ')) return s;
  const m = /^(\S+ \[DATE\] \S+ \S+) \S+ (\d{3}) /.exec(s) ?? /^(\S+ \[DATE\] \S+ \S+) /.exec(s);
  return m === null ? s : `${m[1]} ${m[2] ?? ''}`;
}

t.test('accept-proxy: clients, origins and logs observe haproxy 2.6 and Halyard alike', { skip }, async (t) => {
  t.teardown(cleanupDir);
  const [theirs, ours] = await Promise.all([run('haproxy'), run('halyard')]);
  for (const c of CASES) {
    const a = theirs.observed.get(c.id);
    const b = ours.observed.get(c.id);
    t.same({ how: b?.how, got: b?.got }, { how: a?.how, got: a?.got }, `${c.id}: the client observes the same`);
  }
  // what the origin received, by request path or stream
  for (const k of new Set([...theirs.origin.keys(), ...ours.origin.keys(), ...CASES.map((c) => c.id)])) {
    const c = CASES.find((x) => x.id === k);
    const shape = (r: Run): string | undefined => (c === undefined ? r.origin.get(k) : shapeOrigin(r.origin.get(k), r, c));
    t.equal(shape(ours), shape(theirs), `${k}: the origin receives the same`);
  }
  t.equal(theirs.origin.get('keep-alive-2'), 'xff=1.2.3.7');
  // log lines: by case where the client's own address is logged, else by the header's address
  const keys = new Set([...theirs.logs.keys(), ...ours.logs.keys()]);
  t.equal(keys.size, CASES.length, 'one log line per connection');
  for (const k of keys) {
    const c = CASES.find((x) => x.id === k);
    t.equal(shapeLog(ours.logs.get(k), ours, c), shapeLog(theirs.logs.get(k), theirs, c), `${k}: the same log line`);
  }
  // refused connections count as connections, not sessions (nor as bad requests)
  t.same(ours.stats, theirs.stats, 'the frontends\' stats counters');
  t.equal(theirs.stats.fe?.conn_tot, String(HTTP_CASES.length));
  // sanity: the cases do what they are named for (so the comparison is not vacuous)
  t.equal(theirs.origin.get('v1-tcp4'), 'xff=1.2.3.4');
  t.equal(theirs.observed.get('garbage')?.how, 'reset');
  t.equal(theirs.observed.get('split-header')?.how, 'reset');
  t.match(theirs.logs.get('idle') ?? '', /Timeout while waiting for PROXY protocol header/);
  t.equal(theirs.observed.get('t-garbage')?.how, 'reset');
  const servers = new Set([...theirs.logs.values()].map((l) => / bsrc\/(\w+) /.exec(l)?.[1]).filter((x) => x !== undefined));
  t.ok(servers.size > 1, `balance source spread the header's sources over ${[...servers].join(',')}`);
});
