// http-request / http-response / http-after-response actions, redirect, errorfile and the ordering
// warnings: verdict, line and message as HAProxy 2.6 gives them for the same lines.
import t, { type Test } from 'tap';
import { bad, check as checkCase, FIRST, load, msgs, type Case } from './acl-helper.js';

const check = (t: Test, c: Case): Promise<void> => checkCase(t, c, 'includes');

const ok = (...lines: string[]): Case => [`${lines.join(' / ')} is accepted`, lines, 'valid'];
const E = (action: string, msg: string): string => `error detected in frontend 'fe' while parsing '${action}' rule : ${msg}`;

const GOOD: Case[] = [
  ok('http-request allow if { path /ok }'),
  ok('http-request deny'),
  ok('http-request deny deny_status 429'),
  ok('http-request deny status 403 content-type text/plain string "go away" hdr X-Why "%[path]"'),
  ok('http-request deny status 503 errorfile 503.http'),
  ok('http-request tarpit deny_status 500'),
  ok('http-request reject'),
  ok('http-request auth realm "Private Zone"'),
  ok('http-request auth'),
  ok('http-request redirect location /new code 301'),
  ok('http-request redirect prefix https://example.com drop-query append-slash set-cookie S=1 ignore-empty'),
  ok('http-request redirect scheme https code 308 clear-cookie S='),
  ok('http-request redirect location https://%[hdr(host)]%[path] if { path_beg /old }'),
  ok('http-request return status 200 content-type text/plain string "hello\\n"'),
  ok('http-request return status 200 content-type text/plain lf-string "path=%[path]" hdr X-A b'),
  ok('http-request return status 503 content-type text/html file body.txt'),
  ok('http-request return errorfile 503.http'),
  ok('http-request return'),
  ok('http-request return status 204'),
  ok('http-request set-header X-Forwarded-Proto https', 'http-request set-header X-Path "%[path]"'),
  ok('http-request set-header X-Client %ci:%cp%%'),
  ok('http-request set-header X-Q %{+Q}[path]'),
  ok('http-request add-header X-A "a b"'),
  ok('http-request del-header X-A', 'http-request del-header x-b -m beg', 'http-request del-header ^x-c -m reg'),
  ok('http-request replace-header Cookie (.*)id=x(.*) \\1id=y\\2'),
  ok('http-request replace-value X-A ^a$ b'),
  ok('http-request set-path /rewritten%[path]'),
  ok('http-request set-query a=1&%[query]'),
  ok('http-request replace-path /rp/(.*) /replaced/\\1'),
  ok('http-request set-pathq /x?y', 'http-request set-uri /z', 'http-request set-method POST', 'http-request replace-uri ^/a(.*) /b\\1'),
  ok('http-request set-header X-Host %[req.hdr(host),lower,field(1,:)]'),
  ok('http-request deny unless { src 127.0.0.1 }'),
  ok('http-response set-header X-A b', 'http-response add-header X-B c', 'http-response del-header X-Server',
    'http-response replace-header Set-Cookie (.*) \\1;\\ Secure', 'http-response replace-value X-C a b',
    'http-response set-status 503 reason "Down"', 'http-response deny if { status 500 }',
    'http-response return status 200 content-type text/plain string ok if { status 404 }',
    'http-response redirect location /x if { status 301 }', 'http-response allow'),
  ok('http-after-response set-header X-A b', 'http-after-response del-header server', 'http-after-response set-status 200'),
  ok('redirect location /new code 301 if { path /old }'),
  ok('redirect prefix https://example.com drop-query if { path_beg /p }'),
  ok('redirect location /x'),
  ok('errorfile 503 503.http'),
  ok('errorfile 408 /dev/null'),
  ok('errorfile 503 empty.http'),
];

