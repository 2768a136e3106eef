import t from 'tap';
import { load, pair, runCases, type Case } from './kw-cases.js';

const fe = (l: string): string => pair(`    ${l}\n`, ''); // line 8

const cases: Case[] = [
  { name: 'the stats page keywords', cfg: pair('    stats enable\n    stats uri /stats\n    stats refresh 10s\n    stats realm Stats\\ Page\n    stats auth admin:secret\n    stats auth ops:other\n    stats admin if TRUE\n    stats hide-version\n    stats show-legends\n    stats show-node lb1\n    stats show-desc main\n    stats scope .\n    stats scope be\n', ''), verdict: 'valid', clean: true },
  { name: 'stats uri needs a prefix', cfg: fe('stats uri'), verdict: 'invalid', line: 8, msg: `'uri' needs an URI prefix.` },
  { name: 'stats realm needs a name', cfg: fe('stats realm'), verdict: 'invalid', msg: `'realm' needs an realm name.` },
  { name: 'stats auth needs an account', cfg: fe('stats auth'), verdict: 'invalid', msg: `'auth' needs a user:password account.` },
  { name: 'stats auth without a colon is accepted, as in HAProxy', cfg: fe('stats auth admin'), verdict: 'valid', clean: true },
  { name: 'stats refresh with garbage', cfg: fe('stats refresh 10x'), verdict: 'invalid', msg: `unexpected character 'x' in argument to stats refresh interval.` },
  { name: 'stats scope needs a name', cfg: fe('stats scope'), verdict: 'invalid', msg: `'scope' needs a proxy name.` },
  { name: 'stats admin needs if or unless', cfg: fe('stats admin when TRUE'), verdict: 'invalid', msg: `'stats admin' requires either 'if' or 'unless' followed by a condition.` },
  { name: 'stats admin is refused in defaults', cfg: `defaults\n    stats admin if TRUE\n${pair('', '')}`, verdict: 'invalid', line: 2, msg: `'stats admin' not allowed in 'defaults' section.` },
  { name: 'an unknown stats word', cfg: fe('stats frob'), verdict: 'invalid', msg: `unknown stats parameter 'frob', expects 'admin', 'uri', 'realm', 'auth', 'scope', 'enable', 'hide-version', 'show-node', 'show-desc' or 'show-legends'.` },
  { name: 'stats socket belongs to global', cfg: fe('stats socket /tmp/x.sock'), verdict: 'invalid', msg: `unknown stats parameter 'socket', expects 'admin', 'uri', 'realm', 'auth', 'scope', 'enable', 'hide-version', 'show-node', 'show-desc' or 'show-legends'.` },
  { name: 'stats with no word', cfg: fe('stats'), verdict: 'invalid', msg: `missing keyword in 'stats', expects 'admin', 'uri', 'realm', 'auth', 'scope', 'enable', 'hide-version', 'show-node', 'show-desc' or 'show-legends'.` },
  { name: 'stats http-request is not supported', cfg: fe('stats http-request auth unless TRUE'), verdict: 'invalid', msg: `'stats http-request' is not supported by Halyard (use 'stats auth' and 'stats admin').` },
];
runCases(t, cases);

t.test('stats settings are stored, refresh in seconds', async (t) => {
  const r = await load(pair('    stats uri /st\n    stats refresh 5\n    stats realm My\\ Realm\n    stats auth a:b\n    stats auth c:d\n    stats hide-version\n    stats scope .\n', ''));
  t.match(r.config?.proxies[0]?.stats, {
    enabled: true, uri: '/st', refresh: 5, realm: 'My Realm', auth: [{ user: 'a', password: 'b' }, { user: 'c', password: 'd' }],
    hideVersion: true, scope: ['.'],
  });
});
