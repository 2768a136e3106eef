import t from 'tap';
import { load, pair, runCases, type Case } from './kw-cases.js';

const be = (lines: string): string => pair('', lines.split('\n').map((l) => `    ${l}\n`).join('')); // first line is 10

const cases: Case[] = [
  { name: 'option httpchk in all its forms', cfg: be('option httpchk\noption httpchk /health\noption httpchk GET /e\noption httpchk HEAD /x HTTP/1.1'), verdict: 'valid', clean: true },
  { name: 'the legacy header trick is deprecated (warning, tight location)', cfg: be('option httpchk GET /legacy HTTP/1.1\\r\\nHost:\\ www.example.com'), verdict: 'valid', line: 10, severity: 'warning', msg: `'option httpchk' : hiding headers or body at the end of the version string is deprecated. Please, consider to use 'http-check send' directive instead.` },
  { name: 'option httpchk with too many words', cfg: be('option httpchk GET / HTTP/1.1 extra'), verdict: 'invalid', msg: `'option httpchk' cannot handle unexpected argument 'extra'.` },
  { name: 'http-check send and expect forms', cfg: be('option httpchk\nhttp-check send meth GET uri /send ver HTTP/1.1 hdr Host www.example.org body "x"\nhttp-check expect status 200,204,300-399\nhttp-check send-state\nhttp-check disable-on-404'), verdict: 'valid', clean: true },
  { name: 'http-check expect with options and negation', cfg: be('option httpchk\nhttp-check expect min-recv 10 comment "c" ok-status L7OK error-status L7RSP tout-status L7TOUT on-success "ok" on-error "bad" status 200\nhttp-check expect ! string error\nhttp-check expect rstatus ^(2|3)\nhttp-check expect hdr name -m beg x-a value -m sub y'), verdict: 'valid', clean: true },
  { name: 'http-check with an unknown word', cfg: be('option httpchk\nhttp-check frob'), verdict: 'invalid', line: 11, msg: `'http-check' only supports 'disable-on-404', 'send-state', 'comment', 'connect', 'send', 'expect', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)'. but got 'frob'` },
  { name: 'http-check send with an unknown word', cfg: be('option httpchk\nhttp-check send verb GET'), verdict: 'invalid', msg: `'http-check send' : expects 'comment', 'meth', 'uri', 'uri-lf', 'ver', 'hdr', 'body' or 'body-lf' but got 'verb' as argument..` },
  { name: 'http-check send hdr needs a name and a value', cfg: be('option httpchk\nhttp-check send hdr Host'), verdict: 'invalid', msg: `'http-check send' : 'hdr' expects <name> and <value> as arguments.` },
  { name: 'http-check expect with a bad match', cfg: be('option httpchk\nhttp-check expect code 200'), verdict: 'invalid', msg: `'http-check expect' : 'only supports min-recv, [!]string', '[!]rstring', '[!]string-lf', '[!]status', '[!]rstatus', [!]hdr, [!]fhdr or comment but got 'code' as argument..` },
  { name: 'http-check expect status with a letter', cfg: be('option httpchk\nhttp-check expect status 2xx'), verdict: 'invalid', msg: `'http-check expect' : invalid character 'x' in the list of status codes.` },
  { name: 'http-check expect status without a pattern', cfg: be('option httpchk\nhttp-check expect status'), verdict: 'invalid', msg: `'http-check expect' : 'status' expects a <pattern> as argument.` },
  { name: 'http-check expect with a bad ok-status', cfg: be('option httpchk\nhttp-check expect ok-status L9OK status 200'), verdict: 'invalid', msg: `'http-check expect' : 'ok-status' only supports 'L4OK', 'L6OK', 'L7OK' or 'L7OKC' status (got 'L9OK')..` },
  { name: 'two sends in a row need a connect between them', cfg: be('option httpchk\nhttp-check send meth GET\nhttp-check expect status 200\nhttp-check send meth HEAD'), verdict: 'invalid', line: 13, msg: `'http-check send' : unable to add http-check send rule at step 3 (missing connect rule)..` },
  { name: 'http-check connect with an unknown word', cfg: be('option httpchk\nhttp-check connect frob'), verdict: 'invalid', msg: `'http-check connect' : expects 'comment', 'port', 'addr', 'send-proxy', 'ssl', 'sni', 'alpn' or 'via-socks4', 'linger', 'default' but got 'frob' as argument..` },
  { name: 'http-check rules without option httpchk are ignored with a warning', cfg: be('http-check expect status 200'), verdict: 'valid', msg: `backend 'be' uses http-check rules without 'option httpchk', so the rules are ignored.` },
  { name: 'http-check in a frontend warns twice, like HAProxy', cfg: pair('    http-check expect status 200\n', ''), verdict: 'valid', msg: `frontend 'fe' uses http-check rules without 'option httpchk', so the rules are ignored.` },
  { name: 'option tcp-check with its rules', cfg: be('option tcp-check\ntcp-check comment "banner"\ntcp-check connect port 18082\ntcp-check send-binary 50494e470d0a\ntcp-check expect binary 2b504f4e47\ntcp-check expect rstring ^\\+PONG\ntcp-check send PING\\r\\n comment ping'), verdict: 'valid', clean: true },
  { name: 'tcp-check expect with a bad match', cfg: be('option tcp-check\ntcp-check expect banana'), verdict: 'invalid', msg: `'tcp-check expect' : 'only supports min-recv, '[!]binary', '[!]string', '[!]rstring', '[!]string-lf''[!]rbinary', '[!]binary-lf' or comment but got 'banana' as argument..` },
  { name: 'tcp-check send-binary needs hex', cfg: be('option tcp-check\ntcp-check send-binary xyz'), verdict: 'invalid', msg: `'tcp-check send-binary' : 'xyz' invalid binary string (an even number of hex digit is expected).\n.` },
  { name: 'tcp-check send without data (2.6 swaps the words)', cfg: be('option tcp-check\ntcp-check send'), verdict: 'invalid', msg: `'tcp-check send' : 'string' expects a send as argument.` },
  { name: 'tcp-check with an unknown word', cfg: be('tcp-check frob'), verdict: 'invalid', msg: `'tcp-check' only supports 'comment', 'connect', 'send', 'send-binary', 'expect', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)'. but got 'frob'` },
  { name: 'a connect after a send is refused', cfg: be('option tcp-check\ntcp-check send x\ntcp-check connect'), verdict: 'invalid', msg: `'tcp-check connect' : first step MUST also be a 'connect', optionally preceded by a 'set-var', an 'unset-var' or a 'comment', when there is a 'connect' step in the tcp-check ruleset.` },
];
runCases(t, cases);