const BAD: Case[] = [
  bad('a missing action', ['http-request'], `'http-request' expects 'wait-for-handshake', 'ot-group'`),
  bad('an unknown action', ['http-request frobnicate'], `'http-request' expects 'wait-for-handshake'`),
  bad('a misspelled action', ['http-request set-headr X-A b'], `but got 'set-headr'. Did you mean 'set-header' maybe ?`),
  bad('an unknown response action', ['http-response frob'], `'http-response' expects 'ot-group', 'set-log-level'`),
  bad('deny in http-after-response', ['http-after-response deny'], `'http-after-response' expects 'ot-group', 'add-header', 'allow', 'capture', 'del-header', 'replace-header', 'replace-value', 'set-header', 'set-status', 'strict-mode', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', but got 'deny'.`),
  bad('an action HAProxy knows but Halyard does not', ['http-request set-var(txn.x) str(a)'], `'http-request set-var(txn.x)' is not supported by Halyard.`),
  bad('track-sc1 (a prefix action)', ['http-request track-sc1 src'], `'http-request track-sc1' is not supported by Halyard.`),
  bad('a Lua action', ['http-request lua.check'], `'http-request lua.check' is not supported by Halyard (no Lua engine).`),
  bad('use-service', ['http-request use-service prometheus-exporter'], `'http-request use-service' is not supported by Halyard.`),
  bad('a word that is not a condition', ['http-request deny because'], `'http-request deny' expects either 'if' or 'unless' followed by a condition but found 'because'.`),
  bad('when instead of if', ['http-request deny when { src 127.0.0.1 }'], `'http-request deny' expects either 'if' or 'unless' followed by a condition but found 'when'.`),
  bad('a deny status out of range', ['http-request deny deny_status 999'], E('http-request deny', `Unexpected status code '999'.`)),
  bad('a deny status without a built-in page', ['http-request deny deny_status 418'], E('http-request deny', `status code '418' not handled by default with 'default-errorfiles' argument..`)),
  bad('a return status out of range', ['http-request return status 99'], E('http-request return', `Unexpected status code '99'.`)),
  bad('a body with 204', ['http-request return status 204 content-type text/plain string "x"'], E('http-request return', `No body expected for 204 responses.`)),
  bad('a body without a content type', ['http-request return status 200 string "x"'], E('http-request return', `a content type must be defined when non-empty payload is configured.`)),
  bad('a missing return file', ['http-request return status 200 content-type text/html file /nonexistent-hx/x.html'], E('http-request return', `error opening file '/nonexistent-hx/x.html'.`)),
  bad('a bad redirect code', ['http-request redirect location /x code 305'], E('http-request redirect', `'code': unsupported HTTP code '305' (must be one of 301, 302, 303, 307 or 308).`)),
  bad('a bad redirect type', ['http-request redirect url /x'], E('http-request redirect', `expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was 'url').`)),
  bad('a redirect without its target', ['http-request redirect location'], E('http-request redirect', `missing argument for 'location'.`)),
  bad('an unknown redirect option', ['http-request redirect location /x frob'], E('http-request redirect', `expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was 'frob').`)),
  bad('set-header without a value', ['http-request set-header X-A'], E('http-request set-header', `expects exactly 2 arguments.`)),
  bad('an unknown fetch in a header value', ['http-request set-header X-A "%[nosuchfetch]"'], E('http-request set-header', `failed to parse sample expression <nosuchfetch]> : unknown fetch method 'nosuchfetch'.`)),
  bad('an unknown converter in a header value', ['http-request set-header a %[path,nosuch]'], E('http-request set-header', `failed to parse sample expression <path,nosuch]> : unknown converter 'nosuch'.`)),
  bad('a bad converter argument in a header value', ['http-request set-header a %[path,field(x)]'], E('http-request set-header', `failed to parse sample expression <path,field(x)]> : invalid arg 1 in converter 'field' : failed to parse 'x' as type 'integer' at position 1.`)),
  bad('a bad fetch argument in a header value', ['http-request set-header a %[hdr(a,b,c)]'], E('http-request set-header', `failed to parse sample expression <hdr(a,b,c)]> : fetch method 'hdr' : failed to parse 'b' as type 'integer' at position 2.`)),
  bad('a missing map file in a header value', ['http-request set-header a %[src,map_ip(/nonexist)]'], E('http-request set-header', `failed to parse sample expression <src,map_ip(/nonexist)]> : invalid args in converter 'map_ip' : failed to open pattern file </nonexist>.`)),
  bad('an empty sample expression', ['http-request set-header a %[]'], E('http-request set-header', `failed to parse sample expression <]> : missing fetch method.`)),
  bad('an unclosed sample expression', ['http-request set-header a %[path'], E('http-request set-header', `missing ']' after 'path'.`)),
  bad('an unknown format variable', ['http-request set-header a %zz'], E('http-request set-header', `no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'.`)),
  bad('a trailing %', ['http-request set-header a 100%'], E('http-request set-header', `truncated line after '%'.`)),
  bad('a response fetch in a request header value', ['http-request set-header X-A "%[res.hdr(x)]"'], E('http-request set-header', `sample fetch <res.hdr(x)]> may not be reliably used here because it needs 'HTTP response headers' which is not available here.`)),
  bad('a bad del-header method', ['http-request del-header X-A -m nosuch'], E('http-request del-header', `-m with unsupported matching method 'nosuch'.`)),
  bad('a bad replace-header regex', ['http-request replace-header X-A ^(x y'], E('http-request replace-header', `regex '^(x' is invalid (error=missing closing parenthesis, erroffset=3).`)),
  bad('replace-header with two arguments', ['http-request replace-header X-A'], E('http-request replace-header', `expects exactly 3 arguments.`)),
  bad('a bad replace-path regex', ['http-request replace-path ) x'], E('http-request replace-path', `regex ')' is invalid (error=unmatched closing parenthesis, erroffset=0).`)),
  bad('set-path without a value', ['http-request set-path'], E('http-request set-path', `expects exactly 1 argument.`)),
  bad('set-status out of range', ['http-response set-status 1000'], E('http-response set-status', `expects an integer status code between 100 and 999.`)),
  bad('set-path in http-response', ['http-response set-path /x'], `'http-response' expects 'ot-group'`),
  bad('a bad redirect keyword type', ['redirect to /x'], `error detected in frontend 'fe' while parsing redirect rule : expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash' (was 'to').`),
  bad('a bad redirect keyword code', ['redirect location /x code 200'], `error detected in frontend 'fe' while parsing redirect rule : 'code': unsupported HTTP code '200' (must be one of 301, 302, 303, 307 or 308).`),
  bad('a redirect keyword without target', ['redirect location'], `error detected in frontend 'fe' while parsing redirect rule : missing argument for 'location'.`),
  bad('errorfile without arguments', ['errorfile'], `errorfile : expects <status_code> and <file> as arguments.`),
  bad('errorfile with one argument', ['errorfile 503'], `errorfile : expects <status_code> and <file> as arguments.`),
  bad('errorfile with an unhandled code', ['errorfile 418 503.http'], `errorfile : status code '418' not handled.`),
  bad('errorfile with a non-numeric code', ['errorfile abc 503.http'], `errorfile : status code '0' not handled.`),
  bad('errorfile with a missing file', ['errorfile 503 missing.http'], `errorfile : error opening file 'missing.http'.`),
  bad('errorfile with a file that is not a response', ['errorfile 503 bad.http'], `errorfile : 'bad.http': unable to parse headers (error offset: 0)`),
];


