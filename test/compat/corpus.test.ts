// Halyard's `-c` verdict on every real-world config of ../shared/corpus/haproxy-configs against the
// verdict HAProxy 2.6 gave (MANIFEST.tsv, localized copies where they exist). Files where Halyard
// reports a feature as "not supported" are counted apart; on the rest agreement must reach 95%,
// and a rejected file must be rejected at the line HAProxy names.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/load.js';
import { hasShared, sharedDir, skipNoShared } from '../helpers/shared.js';

const dir = join(sharedDir, 'corpus', 'haproxy-configs');

interface Row { file: string; exit: number; summary: string; local: string }

function manifest(): Row[] {
  const lines = readFileSync(join(dir, 'MANIFEST.tsv'), 'latin1').split('\n').filter((l) => l !== '');
  const head = (lines[0] ?? '').split('\t');
  const col = (n: string): number => head.indexOf(n);
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    return {
      file: c[col('file')] ?? '',
      exit: Number(c[col('haproxy_c_exit_localized')]),
      summary: c[col('haproxy_c_summary_localized')] ?? '',
      local: c[col('local_file')] ?? '',
    };
  });
}

t.test('halyard -c agrees with haproxy -c on the real-world corpus', { skip: skipNoShared }, async (t) => {
  if (!hasShared) return;
  const cwd = process.cwd();
  process.chdir(dir); // localized copies name fixtures/ relatively, as HAProxy was run from here
  t.teardown(() => process.chdir(cwd));
  const rows = manifest();
  let supported = 0;
  let agree = 0;
  const unsupported: string[] = [];
  const mismatches: string[] = [];
  for (const r of rows) {
    const file = r.local !== '' ? r.local : r.file;
    // the corpus was checked without these variables: keep the environment out of the verdict
    const res = await loadConfig([file], { env: {} });
    const ours = res.verdict === 'invalid' ? 1 : res.verdict === 'no-listener' ? 2 : 0;
    const unsup = res.diags.filter((d) => d.code === 'HLY_CFG_UNSUPPORTED');
    if (unsup.length > 0) {
      unsupported.push(`${file}: ${unsup[0]?.message ?? ''}`);
      continue;
    }
    supported++;
    const firstAlert = res.diags.find((d) => d.severity === 'alert');
    let ok = ours === r.exit;
    let why = `exit ${ours}, haproxy ${r.exit}`;
    const theirLine = /\[[^\]:]+:(\d+)\]/.exec(r.summary)?.[1];
    if (ok && r.exit === 1 && theirLine !== undefined && firstAlert?.loc?.line !== Number(theirLine)) {
      ok = false;
      why = `rejected at line ${firstAlert?.loc?.line ?? '?'}, haproxy at line ${theirLine}`;
    }
    if (ok) agree++;
    else mismatches.push(`${file}: ${why}\n      haproxy: ${r.summary}\n      halyard: ${firstAlert?.message ?? '(no alert)'}`);
  }
  const pct = supported === 0 ? 0 : (100 * agree) / supported;
  t.comment(`corpus: ${rows.length} files, ${unsupported.length} use features Halyard reports as not supported`);
  t.comment(`agreement on the other ${supported}: ${agree}/${supported} = ${pct.toFixed(1)}%`);
  for (const m of mismatches) t.comment(`MISMATCH ${m}`);
  for (const u of unsupported) t.comment(`unsupported: ${u}`);
  t.ok(supported >= 20, `at least 20 corpus files are fully supported (got ${supported})`);
  t.ok(pct >= 95, `agreement ${pct.toFixed(1)}% >= 95%`);
});
