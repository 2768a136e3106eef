// L7 benchmark: requests/s and latency through Halyard, HAProxy and node-http-proxy on the same
// origins, in one run, with keep-alive clients and with `Connection: close`. Not a test.
//   npm run build && npm run bench:http        (wrk: `apt-get install -y wrk`; else a built-in client)
// Env: CONNECTIONS (50), DURATION s (10), WARMUP s (3), RUNS (3; proxies alternate, medians),
//   PROXIES (haproxy,halyard,node-http-proxy), MODES (keep-alive,close), SERVERS (2 origins),
//   PIN (1: each proxy alone on CPU 1, load generator and origins on CPU 0; 0: no pinning),
//   NODE_FLAGS (extra node flags for Halyard, e.g. --cpu-prof), LOAD (wrk|builtin),
//   BASELINE (path to another build's dist/lib/cli/halyard.js: measured too, as "halyard-base",
//   to compare a change with what it replaces in the same run; a copy of dist/ needs the
//   package.json and a node_modules link beside it).
//
// Fairness on a small machine: the proxy under test is the only proxy running; every proxy gets
// the same client (wrk, one thread, CONNECTIONS connections), the same warm-up and the same CPU.
// HAProxy runs with `nbthread 1` so that it, like a Node process, serves on one thread. The
// proxy's own CPU time is read from /proc: "CPU%" near 100 means the proxy was the bottleneck,
// and "µs/req" (CPU per request) is the steadiest figure when other work shares the machine.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstLine, freePort, waitPort } from '../lib/proc.mjs';

const env = process.env;
const CONNECTIONS = Number(env.CONNECTIONS ?? 50);
const DURATION = Number(env.DURATION ?? 10);
const WARMUP = Number(env.WARMUP ?? 3);
const RUNS = Number(env.RUNS ?? 3);
const SERVERS = Number(env.SERVERS ?? 2);
const PROXIES = (env.PROXIES ?? 'haproxy,halyard,node-http-proxy').split(',');
const MODES = (env.MODES ?? 'keep-alive,close').split(',');
const NODE_FLAGS = (env.NODE_FLAGS ?? '').split(' ').filter(Boolean);
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../..');
const halyardBin = join(root, 'dist/lib/cli/halyard.js');
if (!existsSync(halyardBin)) {
  console.error('run `npm run build` first');
  process.exit(1);
}
const has = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
// `wrk --version` exits with 1: wrk is there when it could be started at all
const haveWrk = spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
const LOAD = env.LOAD ?? (haveWrk ? 'wrk' : 'builtin');
const PIN = env.PIN !== '0' && cpus().length >= 2 && has('taskset', ['-c', '0', 'true']);
const CPU_LOAD = '0';
const CPU_PROXY = String(Math.min(1, cpus().length - 1));
/** argv prefixed with taskset when pinning */
const pinned = (cpu, cmd, args) => (PIN ? ['taskset', ['-c', cpu, cmd, ...args]] : [cmd, args]);


/** One request on a fresh connection: the status line and body, to check the path works. */
function probe(port) {
  return new Promise((resolve, reject) => {
    const c = createConnection({ port, host: '127.0.0.1' });
    let buf = '';
    c.on('connect', () => c.write('GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n'));
    c.on('data', (d) => { buf += d.toString('latin1'); });
    c.on('end', () => resolve(buf));
    c.on('error', reject);
  });
}

const HZ = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;
/** [user, system] CPU seconds of a process (all its threads) */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(f[11]) / HZ, Number(f[12]) / HZ];
}

/** wrk for `secs` seconds; returns { rps, p50, p90, p99 (ms), errors } */
function wrk(port, secs, close) {
  const args = ['-t', '1', '-c', String(CONNECTIONS), '-d', `${secs}s`, '--timeout', '5s', '-s', join(here, 'latency.lua')];
  if (close) args.push('-H', 'Connection: close');
  args.push(`http://127.0.0.1:${port}/`);
  const [cmd, argv] = pinned(CPU_LOAD, 'wrk', args);
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('JSON '));
      if (code !== 0 || line === undefined) { reject(new Error(`wrk exited ${code}: ${out}`)); return; }
      const j = JSON.parse(line.slice(5));
      const errors = j.connect_errors + j.read_errors + j.write_errors + j.timeouts + j.status_errors;
      resolve({ rps: j.requests / (j.duration_us / 1e6), p50: j.p50 / 1000, p90: j.p90 / 1000, p99: j.p99 / 1000, errors });
    });
  });
}

