/**
 * Live comparison with the real haproxy: the same backend configuration is checked by haproxy
 * and by Halyard against two identical sets of tiny servers on 127.0.0.1. The check request
 * bytes each server receives and the state-change / log-health-checks lines on stderr must be
 * the same, apart from the pid and the measured check durations. Skips without haproxy.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Backend } from '../../backends/backend.js';
import { balanceSpec } from '../../backends/balance/index.js';
import { createHealthChecks } from '../../backends/health/index.js';
import { loadConfig } from '../../lib/config/load.js';
import { skipNoHaproxy } from '../helpers/shared.js';
import { freePort } from '../helpers/ports.js';

/** One server behaviour per backend: `answer(n, data)` returns what to write for the n-th request. */
interface Role {
  readonly name: string;
  readonly lines: readonly string[];
  /** null: refuse connections (closed port); otherwise the answer to the n-th check */
  readonly answer: ((n: number) => string | null) | null;
  readonly server?: string;
}

const ok = (): string => 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n';
const ROLES: readonly Role[] = [
  { name: 'b_plain', lines: [], answer: () => null },
  { name: 'b_refused', lines: [], answer: null },
  { name: 'b_404', lines: ['option httpchk GET /x'], answer: () => 'HTTP/1.1 404 X\r\ncontent-length: 0\r\n\r\n' },
  { name: 'b_flip', lines: ['option httpchk'], answer: (n) => (n === 2 || n === 3 ? 'HTTP/1.1 500 Oops\r\ncontent-length: 0\r\n\r\n' : ok()), server: 'rise 1 fall 1' },
  { name: 'b_send', lines: ['option httpchk', 'http-check send meth GET uri /send ver HTTP/1.1 hdr Host www.example.org hdr X-Custom abc'], answer: ok },
  { name: 'b_legacy', lines: ['option httpchk GET /legacy HTTP/1.1\\r\\nHost:\\ www.example.com'], answer: ok },
  { name: 'b_body', lines: ['option httpchk POST /p HTTP/1.1', 'http-check send hdr Host x body hello'], answer: ok },
  { name: 'b_string', lines: ['option httpchk', 'http-check expect string nope'], answer: () => 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello' },
  { name: 'b_lhc_tcp', lines: ['option log-health-checks', 'option tcp-check', 'tcp-check send PING\\r\\n', 'tcp-check expect string +PONG'], answer: () => '+PONG\r\n' },
  { name: 'b_lhc_refused', lines: ['option log-health-checks'], answer: null },
  { name: 'b_tcp_mismatch', lines: ['option tcp-check', 'tcp-check send PING\\r\\n', 'tcp-check expect string bar'], answer: () => 'foo' },
];

interface Side {
  ports: number[];
  first: Map<string, string>;
  close(): void;
}


async function startSide(): Promise<Side> {
  const first = new Map<string, string>();
  const servers: net.Server[] = [];
  const ports: number[] = [];
  for (const r of ROLES) {
    if (r.answer === null) {
      ports.push(await freePort());
      continue;
    }
    const answer = r.answer;
    let n = 0;
    const srv = net.createServer((s) => {
      s.on('error', () => undefined);
      const k = ++n;
      const reply = answer(k);
      if (reply === null) return;
      s.once('data', (d: Buffer) => {
        if (!first.has(r.name)) first.set(r.name, d.toString('latin1'));
        s.end(reply);
      });
    });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    servers.push(srv);
    ports.push((srv.address() as net.AddressInfo).port);
  }
  return { ports, first, close: () => servers.forEach((s) => s.close()) };
}

function config(ports: number[], feport: number): string {
  let c = 'global\n  log stdout format raw local0\ndefaults\n  mode http\n  log global\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n';
  c += `frontend f\n  bind 127.0.0.1:${feport}\n  default_backend b_plain\n`;
  ROLES.forEach((r, i) => {
    c += `backend ${r.name}\n${r.lines.map((l) => `  ${l}\n`).join('')}  server s1 127.0.0.1:${ports[i] ?? 0} check inter 500 ${r.server ?? ''}\n`;
  });
  return c;
}

/** Check lines only, pid and durations normalised, in a stable order. */
function normalise(lines: string[]): string[] {
  return lines
    .filter((l) => /Server |Health check|has no server/.test(l))
    .map((l) => l.replace(/\(\d+\)/, '(PID)').replace(/check duration: \d+ms/, 'check duration: Nms'))
    .sort();
}

const RUN_MS = 3500;

const skip = skipNoHaproxy();
t.test('haproxy and halyard send the same check requests and print the same state-change lines', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halyard-health-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));

  // halyard side, same text with its own ports
  const hy = await startSide();
  t.teardown(() => hy.close());
  const hyCfg = join(dir, 'halyard.cfg');
  writeFileSync(hyCfg, config(hy.ports, await freePort()));
  const loaded = await loadConfig([hyCfg], { noResolve: true });
  t.equal(loaded.verdict, 'valid');
  const cfg = loaded.config;
  if (cfg === undefined) return;
  const backends = new Map<string, Backend>();
  cfg.proxies.forEach((px, i) => {
    if (px.kind !== 'backend') return;
    backends.set(px.name, new Backend({
      name: px.name, id: i + 1, balance: balanceSpec('roundrobin'),
      servers: px.servers.map((s) => ({ name: s.name, address: s.host, port: s.port ?? 0, weight: s.weight, backup: s.backup, disabled: s.disabled })),
    }));
  });
  // haproxy side
  const hx = await startSide();
  t.teardown(() => hx.close());
  const hxCfg = join(dir, 'haproxy.cfg');
  writeFileSync(hxCfg, config(hx.ports, await freePort()));
  const proc = spawn('haproxy', ['-db', '-f', hxCfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let hxErr = '';
  proc.stderr.on('data', (d: Buffer) => { hxErr += d.toString(); });
  proc.stdout.resume();
  t.teardown(() => { proc.kill(); });

  const hyErr: string[] = [];
  const { checks, problems } = createHealthChecks(cfg, backends, { stderr: (l) => hyErr.push(l.replace(/\n$/, '')), pid: 1 });
  t.same(problems, []);
  checks.start();
  t.teardown(() => checks.stop());

  await new Promise((r) => setTimeout(r, RUN_MS));

  for (const r of ROLES) {
    if (r.answer === null || r.name === 'b_plain') continue;
    t.equal(hy.first.get(r.name), hx.first.get(r.name), `${r.name}: request bytes`);
  }
  const expected = normalise(hxErr.split('\n'));
  t.ok(expected.length >= 15, `haproxy printed the lines to compare (${expected.length})`);
  t.same(normalise(hyErr), expected, 'state-change and health-check lines');
});
