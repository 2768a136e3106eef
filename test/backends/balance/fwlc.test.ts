import t from 'tap';
import { backend, held, seq, TestCtx, weighted } from '../helpers.js';

t.test('leastconn rotates among idle servers whatever their weights', async (t) => {
  t.same(seq(backend('leastconn', weighted(3, 1, 1)), 6).join(''), 'abcabc');
});

t.test('leastconn with held connections fills the least loaded per weight', async (t) => {
  const be = backend('leastconn', weighted(2, 1));
  t.same(held(be, 9).map((s) => s.name).join(''), 'abaabaaba');
});

t.test('leastconn sends the next request to the server whose connection ended', async (t) => {
  const be = backend('leastconn', ['a', 'b', 'c']);
  const open = held(be, 6);
  const b = open[1];
  if (b === undefined) throw new Error('no pick');
  be.releaseConn(b);
  t.equal(be.pick(new TestCtx())?.name, 'b');
});

t.test('leastconn skips a server at maxconn + maxqueue', async (t) => {
  const be = backend('leastconn', [{ name: 'a', maxconn: 1 }, { name: 'b' }]);
  t.same(held(be, 4).map((s) => s.name).join(''), 'abbb');
});