/** Fallback load: keep-alive (or close) clients, one request in flight each, in this process. */
function builtin(port, secs, close) {
  const REQ = Buffer.from(`GET / HTTP/1.1\r\nHost: bench\r\n${close ? 'Connection: close\r\n' : ''}\r\n`);
  const lat = [];
  let errors = 0;
  const until = Date.now() + secs * 1000;
  const t0 = process.hrtime.bigint();
  const one = () => new Promise((resolve) => {
    const c = createConnection({ port, host: '127.0.0.1', noDelay: true });
    let sent = 0n;
    let buf = '';
    const send = () => { sent = process.hrtime.bigint(); buf = ''; c.write(REQ); };
    c.on('connect', send);
    c.on('data', (d) => {
      buf += d.toString('latin1');
      const h = buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const m = /content-length: *(\d+)/i.exec(buf.slice(0, h));
      if (m === null || buf.length < h + 4 + Number(m[1])) return;
      lat.push(Number(process.hrtime.bigint() - sent) / 1e6);
      if (close) { c.destroy(); resolve(); return; }
      if (Date.now() < until) send(); else { c.destroy(); resolve(); }
    });
    c.on('error', () => { errors++; resolve(); });
  });
  const conn = async () => { do await one(); while (close && Date.now() < until); };
  return Promise.all(Array.from({ length: CONNECTIONS }, conn)).then(() => {
    const secsTaken = Number(process.hrtime.bigint() - t0) / 1e9;
    lat.sort((a, b) => a - b);
    const pct = (q) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] ?? NaN;
    return { rps: lat.length / secsTaken, p50: pct(0.5), p90: pct(0.9), p99: pct(0.99), errors };
  });
}
const load = LOAD === 'wrk' ? wrk : builtin;

// ------------------------------------------------------------------ set-up
const [ocmd, oargs] = pinned(CPU_LOAD, process.execPath, [join(here, 'origin.mjs'), String(SERVERS)]);
const origin = spawn(ocmd, oargs, { stdio: ['ignore', 'pipe', 'inherit'] });
process.on('exit', () => origin.kill('SIGTERM')); // also when something below throws
const { ports: originPorts } = JSON.parse(await firstLine(origin));
const fePort = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'halyard-bench-http-'));
const cfg = join(dir, 'http.cfg');
writeFileSync(cfg, [
  'global', '    maxconn 4000', '    nbthread 1',
  'defaults', '    mode http', '    timeout connect 5s', '    timeout client 30s', '    timeout server 30s',
  '    timeout http-keep-alive 30s',
  'frontend fe', `    bind 127.0.0.1:${fePort}`, '    default_backend be',
  'backend be', '    balance roundrobin',
  ...originPorts.map((p, i) => `    server s${i + 1} 127.0.0.1:${p}`), '',
].join('\n'));

const starters = {
  haproxy: () => pinned(CPU_PROXY, 'haproxy', ['-db', '-q', '-f', cfg]),
  halyard: () => pinned(CPU_PROXY, process.execPath, [...NODE_FLAGS, halyardBin, '-q', '-f', cfg]),
  'node-http-proxy': () => pinned(CPU_PROXY, process.execPath, [join(here, 'node-http-proxy.mjs'), String(fePort), ...originPorts.map(String)]),
};
if (env.BASELINE) {
  starters['halyard-base'] = () => pinned(CPU_PROXY, process.execPath, [...NODE_FLAGS, env.BASELINE, '-q', '-f', cfg]);
  PROXIES.push('halyard-base');
}
for (const p of PROXIES) if (!(p in starters)) throw new Error(`unknown proxy ${p}`);
const proxies = PROXIES.filter((p) => p !== 'haproxy' || has('haproxy', ['-v']));
if (!proxies.includes('haproxy')) console.log('haproxy is not on PATH: no ratios');

