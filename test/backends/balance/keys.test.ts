import t from 'tap';
import { fullHash, hashCrc32, hashDjb2, hashSdbm, hashWt6 } from '../../../backends/balance/hash.js';
import { pathStart } from '../../../backends/balance/keys.js';
import { hashType } from '../../../backends/balance/index.js';
import { backend, seq, TestCtx } from '../helpers.js';

const b = (s: string): Uint8Array => new TextEncoder().encode(s);
const h = (f: (x: Uint8Array, s: number, e: number) => number, s: string): number => f(b(s), 0, b(s).length) >>> 0;

t.test('the hash functions give the standard 32-bit values', async (t) => {
  t.equal(h(hashCrc32, '123456789'), 0xcbf43926, 'crc32 check value');
  t.equal(h(hashDjb2, ''), 5381);
  t.equal(h(hashDjb2, 'a'), 5381 * 33 + 97);
  t.equal(h(hashSdbm, 'a'), 97);
  t.equal(h(hashSdbm, 'ab'), (98 + 97 * 65599) >>> 0);
  t.ok(Number.isInteger(h(hashWt6, 'hello')) && h(hashWt6, 'hello') >= 0);
  t.not(fullHash(1), fullHash(2));
  t.equal(fullHash(0xffffffff) | 0, fullHash(0xffffffff), 'int32 results');
});

t.test('path-only finds the path of origin-form and absolute-form targets', async (t) => {
  const ps = (s: string): string => {
    const p = pathStart(b(s), 0, b(s).length);
    return p < 0 ? '<none>' : s.slice(p);
  };
  t.equal(ps('/a/b?c'), '/a/b?c');
  t.equal(ps('http://h:80/a?x'), '/a?x');
  t.equal(ps('http://h'), '<none>');
  t.equal(ps('h:443'), '<none>');
  t.equal(ps('*'), '<none>');
});

t.test('uri hashing ignores the query string unless whole is set', async (t) => {
  const be = backend('uri', ['a', 'b', 'c', 'd']);
  t.same(seq(be, 1, TestCtx.http('/uri/a?x=1')), seq(be, 1, TestCtx.http('/uri/a')));
  const whole = backend('uri', ['a', 'b', 'c', 'd'], { uriWhole: true });
  const picks = new Set(['/p?1', '/p?2', '/p?3', '/p?4', '/p?5', '/p?6'].map((u) => seq(whole, 1, TestCtx.http(u))[0]));
  t.ok(picks.size > 1, 'with whole, the query changes the server');
});

t.test('uri depth and len limit what is hashed', async (t) => {
  const depth = backend('uri', ['a', 'b', 'c', 'd'], { uriDepth: 2 });
  const one = seq(depth, 1, TestCtx.http('/x/y/1'))[0];
  t.same(seq(depth, 3, (i) => TestCtx.http(`/x/y/${i}/z`)), [one, one, one]);
  const len = backend('uri', ['a', 'b', 'c', 'd'], { uriLen: 3 });
  const l = seq(len, 1, TestCtx.http('/abZZZ'))[0];
  t.same(seq(len, 2, (i) => TestCtx.http(`/ab${i}`)), [l, l]);
});

t.test('path-only hashes an absolute-form target like its origin-form path', async (t) => {
  const be = backend('uri', ['a', 'b', 'c', 'd'], { uriPathOnly: true });
  for (const p of ['/one', '/two', '/three/x']) {
    t.same(seq(be, 1, TestCtx.http(`http://example.com${p}`)), seq(be, 1, TestCtx.http(p)));
  }
});

t.test('url_param hashes the value and falls back to round robin without it', async (t) => {
  const be = backend('url_param', ['a', 'b', 'c'], { argName: 'id' });
  const a = seq(be, 1, TestCtx.http('/?id=42'))[0];
  t.same(seq(be, 3, TestCtx.http('/x?z=1&id=42&q')), [a, a, a]);
  t.same(new Set(seq(be, 3, TestCtx.http('/x?ident=42'))).size, 3, 'absent: round robin');
});

t.test('hdr hashes the first value; use_domain_only keeps the label before the TLD', async (t) => {
  const be = backend('hdr', ['a', 'b', 'c', 'd'], { argName: 'X-Key' });
  const k = seq(be, 1, TestCtx.http('/', { 'x-key': 'alice' }))[0];
  t.same(seq(be, 2, TestCtx.http('/', { 'X-Key': ' alice , bob' })), [k, k]);
  t.same(new Set(seq(be, 4, TestCtx.http('/'))).size, 4, 'no header: round robin');
  t.same(new Set(seq(be, 4, TestCtx.http('/', { 'x-key': ' ' }))).size, 4, 'empty value: round robin');
  const dom = backend('hdr', ['a', 'b', 'c', 'd'], { argName: 'host', useDomainOnly: true });
  const d = seq(dom, 1, TestCtx.http('/', { host: 'example.com' }))[0];
  t.same(seq(dom, 2, (i) => TestCtx.http('/', { host: ['www.example.com', 'api.example.org'][i] as string })), [d, d]);
});

t.test('in TCP mode uri, url_param and hdr fall back to round robin', async (t) => {
  for (const algo of ['uri', 'url_param', 'hdr'] as const) {
    const be = backend(algo, ['a', 'b', 'c'], { argName: 'x' });
    t.same(seq(be, 3, TestCtx.tcp('10.0.0.1')), ['a', 'b', 'c'], algo);
  }
});

t.test('source hashing is stable per client and spreads clients', async (t) => {
  for (const ht of [hashType('map-based'), hashType('consistent')]) {
    const be = backend('source', ['a', 'b', 'c'], { hashType: ht });
    const seen = new Set<string>();
    for (let i = 1; i < 40; i++) {
      const picks = seq(be, 3, TestCtx.tcp(`192.168.1.${i}`));
      t.equal(new Set(picks).size, 1);
      seen.add(picks[0] as string);
    }
    t.equal(seen.size, 3, `${ht.method}: every server gets clients`);
  }
});

t.test('a bare "hash-type consistent" means sdbm with avalanche', async (t) => {
  t.same(hashType('consistent'), { method: 'consistent', fn: 'sdbm', avalanche: true });
  t.same(hashType('map-based'), { method: 'map-based', fn: 'sdbm', avalanche: false });
  t.same(hashType('consistent', 'sdbm'), { method: 'consistent', fn: 'sdbm', avalanche: false });
});
