/**
 * The same TCP scenarios against the real haproxy (`haproxy -db -f cfg`) and against Halyard's
 * runtime, over the same upstream servers: which server each connection reached must agree.
 * Skips with a reason when haproxy is not on PATH.
 */
import t from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask, deadPort, hold, startProxy, upstream, type Upstream } from '../frontends/tcp/helpers.js';

const haveHaproxy = spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;

interface Scenario {
  readonly name: string;
  /** backend lines; `@name` stands for the port of upstream `name`, `@dead` for a refusing port */
  readonly backend: readonly string[];
  readonly upstreams: readonly string[];
  readonly hold?: boolean;
  readonly count: number;
  /** client source addresses, one per connection (source hashing) */
  readonly srcs?: readonly string[];
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'roundrobin 3:1', backend: ['balance roundrobin', 'server a 127.0.0.1:@a weight 3', 'server b 127.0.0.1:@b weight 1'], upstreams: ['a', 'b'], count: 16 },
  { name: 'leastconn with held connections 2:1', backend: ['balance leastconn', 'server a 127.0.0.1:@a weight 2', 'server b 127.0.0.1:@b'], upstreams: ['a', 'b'], hold: true, count: 9 },
  {
    name: 'source', backend: ['balance source', 'server a 127.0.0.1:@a', 'server b 127.0.0.1:@b', 'server c 127.0.0.1:@c'], upstreams: ['a', 'b', 'c'], count: 24,
    srcs: Array.from({ length: 24 }, (_, i) => `127.0.0.${i + 2}`),
  },
  {
    name: 'source consistent', backend: ['balance source', 'hash-type consistent', 'server a 127.0.0.1:@a', 'server b 127.0.0.1:@b', 'server c 127.0.0.1:@c'], upstreams: ['a', 'b', 'c'], count: 24,
    srcs: Array.from({ length: 24 }, (_, i) => `127.0.0.${i + 2}`),
  },
  {
    name: 'use-server by source address, a DOWN one passed over',
    backend: ['balance roundrobin', 'use-server b if { src 127.0.0.5 }', 'use-server c if { src 127.0.0.6 }', 'use-server a if { src 127.0.0.6 }',
      'server a 127.0.0.1:@a', 'server b 127.0.0.1:@b', 'server c 127.0.0.1:@c disabled'],
    upstreams: ['a', 'b', 'c'], count: 10,
    srcs: ['127.0.0.5', '127.0.0.2', '127.0.0.6', '127.0.0.3', '127.0.0.5', '127.0.0.4', '127.0.0.6', '127.0.0.7', '127.0.0.5', '127.0.0.8'],
  },
  { name: 'backup takeover', backend: ['server a 127.0.0.1:@a disabled', 'server b1 127.0.0.1:@b1 backup', 'server b2 127.0.0.1:@b2 backup'], upstreams: ['a', 'b1', 'b2'], count: 4 },
  {
    name: 'refused server with option redispatch', backend: ['balance roundrobin', 'option redispatch', 'timeout connect 200ms', 'server dead 127.0.0.1:@dead', 'server a 127.0.0.1:@a', 'server b 127.0.0.1:@b'],
    upstreams: ['a', 'b'], count: 9,
  },
];

function config(sc: Scenario, ports: Map<string, number>, fePort: number, probePort: number): string {
  return [
    'global', '    nbthread 1',
    'defaults', '    mode tcp', '    timeout connect 1s', '    timeout client 10s', '    timeout server 10s',
    'frontend probe', `    bind 127.0.0.1:${probePort}`,
    'frontend fe', `    bind 127.0.0.1:${fePort}`, '    default_backend be',
    'backend be',
    ...sc.backend.map((l) => `    ${l.replace(/@(\w+)/g, (_, n: string) => String(ports.get(n) ?? 0))}`),
    '',
  ].join('\n');
}

async function waitPort(port: number, proc: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`haproxy exited with ${proc.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ port, host: '127.0.0.1' });
      c.on('connect', () => { c.destroy(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('haproxy did not start');
}

/** Runs the scenario's connections against `port`; returns who answered each. */
async function drive(sc: Scenario, port: number): Promise<string[]> {
  const names: string[] = [];
  const open: { destroy(): void }[] = [];
  for (let i = 0; i < sc.count; i++) {
    const src = sc.srcs?.[i];
    if (sc.hold === true) {
      const h = await hold(port, src);
      names.push(h.name);
      open.push(h.sock);
    } else {
      names.push((await ask(port, src !== undefined ? { localAddress: src } : {})).data || '-');
    }
  }
  for (const s of open) s.destroy();
  return names;
}

async function upstreamsFor(sc: Scenario): Promise<{ ports: Map<string, number>; list: Upstream[] }> {
  const list = await Promise.all(sc.upstreams.map((n) => upstream(n, sc.hold === true ? 'name-and-hold' : 'name-and-close')));
  const ports = new Map(list.map((u) => [u.name, u.port] as [string, number]));
  ports.set('dead', await deadPort());
  return { ports, list };
}

t.test('Halyard picks the same servers as haproxy 2.6 in TCP mode', { skip: haveHaproxy ? false : 'haproxy is not on PATH' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halyard-compat-tcp-'));
  for (const sc of SCENARIOS) {
    // haproxy, on fresh upstreams
    const h = await upstreamsFor(sc);
    const fePort = await deadPort();
    const probePort = await deadPort();
    const file = join(dir, `${sc.name.replace(/\W+/g, '-')}.cfg`);
    writeFileSync(file, config(sc, h.ports, fePort, probePort));
    const proc = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    let theirs: string[];
    try {
      await waitPort(probePort, proc);
      theirs = await drive(sc, fePort);
    } catch (e: unknown) {
      t.fail(`${sc.name}: haproxy run failed: ${String(e)} ${stderr}`);
      continue;
    } finally {
      proc.kill('SIGTERM');
      await Promise.all(h.list.map((u) => u.close()));
    }
    // Halyard, on fresh upstreams, same config text
    const o = await upstreamsFor(sc);
    const px = await startProxy(config(sc, o.ports, 1, 2));
    const ours = await drive(sc, px.port('fe'));
    await px.close();
    await Promise.all(o.list.map((u) => u.close()));
    t.same(ours, theirs, `${sc.name}: ${theirs.join(' ')}`);
  }
});
