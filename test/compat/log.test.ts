/**
 * Live comparison: the real haproxy sends its tcplog line to a UDP listener; our formatter, fed
 * the same session's record, must give the same datagram apart from the values that differ by
 * nature (timestamps, pid, ports, timers). Skips when haproxy is not on PATH.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { builtinGlobal } from '../../lib/config/proxy-defaults.js';
import { LogSystem } from '../../lib/log/logger.js';
import { proxy, tcpRecord } from '../lib/log/records.js';
import { cliPath, skipNoHaproxy } from '../helpers/shared.js';
import { haveHalyardBuild as haveBuild } from './http-lab.js';
import { freePort } from '../helpers/ports.js';

const skip = skipNoHaproxy();


/** Put the variable parts in one shape: dates, pid, ports and timers. */
function shape(d: string): string {
  return d
    .replace(/^<(\d+)>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d /, '<$1>DATE ')
    .replace(/\[\d+\]: /, '[PID]: ')
    .replace(/:\d+ \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\]/, ':PORT [T]')
    .replace(/ -?\d+\/-?\d+\/-?\d+ (\d+) /, ' TW/TC/TT $1 ');
}

t.test('a tcplog datagram from haproxy and ours have the same PRI, header and fields', { skip }, async (t) => {
  const udp = createSocket('udp4');
  const got: string[] = [];
  const waiters: (() => void)[] = [];
  udp.on('message', (m) => { got.push(m.toString('latin1')); waiters.shift()?.(); });
  udp.bind(0, '127.0.0.1');
  await once(udp, 'listening');
  const logPort = udp.address().port;
  const next = async (): Promise<string> => {
    if (got.length === 0) await new Promise<void>((r) => waiters.push(r));
    return got.shift() as string;
  };

  const backend = createServer((s) => { s.on('data', (d) => s.write(Buffer.concat([Buffer.from('pong:'), d]))); s.on('end', () => s.end()); });
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  const bePort = (backend.address() as AddressInfo).port;
  const fePort = await freePort();

  const dir = mkdtempSync(join(tmpdir(), 'halyard-log-'));
  const cfg = join(dir, 'h.cfg');
  writeFileSync(cfg, [
    'global', `  log 127.0.0.1:${logPort} local0`,
    'defaults', '  log global', '  mode tcp', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s',
    'frontend fe_tcp', '  option tcplog', `  bind 127.0.0.1:${fePort}`, '  default_backend be',
    'backend be', `  server s1 127.0.0.1:${bePort}`, '',
  ].join('\n'));
  const hap = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
  t.teardown(() => { hap.kill('SIGKILL'); backend.close(); udp.close(); rmSync(dir, { recursive: true, force: true }); });

  // connect until haproxy listens, then one session: send "hello", read the reply, close
  let clientPort = 0;
  for (let i = 0; ; i++) {
    try {
      clientPort = await new Promise<number>((res, rej) => {
        const c = connect(fePort, '127.0.0.1', () => c.write('hello'));
        c.on('data', () => { res((c.address() as AddressInfo).port); c.end(); });
        c.on('error', rej);
      });
      break;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const theirs = await next();
  t.comment(`haproxy sent: ${JSON.stringify(theirs)}`);

  const g = builtinGlobal();
  g.logs = [{ target: `127.0.0.1:${logPort}`, facility: 'local0', loc: { file: 'h.cfg', line: 2 } }];
  const sys = new LogSystem(g, { pid: 1 });
  t.teardown(() => sys.close());
  sys.forProxy(proxy('fe_tcp', 'tcp', { tcplog: true })).tcp(tcpRecord({
    clientPort, frontend: 'fe_tcp', backend: 'be', server: 's1', bytesRead: 10, bytesUploaded: 5, tw: 0, tc: 0, tt: 1,
  }));
  const ours = await next();
  t.comment(`halyard sent: ${JSON.stringify(ours)}`);

  t.equal(ours.slice(0, 5), '<134>', 'local0.info');
  t.equal(shape(ours), shape(theirs));
  t.ok(theirs.endsWith('\n') && ours.endsWith('\n'), 'one line per datagram, newline-terminated');
});

/** One proxy process writing raw log lines to stdout; resolves lines as they come. */
function logLines(cmd: string, args: string[]): { lines: string[]; next(): Promise<string>; err(): string; kill(): void } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('latin1');
    let nl;
    while ((nl = out.indexOf('\n')) >= 0) { lines.push(out.slice(0, nl)); out = out.slice(nl + 1); waiters.shift()?.(); }
  });
  child.stderr.on('data', (d: Buffer) => { err += d.toString('latin1'); });
  return {
    lines,
    next: async () => { if (lines.length === 0) await new Promise<void>((r) => waiters.push(r)); return lines.shift() as string; },
    err: () => err,
    kill: () => { child.kill('SIGKILL'); },
  };
}