const results = {}; // results[mode][proxy] = [{ rps, p50, p99, cpu }]
async function measure(name) {
  const [cmd, args] = starters[name]();
  const proc = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir });
  try {
    await waitPort(fePort, proc);
    const answer = await probe(fePort);
    if (!answer.startsWith('HTTP/1.1 200') || !answer.endsWith('hello from the benchmark origin\n')) {
      throw new Error(`${name} did not relay the origin's answer: ${JSON.stringify(answer.slice(0, 200))}`);
    }
    for (const mode of MODES) {
      const close = mode === 'close';
      await load(fePort, WARMUP, close); // JIT, connection pools, TCP buffers: not counted
      const c0 = cpuSeconds(proc.pid);
      const t0 = process.hrtime.bigint();
      const r = await load(fePort, DURATION, close);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const c1 = cpuSeconds(proc.pid);
      const cpu = c1[0] + c1[1] - c0[0] - c0[1];
      r.cpuPct = (100 * cpu) / wall;
      r.usPerReq = (1e6 * cpu) / (r.rps * wall);
      r.sysPerReq = (1e6 * (c1[1] - c0[1])) / (r.rps * wall);
      ((results[mode] ??= {})[name] ??= []).push(r);
      console.log(`  ${mode.padEnd(10)} ${name.padEnd(15)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms  CPU ${r.cpuPct.toFixed(0).padStart(3)}%  ${r.usPerReq.toFixed(1).padStart(5)} µs/req (sys ${r.sysPerReq.toFixed(1)})${r.errors > 0 ? `  ${r.errors} errors` : ''}`);
    }
  } finally {
    proc.kill('SIGTERM');
    if (proc.exitCode === null) await new Promise((r) => proc.once('exit', r));
  }
}

console.log(`node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? '?'}`);
console.log(`load: ${LOAD === 'wrk' ? 'wrk -t1' : 'built-in client'}, ${CONNECTIONS} connections, ${WARMUP}s warm-up + ${DURATION}s, ${RUNS} runs (medians); ${SERVERS} origins, roundrobin`);
console.log(PIN ? `pinning: proxy on CPU ${CPU_PROXY}, load generator and origins on CPU ${CPU_LOAD}` : 'no CPU pinning');
console.log('haproxy: nbthread 1 (one thread, like one Node process)');
for (let run = 1; run <= RUNS; run++) {
  console.log(`run ${run}/${RUNS}`);
  // rotate the order so no proxy always comes first (or last) after a quiet period
  const order = proxies.map((_, i) => proxies[(i + run - 1) % proxies.length]);
  for (const name of order) await measure(name);
}
origin.kill('SIGTERM');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
console.log('');
console.log('| mode | proxy | req/s | p50 ms | p99 ms | proxy CPU% | CPU µs/req (of it sys) | req/s vs haproxy | p99 vs haproxy |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
const summary = {};
for (const mode of MODES) {
  const m = results[mode] ?? {};
  const med = (name, k) => median(m[name].map((x) => x[k]));
  for (const name of proxies) {
    if (m[name] === undefined) continue;
    const rps = med(name, 'rps');
    const p99 = med(name, 'p99');
    const ref = m.haproxy !== undefined;
    const rr = ref ? `${(rps / med('haproxy', 'rps')).toFixed(2)}x` : '-';
    const pr = ref ? `${(p99 / med('haproxy', 'p99')).toFixed(2)}x` : '-';
    (summary[mode] ??= {})[name] = { rps, p99 };
    console.log(`| ${mode} | ${name} | ${rps.toFixed(0)} | ${med(name, 'p50').toFixed(2)} | ${p99.toFixed(2)} | ${med(name, 'cpuPct').toFixed(0)} | ${med(name, 'usPerReq').toFixed(1)} (${med(name, 'sysPerReq').toFixed(1)}) | ${rr} | ${pr} |`);
  }
}
const ka = summary['keep-alive'];
if (ka?.haproxy && ka?.halyard) {
  const r = ka.halyard.rps / ka.haproxy.rps;
  const p = ka.halyard.p99 / ka.haproxy.p99;
  console.log(`\ntarget (issue #6): keep-alive req/s >= 0.8x haproxy: ${r.toFixed(2)}x ${r >= 0.8 ? 'met' : 'NOT met'}; p99 <= 1.5x: ${p.toFixed(2)}x ${p <= 1.5 ? 'met' : 'NOT met'}`);
}
