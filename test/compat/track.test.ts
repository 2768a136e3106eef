// `track`: a server follows the state of the server it tracks, beside haproxy 2.6. The same
// steps run against both; the stats rows (status, tracked) and which answers clients get must
// be equal.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipNoHaproxy } from '../helpers/shared.js';
import { cleanupDir, freePort, haveHalyardBuild, sendRaw, startProxy, type ProxyKind } from './http-lab.js';
import { cli, csvRows, httpOrigin, statsConfig, until, type HttpOrigin } from './stats-lab.js';

const skip = skipNoHaproxy() || haveHalyardBuild();

function config(dir: string, p: Record<string, number>): string {
  return statsConfig(dir, p.probe ?? 0, `frontend fe
    bind 127.0.0.1:${p.fe}
    use_backend be2 if { path_beg /two }
    default_backend be
backend be
    server s1 127.0.0.1:${p.o1} check inter 100ms
    server s2 127.0.0.1:${p.o2} track be/s1
    server s3 127.0.0.1:${p.o2} track s2
backend be2
    server t1 127.0.0.1:${p.dead} check inter 100ms
    server t2 127.0.0.1:${p.o2} track be2/t1
`);
}

async function observe(kind: ProxyKind, o1: HttpOrigin, o2: HttpOrigin, dead: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), `hly-track-${kind}-`));
  const p = { probe: await freePort(), fe: await freePort(), o1: o1.port, o2: o2.port, dead };
  const proc = await startProxy(kind, config(dir, p), p.probe);
  const seen: string[] = [];
  const sock = `${dir}/admin.sock`;
  const rows = async (): Promise<string[][]> => {
    const r = csvRows(await cli(sock, 'show stat'));
    const h = r[0] ?? [];
    const col = (row: string[], name: string): string => row[h.indexOf(name)] ?? '?';
    return r.slice(1).filter((x) => x[1] !== 'FRONTEND').map((x) => [x[0] ?? '', x[1] ?? '', col(x, 'status'), col(x, 'tracked')]);
  };
  const status = async (be: string, srv: string): Promise<string> => (await rows()).find((x) => x[0] === be && x[1] === srv)?.[2] ?? '?';
  const record = async (step: string): Promise<void> => {
    seen.push(`${step}: ${(await rows()).map((x) => x.join(' ')).join(' | ')}`);
  };
  const ask = async (path: string, n: number): Promise<string> => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const e = await sendRaw(p.fe, Buffer.from(`GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`), { responses: 1 });
      const raw = e.raw.toString('latin1');
      out.push(`${/^HTTP\/1\.1 (\d+)/.exec(raw)?.[1] ?? '-'}:${/\r\n\r\n([\s\S]*)$/.exec(raw)?.[1]?.trim() ?? ''}`);
    }
    return out.join(',');
  };
  try {
    // t1's checks fail: it goes DOWN, and t2 with it
    await until(async () => (await status('be2', 't1')) === 'DOWN' && (await status('be', 's1')) === 'UP', `${kind}: checks settle`);
    await record('start');
    seen.push(`requests: ${await ask('/', 6)} / be2: ${await ask('/two', 2)}`);
    // maintenance of s1 reaches s2, and s3 through s2
    await cli(sock, 'disable server be/s1');
    await record('s1 disabled');
    seen.push(`requests: ${await ask('/', 2)}`);
    await cli(sock, 'enable server be/s1');
    await until(async () => (await status('be', 's1')) === 'UP', `${kind}: s1 back`);
    await record('s1 enabled');
    seen.push(`requests: ${await ask('/', 6)}`);
    // drain follows too
    await cli(sock, 'set server be/s1 state drain');
    await record('s1 drain');
    await cli(sock, 'set server be/s1 state ready');
    // the trackers' own state-change lines (stderr), in order
    seen.push(...proc.stderr().split('\n').filter((l) => / is (DOWN|UP|going DOWN for maintenance)( via |\.)|UP\/READY/.test(l)).map((l) => l.replace(/\(\d+\)/, '(PID)')));
    return seen;
  } finally {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

t.test('track: servers follow the state of the server they track, as in haproxy 2.6', { skip }, async (t) => {
  const o1 = await httpOrigin('one');
  const o2 = await httpOrigin('two');
  const dead = await freePort();
  t.teardown(async () => {
    await Promise.all([o1.close(), o2.close()]);
    cleanupDir();
  });
  const h = await observe('haproxy', o1, o2, dead);
  const y = await observe('halyard', o1, o2, dead);
  t.same(y, h, 'the same stats rows and answers, step by step');
  t.comment(h.join('\n'));
});
