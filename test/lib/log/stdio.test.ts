// stdout/stderr targets in a real child process: exact lines, order kept, nothing lost at exit.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const child = fileURLToPath(new URL('./stdio-child.ts', import.meta.url));

function run(args: string[]): Promise<{ out: string; err: string; code: number | null }> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [...process.execArgv, child, ...args], { env: { ...process.env, TZ: 'UTC' } });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    p.on('error', rej);
    p.on('close', (code) => res({ out, err, code }));
  });
}

const TCP = '127.0.0.1:0 [22/Nov/2026:11:58:16.756] fe_tcp be_tcp/s1 1/0/1 246 -- 1/1/0/0/0 0/0';

t.test('stdout gets the raw and rfc3164 lines, stderr the short ones and the prefixed runtime messages', async (t) => {
  const r = await run(['1']);
  t.equal(r.code, 0);
  const out = r.out.split('\n');
  t.equal(out[0], TCP);
  t.match(out[1], /^<142>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d haproxy\[77\]: 127\.0\.0\.1:0 \[/);
  t.equal(out[2], 'Server be/s1 is DOWN. 0 active and 0 backup servers left.', 'raw target');
  t.match(out[3], /^<137>.* haproxy\[77\]: Server be\/s1 is DOWN\. 0 active and 0 backup servers left\.$/, 'DOWN is local1.alert');
  t.match(out[5], /^<136>.* haproxy\[77\]: backend be has no server available!$/, 'local1.emerg');
  t.equal(r.err,
    '<6>' + TCP + '\n' +
    '[WARNING]  (77) : Server be/s1 is DOWN. 0 active and 0 backup servers left.\n' +
    '<1>Server be/s1 is DOWN. 0 active and 0 backup servers left.\n' +
    "[ALERT]    (77) : backend 'be' has no server available!\n" +
    '<0>backend be has no server available!\n');
});

t.test('lines queued when the process calls exit() are still written, in order', async (t) => {
  const r = await run(['5000', 'exit']);
  const lines = r.out.split('\n').filter((l) => l.startsWith('127.0.0.1:'));
  t.equal(lines.length, 5000);
  t.ok(lines.every((l, i) => l.startsWith(`127.0.0.1:${i} `)), 'in order');
  t.match(r.err, /backend 'be' has no server available!\n<0>backend be has no server available!\n$/);
});
