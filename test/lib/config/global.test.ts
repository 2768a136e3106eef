import t from 'tap';
import { load, pair, runCases, type Case } from './kw-cases.js';
import { haproxyBestMatch } from '../../../lib/config/keywords/suggest.js';

// `global` body line i is at line i + 1
const g = (body: string): string => pair('', '', body.split('\n').map((l) => `    ${l}\n`).join(''));

const cases: Case[] = [
  { name: 'maxconn, nbthread, daemon, pidfile, node, description are accepted', cfg: g('maxconn 2000\nnbthread 4\ndaemon\npidfile /run/h.pid\nnode lb-1\ndescription main load balancer\nhard-stop-after 30s\nspread-checks 5\nstats timeout 30s'), verdict: 'valid', clean: true },
  { name: 'an unknown global keyword suggests the one HAProxy suggests', cfg: g('maxconnn 10'), verdict: 'invalid', line: 2, msg: `unknown keyword 'maxconnn' in 'global' section; did you mean 'maxconn' maybe ?` },
  { name: '"bind" in global suggests unix-bind like HAProxy', cfg: g('bind :80'), verdict: 'invalid', line: 2, msg: `unknown keyword 'bind' in 'global' section; did you mean 'unix-bind' maybe ?` },
  { name: 'an unknown tune.* keyword has no suggestion', cfg: g('tune.nosuch 1'), verdict: 'invalid', line: 2, msg: `unknown keyword 'tune.nosuch' in 'global' section` },
  { name: '"debug" is unknown in 2.6', cfg: g('debug'), verdict: 'invalid', line: 2, msg: `unknown keyword 'debug' in 'global' section` },
  { name: 'nbproc is refused with the 2.5 removal message', cfg: g('nbproc 2'), verdict: 'invalid', line: 2, msg: 'nbproc is not supported any more since HAProxy 2.5. Threads will automatically be used on multi-processor machines if available.' },
  { name: 'daemon takes no argument', cfg: g('daemon now'), verdict: 'invalid', line: 2, msg: `'daemon' cannot handle unexpected argument 'now'.` },
  { name: 'nbthread must be a number', cfg: g('nbthread abc'), verdict: 'invalid', line: 2, msg: `'nbthread' passed a missing or unparsable integer value in 'abc'` },
  { name: 'nbthread 0 is out of range', cfg: g('nbthread 0'), verdict: 'invalid', line: 2, msg: `'nbthread' value must be between 1 and 64 (was 0)` },
  { name: 'nbthread above 64 is out of range', cfg: g('nbthread 5000'), verdict: 'invalid', msg: `'nbthread' value must be between 1 and 64 (was 5000)` },
  { name: 'maxconn with garbage is accepted like atol()', cfg: g('maxconn abc'), verdict: 'valid', clean: true },
  { name: 'maxconn without a value is an error', cfg: g('maxconn'), verdict: 'invalid', msg: `'maxconn' expects an integer argument.` },
  { name: 'pidfile twice is reported and ignored', cfg: g('pidfile /a\npidfile /b'), verdict: 'valid', line: 3, msg: `'pidfile' already specified. Continuing.` },
  { name: 'pidfile needs a file name', cfg: g('pidfile'), verdict: 'invalid', msg: `'pidfile' expects a file name as an argument.` },
  { name: 'stats socket listener options that would be ignored are refused', cfg: g('stats socket /tmp/x.sock accept-proxy'), verdict: 'invalid', msg: `'stats socket' option 'accept-proxy' is not supported by Halyard.` },
  { name: 'stats socket maxconn, backlog, name and id are kept', cfg: g('stats socket /tmp/x.sock maxconn 3 backlog 5 name cli id 7'), verdict: 'valid', clean: true },
  { name: 'log sample is refused (not implemented)', cfg: g('log 127.0.0.1:514 sample 1:2 local0'), verdict: 'invalid', msg: `'log ... sample' is not supported by Halyard.` },
  { name: 'ulimit-n is accepted with a warning that Node cannot raise the limit', cfg: g('ulimit-n 65536'), verdict: 'valid', severity: 'warning', msg: `'ulimit-n' has no effect in Halyard (Node cannot raise the open-file limit; set it before starting (ulimit -n)); ignored.` },
  { name: 'chroot is accepted with a warning that Node cannot chroot', cfg: g('chroot /var/empty'), verdict: 'valid', severity: 'warning', msg: `'chroot' has no effect in Halyard (Node cannot change its root directory; the process keeps its own); ignored.` },
  { name: 'chroot needs a directory (which -c does not check)', cfg: g('chroot'), verdict: 'invalid', msg: `'chroot' expects a directory as an argument.` },
  { name: 'hard-stop-after with a bad unit', cfg: g('hard-stop-after 10q'), verdict: 'invalid', msg: `unexpected character 'q' in argument to <hard-stop-after>.` },
  { name: 'hard-stop-after needs a value', cfg: g('hard-stop-after'), verdict: 'invalid', msg: `'hard-stop-after' expects <time> as argument.` },
  { name: 'spread-checks above 50 is refused', cfg: g('spread-checks 60'), verdict: 'invalid', msg: `'spread-checks' needs a positive value in range 0..50.` },
  { name: 'spread-checks needs a value', cfg: g('spread-checks'), verdict: 'invalid', msg: `'spread-checks' expects an integer argument (0..50).` },
  { name: 'an unknown user fails like getpwnam()', cfg: g('user nosuchuser-hx'), verdict: 'invalid', line: 2, msg: `cannot find user id for 'nosuchuser-hx' (0:Success)` },
  { name: 'an unknown group fails like getgrnam()', cfg: g('group nosuchgroup-hx'), verdict: 'invalid', msg: `cannot find group id for 'nosuchgroup-hx' (0:Success)` },
  { name: 'known user and group names are accepted', cfg: g('user root\ngroup root'), verdict: 'valid', clean: true },
  { name: 'uid with a name only warns', cfg: g('uid haproxy'), verdict: 'valid', msg: ` uid: string 'haproxy' is not a number.`, severity: 'warning' },
  { name: 'node names are restricted', cfg: g('node a/b'), verdict: 'invalid', msg: `'node' requires valid node name - non-empty string with digits(0-9), letters(A-Z, a-z), dot(.), hyphen(-) or underscode(_).` },
  { name: 'TLS defaults are accepted with a no-effect warning', cfg: g('ssl-default-bind-ciphers ECDHE'), verdict: 'valid', severity: 'warning', msg: `'ssl-default-bind-ciphers' has no effect in Halyard (Halyard has no TLS); ignored.` },
  { name: 'cpu-map is accepted with a no-effect warning', cfg: g('cpu-map auto:1/1-4 0-3'), verdict: 'valid', severity: 'warning', msg: `'cpu-map' has no effect in Halyard; ignored.` },
  { name: 'tune.bufsize is kept for the runtime', cfg: g('tune.bufsize 32768'), verdict: 'valid', clean: true },
  { name: 'tune.bufsize must be positive once rounded up', cfg: g('tune.bufsize -5'), verdict: 'invalid', line: 2, msg: `'tune.bufsize' expects a positive integer argument.` },
  { name: 'tune.maxrewrite may not be negative', cfg: g('tune.maxrewrite -1'), verdict: 'invalid', msg: `'tune.maxrewrite' expects a positive integer argument.` },
  { name: 'tune.http.maxhdr 0 is out of range', cfg: g('tune.http.maxhdr 0'), verdict: 'invalid', msg: `'tune.http.maxhdr' expects a numeric value between 1 and 32767` },
  { name: 'tune.http.maxhdr 4 leaves no room for the built-in error pages (haproxy -c fails too)', cfg: g('tune.http.maxhdr 4'), verdict: 'invalid', msg: `'tune.http.maxhdr' 4 leaves no room for the headers of the built-in error pages (haproxy refuses to start: "invalid default message"); use at least 5.` },
  { name: 'tune.http.maxhdr 5, tune.maxrewrite above bufsize/2 and tune.http.logurilen are kept', cfg: g('tune.http.maxhdr 5\ntune.maxrewrite 12000\ntune.http.logurilen 30'), verdict: 'valid', clean: true },
  { name: 'lua-load is not supported', cfg: g('lua-load /x.lua'), verdict: 'invalid', msg: `'lua-load' is not supported by Halyard (no Lua engine).` },
  // stats socket / stats timeout
  { name: 'stats socket on a unix path and an ipv4 address with levels', cfg: g('stats socket /tmp/h.sock mode 600 level admin expose-fd listeners\nstats socket ipv4@127.0.0.1:9999 level user'), verdict: 'valid', clean: true },
  { name: 'stats socket needs an address', cfg: g('stats socket'), verdict: 'invalid', msg: `'stats socket' in global section expects an address or a path to a UNIX socket` },
  { name: 'stats socket rejects an unknown level with the bind wording', cfg: g('stats socket /tmp/h.sock level root'), verdict: 'invalid', msg: `'stats socket' : ''level' only supports 'user', 'operator', and 'admin' (got 'root')'` },
  { name: 'stats socket rejects unknown options', cfg: g('stats socket /tmp/h.sock frobnicate'), verdict: 'invalid', msg: `'stats socket' : unknown keyword 'frobnicate'.` },
  { name: 'stats timeout with a bad unit', cfg: g('stats timeout 10x'), verdict: 'invalid', msg: `'stats timeout' : unexpected character 'x'` },
  { name: 'stats with an unknown word', cfg: g('stats frobnicate'), verdict: 'invalid', msg: `'stats' only supports 'socket', 'maxconn', 'bind-process' and 'timeout' (got 'frobnicate')` },
  // log
  { name: 'log forms: address:port, default port, len/format, stdout, stderr, /dev/log, ipv6, fd@', cfg: g('log 127.0.0.1:514 local0\nlog 127.0.0.1 local1 notice\nlog 127.0.0.1:515 len 2048 format rfc5424 local2 info notice\nlog stdout format raw local0\nlog stderr local0 err\nlog /dev/log local0 debug\nlog [::1]:514 local3\nlog fd@3 local4'), verdict: 'valid', clean: true },
  { name: 'log with a bad facility', cfg: g('log 127.0.0.1 local9'), verdict: 'invalid', msg: `log : unknown log facility 'local9'` },
  { name: 'log with a bad level', cfg: g('log 127.0.0.1 local0 loud'), verdict: 'invalid', msg: `log : unknown optional log level 'loud'` },
  { name: 'log with a bad format', cfg: g('log 127.0.0.1 format json local0'), verdict: 'invalid', msg: `log : unknown log format 'json'` },
  { name: 'log without facility in global', cfg: g('log 127.0.0.1'), verdict: 'invalid', msg: `log : expects <address> and <facility>  as arguments` },
  { name: 'log with an invalid IPv4 address', cfg: g('log 300.1.1.1:514 local0'), verdict: 'invalid', msg: `log : invalid address: '300.1.1.1' in '300.1.1.1:514'` },
  { name: 'log global is refused in the global section', cfg: g('log global'), verdict: 'invalid', msg: `log : 'global' is not supported for a global syslog server` },
  { name: 'log len out of range', cfg: g('log 127.0.0.1 len 10 local0'), verdict: 'invalid', msg: `log : invalid log length '10', must be between 80 and 65535` },
];

