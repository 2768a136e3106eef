// ACL, condition and L7 rule lines run through the real `haproxy -c` and through Halyard's loader:
// the exit codes must be identical, and so must the line of the first alert. Skips without haproxy.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { dir } from '../lib/config/acl-helper.js';
import { loadConfig } from '../../lib/config/load.js';

function haproxyPath(): string | undefined {
  try { return execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim() || undefined; } catch { return undefined; }
}

const CASES: readonly (readonly string[])[] = [
  ['acl a path_beg /api /v1', 'acl a hdr_dom(host) -i example.com', 'http-request deny if a'],
  ['acl a path_reg ^(x'],
  ['acl a path_reg ^/(a|b)[0-9]+$', 'use_backend be if a'],
  ['acl a src 10.12/8 192.168.0.0/255.255.0.0 ::1 2001:db8::/48', 'http-request deny unless a'],
  ['acl a src 1.2.3.4/33'],
  ['acl a src ::1/129'],
  ['acl a src 256.1.1.1'],
  ['acl a path_len gt 10 lt 3 4:8 :2 9:', 'http-request deny if a'],
  ['acl a path_len 5:1'],
  ['acl a path_len abc'],
  ['acl a path -f paths.lst -m beg'],
  ['acl a path -m beg -f paths.lst', 'http-request deny if a'],
  ['acl a path -f nonexistent.lst'],
  ['acl a src -f bad-ips.lst'],
  ['acl a path -z /x'],
  ['acl a path -- -x', 'http-request deny if a'],
  ['acl a path -m nosuch /x'],
  ['acl a hdr_cnt(a,b) 1'],
  ['acl a path(x) /'],
  ['acl a req.hdr(host),lower,nosuch x'],
  ['acl a req.hdr(host),field(1) x'],
  ['acl a req.hdr(host),map(hosts.map) -m str be', 'http-request deny if a'],
  ['acl a nosuchfetch x'],
  ['http-request deny if a', 'acl a path /x'],
  ['http-request deny if !!TRUE or ! FALSE || { path /x } !{ path_beg /y }'],
  ['http-request deny if { path /x'],
  ['http-request deny if ( TRUE )'],
  ['acl TRUE path /x', 'http-request deny if TRUE'],
  ['use_backend be when TRUE'],
  ['use_backend be_%[req.hdr(host),lower]'],
  ['use_backend be_%[req.nosuch]'],
  ['http-request deny deny_status 418'],
  ['http-request deny status 403 content-type text/plain string "no" hdr X-A "%[path]"'],
  ['http-request return status 200 string x'],
  ['http-request return status 204 content-type text/plain string x'],
  ['http-request redirect location /x code 305'],
  ['http-request redirect scheme https code 308 drop-query append-slash set-cookie A=1 ignore-empty'],
  ['http-request set-header X-A %[res.hdr(x)]'],
  ['http-request set-header X-A %[path,field(x)]'],
  ['http-request set-header X-A %zz'],
  ['http-request replace-header X-A ^(x y'],
  ['http-request del-header X-A -m nosuch'],
  ['http-response set-status 1000'],
  ['http-response set-header X-A %[path]'],
  ['redirect location /x code 200'],
  ['errorfile 503 bad.http'],
  ['errorfile 503 503.http', 'errorfile 408 empty.http'],
  ['errorfile 418 503.http'],
];

const hap = haproxyPath();
if (hap === undefined) {
  t.pass('haproxy is not on PATH: comparison skipped', { skip: 'haproxy not on PATH' });
} else {
  let n = 0;
  for (const lines of CASES) {
    t.test(lines.join(' / '), async (t) => {
      const text = [
        'defaults', '  mode http', '  timeout client 1s', '  timeout server 1s', '  timeout connect 1s',
        'frontend fe', '  bind 127.0.0.1:18080', ...lines.map((l) => `  ${l}`), '  default_backend be',
        'backend be', '  server s1 127.0.0.1:18081', '',
      ].join('\n');
      const f = join(dir, `compat${++n}.cfg`);
      writeFileSync(f, text);
      const real = spawnSync(hap, ['-c', '-f', f], { cwd: dir, encoding: 'utf8' });
      const ours = await loadConfig([f], { noResolve: true, env: {} });
      const code = ours.verdict === 'valid' ? 0 : ours.verdict === 'invalid' ? 1 : 2;
      t.equal(code, real.status, `haproxy said:\n${real.stderr}\nhalyard said: ${JSON.stringify(ours.diags.map((d) => d.message))}`);
      const realLine = /\[ALERT\][^\n]*\.cfg:(\d+)\]/.exec(real.stderr)?.[1];
      const ourLine = ours.diags.find((d) => d.severity === 'alert' && d.loc !== undefined)?.loc?.line;
      if (realLine !== undefined) t.equal(ourLine, Number(realLine), 'first alert on the same line');
    });
  }
}
