// Every case of test/fixtures/config (recorded from haproxy 2.6.12 by record.sh) replayed through
// Halyard's CLI in-process: same exit code, and the same stderr text once the version banner is
// set aside. Cases where Halyard says "not supported by Halyard" are counted apart, as are the
// version/usage texts, which are Halyard's own by design.
import t from 'tap';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../lib/cli/main.js';
import { repoRoot } from '../helpers/shared.js';

const dir = join(repoRoot, 'test', 'fixtures', 'config');
const ENV = { PATH: process.env.PATH ?? '', HOME: '/home/fixture', LANG: 'C', FX_NAME: 'alpha', FX_EMPTY: '', FX_PORT: '18080', FX_LIST: 'one two  three', FX_SPACE: 'a b' };

/** Shell words as record.sh's `eval`-free reading of NAME.cmd gives them (quotes, no expansion). */
function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let q: string | undefined;
  for (const ch of s) {
    if (q !== undefined) { if (ch === q) q = undefined; else cur += ch; continue; }
    if (ch === '"' || ch === "'") { q = ch; inWord = true; continue; }
    if (ch === ' ' || ch === '\t') { if (inWord) out.push(cur); cur = ''; inWord = false; continue; }
    cur += ch; inWord = true;
  }
  if (inWord) out.push(cur);
  return out;
}

interface Expected { exit: number; stdout: string[]; stderr: string[] }
function readExpected(name: string): Expected {
  const lines = readFileSync(join(dir, `${name}.expected`), 'latin1').split('\n');
  const exit = Number(/^exit: (\d+)/.exec(lines[1] ?? '')?.[1]);
  const so = lines.indexOf('--- stdout');
  const se = lines.indexOf('--- stderr');
  const stderr = lines.slice(se + 1);
  if (stderr[stderr.length - 1] === '') stderr.pop();
  return { exit, stdout: lines.slice(so + 1, se), stderr };
}

const banner = (l: string): boolean => / : (haproxy|halyard) version is | : path to executable is /.test(l);

t.test('halyard -c gives haproxy 2.6\'s verdict and messages on the recorded cases', async (t) => {
  const names = readdirSync(dir).filter((f) => f.endsWith('.expected')).map((f) => f.slice(0, -9)).sort();
  const cwd = process.cwd();
  t.teardown(() => process.chdir(cwd));
  let compared = 0;
  let sameExit = 0;
  let sameText = 0;
  const unsupported: string[] = [];
  const exitMismatch: string[] = [];
  const textMismatch: string[] = [];
  for (const name of names) {
    let argv: string[] = ['-c', '-f', `${name}.cfg`];
    try {
      argv = shellWords((readFileSync(join(dir, `${name}.cmd`), 'utf8').split('\n')[0] ?? '').trim());
    } catch {
      // no NAME.cmd: the default command
    }
    if (argv.some((a) => a === '-v' || a === '-vv' || a === '-V') || name.startsWith('cli-usage') || !argv.includes('-c') && !argv.includes('-cc')) continue;
    const want = readExpected(name);
    let out = '';
    let err = '';
    process.chdir(dir);
    const code = await main(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: ENV });
    process.chdir(cwd);
    if (err.includes('not supported by Halyard')) { unsupported.push(name); continue; }
    compared++;
    const ours = err.replace(/\((\d+)\)/g, '(PID)').split('\n').filter((l) => l !== '' && !banner(l));
    const theirs = want.stderr.filter((l) => !banner(l));
    if (code === want.exit) sameExit++;
    else exitMismatch.push(`${name}: exit ${code}, haproxy ${want.exit}: ${theirs.find((l) => l.startsWith('[ALERT]')) ?? theirs[0] ?? ''} | ours: ${ours.find((l) => l.startsWith('[ALERT]')) ?? ours[0] ?? ''}`);
    if (code === want.exit && ours.join('\n') === theirs.join('\n')) sameText++;
    else if (code === want.exit) textMismatch.push(`${name}:\n        haproxy: ${theirs.join('\n                 ')}\n        halyard: ${ours.join('\n                 ')}`);
  }
  const pct = (n: number): string => ((100 * n) / Math.max(1, compared)).toFixed(1);
  t.comment(`fixtures: ${compared} compared, ${unsupported.length} use what Halyard reports as not supported`);
  t.comment(`same exit code: ${sameExit}/${compared} (${pct(sameExit)}%); same stderr text too: ${sameText}/${compared} (${pct(sameText)}%)`);
  for (const m of exitMismatch) t.comment(`EXIT ${m}`);
  // the full text differences are long: they go to a file for whoever improves the messages
  mkdirSync(join(repoRoot, 'test', 'artifacts'), { recursive: true });
  writeFileSync(join(repoRoot, 'test', 'artifacts', 'fixtures-text-mismatches.txt'), [...exitMismatch.map((m) => `EXIT ${m}`), ...textMismatch.map((m) => `TEXT ${m}`)].join('\n') + '\n');
  t.ok(compared >= 500, `at least 500 cases compared (${compared})`);
  // 98.9% when this line was written: a drop means a regression in the checker
  t.ok(sameExit / compared >= 0.97, `exit codes agree on at least 97% (${pct(sameExit)}%)`);
});
