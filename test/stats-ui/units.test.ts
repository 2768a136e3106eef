// The stats page's pure helpers: durations as HAProxy prints them, URI options, Basic auth, CSRF.
import t from 'tap';
import { humanTime, uptime } from '../../stats-ui/model.js';
import { parseUriOptions } from '../../stats-ui/app.js';
import { authenticate, csrfOk, csrfToken } from '../../stats-ui/auth.js';
import type { StatsConfig } from '../../lib/config/model.js';

t.test('durations read like HAProxy\'s: two largest units, uptime as 0d 0h00m00s', async (t) => {
  t.equal(humanTime(0), '0s');
  t.equal(humanTime(5), '5s');
  t.equal(humanTime(192), '3m12s');
  t.equal(humanTime(3600 * 2 + 300), '2h5m');
  t.equal(humanTime(86400 + 3 * 3600 + 59), '1d3h');
  t.equal(humanTime(3600 + 5), '1h', 'a zero middle unit ends the pair');
  t.equal(humanTime(-1), '?');
  t.equal(uptime(3 * 60 + 12), '0d 0h03m12s');
  t.equal(uptime(86400 * 2 + 3600 * 5 + 7), '2d 5h00m07s');
});

t.test('URI options after the stats URI', async (t) => {
  const o = parseUriOptions(';csv;norefresh;up');
  t.ok(o.csv && o.norefresh && o.up);
  t.notOk(o.json || o.events || o.problems);
  t.equal(parseUriOptions(';st=DONE').st, 'DONE');
  t.equal(parseUriOptions('?scope=ap+p').scope, 'ap p');
  t.ok(parseUriOptions('metrics').metrics, '`/metrics` under `stats uri /`');
  t.ok(parseUriOptions(';events').events);
});

const stats = (auth: StatsConfig['auth']): StatsConfig => ({ enabled: true, auth, admin: [], hideVersion: false, showLegends: false, scope: [] });
const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

t.test('Basic auth against every `stats auth` account', async (t) => {
  const s = stats([{ user: 'a', password: 'x:y' }, { user: 'b', password: 'z' }, { user: 'c', password: '', noPassword: true }]);
  t.equal(authenticate(s, basic('a:x:y')), 'a', 'a password may contain ":"');
  t.equal(authenticate(s, basic('b:z')), 'b');
  t.equal(authenticate(s, basic('b:x:y')), null);
  t.equal(authenticate(s, basic('c:')), null, 'an account written without a password never logs in');
  t.equal(authenticate(s, undefined), null);
  t.equal(authenticate(s, 'Bearer abc'), null);
  t.equal(authenticate(s, `bAsIc   ${Buffer.from('b:z').toString('base64')}`), 'b', 'the scheme is case-insensitive');
  t.equal(authenticate(stats([]), undefined), '', 'no accounts: no auth');
});

t.test('CSRF: the token binds user and proxy; a foreign Origin or Referer is refused', async (t) => {
  const tok = csrfToken('s3cret', 'stats', 'admin');
  t.not(tok, csrfToken('s3cret', 'stats', 'viewer'));
  t.not(tok, csrfToken('s3cret', 'other', 'admin'));
  t.not(tok, csrfToken('another', 'stats', 'admin'));
  const h = { host: '127.0.0.1:8404' };
  t.ok(csrfOk(tok, tok, h), 'no Origin (curl, scripts): the token suffices');
  t.ok(csrfOk(tok, tok, { ...h, origin: 'http://127.0.0.1:8404' }));
  t.notOk(csrfOk(tok, tok, { ...h, origin: 'http://evil.example' }));
  t.notOk(csrfOk(tok, tok, { ...h, referer: 'http://evil.example/page' }));
  t.notOk(csrfOk(tok, tok, { ...h, origin: 'null' }), 'an opaque origin is foreign');
  t.notOk(csrfOk(undefined, tok, h));
  t.notOk(csrfOk(`${tok}x`, tok, h));
});