t.test('accepted rules', async (t) => { for (const c of GOOD) await t.test(c[0], async (t) => check(t, c)); });
t.test('rejected rules', async (t) => { for (const c of BAD) await t.test(c[0], async (t) => check(t, c)); });

const warns = async (lines: string[]): Promise<{ line: number | undefined; msg: string }[]> =>
  msgs(await load(lines)).filter((d) => d.sev === 'warning').map((d) => ({ line: d.line, msg: d.msg }));

t.test('ordering warnings are HAProxy\'s', async (t) => {
  t.same(await warns(['use_backend be if TRUE', 'redirect location /x if TRUE']),
    [{ line: FIRST + 1, msg: `a 'redirect' rule placed after a 'use_backend' rule will still be processed before.` }]);
  t.same(await warns(['redirect location /x if TRUE', 'http-request deny if TRUE']),
    [{ line: FIRST + 1, msg: `a 'http-request' rule placed after a 'redirect' rule will still be processed before.` }]);
  t.same(await warns(['http-request deny if TRUE', 'use_backend be if TRUE', 'http-request deny if TRUE']),
    [{ line: FIRST + 2, msg: `a 'http-request' rule placed after a 'use_backend' rule will still be processed before.` }]);
  const noop = `previous 'http-request' action is final and has no condition attached, further entries are NOOP.`;
  t.same(await warns(['http-request deny', 'http-request allow']), [{ line: FIRST + 1, msg: noop }]);
  t.same(await warns(['http-request tarpit', 'http-request auth', 'http-request reject', 'http-request allow']),
    [{ line: FIRST + 1, msg: noop }, { line: FIRST + 2, msg: noop }], 'reject is not flagged final');
  t.same(await warns(['http-request set-header a b', 'http-request deny']), []);
  t.same(await warns(['http-request deny if TRUE', 'http-request deny']), []);
  t.same(await warns(['redirect location /x', 'redirect location /y']), []);
});

