// log-format: the keyword's placement and arguments, and the compile-time errors HAProxy 2.6.12
// gives for the string (messages observed on its binary), with file:line.
import t from 'tap';
import { pair, runCases, type Case } from './kw-cases.js';
import { parseLogFormat } from '../../../lib/config/keywords/logformat.js';

const fe = (l: string): string => pair(`    log 127.0.0.1 local0\n    ${l}\n`, ''); // log-format on line 9
const tcp = (l: string): string => pair(`    mode tcp\n    log 127.0.0.1 local0\n    ${l}\n`, '    mode tcp\n'); // line 10

const cases: Case[] = [
  { name: 'an escaped-space format is accepted', cfg: fe('log-format %ci:%cp\\ [%tr]\\ %ft\\ %b/%s\\ %{+Q}r'), verdict: 'valid', clean: true },
  { name: 'a quoted JSON format with samples is accepted', cfg: fe(`log-format '{"c":"%ci","m":"%[method]","s":%ST}'`), verdict: 'valid', clean: true },
  { name: 'two words: spaces must be escaped', cfg: fe('log-format %ci %cp'), verdict: 'invalid', line: 9, msg: `log-format expects only one argument, don't forget to escape spaces!` },
  { name: 'no argument', cfg: fe('log-format'), verdict: 'invalid', line: 9, msg: 'log-format expects an argument.' },
  { name: 'an unknown variable, with its line', cfg: fe('log-format "%ci %zz"'), verdict: 'invalid', line: 9, msg: `failed to parse log-format : no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'.` },
  { name: 'a lone % at the end', cfg: fe('log-format "%ci %"'), verdict: 'invalid', line: 9, msg: `failed to parse log-format : truncated line after '%'.` },
  { name: 'req.hdr is not available at log time', cfg: fe('log-format "%[req.hdr(host)]"'), verdict: 'invalid', line: 9, msg: `failed to parse log-format : sample fetch <req.hdr(host)]> may not be reliably used here because it needs 'HTTP request headers' which is not available here.` },
  { name: 'HTTP variables are refused in TCP mode', cfg: tcp('log-format "%ci %r"'), verdict: 'invalid', line: 10, msg: `failed to parse log-format : format variable 'r' is reserved for HTTP mode.` },
  { name: 'a variable Halyard cannot print is refused with its name', cfg: fe('log-format "%ci %Td"'), verdict: 'invalid', line: 9, msg: `log-format variable '%Td' in a log-format is not supported by Halyard.` },
  { name: 'a backend ignores log-format with a warning', cfg: pair('', '    log-format "%ci %zz"\n'), verdict: 'valid', severity: 'warning', line: 10, msg: `backend 'be' : 'log-format' directive is ignored in backends.` },
  { name: 'no log address: the format is ignored with a warning', cfg: pair('    log-format %ci\n', ''), verdict: 'valid', severity: 'warning', msg: `log format ignored for frontend 'fe' since it has no log address.` },
];

t.test('log-format keyword', async (t) => { runCases(t, cases); });

t.test('defaults: log-format and option httplog override each other with a warning', async (t) => {
  const { loadConfig } = await import('../../../lib/config/load.js');
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const f = join(mkdtempSync(join(tmpdir(), 'lf-')), 'a.cfg');
  writeFileSync(f, 'defaults\n  mode http\n  option httplog\n  log-format %ci\n  option tcplog\n  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\nlisten l\n  bind 127.0.0.1:18080\n  log 127.0.0.1 local0\n  log-format %ci\n  option httplog\n  server s 127.0.0.1:1\n');
  const r = await loadConfig([f], { env: {} });
  const msgs = r.diags.map((d) => `${d.loc?.line ?? 0} ${d.message}`);
  t.same(msgs, [
    `4 'log-format' overrides previous 'option httplog' in 'defaults' section.`,
    `5 'option tcplog' overrides previous 'log-format' in 'defaults' section.`,
  ]);
  const l = r.config?.proxies.find((p) => p.name === 'l');
  t.equal(l?.options.logFormat, undefined, 'the later option httplog wins in the listen');
  t.equal(l?.options.httplog, true);
});

t.test('parser: literals, %%, flags, samples', async (t) => {
  const r = parseLogFormat('a %% %{+Q}ci %{+X,+E}[src] b', 1 << 18, '.');
  t.ok('parts' in r);
  if (!('parts' in r)) return;
  t.same(r.parts.map((p) => ('lit' in p ? { lit: p.lit } : 'var' in p ? { var: p.var, opts: p.opts } : { expr: p.expr.fetch, opts: p.opts })), [
    { lit: 'a % ' }, { var: 'ci', opts: '+Q' }, { lit: ' ' }, { expr: 'src', opts: '+X,+E' }, { lit: ' b' },
  ]);
  t.same(parseLogFormat('%{+Q', 1 << 18, '.'), { err: `missing '}' after '{+Q'.` });
});

t.test('unique-id-format and unique-id-header', async (t) => {
  runCases(t, [
    { name: 'accepted with stream-constant values', cfg: fe('unique-id-format %{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid\n    unique-id-header X-Unique-ID'), verdict: 'valid', clean: true },
    { name: 'no argument', cfg: fe('unique-id-format'), verdict: 'invalid', line: 9, msg: 'unique-id-format expects an argument.' },
    { name: 'two words', cfg: fe('unique-id-format a b'), verdict: 'invalid', line: 9, msg: `unique-id-format expects only one argument, don't forget to escape spaces!` },
    { name: 'a header name is needed', cfg: fe('unique-id-header'), verdict: 'invalid', line: 9, msg: 'unique-id-header expects an argument.' },
    { name: 'an unknown variable', cfg: fe('unique-id-format %zz'), verdict: 'invalid', line: 9, msg: `failed to parse unique-id : no such format variable 'zz'. If you wanted to emit the '%' character verbatim, you need to use '%%'.` },
    { name: 'a value known only later is refused', cfg: fe('unique-id-format %ci-%ST'), verdict: 'invalid', line: 9, msg: `log-format variable '%ST' in a unique-id-format is not supported by Halyard.` },
  ]);
});
