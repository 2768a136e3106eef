import t from 'tap';
import { backend, counts, held, seq, weighted } from '../helpers.js';
import { SrvState } from '../../../backends/server.js';

t.test('roundrobin 80/10/10 over 100 picks gives exactly 80, 10 and 10', async (t) => {
  t.same(counts(seq(backend('roundrobin', weighted(80, 10, 10)), 100)), { a: 80, b: 10, c: 10 });
});

t.test('roundrobin 3:1 answers a a a b like haproxy', async (t) => {
  t.same(seq(backend('roundrobin', weighted(3, 1)), 8), ['a', 'a', 'a', 'b', 'a', 'a', 'a', 'b']);
});

t.test('roundrobin 5:3:2 interleaves like haproxy, not like nginx smooth WRR', async (t) => {
  t.same(seq(backend('roundrobin', weighted(5, 3, 2)), 10).join(' '), 'a b a c a b a b a c');
});

t.test('roundrobin equal weights rotate in declaration order', async (t) => {
  t.same(seq(backend('roundrobin', ['a', 'b', 'c']), 6).join(''), 'abcabc');
});

t.test('a weight-0 server gets no load-balanced traffic', async (t) => {
  const be = backend('roundrobin', weighted(1, 0, 1));
  t.same(counts(seq(be, 10)), { a: 5, c: 5 });
});

t.test('a server going down is skipped and comes back in proportion when up again', async (t) => {
  const be = backend('roundrobin', weighted(1, 1, 1));
  const b = be.findServer('b');
  if (b === undefined) throw new Error('no b');
  be.setServerState(b, SrvState.STOPPED);
  t.same(counts(seq(be, 10)), { a: 5, c: 5 });
  be.setServerState(b, SrvState.RUNNING);
  t.same(counts(seq(be, 30)), { a: 10, b: 10, c: 10 });
});

t.test('a runtime weight change takes effect within a cycle', async (t) => {
  const be = backend('roundrobin', weighted(1, 1));
  seq(be, 3);
  const a = be.findServer('a');
  if (a === undefined) throw new Error('no a');
  t.equal(be.setWeight(a, '3'), null);
  seq(be, 8); // let the window roll over
  t.same(counts(seq(be, 40)), { a: 30, b: 10 });
  t.equal(be.setWeight(a, '0'), null);
  t.same(counts(seq(be, 6)), { b: 6 });
  t.equal(be.setWeight(a, '100%'), null);
  t.same(counts(seq(be, 20)), { a: 10, b: 10 });
});

t.test('a server at its maxconn is skipped until a connection is released', async (t) => {
  const be = backend('roundrobin', [{ name: 'a', maxconn: 1 }, { name: 'b' }]);
  const open = held(be, 4);
  t.same(open.map((s) => s.name), ['a', 'b', 'b', 'b']);
  const a = open[0];
  if (a === undefined) throw new Error('no pick');
  be.releaseConn(a);
  t.equal(be.pick(seqCtx())?.name, 'a');
});

t.test('a retry avoids the previous server unless it is the only one with room', async (t) => {
  const be = backend('roundrobin', ['a', 'b']);
  const a = be.findServer('a') ?? null;
  t.equal(be.pick(seqCtx(), a)?.name, 'b');
  const solo = backend('roundrobin', ['a']);
  t.equal(solo.pick(seqCtx(), solo.findServer('a') ?? null)?.name, 'a');
});

function seqCtx(): import('../../../backends/balance/types.js').PickContext {
  return { src: null, uri: null, findHeader: () => false };
}
