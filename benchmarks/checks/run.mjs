// Health-check cost: 1,000 servers checked every second, by Halyard's checker and by haproxy on
// the same configuration, one after the other; prints each process's CPU% and the ratio.
// Not a test. Needs `npm run build` first (it runs dist/), and haproxy on PATH.
//   node benchmarks/checks/run.mjs [servers=1000] [seconds=20] [type=tcp|http] [listeners=100]
import { fork, spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const servers = Number(args[0] ?? 1000);
const seconds = Number(args[1] ?? 20);
const type = args[2] ?? 'tcp';
const listeners = Number(args[3] ?? 100);
const BASE = 31000;
const PER_BACKEND = 100;
const here = fileURLToPath(new URL('.', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'halyard-checks-'));
const file = join(dir, 'checks.cfg');

let cfg = 'global\n  maxconn 4000\ndefaults\n  mode http\n  timeout client 30s\n  timeout server 30s\n  timeout connect 5s\n';
cfg += `frontend fe\n  bind 127.0.0.1:${BASE - 1}\n  default_backend be0\n`;
for (let b = 0; b * PER_BACKEND < servers; b++) {
  cfg += `backend be${b}\n${type === 'http' ? '  option httpchk GET /health\n' : ''}`;
  for (let s = b * PER_BACKEND; s < Math.min(servers, (b + 1) * PER_BACKEND); s++) {
    cfg += `  server s${s} 127.0.0.1:${BASE + (s % listeners)} check inter 1s\n`;
  }
}
writeFileSync(file, cfg);

const HZ = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
/** utime + stime of a pid, in seconds */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / HZ;
}

async function measure(label, pid) {
  await new Promise((r) => setTimeout(r, 2000)); // past the start-up spread
  const c0 = cpuSeconds(pid);
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const c1 = cpuSeconds(pid);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const pct = ((c1 - c0) / wall) * 100;
  console.log(`${label.padEnd(8)} CPU ${pct.toFixed(2)}% over ${wall.toFixed(1)}s (${(c1 - c0).toFixed(2)}s CPU)`);
  return pct;
}

const targets = fork(join(here, 'targets.mjs'), [String(BASE), String(listeners)]);
await once(targets, 'message');
console.log(`${servers} servers, check inter 1s, ${type} checks, ${listeners} target ports; ${cpus()[0]?.model ?? '?'} x${cpus().length}; node ${process.version}`);

const hy = fork(join(here, 'halyard-checker.mjs'), [file], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
await once(hy, 'message');
const hyPct = await measure('halyard', hy.pid);
hy.send('status');
const [st] = await once(hy, 'message');
console.log(`         ${st.checked}/${st.total} servers checked, ${st.up} UP`);
hy.kill();

let hxPct = null;
let haveHaproxy = true;
try {
  execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
} catch {
  haveHaproxy = false;
  console.log('haproxy not on PATH: no comparison');
}
if (haveHaproxy) {
  const hx = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  hxPct = await measure('haproxy', hx.pid);
  hx.kill();
}
targets.kill();
if (hxPct !== null) console.log(`ratio halyard/haproxy CPU: ${(hyPct / Math.max(hxPct, 0.01)).toFixed(2)}x`);
