import t from 'tap';
import { MALFORMED_CASES } from './malformed-cases.js';
import { clientStatuses, replay } from './replay.js';

t.test('each hand-written malformed request gets the verdict in the table', async (t) => {
  t.ok(MALFORMED_CASES.length >= 40, `${MALFORMED_CASES.length} cases`);
  for (const c of MALFORMED_CASES) {
    const got = clientStatuses(replay(Buffer.from(c.request, 'latin1')));
    t.same(got, c.ours, c.name);
  }
});

t.test('where we differ from haproxy we are only ever stricter', async (t) => {
  for (const c of MALFORMED_CASES) {
    if (c.haproxy === undefined) continue;
    t.ok(c.note, `${c.name}: a difference is explained`);
    // Stricter: we refuse where haproxy forwarded, never the other way round.
    const ourForwards = c.ours.filter((s) => s === 200).length;
    const theirForwards = c.haproxy.filter((s) => s === 200).length;
    t.ok(ourForwards < theirForwards, `${c.name}: we forward fewer messages than haproxy`);
  }
});

t.test('every split point of a malformed request gives the same verdict', async (t) => {
  for (const c of MALFORMED_CASES) {
    const bytes = Buffer.from(c.request, 'latin1');
    if (bytes.length > 400) continue;
    const whole = clientStatuses(replay(bytes));
    for (let s = 1; s < bytes.length; s++) {
      const got = clientStatuses(replay(bytes, [s]));
      if (got.join() !== whole.join()) {
        t.fail(`${c.name}: split at ${s} gives ${got.join()} instead of ${whole.join()}`);
        return;
      }
    }
  }
  t.pass('all splits agree');
});