t.test('option httpchk alone compiles to connect, OPTIONS / HTTP/1.0 and expect status 200-399', async (t) => {
  const r = await load(be('option httpchk'));
  const rules = r.config?.proxies[1]?.checkRules ?? [];
  t.same(rules.map((x) => x.kind), ['connect', 'http-send', 'expect']);
  t.match(rules[1], { kind: 'http-send', fromOption: true, headers: [] });
  t.notOk('method' in (rules[1] ?? {}), 'method left to the default (OPTIONS)');
  t.match(rules[2], { kind: 'expect', type: 'status', codes: [[200, 399]], implicit: true });
});

t.test('http-check send merges into the option line', async (t) => {
  const r = await load(be('option httpchk /x\nhttp-check send meth GET ver HTTP/1.1 hdr Host www.example.org hdr X-Custom abc'));
  const rules = r.config?.proxies[1]?.checkRules ?? [];
  t.same(rules.map((x) => x.kind), ['connect', 'http-send', 'expect']);
  t.match(rules[1], { method: 'GET', uri: '/x', version: 'HTTP/1.1', headers: [{ name: 'host', value: 'www.example.org' }, { name: 'x-custom', value: 'abc' }] });
});

t.test('the legacy header trick becomes headers of the request', async (t) => {
  const r = await load(be('option httpchk GET /legacy HTTP/1.1\\r\\nHost:\\ www.example.com'));
  t.match(r.config?.proxies[1]?.checkRules?.[1], { method: 'GET', uri: '/legacy', version: 'HTTP/1.1', headers: [{ name: 'host', value: 'www.example.com' }] });
});

t.test('an explicit expect replaces the implicit one, and comments label the next rule', async (t) => {
  const r = await load(be('option httpchk\nhttp-check comment "health"\nhttp-check send meth GET uri /h\nhttp-check expect ! string down'));
  const rules = r.config?.proxies[1]?.checkRules ?? [];
  t.same(rules.map((x) => x.kind), ['connect', 'http-send', 'expect']);
  t.match(rules[2], { type: 'string', pattern: 'down', negate: true, implicit: false });
});

t.test('tcp-check rules are compiled with an implicit connect when none is first', async (t) => {
  const r = await load(be('option tcp-check\ntcp-check send PING\\r\\n\ntcp-check expect string +PONG'));
  const rules = r.config?.proxies[1]?.checkRules ?? [];
  t.same(rules.map((x) => x.kind), ['connect', 'send', 'expect']);
  t.match(rules[0], { implicit: true });
  t.match(rules[1], { format: 'string', data: 'PING\r\n' });
});

t.test('a proxy inherits the check of its defaults until it writes its own', async (t) => {
  const r = await load(`defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n    option httpchk GET /d\nbackend a\n    server s1 127.0.0.1:1 check\nbackend b\n    option httpchk GET /b\n    server s1 127.0.0.1:1 check\nfrontend fe\n    bind 127.0.0.1:18080\n    default_backend a\n`);
  const [a, b] = r.config?.proxies ?? [];
  t.match(a?.checkRules?.[1], { uri: '/d' });
  t.match(b?.checkRules?.[1], { uri: '/b' });
  t.equal(b?.checkRules?.length, 3);
});
