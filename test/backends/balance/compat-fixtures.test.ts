/**
 * Our balancers against pick sequences recorded from the real haproxy 2.6 on this kind of
 * machine (test/compat/record-balance.ts wrote the fixture; no haproxy is needed here).
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { replay, type Recorded } from '../../compat/balance-scenarios.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/balance/haproxy-2.6.json', import.meta.url), 'utf8')) as {
  haproxy: string;
  scenarios: Recorded[];
};

t.test(`the fixture was recorded from ${fixture.haproxy}`, async (t) => {
  t.ok(fixture.scenarios.length >= 20, 'it holds the recorded scenarios');
});

for (const sc of fixture.scenarios) {
  t.test(`${sc.name} picks servers in the same order as haproxy`, async (t) => {
    t.same(replay(sc), sc.picks);
  });
}
