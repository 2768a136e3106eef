// Cookie persistence as a module: configurations loaded through loadConfig, requests and
// responses parsed from wire bytes, and what a user observes: the Cookie line the server gets,
// the Set-Cookie / Cache-Control lines the client gets, the server chosen, the log letters.
// Expected bytes are haproxy 2.6.12's (reference §6 and test/compat/cookie.test.ts).
import t from 'tap';
import { SrvAdmin, SrvState } from '../../../backends/server.js';
import { cookiePersistence } from '../../../backends/persistence/cookie.js';
import { decodeCookieDate, encodeCookieDate } from '../../../backends/persistence/dates.js';
import { dynamicCookie, xxh64 } from '../../../backends/persistence/dynamic.js';
import { scanRequestCookieLine } from '../../../backends/persistence/cookie-scan.js';
import { HalyardError } from '../../../lib/errors.js';
import { loadConfig } from '../../../lib/config/load.js';
import { BackendRuntime } from '../../../lib/runtime/backend-runtime.js';
import { configFile, forwardedRequest, forwardedResponse, loadCookies, request, response, type Loaded } from './helpers.js';

const CFG = `defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
backend ins
  cookie SRV insert
  server a 127.0.0.1:8001 cookie a
  server b 127.0.0.1:8002 cookie b
backend full
  cookie SRV insert indirect nocache httponly secure domain .example.com domain .example.org attr "SameSite=Lax" attr Partitioned
  server a 127.0.0.1:8001 cookie a
  server b 127.0.0.1:8002 cookie b
backend nocache
  cookie SRV insert nocache
  server a 127.0.0.1:8001 cookie a
backend post
  cookie SRV insert postonly
  server a 127.0.0.1:8001 cookie a
backend keep
  cookie SRV insert preserve
  server a 127.0.0.1:8001 cookie a
backend rw
  cookie JSESSIONID rewrite
  server a 127.0.0.1:8001 cookie a
  server n 127.0.0.1:8003
backend pfx
  cookie JS prefix
  server a 127.0.0.1:8001 cookie a
  server b 127.0.0.1:8002 cookie b
backend pfxind
  cookie JS prefix indirect
  server a 127.0.0.1:8001 cookie a
backend passive
  cookie SRV
  server a 127.0.0.1:8001 cookie a
  server b 127.0.0.1:8002 cookie b
backend passind
  cookie SRV indirect
  server a 127.0.0.1:8001 cookie a
backend nocookie
  cookie SRV insert
  server a 127.0.0.1:8001 cookie a
  server bk 127.0.0.1:8004 backup
backend dates
  cookie SRV insert maxidle 30m maxlife 8h
  server a 127.0.0.1:8001 cookie a
  server b 127.0.0.1:8002 cookie b
backend idle
  cookie SRV insert maxidle 1m
  server a 127.0.0.1:8001 cookie a
backend persist
  option persist
  cookie SRV insert
  server a 127.0.0.1:8001 cookie a
  server b 127.0.0.1:8002 cookie b
  server c 127.0.0.1:8003 cookie c disabled
backend shared
  cookie SRV insert
  server a1 127.0.0.1:8001 cookie a
  server a2 127.0.0.1:8002 cookie a
backend dyn
  dynamic-cookie-key secret
  cookie SRV insert dynamic
  server a 127.0.0.1:28091
  server b 127.0.0.1:28092
  server c 127.0.0.1:28093 cookie fixed
  server v6 [::1]:28094
`;

const NOW = 1795348600; // 2026-11-22T11:56:40Z

