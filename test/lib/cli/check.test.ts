// `halyard -c` as a user runs it: a real process, its stdout, stderr and exit code, compared with
// the shapes haproxy 2.6 prints (reference §1.3).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, repoRoot } from '../../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'halyard-cli-'));
const TIMEOUTS = '  timeout client 1s\n  timeout server 1s\n  timeout connect 1s\n';
const cfg = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', cwd: dir, env: { PATH: process.env.PATH ?? '' } });
  return { code: r.status, out: r.stdout, err: r.stderr.replace(/\(\d+\) :/g, '(PID) :') };
};

t.test('a valid file: "Configuration file is valid" on stdout, nothing on stderr, exit 0', async (t) => {
  const f = cfg('ok.cfg', `defaults\n${TIMEOUTS}frontend fe\n  bind 127.0.0.1:8080\n  default_backend be\nbackend be\n  server s1 127.0.0.1:9000\n`);
  const r = run('-c', '-f', f);
  t.equal(r.code, 0);
  t.equal(r.out, 'Configuration file is valid\n');
  t.equal(r.err, '');
});

t.test('warnings keep exit 0 and say so on stdout; -dW makes them fatal', async (t) => {
  const f = cfg('warn.cfg', 'frontend fe\n  bind 127.0.0.1:8080\n');
  const r = run('-c', '-f', f);
  t.equal(r.code, 0);
  t.equal(r.out, 'Warnings were found.\nConfiguration file is valid\n');
  t.match(r.err, /^\[NOTICE\] {3}\(PID\) : halyard version is /);
  t.match(r.err, "[WARNING]  (PID) : config : missing timeouts for frontend 'fe'.\n   | While not properly invalid, you will certainly encounter various problems\n");
  const z = run('-c', '-dW', '-f', f);
  t.equal(z.code, 1);
  t.equal(z.out, '');
  t.match(z.err, "[ALERT]    (PID) : config : Some warnings were found and 'zero-warning' is set. Aborting.\n");
});

t.test('errors: every alert names file:line, then the two summary lines, exit 1', async (t) => {
  const f = cfg('bad.cfg', `global\n  maxconnn 10\ndefaults\n${TIMEOUTS}frontend fe\n  bind 127.0.0.1:8080\n  foobar\n`);
  const r = run('-c', '-f', 'bad.cfg');
  t.equal(r.code, 1);
  t.equal(r.out, '');
  const alerts = r.err.split('\n').filter((l) => l.startsWith('[ALERT]'));
  t.same(alerts, [
    "[ALERT]    (PID) : config : parsing [bad.cfg:2] : unknown keyword 'maxconnn' in 'global' section; did you mean 'maxconn' maybe ?",
    "[ALERT]    (PID) : config : parsing [bad.cfg:9] : unknown keyword 'foobar' in 'frontend' section",
    '[ALERT]    (PID) : config : Error(s) found in configuration file : bad.cfg',
    '[ALERT]    (PID) : config : Fatal errors found in configuration.',
  ]);
  t.notMatch(r.err, /at .*\.js:\d+/, 'no stack trace');
  void f;
});

t.test('no listener at all: exit 2 with haproxy\'s sentence', async (t) => {
  const f = cfg('nolisten.cfg', `defaults\n${TIMEOUTS}backend be\n  server s1 127.0.0.1:9000\n`);
  const r = run('-c', '-f', f);
  t.equal(r.code, 2);
  t.equal(r.out, 'Configuration file has no error but will not start (no listener) => exit(2).\n');
});

t.test('-q prints nothing at all but keeps the exit code', async (t) => {
  const f = cfg('quiet.cfg', 'global\n  nope\n');
  const r = run('-q', '-c', '-f', f);
  t.equal(r.code, 1);
  t.equal(r.out + r.err, '');
});

t.test('--json gives machine-readable diagnostics with file, line and code', async (t) => {
  const f = cfg('json.cfg', 'global\n  nope\n');
  const r = run('-c', '--json', '-f', f);
  t.equal(r.code, 1);
  const j = JSON.parse(r.out) as { valid: boolean; exitCode: number; diagnostics: { file: string; line: number; code: string; severity: string }[] };
  t.equal(j.valid, false);
  t.equal(j.exitCode, 1);
  t.match(j.diagnostics[0], { file: f, line: 2, code: 'HLY_CFG_UNKNOWN_KEYWORD', severity: 'alert' });
});

t.test('a missing file, no file, and bad options fail cleanly', async (t) => {
  const m = run('-c', '-f', 'nonexist.cfg');
  t.equal(m.code, 1);
  t.match(m.err, /^\[NOTICE\] {3}\(PID\) : halyard version is .*\n\[NOTICE\] {3}\(PID\) : path to executable is .*\n\[ALERT\] {4}\(PID\) : config : Cannot open configuration file\/directory nonexist\.cfg : No such file or directory\n$/);
  const none = run('-c');
  t.equal(none.code, 1);
  t.match(none.out, /^Halyard version /);
  t.match(none.err, /^Usage : halyard /);
  const bad = run('-Z');
  t.equal(bad.code, 1);
  t.match(bad.err, "unknown option '-Z'");
});

