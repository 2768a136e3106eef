// L4 benchmark: Halyard's TCP frontend vs HAProxy on the same config, in one run. Not a test.
//   npm run build && node benchmarks/tcp/run.mjs
// Env: CONNECTIONS (50), DURATION seconds (5), BULK_MB (512), RUNS (3, alternating; medians). Uses autocannon when installed,
// else a built-in keep-alive client loop (one request in flight per connection).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstLine, freePort, waitPort } from '../lib/proc.mjs';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const DURATION = Number(process.env.DURATION ?? 5);
const BULK_MB = Number(process.env.BULK_MB ?? 512);
const RUNS = Number(process.env.RUNS ?? 3);
const root = fileURLToPath(new URL('../..', import.meta.url));
if (!existsSync(join(root, 'dist/lib/cli/halyard.js'))) {
  console.error('run `npm run build` first');
  process.exit(1);
}

const REQ = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\n\r\n');
const RESP_LEN = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'.length;

/** Keep-alive clients, one request in flight each; returns requests per second. */
function rps(port) {
  return new Promise((resolve) => {
    let done = 0;
    let closed = 0;
    const until = Date.now() + DURATION * 1000;
    for (let i = 0; i < CONNECTIONS; i++) {
      const c = createConnection({ port, host: '127.0.0.1', noDelay: true });
      let got = 0;
      c.on('connect', () => c.write(REQ));
      c.on('data', (d) => {
        got += d.length;
        while (got >= RESP_LEN) {
          got -= RESP_LEN;
          done++;
          if (Date.now() < until) c.write(REQ); else { c.end(); return; }
        }
      });
      c.on('error', () => {});
      c.on('close', () => { if (++closed === CONNECTIONS) resolve(done / DURATION); });
    }
  });
}

/** One connection pushing BULK_MB through the proxy to the sink; returns MB/s. */
function bulk(port) {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(1 << 20, 0x42);
    const c = createConnection({ port, host: '127.0.0.1', allowHalfOpen: true });
    const t0 = process.hrtime.bigint();
    let i = 0;
    let reply = '';
    const pump = () => { while (i < BULK_MB) { i++; if (!c.write(chunk)) { c.once('drain', pump); return; } } c.end(); };
    c.on('connect', pump);
    c.on('data', (d) => { reply += d; });
    c.on('end', () => {
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      if (Number(reply) !== BULK_MB << 20) reject(new Error(`sink got ${reply} bytes`));
      c.end();
      resolve(BULK_MB / secs);
    });
    c.on('error', reject);
  });
}

const up = spawn(process.execPath, [join(root, 'benchmarks/tcp/upstream.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const ports = JSON.parse(await firstLine(up));
const fePort = await freePort();
const bulkPort = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'halyard-bench-tcp-'));
const cfg = join(dir, 'tcp.cfg');
writeFileSync(cfg, [
  'global', '    maxconn 4000', '    nbthread 1',
  'defaults', '    mode tcp', '    timeout connect 5s', '    timeout client 30s', '    timeout server 30s',
  'frontend fe', `    bind 127.0.0.1:${fePort}`, '    default_backend be',
  'backend be', `    server s1 127.0.0.1:${ports.http}`,
  'frontend bulk', `    bind 127.0.0.1:${bulkPort}`, '    default_backend sink',
  'backend sink', `    server k1 127.0.0.1:${ports.sink}`, '',
].join('\n'));

const results = {};
async function measure(name, start) {
  const proc = start();
  try {
    await waitPort(fePort);
    await waitPort(bulkPort);
    await rps(fePort); // warm-up pass (JIT, TCP buffers), not counted
    const r = await rps(fePort);
    const b = await bulk(bulkPort);
    (results[name] ??= []).push({ rps: r, mbps: b });
    console.log(`  ${name.padEnd(8)} ${r.toFixed(0).padStart(8)} req/s   ${b.toFixed(0).padStart(6)} MB/s`);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

console.log(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? '?'}; ${CONNECTIONS} keep-alive connections for ${DURATION}s, bulk ${BULK_MB} MiB; built-in client loop`);
const haveHaproxy = spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
if (!haveHaproxy) console.log('haproxy is not on PATH: no ratios');
for (let run = 1; run <= RUNS; run++) {
  console.log(`run ${run}/${RUNS}`);
  if (haveHaproxy) await measure('haproxy', () => spawn('haproxy', ['-db', '-q', '-f', cfg], { stdio: ['ignore', 'ignore', 'inherit'] }));
  await measure('halyard', () => spawn(process.execPath, [join(root, 'dist/lib/cli/halyard.js'), '-q', '-f', cfg], { stdio: ['ignore', 'ignore', 'inherit'] }));
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const med = (name, k) => median(results[name].map((x) => x[k]));
for (const name of Object.keys(results)) console.log(`median ${name.padEnd(8)} ${med(name, 'rps').toFixed(0).padStart(8)} req/s   ${med(name, 'mbps').toFixed(0).padStart(6)} MB/s`);
if (results.haproxy && results.halyard) {
  console.log(`ratio halyard/haproxy (medians): ${(med('halyard', 'rps') / med('haproxy', 'rps')).toFixed(2)}x req/s, ${(med('halyard', 'mbps') / med('haproxy', 'mbps')).toFixed(2)}x MB/s`);
}
up.kill('SIGTERM');