t.test('rules in a TCP backend are ignored with a warning', async (t) => {
  const r = await load([], ['  mode tcp', '  http-request set-header X-A b', '  http-response set-header X-A b', '  redirect location /x']);
  const w = msgs(r).filter((d) => d.sev === 'warning').map((d) => d.msg);
  t.ok(w.includes(`'http-request' rules ignored for backend 'be' as they require HTTP mode.`));
  t.ok(w.includes(`'http-response' rules ignored for backend 'be' as they require HTTP mode.`));
  t.ok(w.includes(`'redirect' rules ignored for backend 'be' as they require HTTP mode.`));
});

t.test('dynamic use_backend names are checked after parsing', async (t) => {
  const r = await load(['use_backend be_%[req.nosuch]']);
  t.equal(r.verdict, 'invalid');
  const d = r.diags.find((x) => x.severity === 'alert');
  t.equal(d?.message, `failed to parse use_backend rule 'be_%[req.nosuch]' : failed to parse sample expression <req.nosuch]> : unknown fetch method 'req.nosuch'.`);
  t.equal(d?.style, 'Parsing-tight');
  t.equal(d?.loc?.line, FIRST);
  t.equal((await load(['use_backend %[req.hdr(host),lower,map_dom(hosts.map,be)]'])).verdict, 'valid');
});

t.test('the model holds parsed actions', async (t) => {
  const r = await load([
    'http-request deny deny_status 429 if { path /x }',
    'http-request redirect scheme https code 301 drop-query',
    'http-request set-header X-Host %[req.hdr(host),lower]',
    'http-request replace-path ^/api/(.*) /\\1',
    'http-request return status 200 content-type text/plain string ok hdr X-A b',
    'errorfile 503 503.http',
  ]);
  t.equal(r.verdict, 'valid');
  const fe = r.config?.proxies.find((p) => p.name === 'fe');
  const [deny, redir, seth, rp, ret] = fe?.httpRequest ?? [];
  t.same(deny?.params, { type: 'deny', reply: { status: 429, body: { kind: 'none' }, headers: [] } });
  t.match(redir?.params, { type: 'redirect', redirect: { type: 'scheme', code: 301, dropQuery: true, value: { raw: 'https', parts: [{ lit: 'https' }] } } });
  t.same(seth?.params, {
    type: 'set-header', name: 'X-Host',
    value: { raw: '%[req.hdr(host),lower]', parts: [{ expr: { fetch: 'req.hdr', args: ['host'], converters: [{ name: 'lower', args: [] }] } }] },
  });
  t.match(rp?.params, { type: 'replace-path', regex: { src: '^/api/(.*)', re: '^/api/(.*)', flags: '' } });
  t.match(ret?.params, { type: 'return', reply: { status: 200, contentType: 'text/plain', body: { kind: 'string', text: 'ok' } } });
  t.match(fe?.errorfiles['503'], { file: '503.http', raw: /^HTTP\/1\.0 503/ });
});

t.test('a bad http-request line stops the file as in HAProxy, a bad redirect does not', async (t) => {
  const r = await load(['http-request set-header X-A', 'acl a path -z']);
  t.same(msgs(r).map((d) => d.line), [FIRST], 'nothing after the aborting line is reported');
  t.notOk(r.diags.some((d) => d.message === 'Fatal errors found in configuration.'));
  const r2 = await load(['redirect location', 'acl a path -z']);
  t.same(msgs(r2).map((d) => d.line), [FIRST, FIRST + 1]);
  t.ok(r2.diags.some((d) => d.message === 'Fatal errors found in configuration.'));
});