/**
 * One GET on a new connection, read to its end; tried again while the proxy is still starting
 * (connection refused), up to about 4 s.
 */
async function askUntilAnswered(port: number, path: string, who: string, err: () => string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await new Promise<void>((res, rej) => {
        const c = connect(port, '127.0.0.1', () => c.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`));
        c.on('data', () => undefined);
        c.on('end', () => { c.end(); res(); });
        c.on('error', rej);
      });
      return;
    } catch {
      if (i > 200) throw new Error(`${who} does not answer: ${err()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** An origin that answers every request "ok" and closes. */
async function okBackend(): Promise<{ backend: ReturnType<typeof createServer>; bePort: number }> {
  const backend = createServer((s) => {
    s.on('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'));
    s.on('error', () => undefined);
  });
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  return { backend, bePort: (backend.address() as AddressInfo).port };
}

t.test('tune.http.logurilen cuts the request line of httplog and clf lines as haproxy does', { skip: skip || haveBuild() }, async (t) => {
  const { backend, bePort } = await okBackend();
  const dir = mkdtempSync(join(tmpdir(), 'halyard-logurilen-'));
  t.teardown(() => { backend.close(); rmSync(dir, { recursive: true, force: true }); });

  const got: Record<string, string[]> = {};
  for (const who of ['haproxy', 'halyard'] as const) {
    const fe = await freePort();
    const fe2 = await freePort();
    const cfg = join(dir, `${who}.cfg`);
    writeFileSync(cfg, [
      'global', '  log stdout format raw local0', '  tune.http.logurilen 30',
      'defaults', '  log global', '  mode http', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s',
      'frontend fe', '  option httplog', `  bind 127.0.0.1:${fe}`, '  default_backend be',
      'frontend fe2', '  option httplog clf', `  bind 127.0.0.1:${fe2}`, '  default_backend be',
      'backend be', `  server s1 127.0.0.1:${bePort}`, '',
    ].join('\n'));
    const p = who === 'haproxy' ? logLines('haproxy', ['-db', '-f', cfg]) : logLines(process.execPath, [cliPath, '-f', cfg]);
    t.teardown(() => p.kill());
    const ask = (port: number, path: string): Promise<void> => askUntilAnswered(port, path, who, p.err);
    const lines: string[] = [];
    for (const [port, path] of [[fe, `/${'a'.repeat(60)}`], [fe, '/short'], [fe, `/q?"x"${'z'.repeat(30)}`], [fe2, `/${'c'.repeat(60)}`]] as const) {
      await ask(port, path);
      const l = await p.next();
      // the quoted request line: the last one of an httplog line, the first of a clf line
      lines.push(port === fe ? (/"([^"]*)"$/.exec(l)?.[1] ?? l) : (/^[^"]*"((?:[^"]|"(?! \d))*)" \d{3} /.exec(l)?.[1] ?? l));
    }
    got[who] = lines;
  }
  t.comment(JSON.stringify(got.haproxy));
  t.equal(got.haproxy?.[0], `GET /${'a'.repeat(25)}`, 'haproxy keeps 30 bytes');
  t.same(got.halyard, got.haproxy, 'the same request fields');
});

