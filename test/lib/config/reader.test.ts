// Conditional blocks, directives and file-level rules, against haproxy 2.6.12's observed messages.
import t from 'tap';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../lib/config/load.js';
import { expandPaths } from '../../../lib/config/reader.js';

const dir = mkdtempSync(join(tmpdir(), 'halyard-reader-'));
let n = 0;
async function check(text: string) {
  const f = join(dir, `c${++n}.cfg`);
  writeFileSync(f, text);
  const r = await loadConfig([f], { env: { HOME: '/root' }, noResolve: true });
  return { ...r, alerts: r.diags.filter((d) => d.severity === 'alert').map((d) => `${d.loc?.line ?? '-'}: ${d.message}`) };
}

t.test('stray conditional directives abort the file', async (t) => {
  for (const [text, msg] of [
    ['global\n.endif\n', "2: lone '.endif' with no matching '.if'."],
    ['global\n.elif 1\n', "2: lone '.elif' with no matching '.if'."],
    ['global\n.else\n', "2: lone '.else' with no matching '.if'."],
    ['.if 1\nglobal\n.else\n.else\n.endif\n', "4: '.else' after '.else' is not permitted."],
    ['global\n.if 1\n', "2: non-terminated '.if' block."],
  ] as const) {
    const r = await check(text);
    t.equal(r.verdict, 'invalid', text);
    t.equal(r.alerts[0], msg, text);
    // an abort prints "Error(s) found" but never "Fatal errors found"
    t.notOk(r.diags.some((d) => d.message === 'Fatal errors found in configuration.'), 'no fatal summary after an abort');
  }
});

t.test('a bad .if expression is reported with its position in the expression', async (t) => {
  const r = await check('.if 1 0\n.endif\nglobal\n');
  t.equal(r.alerts[0], "1: unexpected character '0' at the end of conditional expression '1 0' in '.if' at position 3:");
  t.same(r.diags[0]?.tail, ['  .if 1 0', '        ^']);
});

t.test('.if/.elif/.else pick one branch; false branches are not parsed', async (t) => {
  const r = await check('.if 0\n.notice a\n.elif 1\n.notice b\n.else\n.notice c\n.endif\n.if 0\n  nonsense here\n.endif\nglobal\n');
  t.same(r.diags.filter((d) => d.severity === 'notice').map((d) => d.message), ["'b'."]);
  t.equal(r.verdict, 'no-listener');
});

t.test('lexical errors in false branches are still reported (HAProxy lexes every line)', async (t) => {
  const r = await check('.if 0\n  unknownkw "unterminated\n.endif\nglobal\n');
  t.equal(r.alerts[0], '2: unmatched quote at position 13:');
});

t.test('.warning is a warning, .alert an error, extra words are refused', async (t) => {
  const w = await check('.warning "hi there"\nglobal\n');
  t.same(w.diags.map((d) => [d.severity, d.message]), [['warning', "'hi there'."]]);
  const a = await check('.alert "bad"\nglobal\n');
  t.equal(a.alerts[0], "1: 'bad'.");
  const x = await check('.notice a b\nglobal\n');
  t.equal(x.alerts[0], "1: Unexpected argument 'b' for '.notice'. Use quotes if the message should contain spaces.");
  const u = await check('.foo\nglobal\n');
  t.equal(u.alerts[0], "1: unknown directive '.foo'.");
});

t.test('a missing final newline is fatal, after the line itself is parsed', async (t) => {
  const r = await check('global\n  maxconn 10\nfrontend fe\n  bind :8080\n  foo bar');
  t.same(r.alerts.slice(0, 2), [
    "5: unknown keyword 'foo' in 'frontend' section",
    '5: Missing LF on last line, file might have been truncated at position 10.',
  ]);
});

t.test('CRLF line ends are accepted', async (t) => {
  const r = await check('global\r\n  maxconn 10\r\nfrontend fe\r\n  bind :8080\r\n  timeout client 1s\r\n');
  t.equal(r.verdict, 'valid');
  t.same(r.alerts, []);
});

t.test('keywords out of any section are refused', async (t) => {
  const r = await check('server s1 127.0.0.1:80\n');
  t.equal(r.alerts[0], "1: unknown keyword 'server' out of section.");
});

t.test('-f DIR reads regular non-hidden *.cfg files in byte order', async (t) => {
  const d = join(dir, 'conf.d');
  mkdirSync(d);
  for (const f of ['20-b.cfg', '10-a.cfg', '99-ignored.conf', '.hidden.cfg', 'B.cfg']) writeFileSync(join(d, f), 'global\n');
  mkdirSync(join(d, 'sub.cfg'));
  t.same(expandPaths([d]).files.map((f) => f.slice(d.length + 1)), ['10-a.cfg', '20-b.cfg', 'B.cfg']);
});

t.test('a missing file is reported without a location', async (t) => {
  const r = await loadConfig([join(dir, 'nonexist.cfg')], { noResolve: true });
  t.equal(r.verdict, 'invalid');
  t.equal(r.diags[0]?.message, `Cannot open configuration file/directory ${join(dir, 'nonexist.cfg')} : No such file or directory`);
});

t.test('several files: sections end with each file, errors name their own file', async (t) => {
  const a = join(dir, 'a.cfg');
  const b = join(dir, 'b.cfg');
  writeFileSync(a, 'global\n  maxconn 10\n');
  writeFileSync(b, '  maxconn 20\n');
  const r = await loadConfig([a, b], { noResolve: true });
  t.equal(r.diags[0]?.loc?.file, b);
  t.equal(r.diags[0]?.message, "unknown keyword 'maxconn' out of section.");
  t.equal(r.diags[1]?.message, `Error(s) found in configuration file : ${b}`);
});
