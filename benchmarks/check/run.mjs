// `-c` speed: a generated config with 2,000 backends x 10 servers, checked by halyard and by
// haproxy in the same run (the ratio is what to quote). Not a test. Needs `npm run build` first.
//   node benchmarks/check/run.mjs [backends=2000] [servers=10] [runs=5]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [nb = 2000, ns = 10, runs = 5] = process.argv.slice(2).map(Number);
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'halyard-bench-'));
const file = join(dir, 'big.cfg');

let cfg = 'global\n  maxconn 100000\ndefaults\n  mode http\n  timeout client 30s\n  timeout server 30s\n  timeout connect 5s\n';
cfg += 'frontend fe\n  bind 127.0.0.1:18080\n';
for (let b = 0; b < nb; b++) cfg += `  use_backend be${b} if { path_beg /b${b}/ }\n`;
cfg += '  default_backend be0\n';
for (let b = 0; b < nb; b++) {
  cfg += `backend be${b}\n  balance roundrobin\n  option httpchk GET /health\n`;
  for (let s = 0; s < ns; s++) cfg += `  server s${s} 10.${(b >> 8) & 255}.${b & 255}.${s + 1}:8080 check inter 2s weight ${1 + (s % 5)}\n`;
}
writeFileSync(file, cfg);

function time(cmd, args) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const t1 = process.hrtime.bigint();
    if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr}`);
    ms.push(Number(t1 - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
console.log(`config: ${nb} backends x ${ns} servers, ${nb} use_backend rules (${(cfg.length / 1e6).toFixed(1)} MB), median of ${runs} runs`);
const ours = time(process.execPath, [join(root, 'dist/lib/cli/halyard.js'), '-c', '-q', '-f', file]);
console.log(`halyard -c: ${ours.toFixed(0)} ms`);
let theirs;
try {
  execFileSync('haproxy', ['-v'], { stdio: 'ignore' });
  theirs = time('haproxy', ['-c', '-q', '-f', file]);
  console.log(`haproxy -c: ${theirs.toFixed(0)} ms`);
  console.log(`ratio halyard/haproxy: ${(ours / theirs).toFixed(2)}x the time`);
} catch {
  console.log('haproxy not installed: no ratio');
}
