/**
 * Records the real haproxy's pick order for each balance scenario: starts N tiny servers that
 * answer with their own name, runs `haproxy -db -f <cfg>` in front of them on 127.0.0.1, sends
 * the scenario's connections/requests one after another and notes who answered.
 *
 *   node --loader @isaacs/ts-node-temp-fork-for-pr-2009/esm test/compat/record-balance.ts
 *
 * writes test/fixtures/balance/haproxy-2.6.json. balance.test.ts imports `recordScenario` to
 * re-record live when haproxy is on PATH.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as createTcpServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS, scenarioConfig, type Recorded, type Req, type Scenario } from './balance-scenarios.js';
import { freePort } from '../helpers/ports.js';

export const FIXTURE = fileURLToPath(new URL('../fixtures/balance/haproxy-2.6.json', import.meta.url));

type Upstream = NetServer | HttpServer;

function listen(s: Upstream): Promise<number> {
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      resolve(typeof a === 'object' && a !== null ? a.port : 0);
    });
  });
}

/** A port the OS considers free right now (haproxy binds it a moment later). */

/** TCP upstreams write their name at once and keep the connection until the client leaves. */
function upstream(mode: 'tcp' | 'http', name: string): Upstream {
  if (mode === 'http') {
    return createHttpServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(name.length) });
      res.end(name);
    });
  }
  return createTcpServer((sock) => {
    sock.on('error', () => {});
    sock.write(name);
  });
}

function waitProbe(port: number, proc: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const attempt = (): void => {
      if (proc.exitCode !== null) {
        reject(new Error(`haproxy exited with ${proc.exitCode}`));
        return;
      }
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (++tries > 200) reject(new Error('haproxy did not start listening'));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

interface Reply {
  name: string;
  sock: Socket;
}

/** One connection; resolves with the answering server's name once it is known. */
function request(port: number, mode: 'tcp' | 'http', r: Req): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = connect({ port, host: '127.0.0.1', ...(r.src !== undefined ? { localAddress: r.src } : {}) });
    let data = '';
    let done = false;
    sock.setEncoding('latin1');
    sock.once('error', reject);
    sock.on('data', (chunk: string) => {
      data += chunk;
      if (mode === 'tcp' && !done) {
        done = true;
        resolve({ name: data, sock });
      }
    });
    sock.once('close', () => {
      if (done) return;
      done = true;
      const body = mode === 'http' ? data.slice(data.indexOf('\r\n\r\n') + 4) : data;
      resolve({ name: data.startsWith('HTTP/1.1 200') || mode === 'tcp' ? body : '-', sock });
    });
    if (mode === 'http') {
      const headers = { Host: 'test', ...(r.headers ?? {}) };
      let head = `GET ${r.uri ?? '/'} HTTP/1.1\r\n`;
      for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
      sock.write(head + 'Connection: close\r\n\r\n');
    }
  });
}

function closed(sock: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (sock.destroyed && sock.readyState === 'closed') resolve();
    else {
      sock.once('close', () => resolve());
      sock.end();
    }
  });
}

/** Runs one scenario against the real haproxy (`bin`) and returns its picks. */
export async function recordScenario(sc: Scenario, bin = 'haproxy'): Promise<Recorded> {
  const ups = sc.servers.map((s) => upstream(sc.mode, s.name));
  const ports = await Promise.all(ups.map(listen));
  const port = await freePort();
  const probe = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'halyard-balance-'));
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, scenarioConfig(sc, port, probe, ports));
  const proc = spawn(bin, ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const picks: string[] = [];
  const open: Socket[] = [];
  try {
    await waitProbe(probe, proc);
    for (const r of sc.requests) {
      const rep = await request(port, sc.mode, r);
      picks.push(rep.name === '' ? '-' : rep.name);
      if (r.hold === true) open.push(rep.sock);
      else await closed(rep.sock);
    }
    await Promise.all(open.map(closed));
  } catch (e: unknown) {
    throw new Error(`${sc.name}: ${e instanceof Error ? e.message : String(e)}\n${stderr}`);
  } finally {
    proc.kill('SIGTERM');
    if (proc.exitCode === null) await new Promise((r) => proc.once('exit', r));
    for (const u of ups) {
      if ('closeAllConnections' in u) u.closeAllConnections();
      await new Promise((r) => u.close(r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return { ...sc, picks };
}

export async function recordAll(bin = 'haproxy'): Promise<Recorded[]> {
  const out: Recorded[] = [];
  for (const sc of SCENARIOS) out.push(await recordScenario(sc, bin));
  return out;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bin = process.env['HAPROXY'] ?? 'haproxy';
  const version = execFileSync(bin, ['-v'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  const all = await recordAll(bin);
  writeFileSync(FIXTURE, JSON.stringify({ haproxy: version, scenarios: all }, null, 1) + '\n');
  for (const r of all) process.stdout.write(`${r.name}: ${r.picks.join(' ')}\n`);
}