runCases(t, cases);

t.test('the stored global values are what the runtime needs', async (t) => {
  const r = await load(g('maxconn 2000\nnbthread 4\nhard-stop-after 1m\nstats socket /tmp/h.sock mode 660 level admin\nstats timeout 2m\nlog 127.0.0.1 local0 info\ntune.http.maxhdr 50'));
  const gl = r.config?.global;
  t.equal(gl?.maxconn, 2000);
  t.equal(gl?.nbthread, 4);
  t.equal(gl?.hardStopAfter, 60000);
  t.equal(gl?.statsTimeout, 120000);
  t.match(gl?.statsSockets[0], { family: 'unix', path: '/tmp/h.sock', level: 'admin', mode: 0o660 });
  t.match(gl?.logs[0], { target: '127.0.0.1:514', facility: 'local0', level: 'info' });
  t.equal(gl?.tune['tune.http.maxhdr'], '50');
  const r2 = await load(g('tune.bufsize 1000\ntune.http.logurilen -1'));
  t.equal(r2.config?.global.tune['tune.bufsize'], '1008', 'bufsize rounded up to a multiple of 16, as haproxy');
  t.equal(r2.config?.global.tune['tune.http.logurilen'], undefined, 'logurilen -1 is the default');
});

t.test('setenv is visible to the lines after it, as in HAProxy', async (t) => {
  const r = await load(`global\n    setenv BE_PORT 18081\n${pair('', '').replace('127.0.0.1:18081', '"127.0.0.1:${BE_PORT}"')}`);
  t.equal(r.verdict, 'valid');
  t.equal(r.config?.proxies[1]?.servers[0]?.port, 18081);
});

t.test("did-you-mean follows HAProxy's fingerprint algorithm, ties included", async (t) => {
  t.equal(haproxyBestMatch('nbthreads', ['nbthread', 'maxconn']), 'nbthread');
  t.equal(haproxyBestMatch('zzzzqqq', ['nbthread', 'maxconn']), undefined);
});