t.test('log-format lines from haproxy and halyard match, HTTP and TCP', { skip: skip || haveBuild() }, async (t) => {
  const { backend, bePort } = await okBackend();
  const dir = mkdtempSync(join(tmpdir(), 'halyard-logformat-'));
  t.teardown(() => { backend.close(); rmSync(dir, { recursive: true, force: true }); });
  const formats = [
    // option httplog written out
    '%ci:%cp\\ [%tr]\\ %ft\\ %b/%s\\ %TR/%Tw/%Tc/%Tr/%Ta\\ %ST\\ %B\\ %CC\\ %CS\\ %tsc\\ %ac/%fc/%bc/%sc/%rc\\ %sq/%bq\\ %hr\\ %hs\\ %{+Q}r',
    // JSON with quoted variables and samples
    `'{"client":"%ci","fe":"%f","be":"%b","srv":"%s","status":%ST,"method":"%HM","uri":"%HU","q":"%HQ","v":"%HV","id":"%ID","m":"%[method]","srvu":"%[srv_name,upper]","bi":"%bi","bp":%bp,"si":"%si","sp":%sp}'`,
    // flags: +Q +X +E, %o, missing values, separators after empty nodes, %%
    '"A %{+Q}ci %{+X}ci %{+Q}cp %{+Q}b %{+Q}r %{+E}r %{+Q,+E}HU %{+Q}CC %CC %{+Q}hr %hr %{+Q}ID %ID 100%%  two  spaces %HP %HPO %o %{+Q}o %ft %s %tsc %sq/%bq %{+Q}[be_name] end"',
    // leading separators, a URI without query (empty %HQ), and a bad request (<BADREQ> everywhere, no server connection)
    '"\\ \\ lead %{+Q}bp %{+Q}bi %bp %HQ %{+Q}HQ %HM %HU %HV %HP %r %{+Q}H %tsc %{+Q}s"',
    // +E on variables and samples; samples are strings: quoted under +Q, +X ignored
    '"E %{+E}HU %{+E,+Q}r %{+E}[env(HLY_LF_TEST)] %{+X}[dst_port,sub(1),add(1),mul(0)] %{+Q}[dst_port,mul(0)] %{+E}b"',
  ];
  process.env.HLY_LF_TEST = 'a"b\\c]d';
  const tcpFormat = '"T %ci %ft %b/%s %Tw/%Tc/%Tt %B %U %ts %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}[be_name] %[dst] %{+Q}[src,upper] %bi %si:%sp"';
  const got: Record<string, string[]> = {};
  for (const who of ['haproxy', 'halyard'] as const) {
    const ports = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const cfg = join(dir, `${who}.cfg`);
    writeFileSync(cfg, [
      'global', '  log stdout format raw local0',
      'defaults', '  log global', '  mode http', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s',
      ...formats.flatMap((f, i) => [`frontend fe${i}`, `  bind 127.0.0.1:${ports[i]}`, `  log-format ${f}`, '  default_backend be']),
      'frontend fet', '  mode tcp', `  bind 127.0.0.1:${ports[5]}`, `  log-format ${tcpFormat}`, '  default_backend bet',
      'backend be', `  server s1 127.0.0.1:${bePort}`,
      'backend bet', '  mode tcp', `  server s1 127.0.0.1:${bePort}`, '',
    ].join('\n'));
    const p = who === 'haproxy' ? logLines('haproxy', ['-db', '-f', cfg]) : logLines(process.execPath, [cliPath, '-f', cfg]);
    t.teardown(() => p.kill());
    const ask = (port: number, path: string): Promise<void> => askUntilAnswered(port, path, who, p.err);
    const lines: string[] = [];
    for (const [i, path] of [[0, '/a?b=1'], [1, '/j%20k?q="x"'], [2, '/p%20a?q="x"'], [3, '/noq'], [4, '/a]b\\c?x=[1]'], [5, '/tcp']] as const) {
      await ask(ports[i] as number, path);
      lines.push(await p.next());
    }
    await new Promise<void>((res) => {
      const c = connect(ports[3] as number, '127.0.0.1', () => c.write('garbage\r\n\r\n'));
      c.on('data', () => undefined);
      c.on('close', () => res());
      c.on('error', () => res());
    });
    lines.push(await p.next());
    got[who] = lines;
  }
  // What differs by nature between two processes: client ports, dates, timers, byte counts (the
  // two proxies rewrite the response head differently, and count the request bytes differently)
  const mask = (l: string): string => l
    .replace(/:\d+ \[\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\]/, ':PORT [T]')
    .replace(/ -?\d+\/-?\d+\/-?\d+\/-?\d+\/-?\d+ 200 \d+ /, ' TIMERS 200 B ')
    .replace(/ "127\.0\.0\.1" 7F000001 \d+ /, ' "127.0.0.1" 7F000001 PORT ')
    .replace(/"bp":\d+,/, '"bp":PORT,')
    .replace(/^lead \d+ "127\.0\.0\.1" \d+ /, 'lead PORT "127.0.0.1" PORT ')
    // TCP: timers and byte counts
    .replace(/^T (\S+ \S+ \S+) -?\d+\/-?\d+\/-?\d+ \d+ \d+ /, 'T $1 TIMERS B U ');
  t.comment(JSON.stringify(got.haproxy));
  t.same(got.halyard?.map(mask), got.haproxy?.map(mask), 'the same log lines');
});

