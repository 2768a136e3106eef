// `halyard -f cfg` as a user runs it: a real process serving TCP, with its signals, pidfile,
// daemon mode, bind errors and -sf handover, and health checks taking a dead server out.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../../helpers/shared.js';
import { freePort } from '../../helpers/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'halyard-serve-'));
let n = 0;


/** A TCP server that answers every connection with its name, then closes. */
async function named(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => { s.end(`${name}\n`); s.on('error', () => undefined); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server };
}

/** One connection through the proxy: what the server answered ('' when refused or closed empty). */
function ask(port: number): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const c = connect(port, '127.0.0.1');
    c.on('data', (d) => { got += d.toString(); });
    c.on('end', () => resolve(got.trim()));
    c.on('error', () => resolve(''));
    c.end();
  });
}

/** Resolves once something accepts on `port` (the process is up), trying again on refusal. */
async function untilListening(port: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1', () => { c.destroy(); r(true); });
      c.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Resolves once `pred` holds (process output arrives asynchronously); fails after 10 s. */
async function waitFor(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never saw ${what}`);
}

function cfgFile(text: string): string {
  const f = join(dir, `c${++n}.cfg`);
  writeFileSync(f, text);
  return f;
}

interface Proc { child: ChildProcess; out: string; err: string; exit: Promise<number | string | null> }
function start(...args: string[]): Proc {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { child, out: '', err: '', exit: new Promise((r) => child.on('exit', (c, sig) => r(c ?? sig))) };
  child.stdout?.on('data', (d: Buffer) => { p.out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { p.err += d.toString(); });
  return p;
}

const tcpCfg = (port: number, servers: string[], extra = ''): string => `global
    log stdout format raw local0 info
defaults
    mode tcp
    log global
    option tcplog
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${port}
    default_backend be
backend be
${servers.map((s) => `    ${s}\n`).join('')}${extra}`;

t.test('halyard -f serves TCP: round robin over two servers, tcplog lines on stdout, SIGTERM exits 0', async (t) => {
  const a = await named('a');
  const b = await named('b');
  t.teardown(() => { a.server.close(); b.server.close(); });
  const port = await freePort();
  const p = start('-f', cfgFile(tcpCfg(port, [`server a 127.0.0.1:${a.port}`, `server b 127.0.0.1:${b.port}`])));
  await untilListening(port);
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) seen.push(await ask(port));
  // untilListening's probe was the first session: it went to a
  t.same(seen, ['b', 'a', 'b', 'a']);
  p.child.kill('SIGTERM');
  t.equal(await p.exit, 0);
  const lines = p.out.split('\n').filter((l) => / fe be\/[ab] /.test(l));
  t.equal(lines.length, 5, 'one tcplog line per session');
  // lines come in the order sessions end: the probe's (to a) may end after the first ask's
  t.match(lines.find((l) => / fe be\/b /.test(l)) ?? '', /^127\.0\.0\.1:\d+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] fe be\/b \d+\/\d+\/\d+ 2 -- \d+\/\d+\/\d+\/\d+\/0 0\/0$/);
});

t.test('SIGUSR1 soft stop: the session in flight completes, then the process says so and exits 0', async (t) => {
  // a server that answers only when told to, so a session is in flight during the stop
  // every connection waits (the readiness probe's session reaches this server too)
  const waiting: import('node:net').Socket[] = [];
  const release = (): void => { for (const s of waiting) s.end('late\n'); };
  const slow = createServer({ allowHalfOpen: true }, (s) => { waiting.push(s); s.on('error', () => undefined); });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  t.teardown(() => slow.close());
  const port = await freePort();
  const p = start('-f', cfgFile(tcpCfg(port, [`server s 127.0.0.1:${(slow.address() as AddressInfo).port}`])));
  await untilListening(port);
  const answer = ask(port);
  // the probe's session and ours both reach the server
  await new Promise<void>((r) => { const i = setInterval(() => { if (waiting.length >= 2) { clearInterval(i); r(); } }, 10); });
  p.child.kill('SIGUSR1');
  await new Promise<void>((r) => { const i = setInterval(() => { if (p.err.includes('stopped')) { clearInterval(i); r(); } }, 10); });
  t.equal(await ask(port), '', 'no new session once stopping');
  release();
  t.equal(await answer, 'late', 'the in-flight session got its whole answer');
  t.equal(await p.exit, 0);
  t.match(p.err, /\[WARNING\] {2}\(\d+\) : Proxy fe stopped \(cumulated conns: FE: \d+, BE: 0\)\./);
});

t.test('a port already in use: HAProxy\'s bind error naming file:line and address, exit 1', async (t) => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  t.teardown(() => busy.close());
  const port = (busy.address() as AddressInfo).port;
  const f = cfgFile(tcpCfg(port, ['server s 127.0.0.1:9']));
  const p = start('-f', f);
  t.equal(await p.exit, 1);
  t.match(p.err, `: Binding [${f}:11] for frontend fe: cannot bind socket (Address already in use) for [127.0.0.1:${port}]\n`);
  t.match(p.err, 'Some protocols failed to start their listeners! Exiting.');
});

t.test('an invalid configuration never starts: the -c diagnostics and exit 1', async (t) => {
  const p = start('-f', cfgFile('frontend fe\n  bind 127.0.0.1:1\n  bogus\n'));
  t.equal(await p.exit, 1);
  t.match(p.err, "unknown keyword 'bogus' in 'frontend' section");
});

t.test('-p writes the pid; -D detaches and the daemon serves until SIGTERM', async (t) => {
  const a = await named('a');
  t.teardown(() => a.server.close());
  const port = await freePort();
  const pidfile = join(dir, 'h.pid');
  const p = start('-D', '-p', pidfile, '-f', cfgFile(tcpCfg(port, [`server a 127.0.0.1:${a.port}`])));
  t.equal(await p.exit, 0, 'the foreground process returns once the daemon listens');
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  t.not(pid, p.child.pid, 'the pidfile names the daemon, not the launcher');
  t.equal(await ask(port), 'a');
  process.kill(pid, 'SIGTERM');
  // the daemon is not our child: wait until its port stops accepting
  for (;;) {
    if (await ask(port) === '') break;
  }
  t.pass('daemon stopped');
});

t.test('global daemon and pidfile do what -D and -p do', async (t) => {
  const a = await named('a');
  t.teardown(() => a.server.close());
  const port = await freePort();
  const pidfile = join(dir, 'g.pid');
  const cfg = tcpCfg(port, [`server a 127.0.0.1:${a.port}`]).replace('global\n', `global\n    daemon\n    pidfile ${pidfile}\n`);
  const p = start('-f', cfgFile(cfg));
  t.equal(await p.exit, 0, 'the foreground process returns once the daemon listens');
  const pid = Number(readFileSync(pidfile, 'utf8').trim());
  t.not(pid, p.child.pid, 'the pidfile names the daemon');
  t.equal(await ask(port), 'a');
  process.kill(pid, 'SIGTERM');
  for (;;) {
    if (await ask(port) === '') break;
  }
  t.pass('daemon stopped');
});

t.test('global user and group: the serving process drops to them once bound', { skip: process.getuid?.() === 0 ? false : 'needs root' }, async (t) => {
  const a = await named('a');
  t.teardown(() => a.server.close());
  const port = await freePort();
  const cfg = tcpCfg(port, [`server a 127.0.0.1:${a.port}`]).replace('global\n', 'global\n    user nobody\n    group nogroup\n');
  const p = start('-f', cfgFile(cfg));
  t.teardown(() => { p.child.kill('SIGKILL'); });
  let got = '';
  while (got === '' && p.child.exitCode === null) got = await ask(port);
  t.equal(got, 'a', 'serves');
  const status = readFileSync(`/proc/${p.child.pid}/status`, 'utf8');
  const uid = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  const gid = /^Gid:\s+(\d+)\s+(\d+)/m.exec(status);
  t.same([uid?.[1], uid?.[2], gid?.[1], gid?.[2]], ['65534', '65534', '65534', '65534'], 'real and effective ids are nobody/nogroup');
  t.match(/^Groups:[ \t]*(.*)$/m.exec(status)?.[1]?.trim() ?? '?', /^(65534)?$/, 'no supplementary groups left from root');
});

/** A TCP server that greets every connection with its name and keeps it open until the client ends. */
async function greeter(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    s.write(`${name}\n`);
    s.on('end', () => s.end());
    s.on('error', () => undefined);
    s.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server };
}

/** A client connection kept open; `greeted` is true once the server's greeting came through. */
async function client(port: number): Promise<{ greeted: boolean; greeting: Promise<void>; close(): Promise<void> }> {
  const c = connect(port, '127.0.0.1');
  c.on('error', () => undefined);
  await new Promise<void>((r) => c.once('connect', () => r()));
  const o = {
    greeted: false,
    greeting: new Promise<void>((r) => c.once('data', () => { o.greeted = true; r(); })),
    close: () => new Promise<void>((r) => { c.once('close', () => r()); c.end(); c.resume(); }),
  };
  return o;
}

t.test('bind maxconn limits each socket of the line; the count survives SIGTTOU/SIGTTIN', async (t) => {
  const g = await greeter('g');
  t.teardown(() => g.server.close());
  const p1 = await freePort();
  const p2 = await freePort();
  const cfg = tcpCfg(p1, [`server s 127.0.0.1:${g.port}`]).replace(`bind 127.0.0.1:${p1}`, `bind 127.0.0.1:${p1},127.0.0.1:${p2} maxconn 1`);
  const p = start('-f', cfgFile(cfg));
  t.teardown(() => { p.child.kill('SIGKILL'); });
  await untilListening(p2);
  const a1 = await client(p1);
  await a1.greeting;
  const a2 = await client(p1);
  // the other socket of the same line has its own slot: served while a2 (connected before) waits
  const b1 = await client(p2);
  await b1.greeting;
  t.notOk(a2.greeted, 'the second connection on the full socket waits');
  await a1.close();
  await a2.greeting;
  t.pass('served once the first one ended');
  // the listeners are closed and opened again: a2, accepted before, still holds the slot of p1
  p.child.kill('SIGTTOU');
  await waitFor(() => p.err.includes('Pausing listeners'), 'the pause');
  p.child.kill('SIGTTIN');
  await waitFor(() => p.err.includes('Resuming listeners'), 'the resume');
  const a3 = await client(p1);
  await b1.close();
  const b2 = await client(p2);
  await b2.greeting;
  t.notOk(a3.greeted, 'after the resume, p1 is still full');
  await a2.close();
  await a3.greeting;
  t.pass('and frees its slot when a2 ends');
  await Promise.all([a3.close(), b2.close()]);
});

t.test('global zero-warning stops a start with warnings; global quiet silences them', async (t) => {
  const port = await freePort();
  // no timeouts: HAProxy's "missing timeouts" warnings
  const noTimeouts = `global\n    ZW\ndefaults\n    mode tcp\nfrontend fe\n    bind 127.0.0.1:${port}\n    default_backend be\nbackend be\n    server s 127.0.0.1:9\n`;
  const z = start('-f', cfgFile(noTimeouts.replace('ZW', 'zero-warning')));
  t.equal(await z.exit, 1);
  t.match(z.err, "missing timeouts for frontend 'fe'");
  t.match(z.err, "Some warnings were found and 'zero-warning' is set. Aborting.");
  const q = start('-f', cfgFile(noTimeouts.replace('ZW', 'quiet')));
  t.teardown(() => { q.child.kill('SIGKILL'); });
  for (;;) {
    // serving: a connection is accepted (and closed, the server port refuses)
    const c = connect(port, '127.0.0.1');
    const ok = await new Promise<boolean>((r) => { c.on('connect', () => { c.destroy(); r(true); }); c.on('error', () => r(false)); });
    if (ok) break;
  }
  t.equal(q.err, '', 'nothing on stderr');
});

t.test('-D with a bad config prints the error on the terminal and exits 1', async (t) => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  t.teardown(() => busy.close());
  const p = start('-D', '-f', cfgFile(tcpCfg((busy.address() as AddressInfo).port, ['server s 127.0.0.1:9'])));
  t.equal(await p.exit, 1);
  t.match(p.err, 'cannot bind socket (Address already in use)');
});

t.test('-sf: a new process takes over the port and the old one finishes and exits', async (t) => {
  const a = await named('old-or-new');
  t.teardown(() => a.server.close());
  const port = await freePort();
  const f = cfgFile(tcpCfg(port, [`server a 127.0.0.1:${a.port}`]));
  const old = start('-f', f);
  await untilListening(port);
  const neu = start('-f', f, '-sf', String(old.child.pid));
  t.equal(await old.exit, 0, 'the old process exits after the handover');
  t.equal(await ask(port), 'old-or-new', 'the new process serves');
  neu.child.kill('SIGTERM');
  t.equal(await neu.exit, 0);
});

t.test('SIGTTOU on an idle process: it stays up without its listeners until SIGUSR1, then exits 0', async (t) => {
  // -sf sends SIGTTOU, binds, then SIGUSR1: an idle old process used to have nothing left to
  // run once its listeners closed, and exited (13) or died of that SIGUSR1
  const a = await named('a');
  t.teardown(() => a.server.close());
  const port = await freePort();
  const p = start('-f', cfgFile(tcpCfg(port, [`server a 127.0.0.1:${a.port}`])));
  t.teardown(() => { if (p.child.exitCode === null) p.child.kill('SIGKILL'); });
  await untilListening(port);
  // the probe's session has ended once its log line is out: nothing is in flight
  await waitFor(() => / fe be\/a /.test(p.out), 'the probe session\'s log line');
  p.child.kill('SIGTTOU');
  await waitFor(() => p.err.includes('Pausing listeners (SIGTTOU).'), 'the pause');
  // the listener is closed once a connection is refused
  for (;;) {
    const refused = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1', () => { c.destroy(); r(false); });
      c.on('error', () => r(true));
    });
    if (refused) break;
  }
  const exitedEarly = await Promise.race([p.exit.then((c) => `exited (${String(c)})`), new Promise<string>((r) => setImmediate(() => r('running')))]);
  t.equal(exitedEarly, 'running', 'the paused process is still running without its listeners');
  p.child.kill('SIGUSR1');
  t.equal(await p.exit, 0, 'SIGUSR1 stops it normally');
  t.match(p.err, 'Proxy fe stopped');
});

t.test('health checks take a dead server out of the rotation and log it', async (t) => {
  const a = await named('a');
  t.teardown(() => a.server.close());
  const deadPort = await freePort(); // nothing listens there: L4CON
  const port = await freePort();
  const p = start('-f', cfgFile(tcpCfg(port, [
    `server a 127.0.0.1:${a.port} check inter 100 fall 1 rise 1`,
    `server dead 127.0.0.1:${deadPort} check inter 100 fall 1 rise 1`,
  ])));
  t.teardown(() => p.child.kill('SIGTERM'));
  await new Promise<void>((r) => { const i = setInterval(() => { if (p.err.includes('Server be/dead is DOWN')) { clearInterval(i); r(); } }, 10); });
  t.match(p.err, /\[WARNING\] {2}\(\d+\) : Server be\/dead is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: \d+ms\. 1 active and 0 backup servers left\. 0 sessions active, 0 requeued, 0 remaining in queue\./);
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) seen.add(await ask(port));
  t.same([...seen], ['a'], 'every connection reached the live server');
});

/** A TCP server that greets every connection with its name and keeps it open. */
async function holding(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => { s.write(`${name}\n`); s.on('error', () => undefined); s.on('end', () => s.end()); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server };
}

/** A check target we can take down: a listener that only accepts. */
async function checkPort(): Promise<{ port: number; server: Server }> {
  const server = createServer((s) => { s.on('error', () => undefined); s.destroy(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server };
}

/** A client connection through the proxy that waits for its first line. */
function open(port: number): Promise<{ sock: ReturnType<typeof connect>; first: Promise<string>; closed: Promise<void> }> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1', () => {
      const first = new Promise<string>((r) => sock.once('data', (d) => r(d.toString().trim())));
      const closed = new Promise<void>((r) => sock.once('close', () => r()));
      sock.on('error', () => undefined);
      resolve({ sock, first, closed });
    });
  });
}

function until(p: Proc, what: RegExp): Promise<void> {
  return new Promise((r) => { const i = setInterval(() => { if (what.test(p.err)) { clearInterval(i); r(); } }, 10); });
}

t.test('on-marked-down shutdown-sessions: a server going DOWN closes its live sessions (termination DD)', async (t) => {
  const a = await holding('a');
  const chk = await checkPort();
  t.teardown(() => { a.server.close(); chk.server.close(); });
  const port = await freePort();
  const p = start('-f', cfgFile(tcpCfg(port, [`server a 127.0.0.1:${a.port} check port ${chk.port} inter 100 fall 1 rise 1 on-marked-down shutdown-sessions`])));
  t.teardown(() => p.child.kill('SIGTERM'));
  await untilListening(port);
  const c = await open(port);
  t.equal(await c.first, 'a');
  chk.server.close();
  await until(p, /Server be\/a is DOWN/);
  await c.closed;
  t.pass('the client connection was closed when its server went DOWN');
  t.match(p.err, /Server be\/a is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: \d+ms\. 0 active and 0 backup servers left\. 1 sessions active, 0 requeued, 0 remaining in queue\./);
  await new Promise<void>((r) => { const i = setInterval(() => { if (/ fe be\/a .* DD /.test(p.out)) { clearInterval(i); r(); } }, 10); });
  t.match(p.out, / fe be\/a \d+\/\d+\/\d+ \d+ DD /, 'the tcplog line says D: killed because the server went down');
});

t.test('a server going DOWN sends the requests queued on it back to balancing with option redispatch (N requeued)', async (t) => {
  const x = await holding('x');
  const y = await holding('y');
  const cx = await checkPort();
  const cy = await checkPort();
  t.teardown(() => { x.server.close(); y.server.close(); cx.server.close(); cy.server.close(); });
  const port = await freePort();
  // source hashing sends every connection from 127.0.0.1 to the same server, which holds one
  const p = start('-f', cfgFile(tcpCfg(port, [
    `server x 127.0.0.1:${x.port} check port ${cx.port} inter 100 fall 1 rise 1 maxconn 1`,
    `server y 127.0.0.1:${y.port} check port ${cy.port} inter 100 fall 1 rise 1 maxconn 1`,
  ], '    balance source\n    option redispatch\n    timeout queue 10s\n')));
  t.teardown(() => p.child.kill('SIGTERM'));
  await untilListening(port);
  const first = await open(port);
  const holder = await first.first;
  t.ok(holder === 'x' || holder === 'y');
  const queued = await open(port);
  let answered = '';
  void queued.first.then((v) => { answered = v; });
  // the second connection waits in the holder's queue until the holder goes DOWN
  await new Promise((r) => setTimeout(r, 300));
  t.equal(answered, '', 'queued behind the first connection');
  (holder === 'x' ? cx : cy).server.close();
  t.equal(await queued.first, holder === 'x' ? 'y' : 'x', 'the queued connection went to the other server');
  await until(p, /is DOWN/);
  t.match(p.err, new RegExp(`Server be/${holder} is DOWN, .* 1 sessions active, 1 requeued, 0 remaining in queue\\.`));
  first.sock.destroy();
  queued.sock.destroy();
});

t.test('bind unix@/path with mode, and fd@N inherited from the parent, both serve', async (t) => {
  const a = await named('a');
  t.teardown(() => a.server.close());
  const sock = join(dir, 'h.sock');
  // a listening socket made here and passed down as fd 3, as systemd socket activation does
  const inherited = createServer();
  await new Promise<void>((r) => inherited.listen(0, '127.0.0.1', r));
  const inheritedPort = (inherited.address() as AddressInfo).port;
  const fd = (inherited as unknown as { _handle: { fd: number } })._handle.fd;
  const f = cfgFile(`defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\nfrontend fe\n    bind unix@${sock} mode 600\n    bind fd@3\n    default_backend be\nbackend be\n    server a 127.0.0.1:${a.port}\n`);
  const child = spawn(process.execPath, [cliPath, '-f', f], { stdio: ['ignore', 'pipe', 'pipe', fd] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const exit = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  inherited.close(); // the child holds its own copy now
  await untilListening(inheritedPort);
  t.equal(await ask(inheritedPort), 'a', 'served on the inherited descriptor');
  const viaUnix = await new Promise<string>((resolve) => {
    let got = '';
    const c = connect(sock);
    c.on('data', (d) => { got += d.toString(); });
    c.on('end', () => resolve(got.trim()));
    c.on('error', (e) => resolve(`error ${e.message}`));
    c.end();
  });
  t.equal(viaUnix, 'a', 'served on the unix socket');
  const { statSync } = await import('node:fs');
  t.equal(statSync(sock).mode & 0o777, 0o600, 'the socket file has the configured mode');
  child.kill('SIGTERM');
  t.equal(await exit, 0, err);
});
