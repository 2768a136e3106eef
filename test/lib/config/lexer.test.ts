// The lexer against what HAProxy 2.6.12 printed for the same lines through `.notice` (observed on
// the Debian binary: `.notice WORD` echoes its single argument as `'WORD'.`).
import t from 'tap';
import { caretLines, lexLine, type LexContext } from '../../../lib/config/lexer.js';

const ctx = (env: Record<string, string> = {}, defaults = false): LexContext => ({
  env: { HOME: '/root', MULTI: 'p q  r', ...env }, file: 'x.cfg', line: 7, section: 'global', defaults,
});
const words = (line: string, env?: Record<string, string>): string[] => {
  const r = lexLine(line, ctx(env));
  if (r.error !== undefined) throw new Error(`${r.error.message} at ${r.error.position}`);
  return r.words.map((w) => w.text);
};

t.test('words split on blanks and keep their byte column', async (t) => {
  const r = lexLine('  server\ts1   127.0.0.1:80 check', ctx());
  t.same(r.words.map((w) => [w.text, w.col]), [['server', 3], ['s1', 10], ['127.0.0.1:80', 15], ['check', 28]]);
});

t.test('quoting and escapes give the words haproxy -c echoed', async (t) => {
  const cases: [string, string][] = [
    ['"a  b"', 'a  b'],
    ['c\\ d', 'c d'],
    ["'e $HOME'", 'e $HOME'],
    ['"$HOME"', '/root'],
    ['\\q', '\\q'],
    ['x\\x41y', 'xAy'],
    ['"${UNSETV}"z', 'z'],
    ['${HOME}', '${HOME}'],
    ['"a"\'b\'c', 'abc'],
    ['"x#y"', 'x#y'],
    ['a\\#b', 'a#b'],
    ['"${HOME}/x"', '/root/x'],
    ['"\\q\\\\\\"\\n"', '\\q\\"\n'],
    ['a\\', 'a\\'],
    ['"${.LINE}"', '7'],
    ['"${.FILE}"', 'x.cfg'],
  ];
  for (const [src, want] of cases) t.same(words(`.notice ${src}`), ['.notice', want], src);
});

t.test('an empty quoted word is still a word', async (t) => {
  t.same(words('.notice ""'), ['.notice', '']);
  t.same(lexLine('.notice ""', ctx()).words[1]?.quoted, true);
});

t.test('"${VAR[*]}" splits the value into several words', async (t) => {
  t.same(words('.notice "${MULTI[*]}"'), ['.notice', 'p', 'q', 'r']);
});

t.test('an unprotected # starts a comment', async (t) => {
  t.same(words('maxconn 10 # the limit'), ['maxconn', '10']);
  t.same(words('# only a comment'), []);
});

t.test('lexical errors carry HAProxy\'s message and position', async (t) => {
  const cases: [string, string, number][] = [
    ['  http-request set-header X-Foo "unterminated', 'unmatched quote', 33],
    ["  http-request set-header X-Foo 'unterm", 'unmatched quote', 33],
    ['\tbind "${HOME" ', 'unmatched brace in environment variable name', 9],
    ['.notice "$HOME/x$"', 'forbidden first char in environment variable name', 18],
    ['.notice "$"', 'forbidden first char in environment variable name', 11],
    ['.notice x\\x4', 'truncated or invalid hexadecimal sequence', 10],
  ];
  for (const [line, msg, pos] of cases) {
    const r = lexLine(line, ctx());
    t.equal(r.error?.message, msg, line);
    t.equal(r.error?.position, pos, `${line} position`);
  }
});

t.test('"${VAR-default}" is HAProxy 2.8 syntax: accepted only when asked for', async (t) => {
  t.equal(lexLine('.notice "${NOPE-dflt}"', ctx({}, true)).words[1]?.text, 'dflt');
  t.equal(lexLine('.notice "${HOME-dflt}"', ctx({}, true)).words[1]?.text, '/root');
  t.equal(lexLine('.notice "${NOPE-dflt}"', ctx({}, false)).error?.message, 'unmatched brace in environment variable name');
});

t.test('the caret display strips leading blanks and points at the byte', async (t) => {
  t.same(caretLines('  http-request set-header X-Foo "unterminated', 33), [
    '  http-request set-header X-Foo "unterminated',
    '                                ^',
  ]);
  t.same(caretLines('\tbind "${HOME" ', 9), ['  bind "${HOME" ', '         ^']);
});