t.test('-cc evaluates a condition: 0 true, 1 false, 2 error', async (t) => {
  t.equal(run('-cc', 'version_atleast(2.4) && !defined(NOPE)').code, 0);
  t.equal(run('-cc', 'streq(a,b)').code, 1);
  const e = run('-cc', 'foo(1)');
  t.equal(e.code, 2);
  t.match(e.err, /\[ALERT\] {4}\(PID\) : config : Failed to evaluate condition: unparsable conditional expression 'foo\(1\)'\n$/);
});

t.test('-v prints the version on stdout', async (t) => {
  const r = run('-v');
  t.equal(r.code, 0);
  t.match(r.out, /^Halyard version \d+\.\d+\.\d+ - HAProxy 2\.6 compatible/);
});

t.test('the bundled example is valid', async (t) => {
  const r = run('-c', '-f', join(repoRoot, 'haproxy.example.cfg'));
  t.equal(r.code, 0);
  t.equal(r.out, 'Configuration file is valid\n');
});

t.test('what serving would refuse (here an http-after-response rule) fails -c too, naming file:line', async (t) => {
  const f = cfg('after.cfg', `defaults\n  mode http\n${TIMEOUTS}frontend fe\n  bind 127.0.0.1:8080\n  http-after-response set-header X 1\n  default_backend be\nbackend be\n  server s1 127.0.0.1:9000\n`);
  const r = run('-c', '-f', f);
  t.equal(r.code, 1);
  t.equal(r.out, '');
  t.match(r.err, `[ALERT]    (PID) : config : ${f}:8 : 'http-after-response set-header' is not supported by Halyard.`);
});

t.test('global quiet prints nothing, as -q', async (t) => {
  const f = cfg('quiet.cfg', 'global\n  quiet\nfrontend fe\n  bind 127.0.0.1:8080\n');
  const r = run('-c', '-f', f);
  t.equal(r.code, 0);
  t.equal(r.out, '');
  t.equal(r.err, '');
});

t.test('bind maxconn: the same -c verdict as haproxy (it is served, not refused at start)', async (t) => {
  const lines: readonly (readonly [string, number])[] = [
    ['bind 127.0.0.1:8080,127.0.0.1:8081 maxconn 2\n  bind 127.0.0.1:8082', 0],
    ['bind 127.0.0.1:8080 maxconn 50\n  maxconn 10', 0],
    ['bind 127.0.0.1:8080 maxconn 0', 0],
    ['bind 127.0.0.1:8080 maxconn -1', 1],
    ['bind 127.0.0.1:8080 maxconn', 1],
  ];
  const haproxy = spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
  let i = 0;
  for (const [bind, code] of lines) {
    const f = cfg(`bindmax${++i}.cfg`, `defaults\n${TIMEOUTS}frontend fe\n  ${bind}\n  default_backend be\nbackend be\n  server s1 127.0.0.1:9000\n`);
    const r = run('-c', '-f', f);
    t.equal(r.code, code, bind);
    if (code === 0) t.equal(r.out, 'Configuration file is valid\n');
    if (haproxy) {
      const h = spawnSync('haproxy', ['-c', '-f', f], { encoding: 'utf8' });
      t.equal(r.code, h.status, `${bind}: haproxy's exit code`);
      t.equal(r.out, h.stdout, `${bind}: haproxy's stdout`);
    }
  }
});

t.test('tcp-request: -c gives haproxy\'s messages, exit code and warnings', async (t) => {
  const cases: readonly (readonly [string, string, number])[] = [
    // [frontend lines, backend lines, exit code]
    ['tcp-request connection reject if { src 10.0.0.0/8 }\n  tcp-request session accept\n  tcp-request content reject unless { src 127.0.0.1 }', 'tcp-request content accept', 0],
    ['tcp-request', '', 1],
    ['tcp-request foo', '', 1],
    ['tcp-request connection foo', '', 1],
    ['tcp-request content', '', 1],
    ['tcp-request inspect-delay', '', 1],
    ['tcp-request inspect-delay 5x', '', 1],
    ['tcp-request inspect-delay 5s', 'tcp-request inspect-delay 1s', 0],
    ['', 'tcp-request session reject', 1],
    ['tcp-request content reject if NOPE', '', 1],
    ['tcp-request connection reject xyz', '', 1],
    ['http-request deny if { src 1.1.1.1 }\n  tcp-request content reject if { src 1.1.1.2 }\n  tcp-request connection accept', '', 0],
  ];
  const haproxy = spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;
  const clean = (s: string): string => s.split('\n').filter((l) => !l.includes('[NOTICE]')).map((l) => l.replace(/\(\d+\)/, '(PID)')).join('\n');
  let i = 0;
  for (const [fe, be, code] of cases) {
    const f = cfg(`tcpreq${++i}.cfg`, `defaults\n  mode http\n${TIMEOUTS}frontend fe\n  bind 127.0.0.1:8080\n  ${fe}\n  default_backend be\nbackend be\n  ${be}\n  server s1 127.0.0.1:9000\n`);
    const r = run('-c', '-f', f);
    t.equal(r.code, code, fe || be);
    if (haproxy) {
      const h = spawnSync('haproxy', ['-c', '-f', f], { encoding: 'utf8' });
      t.equal(r.code, h.status, `${fe || be}: haproxy's exit code`);
      t.equal(r.out, h.stdout, `${fe || be}: haproxy's stdout`);
      t.equal(clean(r.err), clean(h.stderr), `${fe || be}: haproxy's messages`);
    }
  }
});
