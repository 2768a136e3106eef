/**
 * Health checks seen from the client, haproxy 2.6 and Halyard on one HTTP config with the same
 * backends: which server answers while `/health` fails on one server, then on both actives
 * (the backup takes over), then everywhere (HAProxy's 503 page), then recovers; and the
 * state-change lines each proxy prints. Every step waits for the proxy's own DOWN/UP line on
 * stderr (an event), never a fixed delay.
 */
import t from 'tap';
import net from 'node:net';
import { cleanupDir, freePort, haveHalyardBuild, sendRaw, startProxy, type ProxyKind } from './http-lab.js';
import { skipNoHaproxy } from '../helpers/shared.js';

interface Origin { name: string; port: number; healthy: boolean; checks: number; server: net.Server }

async function origin(name: string): Promise<Origin> {
  const o = { name, port: 0, healthy: true, checks: 0 } as Origin;
  o.server = net.createServer((s) => {
    s.on('error', () => undefined);
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const he = buf.indexOf('\r\n\r\n');
      if (he < 0) return;
      const line = buf.slice(0, buf.indexOf('\r\n'));
      buf = '';
      if (line.includes(' /health ')) {
        o.checks++;
        s.end(o.healthy ? 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n' : 'HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      s.end(`HTTP/1.1 200 OK\r\nx-server: ${name}\r\ncontent-length: ${name.length}\r\nconnection: close\r\n\r\n${name}`);
    });
  });
  await new Promise<void>((r) => o.server.listen(0, '127.0.0.1', r));
  o.port = (o.server.address() as net.AddressInfo).port;
  return o;
}

const skip = skipNoHaproxy() || haveHalyardBuild();
t.teardown(cleanupDir);

interface Observed { steps: Record<string, string[]>; lines: string[] }

async function run(kind: ProxyKind, o: Record<'s1' | 's2' | 'bk', Origin>): Promise<Observed> {
  for (const x of Object.values(o)) x.healthy = true;
  const fe = await freePort();
  const probe = await freePort();
  const cfg = [
    'global', '    maxconn 100',
    'defaults', '    mode http', '    timeout connect 1s', '    timeout client 5s', '    timeout server 5s',
    'frontend fe', `    bind 127.0.0.1:${fe}`, '    default_backend be',
    'backend be', '    option httpchk GET /health',
    `    server s1 127.0.0.1:${o.s1.port} check inter 100 fall 2 rise 2`,
    `    server s2 127.0.0.1:${o.s2.port} check inter 100 fall 2 rise 2`,
    `    server bk 127.0.0.1:${o.bk.port} check inter 100 fall 2 rise 2 backup`,
    'frontend probe', `    bind 127.0.0.1:${probe}`, '',
  ].join('\n');
  const proc = await startProxy(kind, cfg, probe);
  const ask = async (n: number): Promise<string[]> => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const e = await sendRaw(fe, Buffer.from('GET /app HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1'));
      const raw = e.raw.toString('latin1');
      out.push(/^HTTP\/1\.1 200/.test(raw) ? (/\r\nx-server: (\w+)/.exec(raw)?.[1] ?? '?') : raw);
    }
    return out;
  };
  const steps: Record<string, string[]> = {};
  try {
    steps['all up'] = await ask(4);
    o.s1.healthy = false;
    await proc.waitStderr(/Server be\/s1 is DOWN/);
    steps['s1 failing its check'] = await ask(4);
    o.s2.healthy = false;
    await proc.waitStderr(/Server be\/s2 is DOWN/);
    steps['both actives down: the backup serves'] = await ask(3);
    o.bk.healthy = false;
    await proc.waitStderr(/backend '?be'? has no server available/);
    steps['nothing up'] = await ask(1);
    o.s1.healthy = true;
    await proc.waitStderr(/Server be\/s1 is UP/);
    steps['s1 back after rise'] = await ask(3);
  } finally {
    await proc.stop();
  }
  const lines = proc.stderr().split('\n')
    .filter((l) => /Server be\/|has no server/.test(l))
    .map((l) => l.replace(/^.*?(Server be\/|backend )/, '$1').replace(/check duration: \d+ms/, 'check duration: Nms'));
  return { steps, lines };
}

t.test('health checks through HTTP: failing /health takes servers out and back, backup takes over, 503 when none is left', { skip }, async (t) => {
  const o = { s1: await origin('s1'), s2: await origin('s2'), bk: await origin('bk') };
  t.teardown(() => { for (const x of Object.values(o)) x.server.close(); });
  const ref = await run('haproxy', o);
  t.same(ref.steps['s1 failing its check'], ['s2', 's2', 's2', 's2'], 'reference: s1 out of rotation');
  t.same(ref.steps['both actives down: the backup serves'], ['bk', 'bk', 'bk'], 'reference: backup takes over');
  t.match(ref.steps['nothing up']?.[0] ?? '', /^HTTP\/1\.1 503 Service Unavailable\r\n/, 'reference: 503');
  const ours = await run('halyard', o);
  t.same(ours.steps, ref.steps, 'Halyard: the same server answers each request, and the same 503 bytes');
  t.same(ours.lines, ref.lines, 'Halyard: the same state-change lines (pid, time and check duration aside)');
  t.comment(ref.lines.join('\n'));
});
