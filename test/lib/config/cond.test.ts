// Conditions as `haproxy -cc EXPR` evaluated them (exit 0 true, 1 false, 2 error; observed on 2.6.12).
import t from 'tap';
import { compareVersions, evalCondition } from '../../../lib/config/cond.js';

const env = { HOME: '/root' };
const run = (e: string): 0 | 1 | 2 => {
  const r = evalCondition([e], { env });
  return r.ok ? (r.value ? 0 : 1) : 2;
};

t.test('-cc verdicts match haproxy 2.6', async (t) => {
  const cases: [string, 0 | 1 | 2][] = [
    ['1', 0], ['0', 1], ['2', 0], ['', 1], ['!0', 0],
    ['defined(HOME)', 0], ['defined(NOPE)', 1],
    ['streq(a,a)', 0], ['strneq(a,a)', 1], ['streq(a , a)', 1],
    ['feature(NOPE)', 1],
    ['version_atleast(2.5)', 0], ['version_before(2.6.13)', 0], ['version_atleast(2.7)', 1],
    ['1 && 0', 1], ['1 || 0', 0], ['(1 || 0) && !0', 0],
    ['foo(1)', 2], ['streq(a)', 2], ['enabled(POLL)', 2], ['true', 2], ['yes', 2], ['1 0', 2],
  ];
  for (const [e, want] of cases) t.equal(run(e), want, `-cc '${e}'`);
});

t.test('errors are worded as haproxy words them', async (t) => {
  const r1 = evalCondition(['foo(1)'], { env });
  t.same(r1, { ok: false, error: "unparsable conditional expression 'foo(1)'", pos: 1 });
  const r2 = evalCondition(['streq(a)'], { env });
  t.match(r2, { ok: false, error: "missing arguments (got 1/2), type 'string' expected in argument 1 of predicate 'streq' used in conditional expression" });
  const r3 = evalCondition(['1', '0'], { env });
  t.same(r3, { ok: false, error: "unexpected character '0' at the end of conditional expression '1 0'", pos: 3 });
});

t.test('versions compare numerically, part by part', async (t) => {
  t.equal(compareVersions('2.6.12', '2.6.9'), 1);
  t.equal(compareVersions('2.6', '2.6.0'), 0);
  t.equal(compareVersions('2.10', '2.9'), 1);
});
