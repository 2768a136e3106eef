import t from 'tap';
import { load, pair, runCases, type Case } from './kw-cases.js';

const fe = (l: string): string => pair(`    ${l}\n`, '');
const be = (l: string): string => pair('', `    ${l}\n`);

const cases: Case[] = [
  { name: 'timeouts with units are accepted', cfg: be('timeout queue 1m\n    timeout check 500ms\n    timeout tunnel 1h\n    timeout http-request 10s'), verdict: 'valid', clean: true },
  { name: '1s500ms only warns, without a location', cfg: fe('timeout http-keep-alive 1s500ms'), verdict: 'valid', severity: 'warning', msg: `unexpected character '5' after the timer value '1s500ms', only (us=microseconds,ms=milliseconds,s=seconds,m=minutes,h=hours,d=days) are supported. This will be reported as an error in next versions.` },
  { name: 'decimals are refused', cfg: fe('timeout client 1.5s'), verdict: 'invalid', line: 8, msg: `unexpected character '.' in 'timeout client'` },
  { name: 'upper-case units are refused', cfg: fe('timeout client 10S'), verdict: 'invalid', msg: `unexpected character 'S' in 'timeout client'` },
  { name: 'timers overflow past 2147483647 ms', cfg: fe('timeout client 25d'), verdict: 'invalid', msg: `timer overflow in argument '25d' to 'timeout client' (maximum value is 2147483647 ms or ~24.8 days)` },
  { name: 'an extra word after a timeout', cfg: fe('timeout client 5s 6s'), verdict: 'invalid', msg: `'timeout client' : unexpected extra argument '6s' after value '5s'.` },
  { name: 'an unknown timeout', cfg: fe('timeout foo 5s'), verdict: 'invalid', msg: `'timeout' supports 'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive', 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin' (got 'foo')` },
  { name: 'timeout server in a frontend is ignored', cfg: fe('timeout server 5s'), verdict: 'valid', msg: `'timeout server' will be ignored because frontend 'fe' has no backend capability` },
  { name: 'timeout 0 unsets and brings the missing-timeouts warning', cfg: be('timeout server 0'), verdict: 'valid', msg: `missing timeouts for backend 'be'.` },
  { name: 'mode health is gone', cfg: fe('mode health'), verdict: 'invalid', msg: `'mode health' doesn't exist anymore. Please use 'http-request return status 200' instead.` },
  { name: 'an unknown mode', cfg: fe('mode https'), verdict: 'invalid', msg: `unknown proxy mode 'https'.` },
  { name: 'balance algorithms with their arguments', cfg: be('balance uri len 10 depth 2 whole path-only\n    hash-type consistent djb2 avalanche'), verdict: 'valid', clean: true },
  { name: 'balance alone changes nothing', cfg: be('balance'), verdict: 'valid', clean: true },
  { name: 'an unknown balance algorithm', cfg: be('balance fastest'), verdict: 'invalid', line: 10, msg: `balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.` },
  { name: 'balance uri len without a number', cfg: be('balance uri len'), verdict: 'invalid', msg: `balance uri : 'len' expects a positive integer (got '').` },
  { name: 'balance random with garbage', cfg: be('balance random(a)'), verdict: 'invalid', msg: `balance random : unexpected character 'a' after argument.` },
  { name: 'balance hdr() without a name', cfg: be('balance hdr()'), verdict: 'invalid', msg: `balance hdr requires an http header field name.` },
  { name: 'balance url_param without a name', cfg: be('balance url_param'), verdict: 'invalid', msg: `balance url_param requires an URL parameter name.` },
  { name: 'balance in a frontend is ignored', cfg: fe('balance roundrobin'), verdict: 'valid', msg: `'balance' ignored because frontend 'fe' has no backend capability.` },
  { name: 'hash-type with an unknown method', cfg: be('hash-type random'), verdict: 'invalid', msg: `'hash-type' only supports 'consistent' and 'map-based'.` },
  { name: 'hash-type with an unknown function', cfg: be('hash-type consistent md5'), verdict: 'invalid', msg: `'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions.` },
  { name: 'hash-type with an unknown modifier', cfg: be('hash-type consistent sdbm fast'), verdict: 'invalid', msg: `'hash-type' only supports 'avalanche' as a modifier for hash functions.` },
  { name: 'maxconn in a backend hints at fullconn', cfg: be('maxconn 10'), verdict: 'valid', msg: `'maxconn' ignored because backend 'be' has no frontend capability. Maybe you want 'fullconn' instead ?` },
  { name: 'retries needs a number', cfg: be('retries'), verdict: 'invalid', msg: `'retries' expects an integer argument (dispatch counts for one).` },
  { name: 'id must be positive', cfg: fe('id 0'), verdict: 'invalid', msg: 'custom id has to be > 0.' },
  { name: 'proxy log forms and log global', cfg: `global\n    log 127.0.0.1 local0\n${pair('    log global\n    log 127.0.0.1:515 local1 info\n    log stdout format raw local0\n', '    no log\n')}`, verdict: 'valid', clean: true },
  { name: 'proxy log with too many words', cfg: fe('log 127.0.0.1 local0 info notice debug'), verdict: 'invalid', msg: `log : cannot handle unexpected argument 'debug'` },
  { name: 'proxy log without arguments', cfg: fe('log'), verdict: 'invalid', msg: `log : expects <address> and <facility> or global as arguments` },
  { name: 'default_backend needs a name', cfg: pair('    default_backend\n', ''), verdict: 'invalid', msg: `'default_backend' expects a backend name.` },
  { name: 'monitor-uri, description, disabled, enabled, fullconn', cfg: pair('    monitor-uri /alive\n    description the front\n', '    fullconn 100\n    disabled\n    enabled\n'), verdict: 'valid', clean: true },
];
runCases(t, cases);

t.test('values are stored in milliseconds and as written', async (t) => {
  const r = await load(pair('    timeout http-request 10s\n', '    balance hdr(Host) use_domain_only\n    hash-type consistent\n    retries 5\n'));
  const [f, b] = r.config?.proxies ?? [];
  t.equal(f?.timeouts['http-request'], 10000);
  t.match(b?.balance, { algo: 'hdr', args: ['Host', 'use_domain_only'] });
  t.same(b?.hashType, { method: 'consistent', fn: 'sdbm', avalanche: false });
  t.equal(b?.retries, 5);
});
