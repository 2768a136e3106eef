// Live comparison on the trickiest server/bind lines: `haproxy -c` and Halyard's loader must give
// the same exit code (0 valid, 1 invalid, 2 no listener). Real lookups are made for the .invalid
// names (they never resolve). Skips when haproxy is not on PATH.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../lib/config/load.js';

const HEAD = 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n';
const cfg = (be: string, fe = '    bind 127.0.0.1:18080'): string => `${HEAD}frontend fe\n${fe}\n    default_backend be\nbackend be\n${be}\n`;
const S = '    server s1 127.0.0.1:18081';
const BE = S;

/** [what, config text, extra haproxy/halyard flag (-dr)] */
const CASES: ReadonlyArray<readonly [string, string, boolean?]> = [
  ['bare IPv6 server without port', cfg('    server s1 ::1')],
  ['port with trailing garbage', cfg('    server s1 127.0.0.1:18081abc')],
  ['ipv6@ on an IPv4 literal', cfg('    server s1 ipv6@127.0.0.1:80')],
  ['leading-dot hostname', cfg('    server s1 .bad.internal:80')],
  ['unset variable in server address', cfg('    server s1 $NOPE:80')],
  ['empty quoted variable as address', cfg('    server s1 "${NOPE}"')],
  ['fd@ on a server', cfg('    server s1 fd@3')],
  ['port range on a server', cfg('    server s1 1.2.3.4:80-')],
  ['offset port with check', cfg('    server s1 127.0.0.1:+1 check')],
  ['invalid dotted quad', cfg('    server s1 300.1.1.1:18081')],
  ['invalid dotted quad with init-addr none', cfg('    server s1 300.1.1.1:80 init-addr none')],
  ['unresolvable name', cfg('    server s1 nosuch.invalid:80')],
  ['unresolvable name with -dr', cfg('    server s1 nosuch.invalid:80'), true],
  ['unresolvable name, init-addr last', cfg('    server s1 nosuch.invalid:80 init-addr last')],
  ['unresolvable name, init-addr libc,IP', cfg('    server s1 nosuch.invalid:80 init-addr libc,127.0.0.1')],
  ['check then track', cfg(`${S} check track s2`)],
  ['weight then bad weight', cfg(`${S} weight 1 weight 300`)],
  ['check port 70000', cfg(`${S} check port 70000`)],
  ['slowstart without value', cfg(`${S} slowstart`)],
  ['id on default-server (non-fatal alert)', cfg(`    default-server id 5\n${S}`)],
  ['duplicate name after a forced id', cfg(`${S} id 3\n    server s1 127.0.0.1:18082`)],
  ['template colliding with a server', cfg('    server-template web 2 127.0.0.1:80\n    server web1 127.0.0.1:81')],
  ['template with 0 servers', cfg('    server-template web 0 127.0.0.1:80')],
  ['track of an unchecked server', cfg(`${S}\n    server s2 127.0.0.1:18082 track s1`)],
  ['default-server check without ports', cfg('    default-server check\n    server s1 127.0.0.1')],
  ['bind bare ::1', cfg(BE, '    bind ::1')],
  ['bind empty list element', cfg(BE, '    bind 127.0.0.1:18080,,127.0.0.1:18081')],
  ['bind trailing comma', cfg(BE, '    bind 127.0.0.1:18080,')],
  ['bind ipv4@ on IPv6 any', cfg(BE, '    bind ipv4@:::18080')],
  ['bind unresolvable name', cfg(BE, '    bind nosuch.invalid:18080')],
  ['bind id on a range', cfg(BE, '    bind 127.0.0.1:18080-18082 id 5')],
  ['bind mode on a TCP address', cfg(BE, '    bind 127.0.0.1:18080 mode 600')],
  ['bind udp@', cfg(BE, '    bind udp@:53')],
];

const probe = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
if (probe.error !== undefined || probe.status !== 0) {
  t.plan(0, 'haproxy is not on PATH: live server/bind comparison skipped');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'halyard-compat-srvbind-'));
  t.test('haproxy -c and halyard agree on the exit code of each tricky server/bind line', async (t) => {
    let i = 0;
    for (const [what, text, dr] of CASES) {
      const f = join(dir, `c${++i}.cfg`);
      writeFileSync(f, text);
      const h = spawnSync('haproxy', ['-q', '-c', ...(dr === true ? ['-dr'] : []), '-f', f], { env: { PATH: process.env.PATH ?? '' } });
      const r = await loadConfig([f], { env: {}, relaxedDns: dr === true });
      const ours = r.verdict === 'invalid' ? 1 : r.verdict === 'no-listener' ? 2 : 0;
      t.equal(ours, h.status, what);
    }
  });
}
