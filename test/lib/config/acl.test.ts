// ACL definitions and conditions: every criterion, flag and condition form, good and bad, with the
// verdict, line and message HAProxy 2.6 gives (observed with haproxy -c on the same lines).
import t, { type Test } from 'tap';
import { bad, check as checkCase, FIRST, load, msgs, type Case } from './acl-helper.js';

const check = (t: Test, c: Case): Promise<void> => checkCase(t, c, 'startsWith');


const valid = (name: string, ...lines: string[]): Case => [name, lines, 'valid'];

const CRITERIA: Case[] = [
  ...['path /x', 'path_beg /api', 'path_end .jpg', 'path_sub foo', 'path_dir img', 'path_dom example', 'path_reg ^/x$',
    'path_len gt 10', 'url /x', 'url_beg /x', 'url_end x', 'url_sub x', 'url_dir x', 'url_dom x', 'url_reg x', 'url_len 3',
    'url_param(id) 5', 'urlp(id) 5', 'urlp_beg(id) 5', 'url_param 5', 'query -m found', 'query a=1', 'base example.com/x',
    'base_beg example.com', 'base_reg ^ex', 'hdr(host) -i example.com', 'hdr_beg(host) www.', 'hdr_end(host) .com',
    'hdr_sub(host) ex', 'hdr_dom(host) -i example.com', 'hdr_reg(host) ^ex', 'hdr_len(host) 0:10', 'hdr_dir(x) a',
    'hdr_cnt(x-test) ge 2', 'req.hdr_cnt(x) eq 1', 'req.hdr(host) -m beg ex', 'req.fhdr(user-agent) -m sub curl',
    'hdr(x,1) a', 'hdr_val(content-length) gt 0', 'method GET HEAD', 'method FOO', 'src 127.0.0.1/8 10.12/8 ::1',
    'src 1.2.3.4/255.255.0.0 localhost', 'src 2001:db8::/32', 'dst 127.0.0.1', 'dst_port 18080', 'src_port 1024:',
    'src_port :1024', 'src_port lt 10 le 20 gt 30 ge 40 eq 50', 'always_true', 'always_false', 'nbsrv(be) lt 1',
    'req.ver 1.1', 'req.cook(sid) -m found', 'cook(sid) abc', 'cook_beg(sid) a', 'status 200', 'res.hdr(x) a',
    'req.hdr(host),lower,field(1,:) -m str example.com', 'req.hdr(host),map(hosts.map) be', 'path,lower /x',
    'hdr_beg(host),lower www', 'method,lower get', 'req.hdr(host),map_dom(hosts.map,none) -m str be2',
    'path -- -dash', 'path -i -m beg /A', 'path -n /x', 'path -u 7 /x', 'path -M /x', 'path -f paths.lst',
    'path -m beg -f paths.lst /c', 'src -f ips.lst', 'path -m found', 'path -m bool', 'path -m len 3', 'path -m ip 1.2.3.4',
    'path -m bin 4142', 'src -m beg 1', 'path -i -i /x', 'path -m str -m beg /x', 'path_len -m str 3', 'path -u',
  ].map((l): Case => [`acl a ${l} is accepted`, [`acl a ${l}`, 'http-request deny if a'], 'valid']),
];

