import t from 'tap';
import { backend, held, seq, TestCtx } from '../helpers.js';

t.test('first sends everything to the first server while it has room', async (t) => {
  t.same(seq(backend('first', [{ name: 'a', maxconn: 2 }, { name: 'b', maxconn: 2 }]), 4).join(''), 'aaaa');
});

t.test('first fills servers by id up to their maxconn', async (t) => {
  const be = backend('first', ['a', 'b', 'c'].map((name) => ({ name, maxconn: 2 })));
  t.same(held(be, 7).map((s) => s.name).join(''), 'aabbcc');
  t.equal(be.pick(new TestCtx()), null, 'all full: null, and the backend still has usable servers');
  t.ok(be.hasUsableServer);
});

t.test('first orders by explicit id, not by declaration', async (t) => {
  const be = backend('first', [{ name: 'a', id: 5 }, { name: 'b', id: 2 }]);
  t.equal(be.pick(new TestCtx())?.name, 'b');
});
