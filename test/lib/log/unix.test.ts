// Unix datagram targets (/dev/log style) go through util-linux `logger`; Node cannot bind a unix
// datagram socket, so a python3 one-liner plays syslogd. Skips without python3 or logger.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { builtinGlobal } from '../../../lib/config/proxy-defaults.js';
import { LogSystem } from '../../../lib/log/logger.js';
import { proxy, tcpRecord } from './records.js';

const has = (cmd: string, arg: string): boolean => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;
const skip = !has('python3', '--version') ? 'python3 is absent: it plays the unix datagram syslog server'
  : !has('logger', '--version') ? "util-linux 'logger' is absent" : false;

const SERVER = `
import socket, sys, binascii
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
print("ready", flush=True)
while True:
    d = s.recv(70000); print(binascii.hexlify(d).decode(), flush=True)
`;

t.test('a /dev/log-style target receives the default HAProxy header, written by logger', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halyard-unix-'));
  const path = join(dir, 'log.sock');
  const py = spawn('python3', ['-c', SERVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => { py.kill(); rmSync(dir, { recursive: true, force: true }); });
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  let buf = '';
  py.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { lines.push(buf.slice(0, i)); buf = buf.slice(i + 1); wake?.(); }
  });
  const next = async (): Promise<string> => {
    while (lines.length === 0) await new Promise<void>((r) => { wake = r; });
    return lines.shift() as string;
  };
  t.equal(await next(), 'ready');

  const g = builtinGlobal();
  g.logs = [{ target: path, facility: 'local0', loc: { file: 't.cfg', line: 1 } }];
  const sys = new LogSystem(g, { pid: 4242, quiet: true });
  t.teardown(() => sys.close());
  sys.forProxy(proxy('fe', 'tcp', { tcplog: true })).tcp(tcpRecord());
  const d = Buffer.from(await next(), 'hex').toString('latin1');
  t.match(d, /^<134>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d haproxy\[4242\]: 127\.0\.0\.1:38006 \[22\/Nov\/2026:11:58:16\.756\] fe_tcp be_tcp\/s1 1\/0\/1 246 -- 1\/1\/0\/0\/0 0\/0$/);
});

t.test('a unix target whose socket does not exist neither throws nor stops the process', { skip }, async (t) => {
  const g = builtinGlobal();
  g.logs = [{ target: '/nonexistent/halyard-log.sock', facility: 'local0', loc: { file: 't.cfg', line: 1 } }];
  const sys = new LogSystem(g, { pid: 1, quiet: true });
  t.teardown(() => sys.close());
  const log = sys.forProxy(proxy('fe', 'tcp', { tcplog: true }));
  log.tcp(tcpRecord());
  log.tcp(tcpRecord());
  t.pass('no exception');
});