const BAD_ACLS: Case[] = [
  bad('an unknown criterion', ['acl a1 path_foo /x'], `error detected while parsing ACL 'a1' : unknown fetch method 'path_foo' in ACL expression 'path_foo'.`),
  bad('a missing criterion', ['acl a1'], `error detected while parsing ACL 'a1' : missing fetch method in ACL expression ''.`),
  bad('a bad flag', ['acl a1 path -z /x'], `error detected while parsing ACL 'a1' : '-z' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'.`),
  bad('a negative number read as a flag', ['acl a1 src_port -1'], `error detected while parsing ACL 'a1' : '-1' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'.`),
  bad('an unknown matching method', ['acl a1 path -m nosuch /x'], `error detected while parsing ACL 'a1' : unknown matching method 'nosuch' when parsing ACL expression.`),
  bad('-m without a method', ['acl a1 path -m'], `error detected while parsing ACL 'a1' : unknown matching method '' when parsing ACL expression.`),
  bad('-m after -f', ['acl a1 path -f paths.lst -m beg'], `error detected while parsing ACL 'a1' : '-m' must only be specified before patterns and files in parsing ACL expression.`),
  bad('a missing pattern file', ['acl a1 path -f /nonexistent-hx/paths.lst'], `error detected while parsing ACL 'a1' : failed to open pattern file </nonexistent-hx/paths.lst>.`),
  bad('-f without a file', ['acl a1 path -f'], `error detected while parsing ACL 'a1' : failed to open pattern file <>.`),
  bad('a bad address in a pattern file', ['acl a1 src -f bad-ips.lst'], `error detected while parsing ACL 'a1' : 'not-an-ip' is not a valid IPv4 or IPv6 address.`),
  bad('-u with a non-integer', ['acl a1 path -u x /x'], `error detected while parsing ACL 'a1' : the argument of -u must be an integer.`),
  bad('a non-number for an int fetch', ['acl a1 path_len abc'], `error detected while parsing ACL 'a1' : 'abc' is not a number.`),
  bad('an unknown operator', ['acl a1 path_len foo 3'], `error detected while parsing ACL 'a1' : 'foo' is not a number.`),
  bad('a decimal', ['acl a1 src_port 1.5'], `error detected while parsing ACL 'a1' : '1.5' is not a number.`),
  bad('a bad range', ['acl a1 src_port 1:x'], `error detected while parsing ACL 'a1' : '1:x' is not a valid number range.`),
  bad('a reversed range', ['acl a1 src_port 5:1'], `error detected while parsing ACL 'a1' : '5:1' is not a valid number range.`),
  bad('an out-of-range IPv4', ['acl a1 src 300.0.0.1'], `error detected while parsing ACL 'a1' : '300.0.0.1' is not a valid IPv4 or IPv6 address.`),
  bad('a /33 mask', ['acl a1 src 1.2.3.4/33'], `error detected while parsing ACL 'a1' : '1.2.3.4/33' is not a valid IPv4 or IPv6 address.`),
  bad('a /129 IPv6 mask', ['acl a1 src ::1/129'], `error detected while parsing ACL 'a1' : '::1/129' is not a valid IPv4 or IPv6 address.`),
  bad('an unresolvable name', ['acl a1 src nosuchhost.invalid'], `error detected while parsing ACL 'a1' : 'nosuchhost.invalid' is not a valid IPv4 or IPv6 address.`),
  bad('localhost with -n', ['acl a1 src -n localhost'], `error detected while parsing ACL 'a1' : 'localhost' is not a valid IPv4 or IPv6 address.`),
  bad('a bad hex pattern', ['acl a1 path -m bin zz'], `error detected while parsing ACL 'a1' : an hex digit is expected (found 'z').`),
  bad('a bad regex', ['acl a1 path_reg ^(x'], `error detected while parsing ACL 'a1' : regex '^(x' is invalid (error=missing closing parenthesis, erroffset=3).`),
  bad('a bad name', ['acl a/1 path /x'], `character '/' is not permitted in acl name 'a/1'.`),
  bad('too many fetch arguments', ['acl a1 hdr_cnt(a,b,c,d) 1'], `error detected while parsing ACL 'a1' : fetch method 'hdr_cnt' : expected ')' before ',b,c,d)' in ACL expression 'hdr_cnt(a,b,c,d)'.`),
  bad('arguments to an ACL keyword without any', ['acl a1 path(x) y'], `error detected while parsing ACL 'a1' : ACL keyword 'path' : expected ')' before 'x)'.`),
  bad('arguments to a fetch without any', ['acl a1 src(x) 1.1.1.1'], `error detected while parsing ACL 'a1' : fetch method 'src' : expected ')' before 'x)' in ACL expression 'src(x)'.`),
  bad('a non-integer occurrence', ['acl a1 hdr(a,x) x'], `error detected while parsing ACL 'a1' : ACL keyword 'hdr' : failed to parse 'x' as type 'integer' at position 2.`),
  bad('a fetch argument of the wrong type', ['acl a1 req.hdr(host,x) foo'], `error detected while parsing ACL 'a1' : fetch method 'req.hdr' : failed to parse 'x' as type 'integer' at position 2 in ACL expression 'req.hdr(host,x)'.`),
  bad('an unknown converter after a fetch', ['acl a1 req.hdr(host),nosuchconv example.com'], `error detected while parsing ACL 'a1' : unknown converter 'nosuchconv' in ACL expression 'req.hdr(host),nosuchconv'.`),
  bad('an unknown converter after an ACL keyword', ['acl a1 path,nosuch /'], `error detected while parsing ACL 'a1' : ACL keyword 'path' : unknown converter 'nosuch'..`),
  bad('a converter argument it does not take', ['acl a1 path,lower(x) /'], `error detected while parsing ACL 'a1' : ACL keyword 'path' : invalid arg 1 in converter 'lower' : expected ')' before 'x)'..`),
  bad('a converter missing an argument', ['acl a1 req.hdr(host),field(1) foo'], `error detected while parsing ACL 'a1' : invalid arg 2 in converter 'field' : missing arguments (got 1/2), type 'string' expected in ACL expression 'req.hdr(host),field(1)'.`),
  bad('a converter with a bad integer', ['acl a1 req.hdr(host),field(x,y) foo'], `error detected while parsing ACL 'a1' : invalid arg 1 in converter 'field' : failed to parse 'x' as type 'integer' at position 1 in ACL expression 'req.hdr(host),field(x,y)'.`),
  bad('a missing map file', ['acl a1 path,map(/nonexist) /'], `error detected while parsing ACL 'a1' : ACL keyword 'path' : invalid args in converter 'map' : failed to open pattern file </nonexist>..`),
  bad('a fetch HAProxy knows but Halyard does not', ['acl a1 req.body foo'], `ACL criterion 'req.body' (sample fetch 'req.body') is not supported by Halyard.`),
  bad('ssl_fc (Halyard has no TLS)', ['acl a1 ssl_fc'], `ACL criterion 'ssl_fc' (sample fetch 'ssl_fc') is not supported by Halyard.`),
  bad('http_auth (no userlists)', ['acl a1 http_auth(users)'], `ACL criterion 'http_auth' (sample fetch 'http_auth') is not supported by Halyard.`),
  bad('an unsupported converter', ['acl a1 path,sha1 x'], `ACL criterion 'path' (converter 'sha1') is not supported by Halyard.`),
  bad('a PCRE-only regex feature', ['acl a1 path_reg ^(?>a)'], `error detected while parsing ACL 'a1' : regex '^(?>a)' uses PCRE features`),
];

