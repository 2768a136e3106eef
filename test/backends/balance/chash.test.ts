import t from 'tap';
import { hashType } from '../../../backends/balance/index.js';
import { RandomBalancer, xorshift32 } from '../../../backends/balance/chash.js';
import type { Backend } from '../../../backends/backend.js';
import { SrvState } from '../../../backends/server.js';
import { backend, held, TestCtx } from '../helpers.js';

const KEYS = 10_000;
const ctxs = Array.from({ length: KEYS }, (_, i) => TestCtx.http(`/object/${i}`));

function assign(be: Backend): string[] {
  return ctxs.map((c) => be.pick(c)?.name ?? '-');
}

const consistent = { hashType: hashType('consistent') };

t.test('consistent hashing: removing one of 5 servers moves only its own keys (~1/5)', async (t) => {
  const be = backend('uri', ['a', 'b', 'c', 'd', 'e'], consistent);
  const before = assign(be);
  const c = be.findServer('c');
  if (c === undefined) throw new Error('no c');
  be.setServerState(c, SrvState.STOPPED);
  const after = assign(be);
  let moved = 0;
  let movedForeign = 0;
  for (let i = 0; i < KEYS; i++) {
    if (before[i] !== after[i]) {
      moved++;
      if (before[i] !== 'c') movedForeign++;
    }
  }
  t.equal(movedForeign, 0, 'keys of the other servers stay put');
  t.ok(moved <= KEYS * (1 / 5 + 0.1), `moved ${moved} of ${KEYS}`);
  t.ok(moved > 0);
});

t.test('consistent hashing: adding a 5th server takes ~1/5 of the keys, all for itself', async (t) => {
  const be = backend('uri', ['a', 'b', 'c', 'd', 'e'], consistent);
  const e = be.findServer('e');
  if (e === undefined) throw new Error('no e');
  be.setServerState(e, SrvState.STOPPED);
  const before = assign(be);
  be.setServerState(e, SrvState.RUNNING);
  const after = assign(be);
  let moved = 0;
  let elsewhere = 0;
  for (let i = 0; i < KEYS; i++) {
    if (before[i] !== after[i]) {
      moved++;
      if (after[i] !== 'e') elsewhere++;
    }
  }
  t.equal(elsewhere, 0, 'every moved key went to the new server');
  t.ok(moved <= KEYS * (1 / 5 + 0.1) && moved > 0, `moved ${moved} of ${KEYS}`);
});

t.test('map-based hashing by contrast moves most keys when a server goes', async (t) => {
  const be = backend('uri', ['a', 'b', 'c', 'd', 'e']);
  const before = assign(be);
  be.setServerState(be.findServer('c') ?? (undefined as never), SrvState.STOPPED);
  const after = assign(be);
  const moved = before.filter((n, i) => n !== after[i]).length;
  t.ok(moved > KEYS / 2, `moved ${moved} of ${KEYS}`);
});

t.test('consistent hashing follows weights', async (t) => {
  const be = backend('uri', [{ name: 'a', weight: 3 }, { name: 'b', weight: 1 }], consistent);
  const share = assign(be).filter((n) => n === 'a').length / KEYS;
  t.ok(share > 0.65 && share < 0.85, `a got ${share}`);
});

t.test('a missing hash key falls back to round robin over the ring', async (t) => {
  const be = backend('hdr', ['a', 'b', 'c'], { ...consistent, argName: 'x-user' });
  const picks = Array.from({ length: 300 }, () => be.pick(TestCtx.http('/'))?.name);
  for (const s of ['a', 'b', 'c']) t.ok(picks.includes(s), `${s} is used`);
});

t.test('random(2) keeps held connections evenly spread', async (t) => {
  const be = backend('random', ['a', 'b', 'c', 'd']);
  const bal = be.balancer;
  if (!(bal instanceof RandomBalancer)) throw new Error('not random');
  bal.rng = xorshift32(12345);
  held(be, 400);
  const loads = be.servers.map((s) => s.served);
  t.ok(Math.max(...loads) - Math.min(...loads) <= 8, `loads ${loads.join(',')}`);
});

t.test('hash-balance-factor bounds a hot key\'s server and spills to the next ones', async (t) => {
  const be = backend('uri', ['a', 'b', 'c', 'd'], { ...consistent, hashBalanceFactor: 150 });
  const ctx = TestCtx.http('/hot');
  held(be, 40, ctx);
  const loads = be.servers.map((s) => s.served);
  t.ok(Math.max(...loads) <= Math.ceil((40 * 1.5) / 4) + 1, `loads ${loads.join(',')}`);
});
