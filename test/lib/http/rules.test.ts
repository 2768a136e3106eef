// Rules executors and routing on configs loaded as users write them: replies byte for byte as
// haproxy 2.6.12 sent them (recorded on 127.0.0.1), header and request-line edits as the
// re-encoded head, use_backend routing, and refusals at compile time.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HalyardError } from '../../../lib/errors.js';
import { compile, compileText, configText, dir, forwardedHead, responseHead, txnOf, withResponse } from './rules-helper.js';

writeFileSync(join(dir, '503.http'), 'HTTP/1.0 503 Service Unavailable\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n<h1>down</h1>\n');
writeFileSync(join(dir, 'hosts.map'), 'a.com a\nb.com b\n');

const reply = async (lines: string[], req: string): Promise<string | null> => {
  const c = await compile(lines);
  const r = c.rules.request(txnOf(req));
  return r === null ? null : r.bytes.toString('latin1');
};

t.test('deny, return and redirect replies are haproxy 2.6.12 bytes', async (t) => {
  const R = 'GET /p/a?b=1 HTTP/1.1\nhost: ex.com\n\n';
  const cases: [string, string[], string][] = [
    ['deny', ['http-request deny'], 'HTTP/1.1 403 Forbidden\r\ncontent-length: 93\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n'],
    ['deny_status 429', ['http-request deny deny_status 429'], 'HTTP/1.1 429 Too Many Requests\r\ncontent-length: 117\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>429 Too Many Requests</h1>\nYou have sent too many requests in a given amount of time.\n</body></html>\n'],
    ['deny with a payload and hdr', ['http-request deny status 400 content-type text/plain string "nope\\n" hdr X-Why "because %[path]"'], 'HTTP/1.1 400 Bad Request\r\nx-why: because /p/a\r\ncontent-length: 5\r\ncontent-type: text/plain\r\n\r\nnope\n'],
    ['deny with an errorfile', ['errorfile 503 503.http', 'http-request deny deny_status 503'], 'HTTP/1.0 503 Service Unavailable\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<h1>down</h1>\n'],
    ['deny with hdr only', ['http-request deny deny_status 503 hdr X-A b'], 'HTTP/1.1 503 Service Unavailable\r\nx-a: b\r\ncontent-length: 0\r\n\r\n'],
    ['return', ['http-request return'], 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'],
    ['return 204', ['http-request return status 204'], 'HTTP/1.1 204 No Content\r\n\r\n'],
    ['return json', ['http-request return status 201 content-type "application/json" string "{}" hdr X-A a hdr X-B "%[method]"'], 'HTTP/1.1 201 Created\r\nx-a: a\r\nx-b: GET\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{}'],
    ['return lf-string', ['http-request return status 200 content-type text/plain lf-string "hi %[path]"'], 'HTTP/1.1 200 OK\r\ncontent-length: 7\r\ncontent-type: text/plain\r\n\r\nhi /p/a'],
    ['return default-errorfiles', ['http-request return status 404 default-errorfiles'], 'HTTP/1.1 404 Not Found\r\ncontent-length: 83\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n<html><body><h1>404 Not Found</h1>\nThe resource could not be found.\n</body></html>\n'],
    ['return 302 hdr', ['http-request return status 302 hdr Location /x'], 'HTTP/1.1 302 Moved Temporarily\r\nlocation: /x\r\ncontent-length: 0\r\n\r\n'],
    ['redirect location 301', ['http-request redirect location /new code 301'], 'HTTP/1.1 301 Moved Permanently\r\ncontent-length: 0\r\nlocation: /new\r\n\r\n'],
    ['redirect prefix', ['http-request redirect prefix https://ex.com'], 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: https://ex.com/p/a?b=1\r\ncache-control: no-cache\r\n\r\n'],
    ['redirect prefix drop-query', ['http-request redirect prefix https://ex.com drop-query'], 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: https://ex.com/p/a\r\ncache-control: no-cache\r\n\r\n'],
    ['redirect scheme', ['http-request redirect scheme https'], 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: https://ex.com/p/a?b=1\r\ncache-control: no-cache\r\n\r\n'],
    ['redirect set-cookie', ['http-request redirect location /x set-cookie FOO=bar'], 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /x\r\ncache-control: no-cache\r\nset-cookie: FOO=bar; path=/;\r\n\r\n'],
    ['redirect clear-cookie', ['http-request redirect location /x clear-cookie FOO'], 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /x\r\ncache-control: no-cache\r\nset-cookie: FOO; path=/; Max-Age=0;\r\n\r\n'],
    ['redirect 308 clear-cookie FOO=', ['http-request redirect location /x code 308 clear-cookie FOO='], 'HTTP/1.1 308 Permanent Redirect\r\ncontent-length: 0\r\nlocation: /x\r\nset-cookie: FOO=; path=/; Max-Age=0;\r\n\r\n'],
    ['redirect append-slash after the query', ['http-request redirect prefix / append-slash'], 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /p/a?b=1/\r\ncache-control: no-cache\r\n\r\n'],
    ['redirect 307 append-slash drop-query', ['http-request redirect prefix /p code 307 append-slash drop-query'], 'HTTP/1.1 307 Temporary Redirect\r\ncontent-length: 0\r\nlocation: /p/p/a/\r\ncache-control: no-cache\r\n\r\n'],
    ['legacy redirect keyword', ['redirect location /legacy'], 'HTTP/1.1 302 Found\r\ncontent-length: 0\r\nlocation: /legacy\r\ncache-control: no-cache\r\n\r\n'],
  ];
  for (const [name, lines, want] of cases) t.equal(await reply(lines, R), want, name);
  t.equal(await reply(['http-request redirect location "%[req.hdr(x)]" ignore-empty'], R), null, 'ignore-empty with an empty location skips the rule');
  const c = await compile(['http-request deny']);
  const r = c.rules.request(txnOf(R));
  t.same([r?.status, r?.close, r?.term], [403, false, 'PR']);
});

t.test('header and request-line edits, re-encoded as forwarded', async (t) => {
  const c = await compile([
    'http-request set-header X-Set "v %[path]"',
    'http-request add-header X-Add one',
    'http-request add-header X-Add two',
    'http-request del-header X-Del',
    'http-request del-header x-pre -m beg',
    'http-request del-header ^x-d.*b$ -m reg',
    'http-request replace-header X-Rep (.*)-(.*) \\2-\\1',
    'http-request replace-header X-Rb b ZZ\\0',
    'http-request replace-value X-Val ^a(.*) A\\1',
    'http-request set-path /sp%[path] if { path_beg /sp }',
    'http-request set-query q=new if { path_beg /sq }',
    'http-request set-uri /su?x=1 if { path_beg /su }',
    'http-request set-method POST if { path_beg /sm }',
    'http-request replace-path /rp/(.*) /replaced/\\1 if { path_beg /rp }',
    'http-request replace-uri ^/ru/(.*) /RU/\\1 if { path_beg /ru }',
    'http-request set-pathq /spq?a=b if { path_beg /pq }',
    'http-request replace-pathq /rpq/(.*) /RPQ/\\1 if { path_beg /rpq }',
  ]);
  const fwd = (req: string): string => { const txn = txnOf(req); t.equal(c.rules.request(txn), null); return forwardedHead(txn); };
  t.equal(fwd('GET /r11 HTTP/1.1\nHost: ex.com\nX-Del: 1\nX-Pre-a: 1\nx-pre: 2\nX-Dab: 1\nX-DAB: 2\nX-Rep: a-b\nX-Rep: c-d-e\nX-Rb: abc\nX-Val: abc, xa, ax\nX-Val: "a,b", ab\n\n'),
    'GET /r11 HTTP/1.1\r\nhost: ex.com\r\nx-rep: b-a\r\nx-rep: e-c-d\r\nx-rb: ZZb\r\nx-val: Abc, xa,Ax\r\nx-val: "a,b",Ab\r\nx-set: v /r11\r\nx-add: one\r\nx-add: two\r\n\r\n');
  const line = (req: string): string => fwd(req).split('\r\n')[0] as string;
  t.equal(line('GET /sp/x?q=1 HTTP/1.1\n\n'), 'GET /sp/sp/x?q=1 HTTP/1.1');
  t.equal(line('GET http://ex.com/sp/x?q=1 HTTP/1.1\nhost: ex.com\n\n'), 'GET http://ex.com/sp/sp/x?q=1 HTTP/1.1');
  t.equal(line('GET /sq/x?q=1 HTTP/1.1\n\n'), 'GET /sq/x?q=new HTTP/1.1');
  t.equal(line('GET /sq/x HTTP/1.1\n\n'), 'GET /sq/x?q=new HTTP/1.1');
  t.equal(line('GET /su/x?q=1 HTTP/1.1\n\n'), 'GET /su?x=1 HTTP/1.1');
  t.equal(line('GET /sm HTTP/1.1\n\n'), 'POST /sm HTTP/1.1');
  t.equal(line('GET /rp/x/y?q=1 HTTP/1.1\n\n'), 'GET /replaced/x/y?q=1 HTTP/1.1');
  t.equal(line('GET /ru/x/y?q=1 HTTP/1.1\n\n'), 'GET /RU/x/y?q=1 HTTP/1.1');
  t.equal(line('GET /pq/x?q=1 HTTP/1.1\n\n'), 'GET /spq?a=b HTTP/1.1');
  t.equal(line('GET /rpq/x?q=1 HTTP/1.1\n\n'), 'GET /RPQ/x?q=1 HTTP/1.1');
  const untouched = txnOf('GET /plain HTTP/1.1\n\n');
  const c2 = await compile(['http-request allow', 'http-request deny']);
  t.equal(c2.rules.request(untouched), null, 'allow stops the http-request rules');
  t.equal(untouched.reqEdited(), false, 'no rule, no materialized header list');
});

t.test('http-response rules: edits, set-status, deny (502 by default)', async (t) => {
  const c = await compile([
    'http-response set-header X-Resp yes',
    'http-response del-header X-Server',
    'http-response replace-value X-Multi ^a$ A',
    'http-response set-status 203 if { res.hdr(x-st) 1 }',
    'http-response set-status 299 reason "Fine Thing" if { res.hdr(x-st) 2 }',
    'http-response deny if { res.hdr(x-st) 3 }',
    'http-response set-header X-St "%[status]"',
  ]);
  const RES = (st: string): string => `HTTP/1.1 200 OK\ncontent-length: 0\nx-server: s1\nx-multi: a, b\nx-st: ${st}\n\n`;
  const run = (st: string): string => { const txn = withResponse(txnOf('GET / HTTP/1.1\n\n'), RES(st)); t.equal(c.rules.response(txn), null); return responseHead(txn); };
  t.equal(run('0'), 'HTTP/1.1 200 OK\r\ncontent-length: 0\r\nx-multi: A, b\r\nx-st: 0\r\nx-resp: yes\r\nx-st: 200\r\n\r\n'.replace('x-st: 0\r\nx-resp: yes\r\nx-st: 200', 'x-resp: yes\r\nx-st: 200'));
  t.match(run('1'), /^HTTP\/1\.1 203 Non-Authoritative Information\r\n[^]*x-st: 203\r\n/);
  t.match(run('2'), /^HTTP\/1\.1 299 Fine Thing\r\n/);
  const txn = withResponse(txnOf('GET / HTTP/1.1\n\n'), RES('3'));
  const r = c.rules.response(txn);
  t.equal(r?.status, 502);
  t.equal(r?.bytes.toString('latin1').split('\r\n')[0], 'HTTP/1.1 502 Bad Gateway');
});

t.test('use_backend routing: conditions in order, dynamic names, default_backend, listen', async (t) => {
  const extra = ['backend be2', '  server s 127.0.0.1:1', 'backend be_a', '  server s 127.0.0.1:1', 'backend a', '  server s 127.0.0.1:1'];
  const c = await compile([
    'acl api path_beg /api',
    'use_backend be2 if api { method POST }',
    'use_backend be_%[req.hdr(host),lower,field(1,:)] if { path_beg /dyn }',
    'use_backend %[req.hdr(host),map(hosts.map)] if { path_beg /map }',
    'use_backend be2 if { hdr(host) -i b.com }',
    'default_backend be',
  ], extra);
  const route = (req: string): string | undefined => c.route(txnOf(req))?.name;
  t.equal(route('POST /api HTTP/1.1\nhost: x\ncontent-length: 0\n\n'), 'be2');
  t.equal(route('GET /api HTTP/1.1\nhost: x\n\n'), 'be');
  t.equal(route('GET /dyn HTTP/1.1\nhost: A:80\n\n'), 'be_a');
  t.equal(route('GET /map HTTP/1.1\nhost: a.com\n\n'), 'a');
  t.equal(route('GET /dyn HTTP/1.1\nhost: b.com\n\n'), 'be', 'an unknown dynamic name ends the rules: default_backend');
  t.equal(route('GET /x HTTP/1.1\nhost: B.com\n\n'), 'be2');
  const none = await compile(['use_backend be if { path /x }']);
  t.equal(none.route(txnOf('GET /y HTTP/1.1\n\n')), null, 'no match and no default: null (503)');
  const l = await compileText(['defaults', '  mode http', '  timeout client 1s', '  timeout server 1s', '  timeout connect 1s',
    'listen li', '  bind 127.0.0.1:18090', '  server s 127.0.0.1:1', ''].join('\n'), 'li');
  t.equal(l.route(txnOf('GET / HTTP/1.1\n\n'))?.name, 'li', "a listen falls back to its own servers");
});

t.test('what is not implemented is refused at compile time with file:line', async (t) => {
  const refused = async (lines: string[], what: RegExp): Promise<void> => {
    const text = configText(lines);
    try {
      await compileText(text);
      t.fail(`accepted: ${lines.join(' | ')}`);
    } catch (e) {
      t.ok(e instanceof HalyardError, String(e));
      t.match((e as Error).message, /hly-rules-[^:]+\.cfg:8 : /);
      t.match((e as Error).message, what);
    }
  };
  await refused(['http-request tarpit'], /'http-request tarpit' is not supported/);
  await refused(['http-request auth'], /'http-request auth' is not supported/);
  await refused(['http-request reject'], /'http-request reject' is not supported/);
  await refused(['http-after-response set-header X a'], /'http-after-response set-header' is not supported/);
  await refused(['http-request set-header X %[int(1),add(txn.x)]'], /converter 'add' with the variable argument 'txn.x'/);
  await refused(['http-request set-header X %Tq'], /log-format variable '%Tq'/);
});