const CONDITIONS: Case[] = [
  valid('an anonymous ACL with || is accepted', 'http-request deny if { path_beg /api } || { path /a }'),
  valid('a negated anonymous ACL is accepted', 'http-request deny if !{ path /x }'),
  valid('two anonymous ACLs are ANDed', 'http-request deny if { path /x } { path_beg /y }'),
  valid('predefined ACLs need no definition', 'http-request deny if METH_POST HTTP_1.1 || LOCALHOST !HTTP_URL_ABS'),
  valid('every predefined ACL halyard evaluates is known', 'http-request deny if TRUE FALSE HTTP HTTP_1.0 HTTP_2.0 HTTP_CONTENT HTTP_URL_SLASH HTTP_URL_STAR METH_CONNECT METH_DELETE METH_GET METH_HEAD METH_OPTIONS METH_PUT METH_TRACE'),
  valid('a bare if is accepted', 'http-request deny if'),
  valid('a dangling || is accepted', 'http-request deny if TRUE ||'),
  valid('a leading or is accepted', 'http-request deny if or TRUE'),
  valid('OR in capitals is accepted', 'http-request deny if FALSE OR TRUE'),
  valid('a lone ! negates the next word', 'http-request deny if ! TRUE'),
  valid('!! cancels out', 'http-request deny if !!TRUE'),
  valid('unless is accepted', 'http-request deny unless { src 127.0.0.1 }'),
  valid('a predefined name may be redefined', 'acl TRUE path /x', 'http-request deny if TRUE'),
  valid('same-name ACLs add up', 'acl a1 path /c', 'acl a1 path /d', 'http-request deny if a1'),
  valid('use_backend unless is accepted', 'use_backend be unless { path /x }'),
  bad('an undefined ACL', ['http-request deny if nope'], `error detected while parsing an 'http-request deny' condition : no such ACL : 'nope'.`),
  bad('an ACL defined later', ['http-request deny if a', 'acl a path /x'], `error detected while parsing an 'http-request deny' condition : no such ACL : 'a'.`),
  bad('an ACL whose definition failed', ['acl a path -z', 'http-request deny if a'], `error detected while parsing an 'http-request deny' condition : no such ACL : 'a'.`, FIRST + 1),
  bad('braces without spaces', ['http-request deny if {path /a}'], `error detected while parsing an 'http-request deny' condition : no such ACL : '{path'.`),
  bad('an unclosed brace', ['http-request deny if { path /a'], `error detected while parsing an 'http-request deny' condition : missing closing '}' in condition.`),
  bad('parentheses', ['http-request deny if ( TRUE )'], `error detected while parsing an 'http-request deny' condition : no such ACL : '('.`),
  bad('a stray closing brace', ['http-request deny if }'], `error detected while parsing an 'http-request deny' condition : no such ACL : '}'.`),
  bad('empty braces', ['http-request deny if { }'], `error detected while parsing an 'http-request deny' condition : missing fetch method in ACL expression ''.`),
  bad('a bad criterion in braces', ['http-request deny if { nosuch /x }'], `error detected while parsing an 'http-request deny' condition : unknown fetch method 'nosuch' in ACL expression 'nosuch'.`),
  bad('a trailing ! on a name', ['http-request deny if TRUE!'], `error detected while parsing an 'http-request deny' condition : no such ACL : 'TRUE!'.`),
  bad('an undefined ACL in use_backend', ['use_backend be if is_api'], `error detected while parsing switching rule : no such ACL : 'is_api'.`),
  bad('a bad criterion in use_backend', ['use_backend be if { nosuch /x }'], `error detected while parsing switching rule : unknown fetch method 'nosuch' in ACL expression 'nosuch'.`),
  bad('a word other than if/unless in use_backend', ['use_backend be when { path /x }'], `unexpected keyword 'when' after switching rule, only 'if' and 'unless' are allowed.`),
  bad('an undefined ACL in http-response', ['http-response deny if nope'], `error detected while parsing an 'http-response deny' condition : no such ACL : 'nope'.`),
  bad('an undefined ACL in http-after-response', ['http-after-response set-header a b if nope'], `error detected while parsing an 'http-after-response set-header' condition : no such ACL : 'nope'.`),
  bad('an undefined ACL in redirect', ['redirect location /x if nope'], `error detected in frontend 'fe' while parsing redirect rule : error in condition: no such ACL : 'nope'.`),
  bad('a bad criterion in redirect', ['redirect location /x if { nosuch /x }'], `error detected in frontend 'fe' while parsing redirect rule : error in condition: unknown fetch method 'nosuch' in ACL expression 'nosuch'.`),
  bad('an undefined ACL in stats admin', ['stats admin if nope'], `error detected while parsing a 'stats admin' rule : no such ACL : 'nope'.`),
];


