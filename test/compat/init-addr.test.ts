// `init-addr` at start, beside haproxy 2.6: a server whose name does not resolve starts in
// "MAINT (resolution)" with `none`, or uses the IP literal given as a fallback; the stats rows and
// which servers answer must be equal.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipNoHaproxy } from '../helpers/shared.js';
import { cleanupDir, freePort, haveHalyardBuild, sendRaw, startProxy, type ProxyKind } from './http-lab.js';
import { cli, csvRows, httpOrigin, statsConfig, type HttpOrigin } from './stats-lab.js';

const skip = skipNoHaproxy() || haveHalyardBuild();

async function observe(kind: ProxyKind, o1: HttpOrigin, o2: HttpOrigin): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), `hly-initaddr-${kind}-`));
  const probe = await freePort();
  const fe = await freePort();
  const cfg = statsConfig(dir, probe, `frontend fe
    bind 127.0.0.1:${fe}
    default_backend be
backend be
    server s1 nosuchhost.invalid:${o1.port} init-addr libc,none
    server s2 127.0.0.1:${o2.port}
    server s3 nosuchhost.invalid:${o1.port} init-addr libc,127.0.0.1
    server s4 nosuchhost.invalid:${o1.port} init-addr none
`);
  const proc = await startProxy(kind, cfg, probe);
  try {
    const rows = csvRows(await cli(`${dir}/admin.sock`, 'show stat'));
    const h = rows[0] ?? [];
    const seen = rows.slice(1).filter((r) => r[0] === 'be').map((r) => `${r[1]} ${r[h.indexOf('status')]} ${r[h.indexOf('addr')]}`);
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const e = await sendRaw(fe, Buffer.from('GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'), { responses: 1 });
      answers.push(/\r\n\r\n(.*)$/s.exec(e.raw.toString('latin1'))?.[1] ?? '-');
    }
    seen.push(`answers ${answers.join(' ')}`);
    return seen;
  } finally {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

t.test('init-addr none and an IP fallback, as haproxy 2.6 starts them', { skip }, async (t) => {
  const o1 = await httpOrigin('one');
  const o2 = await httpOrigin('two');
  t.teardown(async () => {
    await Promise.all([o1.close(), o2.close()]);
    cleanupDir();
  });
  const h = await observe('haproxy', o1, o2);
  const y = await observe('halyard', o1, o2);
  t.same(y, h, 'the same stats rows and answers');
  t.comment(h.join('\n'));
});
