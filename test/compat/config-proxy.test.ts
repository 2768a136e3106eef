// Runs haproxy -c and halyard -c on the same tricky global/option/check/cookie/stats/timeout cases and
// expects the same exit code. Skipped when haproxy is not installed.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lib/cli/main.js';

const haproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
if (haproxy.error !== undefined || haproxy.status !== 0) {
  t.plan(0, 'haproxy is not on PATH: the side-by-side comparison needs the real binary');
} else {
  const D = `defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n`;
  const P = (fe: string, be: string, g = ''): string => `${g !== '' ? `global\n${g}` : ''}${D}frontend fe\n    bind 127.0.0.1:18080\n${fe}    default_backend be\nbackend be\n${be}    server s1 127.0.0.1:18081\n`;
  const cases: [string, string][] = [
    ['global basics', P('', '', '    maxconn 100\n    nbthread 2\n    daemon\n    pidfile /tmp/x.pid\n    hard-stop-after 10s\n    spread-checks 4\n')],
    ['global typo', P('', '', '    maxconnn 10\n')],
    ['nbthread 0', P('', '', '    nbthread 0\n')],
    ['nbthread abc', P('', '', '    nbthread abc\n')],
    ['maxconn abc (atol)', P('', '', '    maxconn abc\n')],
    ['pidfile twice', P('', '', '    pidfile /a\n    pidfile /b\n')],
    ['unknown user', P('', '', '    user nosuchuser-hx\n')],
    ['unknown group', P('', '', '    group nosuchgroup-hx\n')],
    ['root user', P('', '', '    user root\n    group root\n')],
    ['spread-checks 60', P('', '', '    spread-checks 60\n')],
    ['hard-stop-after garbage', P('', '', '    hard-stop-after 1q\n')],
    ['debug keyword', P('', '', '    debug\n')],
    ['nbproc', P('', '', '    nbproc 2\n')],
    ['stats socket levels', P('', '', '    stats socket /tmp/hly-compat.sock mode 600 level admin\n    stats timeout 1m\n')],
    ['stats socket bad level', P('', '', '    stats socket /tmp/hly-compat.sock level root\n')],
    ['log forms', P('    log global\n', '', '    log 127.0.0.1:514 local0\n    log stdout format raw local0 info\n    log /dev/log local1 notice err\n    log [::1]:514 len 1024 local2\n')],
    ['log bad facility', P('    log 127.0.0.1 kern9\n', '')],
    ['log too many words', P('    log 127.0.0.1 local0 info notice debug\n', '')],
    ['log bad address', P('', '', '    log 300.1.1.1:514 local0\n')],
    ['option typo', P('    option forwardedfor\n', '')],
    ['no option httplog', P('    no option httplog\n', '')],
    ['no option on a boolean', P('    no option dontlognull\n', '    no option allbackups\n')],
    ['default option on a boolean', P('', '    default option allbackups\n')],
    ['default option redispatch', P('', '    default option redispatch\n')],
    ['option with an extra word', P('', '    option allbackups now\n')],
    ['option httplog clf', P('    option httplog clf\n', '')],
    ['option httplog bad arg', P('    option httplog full\n', '')],
    ['httplog in tcp mode', P('    mode tcp\n    option httplog\n', '    mode tcp\n')],
    ['forwardfor except bad', P('    option forwardfor except nope\n', '')],
    ['redispatch garbage', P('', '    option redispatch abc\n')],
    ['httpchk forms', P('', '    option httpchk HEAD /x HTTP/1.1\n')],
    ['httpchk legacy header trick', P('', '    option httpchk GET / HTTP/1.1\\r\\nHost:\\ x\n')],
    ['http-check send/expect', P('', '    option httpchk\n    http-check send meth GET uri /h ver HTTP/1.1 hdr Host x\n    http-check expect status 200-399\n')],
    ['http-check expect bad status', P('', '    option httpchk\n    http-check expect status 2xx\n')],
    ['http-check send twice without connect', P('', '    option httpchk\n    http-check send meth GET\n    http-check expect status 200\n    http-check send meth HEAD\n')],
    ['tcp-check rules', P('', '    option tcp-check\n    tcp-check connect port 18081\n    tcp-check send PING\\r\\n\n    tcp-check expect string +PONG\n')],
    ['tcp-check send-binary bad', P('', '    option tcp-check\n    tcp-check send-binary xyz\n')],
    ['cookie insert prefix', P('', '    cookie SRV insert prefix\n')],
    ['cookie preserve alone', P('', '    cookie SRV preserve\n')],
    ['cookie attr ;', P('', '    cookie SRV insert attr "a;b"\n')],
    ['cookie maxidle garbage', P('', '    cookie SRV insert maxidle 10x\n')],
    ['stats keywords', P('    stats uri /s\n    stats refresh 5s\n    stats auth a:b\n    stats admin if TRUE\n    stats scope .\n', '')],
    ['stats auth without colon', P('    stats auth admin\n', '')],
    ['stats unknown', P('    stats frob\n', '')],
    ['timeout 1s500ms', P('    timeout http-request 1s500ms\n', '')],
    ['timeout decimal', P('    timeout client 1.5s\n', '')],
    ['timeout overflow', P('    timeout client 25d\n', '')],
    ['timeout extra word', P('    timeout client 5s 6s\n', '')],
    ['balance alone', P('', '    balance\n')],
    ['balance random(a)', P('', '    balance random(a)\n')],
    ['hash-type bad function', P('', '    hash-type consistent md5\n')],
    ['mode health', P('    mode health\n', '')],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'hly-compat-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, cfg] of cases) {
    t.test(`${name}: halyard -c exits like haproxy -c`, async (t) => {
      const f = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.cfg`);
      writeFileSync(f, cfg);
      const h = spawnSync('haproxy', ['-c', '-f', f], { encoding: 'utf8' });
      let err = '';
      const rc = await main(['-c', '-f', f], { stdout: () => undefined, stderr: (s) => { err += s; } });
      t.equal(rc, h.status, `haproxy said:\n${h.stderr}\nhalyard said:\n${err}`);
    });
  }
}
