/**
 * Live comparison: re-records every balance scenario on the real haproxy and checks our
 * balancers pick the same servers. Skips when haproxy is not on PATH (CI uses the committed
 * fixture through test/backends/balance/compat-fixtures.test.ts instead).
 */
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { replay, SCENARIOS } from './balance-scenarios.js';
import { recordScenario } from './record-balance.js';

const probe = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
const version = probe.error === undefined && probe.status === 0 ? (probe.stdout.split('\n')[0] ?? '') : null;

if (version === null) {
  t.plan(0, 'haproxy is not on PATH: live balance comparison skipped');
} else {
  t.comment(`recording from ${version}`);
  for (const sc of SCENARIOS) {
    t.test(`${sc.name}: haproxy and halyard pick the same servers`, async (t) => {
      const live = await recordScenario(sc);
      t.same(replay(sc), live.picks);
    });
  }
}
