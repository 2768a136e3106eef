import t from 'tap';
import { backend, counts, seq, TestCtx, weighted } from '../helpers.js';
import { SrvState } from '../../../backends/server.js';

t.test('static-rr walks its weighted map: 2:1:1 gives a a b c', async (t) => {
  t.same(seq(backend('static-rr', weighted(2, 1, 1)), 8).join(' '), 'a a b c a a b c');
});

t.test('static-rr 5:3:2 gives haproxy\'s map order', async (t) => {
  t.same(seq(backend('static-rr', weighted(5, 3, 2)), 10).join(' '), 'a a b a c a b a b c');
});

t.test('static-rr 80/10/10 shrinks to an 8:1:1 map and keeps the proportions', async (t) => {
  const be = backend('static-rr', weighted(80, 10, 10));
  t.equal(be.lb.totWeight, 10);
  t.same(counts(seq(be, 100)), { a: 80, b: 10, c: 10 });
});

t.test('static-rr refuses runtime weights other than 0% and 100%', async (t) => {
  const be = backend('static-rr', weighted(2, 1));
  const a = be.findServer('a');
  if (a === undefined) throw new Error('no a');
  t.equal(be.setWeight(a, '5'), "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n");
  t.equal(be.setWeight(a, '0%'), null);
  t.same(counts(seq(be, 4)), { b: 4 });
  t.equal(be.setWeight(a, '100%'), null);
  t.same(seq(be, 3).sort(), ['a', 'a', 'b']);
});

t.test('map-based source hashing sends one client to one server, and moves it when that server fails', async (t) => {
  const be = backend('source', ['a', 'b', 'c']);
  const ctx = TestCtx.tcp('10.0.0.7');
  const first = seq(be, 5, ctx);
  t.same(new Set(first).size, 1);
  const s = be.findServer(first[0] as string);
  if (s === undefined) throw new Error('no server');
  be.setServerState(s, SrvState.STOPPED);
  const after = seq(be, 3, ctx);
  t.same(new Set(after).size, 1);
  t.not(after[0], first[0]);
});