for (const [group, cases] of [['criteria', CRITERIA], ['bad ACLs', BAD_ACLS], ['conditions', CONDITIONS]] as const) {
  t.test(group, async (t) => {
    for (const c of cases) await t.test(c[0], async (t) => check(t, c));
  });
}

t.test('warnings HAProxy gives for ACLs', async (t) => {
  t.test('an ACL with no pattern warns that it never matches', async (t) => {
    const r = await load(['acl a path']);
    t.equal(r.verdict, 'valid');
    const w = r.diags.find((d) => d.severity === 'warning');
    t.equal(w?.message, `parsing acl keyword 'path' :`);
    t.equal(w?.style, 'none');
    t.match(w?.tail?.[0], /no pattern to match against were provided/);
  });
  t.test('-- or -m found silence it', async (t) => {
    for (const l of ['acl a path --', 'acl a path -m found', 'acl a always_true']) {
      const r = await load([l]);
      t.same(r.diags.filter((d) => d.severity === 'warning'), [], l);
    }
  });
  t.test('a response fetch in a request rule warns', async (t) => {
    const r = await load(['acl a1 status 200', 'http-request deny if a1']);
    t.equal(r.verdict, 'valid');
    t.same(msgs(r).filter((d) => d.sev === 'warning'), [{ sev: 'warning', line: FIRST + 1, msg: `acl 'a1' will never match because it only involves keywords that are incompatible with 'frontend http-request header rule'` }]);
  });
  t.test('an anonymous response fetch in a request rule warns', async (t) => {
    const r = await load(['http-request deny if { status 200 }']);
    t.same(msgs(r).filter((d) => d.sev === 'warning').map((d) => d.msg), [`anonymous acl will never match because it uses keyword 'status' which is incompatible with 'frontend http-request header rule'`]);
  });
  t.test('a request fetch in a response rule warns', async (t) => {
    const r = await load(['http-response deny if { path /x }']);
    t.same(msgs(r).filter((d) => d.sev === 'warning').map((d) => d.msg), [`anonymous acl will never match because it uses keyword 'path' which is incompatible with 'frontend http-response header rule'`]);
  });
});

