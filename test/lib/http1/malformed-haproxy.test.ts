/**
 * Checks the `haproxy` column of malformed-cases.ts against the real haproxy 2.6 binary,
 * so the table stays a record of observed behaviour, not of guesses.
 */
import t from 'tap';
import { MALFORMED_CASES } from './malformed-cases.js';
import { haproxyAvailable, startLab } from './haproxy-harness.js';

if (!haproxyAvailable()) {
  t.plan(0, 'skipped: haproxy is not on PATH');
} else {
  t.test('haproxy 2.6 answers each malformed request as the table records', async (t) => {
    const lab = await startLab();
    t.teardown(() => lab.stop());
    const results = await Promise.all(MALFORMED_CASES.map((c) => lab.send(Buffer.from(c.request, 'latin1'))));
    MALFORMED_CASES.forEach((c, i) => {
      const got = results[i]?.statuses ?? [];
      const expected = c.haproxy ?? c.ours;
      if (c.haproxyAlso !== undefined && got.join() === c.haproxyAlso.join()) t.pass(`${c.name} (alternative outcome)`);
      else t.same(got, expected, c.name);
    });
  });
}