t.test('cookie persistence on parsed requests and responses', async (t) => {
  const all = await loadCookies(CFG);
  const get = (name: string): Loaded => {
    const l = all.get(name);
    if (l === undefined) throw new Error(`no backend ${name}`);
    return l;
  };
  const srv = (l: Loaded, name: string) => {
    const s = l.brt.be.findServer(name);
    if (s === undefined) throw new Error(`no server ${name}`);
    return s;
  };

  t.test('insert: a new client gets the chosen server\'s cookie; a returning one is sent there and gets nothing', async (t) => {
    const l = get('ins');
    const tx = request('GET', '/', ['accept: */*']);
    t.equal(l.pers.request(tx, NOW), null, 'no cookie: balance');
    t.equal(tx.cookieState, 'NN');
    l.pers.response(response(tx, 200, ['x-a: 1']), srv(l, 'b'), false, NOW);
    t.same(forwardedResponse(tx), ['x-a: 1', 'content-length: 0', 'set-cookie: SRV=b; path=/']);
    t.equal(tx.cookieState, 'NI');

    const back = request('GET', '/', ['cookie: SRV=b']);
    t.equal(l.pers.request(back, NOW), srv(l, 'b'), 'the cookie designates b');
    t.same(forwardedRequest(back), ['host: x', 'cookie: SRV=b'], 'without indirect the server sees the cookie');
    l.pers.response(response(back, 200), srv(l, 'b'), true, NOW);
    t.same(forwardedResponse(back), ['content-length: 0'], 'valid cookie: no Set-Cookie');
    t.equal(back.cookieState, 'VN');
  });

  t.test('insert: an invalid cookie is ignored, balanced, and replaced', async (t) => {
    const l = get('ins');
    const tx = request('GET', '/', ['cookie: SRV=zzz']);
    t.equal(l.pers.request(tx, NOW), null);
    l.pers.response(response(tx, 200), srv(l, 'a'), false, NOW);
    t.same(forwardedResponse(tx), ['content-length: 0', 'set-cookie: SRV=a; path=/']);
    t.equal(tx.cookieState, 'II');
    const empty = request('GET', '/', ['cookie: SRV=']);
    t.equal(l.pers.request(empty, NOW), null, 'an empty value never matches');
    t.equal(empty.cookieState, 'IN');
  });

  t.test('insert: the server\'s own cookie of that name is removed (D), or replaced by ours (I)', async (t) => {
    const l = get('ins');
    const tx = request('GET', '/', ['cookie: SRV=a']);
    l.pers.request(tx, NOW);
    l.pers.response(response(tx, 200, ['set-cookie: SRV=mine; Path=/x', 'set-cookie: other=1']), srv(l, 'a'), true, NOW);
    t.same(forwardedResponse(tx), ['set-cookie: other=1', 'content-length: 0']);
    t.equal(tx.cookieState, 'VD');
    const fresh = request('GET', '/');
    l.pers.request(fresh, NOW);
    l.pers.response(response(fresh, 200, ['set-cookie: SRV=mine']), srv(l, 'a'), false, NOW);
    t.same(forwardedResponse(fresh), ['content-length: 0', 'set-cookie: SRV=a; path=/']);
    t.equal(fresh.cookieState, 'NI');
  });

  t.test('attributes come in HAProxy\'s fixed order; indirect strips the cookie from the request', async (t) => {
    const l = get('full');
    const tx = request('GET', '/', ['cookie: a=1; SRV=zz; b=2']);
    t.equal(l.pers.request(tx, NOW), null);
    t.same(forwardedRequest(tx), ['host: x', 'cookie: a=1; b=2']);
    l.pers.response(response(tx, 200, ['etag: "1"']), srv(l, 'b'), false, NOW);
    t.same(forwardedResponse(tx), [
      'etag: "1"', 'content-length: 0',
      'set-cookie: SRV=b; path=/; domain=.example.com; domain=.example.org; HttpOnly; Secure; SameSite=Lax; Partitioned',
      'cache-control: private',
    ]);
    const cases: [string, string | null][] = [
      ['SRV=a', null],
      ['SRV=a; b=2', 'b=2'],
      ['a=1;SRV=a', 'a=1'],
      ['a=1 ;  SRV=a ;b=2', 'a=1; b=2'],
      ['a=1, SRV=a, b=2', 'a=1, b=2'],
      ['a = 1 ; SRV = a', 'a=1 '],
      ['$Version=1; SRV=a; $Path=/', null],
      ['x; SRV=a', 'x'],
      ['SRV=a; SRV=b; c=3', 'c=3'],
      ['c="x;SRV=a"; SRV=a', 'c="x;SRV=a"'],
    ];
    for (const [line, out] of cases) {
      const r = request('GET', '/', [`cookie: ${line}`]);
      l.pers.request(r, NOW);
      t.same(forwardedRequest(r), out === null ? ['host: x'] : ['host: x', `cookie: ${out}`], `Cookie: ${line}`);
    }
    const two = request('GET', '/', ['cookie: SRV=a', 'x-y: 1', 'cookie: k=v; SRV=a']);
    t.equal(l.pers.request(two, NOW), srv(l, 'a'));
    t.same(forwardedRequest(two), ['host: x', 'x-y: 1', 'cookie: k=v'], 'every Cookie line is cleaned');
  });

  t.test('nocache marks only responses a cache could store', async (t) => {
    const l = get('nocache');
    const cases: [string, number, string[], boolean][] = [
      ['GET', 200, [], false],
      ['GET', 200, ['etag: 1'], true],
      ['GET', 200, ['last-modified: Sun, 22 Nov 2026 10:00:00 GMT'], true],
      ['GET', 200, ['expires: Sun, 22 Nov 2026 10:00:00 GMT'], true],
      ['GET', 200, ['cache-control: max-age=60'], true],
      ['GET', 200, ['cache-control: public'], false],
      ['GET', 200, ['cache-control: public, max-age=60'], true],
      ['GET', 200, ['cache-control: max-age=0, s-maxage=10'], false],
      ['GET', 200, ['cache-control: no-cache="set-cookie"', 'etag: 1'], true],
      ['GET', 200, ['cache-control: private=x', 'expires: x'], true],
      ['GET', 200, ['cache-control: NO-STORE', 'etag: 1'], false],
      ['GET', 200, ['pragma: no-cache', 'etag: 1'], false],
      ['GET', 302, ['etag: 1'], false],
      ['GET', 404, ['etag: 1'], true],
      ['HEAD', 200, ['etag: 1'], true],
      ['POST', 200, ['etag: 1'], false],
      ['POST', 200, ['cache-control: public, max-age=5'], true],
      ['GET', 500, ['cache-control: public, max-age=5'], true],
    ];
    for (const [method, status, headers, priv] of cases) {
      const tx = request(method, '/');
      l.pers.request(tx, NOW);
      l.pers.response(response(tx, status, headers), srv(l, 'a'), false, NOW);
      t.equal(tx.resHeaderLines('cache-control').includes('private'), priv, `${method} ${status} ${headers.join(' / ') || '(none)'}`);
    }
  });

  t.test('postonly inserts only on POST', async (t) => {
    const l = get('post');
    const g = request('GET', '/');
    l.pers.request(g, NOW);
    l.pers.response(response(g, 200), srv(l, 'a'), false, NOW);
    t.same(g.resHeaderLines('set-cookie'), []);
    t.equal(g.cookieState, 'NN');
    const p = request('POST', '/', ['content-length: 0']);
    l.pers.request(p, NOW);
    l.pers.response(response(p, 200), srv(l, 'a'), false, NOW);
    t.same(p.resHeaderLines('set-cookie'), ['SRV=a; path=/']);
    t.equal(p.cookieState, 'NI');
  });

  t.test('preserve leaves a server\'s own cookie alone and inserts nothing then', async (t) => {
    const l = get('keep');
    const tx = request('GET', '/');
    l.pers.request(tx, NOW);
    l.pers.response(response(tx, 200, ['set-cookie: SRV=; Max-Age=0']), srv(l, 'a'), false, NOW);
    t.same(tx.resHeaderLines('set-cookie'), ['SRV=; Max-Age=0']);
    t.equal(tx.cookieState, 'NP');
  });

  t.test('rewrite replaces the value the server set; a server without a value leaves it', async (t) => {
    const l = get('rw');
    const tx = request('GET', '/');
    l.pers.request(tx, NOW);
    l.pers.response(response(tx, 200, ['set-cookie: JSESSIONID=abc123; Path=/']), srv(l, 'a'), false, NOW);
    t.same(tx.resHeaderLines('set-cookie'), ['JSESSIONID=a; Path=/']);
    t.equal(tx.cookieState, 'NR');
    const sp = request('GET', '/');
    l.pers.request(sp, NOW);
    l.pers.response(response(sp, 200, ['set-cookie:  JSESSIONID = abc ; Path=/']), srv(l, 'a'), false, NOW);
    t.same(sp.resHeaderLines('set-cookie'), ['JSESSIONID=a ; Path=/'], 'spaces around = go, the rest stays');
    const n = request('GET', '/');
    l.pers.request(n, NOW);
    l.pers.response(response(n, 200, ['set-cookie: JSESSIONID=abc123']), srv(l, 'n'), false, NOW);
    t.same(n.resHeaderLines('set-cookie'), ['JSESSIONID=abc123']);
    t.equal(n.cookieState, 'NP');
    const back = request('GET', '/', ['cookie: JSESSIONID=a']);
    t.equal(l.pers.request(back, NOW), srv(l, 'a'));
    t.same(back.reqHeaderLines('cookie'), ['JSESSIONID=a'], 'rewrite never edits the request');
  });

  t.test('prefix: the client sees SRV~value, the server its own value', async (t) => {
    const l = get('pfx');
    const tx = request('GET', '/');
    l.pers.request(tx, NOW);
    l.pers.response(response(tx, 200, ['set-cookie: JS=abc123; Path=/']), srv(l, 'a'), false, NOW);
    t.same(tx.resHeaderLines('set-cookie'), ['JS=a~abc123; Path=/']);
    t.equal(tx.cookieState, 'NR');
    const back = request('GET', '/', ['cookie: x=1; JS=b~xyz; y=2']);
    t.equal(l.pers.request(back, NOW), srv(l, 'b'));
    t.same(back.reqHeaderLines('cookie'), ['x=1; JS=xyz; y=2']);
    t.equal(back.cookieState, 'VN');
    const bad = request('GET', '/', ['cookie: JS=q~xyz']);
    t.equal(l.pers.request(bad, NOW), null, 'unknown server part: balanced');
    t.same(bad.reqHeaderLines('cookie'), ['JS=xyz'], 'the server part is stripped anyway');
    t.equal(bad.cookieState, 'IN');
    const plain = request('GET', '/', ['cookie: JS=b']);
    t.equal(l.pers.request(plain, NOW), srv(l, 'b'), 'no ~: the whole value names the server');
    t.same(plain.reqHeaderLines('cookie'), ['JS=b']);

    const ind = get('pfxind');
    const d = request('GET', '/', ['cookie: JS=a~v']);
    t.equal(ind.pers.request(d, NOW), srv(ind, 'a'));
    ind.pers.response(response(d, 200, ['set-cookie: JS=w']), srv(ind, 'a'), true, NOW);
    t.same(d.resHeaderLines('set-cookie'), [], 'prefix indirect: a direct request\'s new server cookie is dropped');
    t.equal(d.cookieState, 'VD');
  });

  t.test('passive: the cookie selects the server, nothing is emitted, no log letters', async (t) => {
    const l = get('passive');
    const tx = request('GET', '/', ['cookie: SRV=b']);
    t.equal(l.pers.request(tx, NOW), srv(l, 'b'));
    l.pers.response(response(tx, 200, ['set-cookie: SRV=x']), srv(l, 'b'), true, NOW);
    t.same(tx.resHeaderLines('set-cookie'), ['SRV=x']);
    t.equal(tx.cookieState, '--');
    const pi = get('passind');
    const d = request('GET', '/', ['cookie: SRV=a; o=1']);
    t.equal(pi.pers.request(d, NOW), srv(pi, 'a'));
    t.same(d.reqHeaderLines('cookie'), ['SRV=a; o=1'], 'indirect without insert leaves the request alone');
    pi.pers.response(response(d, 200, ['set-cookie: SRV=x']), srv(pi, 'a'), true, NOW);
    t.same(d.resHeaderLines('set-cookie'), [], 'but drops the server\'s cookie on a direct request');
    t.equal(d.cookieState, 'VD');
  });

  t.test('a server without a cookie value asks the client to delete it', async (t) => {
    const l = get('nocookie');
    const tx = request('GET', '/');
    l.pers.request(tx, NOW);
    l.pers.response(response(tx, 200), srv(l, 'bk'), false, NOW);
    t.same(tx.resHeaderLines('set-cookie'), ['SRV=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/']);
    t.equal(tx.cookieState, 'NI');
  });

  t.test('DOWN, maintenance and shared values (reference §6.2)', async (t) => {
    const ins = get('ins');
    const b = srv(ins, 'b');
    ins.brt.be.setServerState(b, SrvState.STOPPED);
    t.teardown(() => { ins.brt.be.setServerState(b, SrvState.RUNNING); });
    const tx = request('GET', '/', ['cookie: SRV=b']);
    t.equal(ins.pers.request(tx, NOW), null, 'a DOWN server is not used without option persist');
    ins.pers.response(response(tx, 200), srv(ins, 'a'), false, NOW);
    t.same(tx.resHeaderLines('set-cookie'), ['SRV=a; path=/']);
    t.equal(tx.cookieState, 'DI');

    const p = get('persist');
    const pb = srv(p, 'b');
    p.brt.be.setServerState(pb, SrvState.STOPPED);
    const d = request('GET', '/', ['cookie: SRV=b']);
    t.equal(p.pers.request(d, NOW), pb, 'option persist: the DOWN server is still designated');
    t.equal(d.cookieState, 'DN');
    // the engine's retries fail and option redispatch moves it to a
    p.pers.redispatched(d);
    p.pers.response(response(d, 200), srv(p, 'a'), false, NOW);
    t.same(d.resHeaderLines('set-cookie'), ['SRV=a; path=/']);
    t.equal(d.cookieState, 'DI');
    const m = request('GET', '/', ['cookie: SRV=c']);
    t.equal(srv(p, 'c').admin & SrvAdmin.CMAINT, SrvAdmin.CMAINT);
    t.equal(p.pers.request(m, NOW), srv(p, 'c'), 'option persist reaches a server in maintenance too (haproxy 2.6.12)');
    t.equal(m.cookieState, 'DN');
    const v = request('GET', '/', ['cookie: SRV=a']);
    t.equal(p.pers.request(v, NOW), srv(p, 'a'));
    p.pers.redispatched(v);
    t.equal(v.cookieState, 'DN', 'a valid cookie redispatched away is logged D');

    const sh = get('shared');
    sh.brt.be.setServerState(srv(sh, 'a1'), SrvState.STOPPED);
    const s2 = request('GET', '/', ['cookie: SRV=a']);
    t.equal(sh.pers.request(s2, NOW), srv(sh, 'a2'), 'the first running server with that value');
    t.equal(s2.cookieState, 'VN');
  });

  t.test('maxidle / maxlife: dates in, dates out', async (t) => {
    t.equal(encodeCookieDate(1795348608 - 3), 'awLYg', 'reference §6.1 example');
    t.equal(decodeCookieDate('awLYg'), 1795348608);
    t.equal(decodeCookieDate('aw=Yg'), 0, 'not a date');
    const l = get('dates');
    const now = encodeCookieDate(NOW);
    const tx = request('GET', '/');
    l.pers.request(tx, NOW);
    l.pers.response(response(tx, 200), srv(l, 'a'), false, NOW);
    t.same(tx.resHeaderLines('set-cookie'), [`SRV=a|${now}|${now}; path=/`]);
    t.equal(tx.cookieState, 'NI');

    // seen 10 minutes ago, first 2 hours ago: valid, refreshed with the first date kept
    const first = encodeCookieDate(NOW - 7200);
    const r = request('GET', '/', [`cookie: SRV=b|${encodeCookieDate(NOW - 600)}|${first}`]);
    t.equal(l.pers.request(r, NOW), srv(l, 'b'));
    l.pers.response(response(r, 200), srv(l, 'b'), true, NOW);
    t.same(r.resHeaderLines('set-cookie'), [`SRV=b|${now}|${first}; path=/`]);
    t.equal(r.cookieState, 'VU');

    const idle = request('GET', '/', [`cookie: SRV=b|${encodeCookieDate(NOW - 3600)}|${first}`]);
    t.equal(l.pers.request(idle, NOW), null, 'idle for an hour: expired');
    t.equal(idle.cookieState, 'EN');
    l.pers.response(response(idle, 200), srv(l, 'a'), false, NOW);
    t.same(idle.resHeaderLines('set-cookie'), [`SRV=a|${now}|${now}; path=/`], 'a fresh cookie, first date reset');
    t.equal(idle.cookieState, 'EI');

    const old = request('GET', '/', [`cookie: SRV=b|${now}|${encodeCookieDate(NOW - 9 * 3600)}`]);
    t.equal(l.pers.request(old, NOW), null, 'first seen 9 hours ago: too old');
    t.equal(old.cookieState, 'ON');
    const future = request('GET', '/', [`cookie: SRV=b|${encodeCookieDate(NOW + 2 * 86400)}`]);
    t.equal(l.pers.request(future, NOW), null, 'a date more than a day ahead is expired');
    t.equal(future.cookieState, 'EN');

    // a date still in the future (the same 4-second step) needs no refresh
    const same = request('GET', '/', [`cookie: SRV=b|${now}|${now}`]);
    t.equal(l.pers.request(same, NOW), srv(l, 'b'));
    l.pers.response(response(same, 200), srv(l, 'b'), true, NOW);
    t.same(same.resHeaderLines('set-cookie'), []);
    t.equal(same.cookieState, 'VN');

    // no first date while maxlife wants one: re-issued to add it
    const nofirst = request('GET', '/', [`cookie: SRV=b|${now}`]);
    l.pers.request(nofirst, NOW);
    l.pers.response(response(nofirst, 200), srv(l, 'b'), true, NOW);
    t.same(nofirst.resHeaderLines('set-cookie'), [`SRV=b|${now}|${now}; path=/`]);

    const il = get('idle');
    const plain = request('GET', '/', ['cookie: SRV=a']);
    t.equal(il.pers.request(plain, NOW), il.brt.be.findServer('a'), 'an undated cookie is accepted');
    il.pers.response(response(plain, 200), srv(il, 'a'), true, NOW);
    t.same(plain.resHeaderLines('set-cookie'), [`SRV=a|${now}; path=/`], 'and dated (no first date without maxlife)');
    t.equal(plain.cookieState, 'VU');
    const withFirst = request('GET', '/', [`cookie: SRV=a|${now}|${now}`]);
    il.pers.request(withFirst, NOW);
    il.pers.response(response(withFirst, 200), srv(il, 'a'), true, NOW);
    t.same(withFirst.resHeaderLines('set-cookie'), [`SRV=a|${now}; path=/`], 'a first date is dropped without maxlife');
  });

  t.test('dynamic cookies: XXH64 of key, address and port', async (t) => {
    t.equal(xxh64(Buffer.alloc(0)).toString(16), 'ef46db3751d8e999', 'XXH64 of nothing');
    t.equal(xxh64(Buffer.from('abc')).toString(16), '44bc2cf5ad770999');
    t.equal(xxh64(Buffer.from('Nobody inspects the spammish repetition')).toString(16), 'fbcea83c8a378bf1');
    t.equal(dynamicCookie('secret', '127.0.0.1', 28091), 'dbf55a8c02943d0a', 'as haproxy 2.6.12 printed it');
    t.equal(dynamicCookie('secret', '/run/x.sock', 0), null);
    const l = get('dyn');
    t.equal(l.pers.valueOf(srv(l, 'a')), 'dbf55a8c02943d0a');
    t.equal(l.pers.valueOf(srv(l, 'b')), '30df9a8af3b8bc82');
    t.equal(l.pers.valueOf(srv(l, 'c')), 'fixed', 'a server\'s own value wins');
    t.match(l.pers.valueOf(srv(l, 'v6')), /^[0-9a-f]{16}$/);
    const tx = request('GET', '/', ['cookie: SRV=30df9a8af3b8bc82']);
    t.equal(l.pers.request(tx, NOW), srv(l, 'b'));
  });

  t.test('request scanner corner cases', async (t) => {
    const keep = { ours: () => -1 };
    t.equal(scanRequestCookieLine('a=1; b=2', 'SRV', true, keep), 'a=1; b=2', 'untouched lines are the same string');
    t.equal(scanRequestCookieLine('a=1; ', 'SRV', true, keep), 'a=1; ');
    t.equal(scanRequestCookieLine('SRV=a;', 'SRV', true, keep), null);
    t.equal(scanRequestCookieLine('SRV=a; $Path=/; x=1', 'SRV', true, keep), 'x=1', 'an attribute follows its cookie out');
  });
});

t.test('a dynamic cookie for a server given by host name is refused with its location', async (t) => {
  const f = configFile('defaults\n  mode http\nbackend b\n  dynamic-cookie-key k\n  cookie S insert dynamic\n  server a localhost:80\n');
  t.teardown(f.done);
  const r = await loadConfig([f.file], { noResolve: true, env: {} });
  const px = r.config?.proxies.find((p) => p.name === 'b');
  if (px === undefined) throw new Error('no backend');
  const brt = new BackendRuntime(px, 1);
  let err: unknown = null;
  try {
    cookiePersistence(px, brt.be);
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof HalyardError, 'a HalyardError');
  t.equal((err as HalyardError).code, 'HLY_CFG_UNSUPPORTED');
  t.match((err as HalyardError).message, `${f.file}:6 : server 'b/a' : 'cookie S dynamic' needs an IP address`);
});