t.test('the model holds what the runtime needs', async (t) => {
  const r = await load([
    'acl api path_beg -i /api /v1', 'acl api hdr(host) -m reg -i ^api\\.', 'acl nets src 10.12/8 ::1', 'acl small path_len lt 5 10:20',
    'acl f path -f paths.lst', 'use_backend be if api !nets || { req.hdr(host),lower,map(hosts.map) -m str be }',
  ]);
  t.equal(r.verdict, 'valid');
  const fe = r.config?.proxies.find((p) => p.name === 'fe');
  const api = fe?.acls.find((a) => a.name === 'api');
  t.equal(api?.tests.length, 2, 'same-name ACL lines are kept as ORed tests');
  t.same(api?.tests[0]?.expr, { fetch: 'path', args: [], converters: [] });
  t.equal(api?.tests[0]?.match, 'beg');
  t.equal(api?.tests[0]?.ignoreCase, true);
  t.same(api?.tests[1]?.values, [{ kind: 'reg', re: '^api\\.', flags: 'i' }]);
  t.same(api?.tests[1]?.expr, { fetch: 'req.hdr', args: ['host'], converters: [] });
  t.same(fe?.acls.find((a) => a.name === 'nets')?.tests[0]?.values, [
    { kind: 'ip', family: 4, addr: '10.12.0.0', prefix: 8 }, { kind: 'ip', family: 6, addr: '::1', prefix: 128 },
  ]);
  t.same(fe?.acls.find((a) => a.name === 'small')?.tests[0]?.values, [{ kind: 'int', max: 4 }, { kind: 'int', min: 10, max: 20 }]);
  t.same(fe?.acls.find((a) => a.name === 'f')?.tests[0]?.values, [{ kind: 'str', str: '/a' }, { kind: 'str', str: '/b' }]);
  const ub = fe?.useBackends[0];
  t.same(ub?.cond?.or.map((s) => s.map((x) => [x.acl, x.negate])), [[['api', false], ['nets', true]], [['{anon-4}', false]]]);
  const anon = fe?.acls.find((a) => a.name === '{anon-4}');
  t.equal(anon?.anonymous, true);
  t.same(anon?.tests[0]?.expr.converters[1]?.map?.entries, [['example.com', 'be'], ['www.example.com', 'be2']]);
});

t.test('a predefined ACL is materialized in the proxy on first use', async (t) => {
  const r = await load(['http-request deny if METH_GET']);
  const acl = r.config?.proxies.find((p) => p.name === 'fe')?.acls.find((a) => a.name === 'METH_GET');
  t.equal(acl?.predefined, true);
  t.same(acl?.tests[0]?.values, [{ kind: 'str', str: 'GET' }, { kind: 'str', str: 'HEAD' }]);
});

t.test('ACLs of a named defaults section are not visible to the proxies using it', async (t) => {
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { dir } = await import('./acl-helper.js');
  const { loadConfig } = await import('../../../lib/config/load.js');
  const f = join(dir, 'defaults-acl.cfg');
  writeFileSync(f, ['defaults base', '  mode http', '  acl is_x path /x', '  http-request deny if is_x',
    'frontend fe from base', '  bind 127.0.0.1:18080', '  http-request deny if is_x', ''].join('\n'));
  const r = await loadConfig([f], { noResolve: true, env: {} });
  t.equal(r.verdict, 'invalid');
  t.same(msgs(r).filter((d) => d.sev === 'alert'), [{ sev: 'alert', line: 7, msg: `error detected while parsing an 'http-request deny' condition : no such ACL : 'is_x'.` }]);
});
