// CPU cost of the serving process per request / per GB, for comparing changes on a noisy machine
// (CPU time spent varies much less than throughput when other processes share the cores). Not a test.
//   npm run build && node benchmarks/tcp/cpu.mjs rps|bulk [node flags, e.g. --cpu-prof]
// Serves with `halyard -q -f <cfg>`; SERVE=<script> serves with another script taking the config
// path as its argument instead (e.g. a plain pipe proxy).
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { firstLine, freePort, waitPort } from '../lib/proc.mjs';
const root = fileURLToPath(new URL('../..', import.meta.url));
const mode = process.argv[2];
const flags = process.argv.slice(3);
const up = spawn(process.execPath, [join(root, 'benchmarks/tcp/upstream.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const ports = JSON.parse(await firstLine(up));
const fePort = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'hp-'));
const cfg = join(dir, 'tcp.cfg');
writeFileSync(cfg, ['global','    maxconn 4000','defaults','    mode tcp','    timeout connect 5s','    timeout client 30s','    timeout server 30s','frontend fe',`    bind 127.0.0.1:${fePort}`,'    default_backend be','backend be',`    server s1 127.0.0.1:${mode==='rps'?ports.http:ports.sink}`,''].join('\n'));
const srv = spawn(process.execPath, [...flags, ...(process.env.SERVE ? [process.env.SERVE, cfg] : [join(root, 'dist/lib/cli/halyard.js'), '-q', '-f', cfg])], { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir });
await waitPort(fePort);
const REQ = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\n\r\n');
const RESP_LEN = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'.length;
const DURATION = 8;
function rps(port) { return new Promise((resolve) => { let done = 0, closed = 0; const until = Date.now() + DURATION * 1000;
  for (let i = 0; i < 50; i++) { const c = createConnection({ port, host: '127.0.0.1', noDelay: true }); let got = 0;
    c.on('connect', () => c.write(REQ)); c.on('data', (d) => { got += d.length; while (got >= RESP_LEN) { got -= RESP_LEN; done++; if (Date.now() < until) c.write(REQ); else { c.end(); return; } } });
    c.on('error', () => {}); c.on('close', () => { if (++closed === 50) resolve(done / DURATION); }); } }); }
function bulk(port) { return new Promise((resolve) => { const chunk = Buffer.alloc(1 << 20, 0x42); const c = createConnection({ port, host: '127.0.0.1', allowHalfOpen: true }); const t0 = Date.now(); let i = 0;
  const pump = () => { while (i < 2048) { i++; if (!c.write(chunk)) { c.once('drain', pump); return; } } c.end(); };
  c.on('connect', pump); c.on('data', () => {}); c.on('end', () => { c.end(); resolve(2048 / ((Date.now() - t0) / 1000)); }); }); }
const cpu = () => { const f = readFileSync(`/proc/${srv.pid}/stat`, 'utf8').split(') ')[1].split(' '); return (+f[11] + +f[12]) * 10; };
const c0 = cpu(); const t0 = Date.now();
const r = mode === 'rps' ? await rps(fePort) : await bulk(fePort);
const ms = cpu() - c0; const el = (Date.now() - t0);
console.log(mode, r.toFixed(0), 'cpu ms', ms, 'cpu%', (100 * ms / el).toFixed(0), mode === 'rps' ? 'us/req ' + (1000 * ms / (r * DURATION)).toFixed(2) : 'ms/GB ' + (ms / 2).toFixed(0));
srv.kill('SIGTERM'); await new Promise((r) => srv.once('exit', r)); up.kill('SIGTERM');