t.test('unique-id-format and unique-id-header: the same header and %ID/%rt as haproxy', { skip: skip || haveBuild() }, async (t) => {
  // the server answers with the request head it got, so the test sees the header sent
  const backend = createServer((s) => {
    s.on('data', (d) => {
      const head = d.toString('latin1').split('\r\n\r\n')[0] ?? '';
      s.end(`HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(head)}\r\nconnection: close\r\n\r\n${head}`);
    });
    s.on('error', () => undefined);
  });
  backend.listen(0, '127.0.0.1');
  await once(backend, 'listening');
  const bePort = (backend.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'halyard-uniqueid-'));
  t.teardown(() => { backend.close(); rmSync(dir, { recursive: true, force: true }); });
  const got: Record<string, string[]> = {};
  for (const who of ['haproxy', 'halyard'] as const) {
    const ports = [await freePort(), await freePort(), await freePort()];
    const cfg = join(dir, `${who}.cfg`);
    writeFileSync(cfg, [
      'global', '  log stdout format raw local0',
      'defaults', '  log global', '  mode http', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s',
      '  unique-id-format %{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid',
      'frontend fe', `  bind 127.0.0.1:${ports[0]}`, '  unique-id-header X-Unique-ID', '  log-format "%ID %{+Q}ID %rt"', '  default_backend be',
      'frontend fe2', `  bind 127.0.0.1:${ports[1]}`, '  unique-id-format %{+Q}ci-%rt', '  log-format "%ID|%rt|%{+X}rt"', '  default_backend be',
      'frontend fet', '  mode tcp', `  bind 127.0.0.1:${ports[2]}`, '  log-format "T %ID|%rt"', '  default_backend bet',
      'backend be', `  server s1 127.0.0.1:${bePort}`,
      'backend bet', '  mode tcp', `  server s1 127.0.0.1:${bePort}`, '',
    ].join('\n'));
    const p = who === 'haproxy' ? logLines('haproxy', ['-db', '-f', cfg]) : logLines(process.execPath, [cliPath, '-f', cfg]);
    t.teardown(() => p.kill());
    const ask = async (port: number, extra = ''): Promise<string> => {
      for (let i = 0; ; i++) {
        try {
          return await new Promise<string>((res, rej) => {
            let body = '';
            const c = connect(port, '127.0.0.1', () => c.write(`GET / HTTP/1.1\r\nhost: x\r\n${extra}connection: close\r\n\r\n`));
            c.on('data', (d: Buffer) => { body += d.toString('latin1'); });
            c.on('end', () => { c.end(); res(body); });
            c.on('error', rej);
          });
        } catch (e) {
          if (i > 200) throw new Error(`${who} does not answer: ${p.err()}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const out: string[] = [];
    // a client's own X-Unique-ID stays; the proxy's is added after it
    const r1 = await ask(ports[0] as number, 'x-unique-id: client\r\n');
    out.push(...r1.split('\r\n').filter((l) => /^x-unique-id:/i.test(l)), await p.next());
    await ask(ports[1] as number);
    out.push(await p.next());
    await ask(ports[2] as number);
    out.push(await p.next());
    got[who] = out;
  }
  // client ports, the accept second and the pid differ between the two processes, in hex
  const mask = (l: string): string => l.replace(/7F000001:[0-9A-F]{4}_7F000001:[0-9A-F]{4}_[0-9A-F]{8}_([0-9A-F]{4}):[0-9A-F]{4}/g, 'ID($1)');
  t.comment(JSON.stringify(got.haproxy));
  t.same(got.halyard?.map(mask), got.haproxy?.map(mask), 'the same headers and log lines');
});
