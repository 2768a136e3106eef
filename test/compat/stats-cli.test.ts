// The runtime API beside haproxy 2.6: the same config (stats sockets at three levels, a TCP one,
// checked and unchecked servers, a backup, a disabled server, a tcp listen) run by both, the same
// command transcript sent to both, replies compared after blanking what must differ (times,
// pids, durations) and the columns Halyard does not measure (documented in lib/stats/columns.ts).
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipNoHaproxy } from '../helpers/shared.js';
import { cleanupDir, freePort, haveHalyardBuild, startProxy, type ProxyProc } from './http-lab.js';
import { cli, csvRows, httpOrigin, promptSession, until, type HttpOrigin } from './stats-lab.js';

const skip = skipNoHaproxy() || haveHalyardBuild();

/** Columns Halyard leaves empty (not measured) or that depend on time. */
const BLANK = new Set([
  'lastchg', 'downtime', 'check_duration', 'qtime', 'ctime', 'rtime', 'ttime', 'connect', 'reuse',
  'qtime_max', 'ctime_max', 'rtime_max', 'ttime_max',
  'h1_open_connections', 'h1_open_streams', 'h1_total_connections', 'h1_total_streams', 'h1_bytes_in', 'h1_bytes_out',
  'h1_spliced_bytes_in', 'h1_spliced_bytes_out',
]);

/**
 * Blanks, line by line, what must differ: in CSV rows (129 comma fields) the BLANK columns,
 * in `show servers state` lines (25 fields) the time since the last change.
 */
function norm(text: string): string {
  let head: string[] = [];
  return text.split('\n').map((l) => {
    if (l.startsWith('# pxname,')) {
      head = l.slice(2).split(',');
      return l;
    }
    const c = l.split(',');
    if (c.length === 129 && head.length === 129) return c.map((v, k) => (BLANK.has(head[k] ?? '') ? '' : v)).join(',');
    const f = l.split(' ');
    if (f.length === 25 && /^[0-9]+$/.test(f[0] ?? '')) f[9] = 'T';
    return f.join(' ');
  }).join('\n');
}

function config(dir: string, p: Record<string, number>): string {
  const chk = 'check inter 5s fastinter 10s downinter 5s';
  return `global
    maxconn 1000
    stats socket ${dir}/admin.sock mode 600 level admin
    stats socket ${dir}/user.sock level user
    stats socket ${dir}/oper.sock
    stats socket ipv4@127.0.0.1:${p.tcp} level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${p.fe}
    default_backend be
backend be
    option httpchk GET /
    server s1 127.0.0.1:${p.o1} ${chk}
    server s2 127.0.0.1:${p.dead} ${chk}
    server s3 127.0.0.1:${p.o2}
    server bk1 127.0.0.1:${p.o2} backup ${chk}
    server s4 127.0.0.1:${p.o3} disabled
listen li
    bind 127.0.0.1:${p.li}
    mode tcp
    balance leastconn
    server a 127.0.0.1:${p.o1} weight 10 maxconn 5
`;
}

interface Side {
  readonly proc: ProxyProc;
  readonly dir: string;
  readonly tcp: string;
}

const TRANSCRIPT: readonly string[] = [
  'show backend',
  'show stat',
  'show servers state',
  'show servers state be',
  'show stat be 4 -1',
  'show stat -1 1 -1',
  'show stat 3 2 -1',
  'show stat #3 -1 -1',
  'show stat up',
  'show stat no-maint',
  'show stat nope 4 -1',
  'show cli level',
  'disable server be/s1; show stat be 4 1; show servers state be',
  'enable server be/s1; show stat be 4 1; show servers state be',
  'set server be/s1 state drain; show stat be 4 1; show servers state be',
  'set server be/s1 state ready; show stat be 4 1',
  'set server be/s3 state maint; show stat be 4 3; show servers state be',
  'set server be/s3 state drain; show stat be 4 3',
  'set server be/s3 state ready; show stat be 4 3',
  'disable health be/s1; show stat be 4 1; show servers state be',
  'enable health be/s1; show stat be 4 1',
  'set server be/s1 weight 50%; get weight be/s1; show stat be 6 -1',
  'set server be/s1 weight 1; get weight be/s1',
  'set weight be/s3 2; get weight be/s3; set weight be/s3 100%',
  'set server be/s1 weight 300',
  'set server be/s1 weight abc',
  'set server be/s1 weight 3x',
  'set server be/s1 weight',
  'set server be/s1 state bogus',
  'set server be/s1',
  'set server be/s1 foo',
  'set server be/nope state maint',
  'set server nope/s1 state maint',
  'disable server be',
  'disable server',
  'set maxconn server be/s1 abc',
  'set maxconn server be/s1',
  'set maxconn server be/nope 10',
  'set maxconn server be/s3 7; show stat be 4 3',
  'show servers state nope',
  'show servers conn nope',
  'get weight be/bk1',
  'set server be/s3 addr 127.0.0.2',
  'set server be/s3 addr 127.0.0.1',
  'set server be/s3 addr bogus',
  'set server be/s3 addr',
  'set server be/s3 addr 127.0.0.1 port abc',
  'show stat #3 4 3',
];

t.test('runtime API transcripts equal haproxy 2.6\'s', { skip }, async (t) => {
  const o1 = await httpOrigin('one');
  const o2 = await httpOrigin('two');
  const o3: HttpOrigin = await httpOrigin('three');
  const dead = await freePort();
  const sides: Side[] = [];
  t.teardown(async () => {
    for (const s of sides) {
      await s.proc.stop();
      rmSync(s.dir, { recursive: true, force: true });
    }
    await Promise.all([o1.close(), o2.close(), o3.close()]);
    cleanupDir();
  });
  for (const kind of ['haproxy', 'halyard'] as const) {
    const dir = mkdtempSync(join(tmpdir(), `hly-stats-${kind}-`));
    const p = { tcp: await freePort(), fe: await freePort(), li: await freePort(), o1: o1.port, o2: o2.port, o3: o3.port, dead };
    // readiness is a connect to the TCP stats socket: no session on the proxies under test
    const proc = await startProxy(kind, config(dir, p), p.tcp);
    const side: Side = { proc, dir, tcp: `127.0.0.1:${p.tcp}` };
    sides.push(side);
    // the checks have run once: s1 and bk1 fully UP, s2 DOWN
    await until(async () => {
      const rows = csvRows(await cli(`${dir}/admin.sock`, 'show stat be 4 -1').catch(() => ''));
      const st = (n: string): string => rows.find((r) => r[1] === n)?.[17] ?? '';
      return st('s1') === 'UP' && st('bk1') === 'UP' && st('s2') === 'DOWN' && rows.find((r) => r[1] === 's1')?.[36] === 'L7OK';
    }, `${kind} checks to settle`);
  }
  const [h, y] = sides as [Side, Side];

  const header = (await cli(`${h.dir}/admin.sock`, 'show stat')).split('\n')[0];
  t.equal((await cli(`${y.dir}/admin.sock`, 'show stat')).split('\n')[0], header, 'CSV header byte for byte');
  t.equal(header?.split(',').length, 129, '128 columns and the trailing comma');

  for (const cmd of TRANSCRIPT) {
    let a = await cli(`${h.dir}/admin.sock`, cmd);
    let b = await cli(`${y.dir}/admin.sock`, cmd);
    // a check in flight shows "* L7OK": read-only commands are simply asked again
    for (let i = 0; i < 5 && /^(show|get)/.test(cmd) && !cmd.includes(';') && (a + b).includes(',* '); i++) {
      a = await cli(`${h.dir}/admin.sock`, cmd);
      b = await cli(`${y.dir}/admin.sock`, cmd);
    }
    if (norm(a) !== norm(b) && (a + b).includes(',* ') && cmd.includes(';')) {
      // a check was in flight while a state change was shown: read the state again
      const shows = cmd.split(';').map((c) => c.trim()).filter((c) => /^(show|get)/.test(c)).join('; ');
      for (let i = 0; i < 5 && (a + b).includes(',* '); i++) {
        a = await cli(`${h.dir}/admin.sock`, shows);
        b = await cli(`${y.dir}/admin.sock`, shows);
      }
    }
    t.equal(norm(b), norm(a), cmd);
  }

  // what follows compares whole tables: the transcript's health changes leave s1 part-way up on
  // one side or the other until its next checks land, so wait for both to be fully UP again
  for (const s of sides) {
    await until(async () => {
      const rows = csvRows(await cli(`${s.dir}/admin.sock`, 'show stat be 4 -1').catch(() => ''));
      const s1 = rows.find((r) => r[1] === 's1');
      return s1?.[17] === 'UP' && s1[36] === 'L7OK';
    }, `${s.proc.kind}: s1 fully UP after the transcript`, 30_000);
  }

  // the TCP socket is the same CLI
  t.equal(await cli(y.tcp, 'show backend'), await cli(h.tcp, 'show backend'), 'ipv4@ socket');

  // levels: user sees no legends and cannot change state; operator cannot either
  for (const [sock, cmd] of [
    ['user', 'show stat'], ['user', 'disable server be/s1'], ['user', 'set server be/s1 state maint'],
    ['user', 'show servers state'], ['user', 'show cli level'],
    ['oper', 'set server be/s1 weight 2'], ['oper', 'disable server be/s1'], ['oper', 'show cli level'], ['oper', 'show stat be 4 1'],
  ] as const) {
    const a = await cli(`${h.dir}/${sock}.sock`, cmd);
    const b = await cli(`${y.dir}/${sock}.sock`, cmd);
    t.equal(norm(b), norm(a), `${sock}: ${cmd}`);
  }

  // interactive mode: prompts, level changes, quit
  const lines = ['show cli level', 'operator', 'user', 'show cli level', 'get weight be/s3; show backend', 'quit'];
  t.equal(await promptSession(`${y.dir}/user.sock`, lines), await promptSession(`${h.dir}/user.sock`, lines), 'prompt session');

  // help and unknown commands: same first line (Halyard lists only the commands it has)
  t.equal((await cli(`${y.dir}/admin.sock`, 'help')).split('\n')[0], (await cli(`${h.dir}/admin.sock`, 'help')).split('\n')[0], 'help');
  t.equal((await cli(`${y.dir}/admin.sock`, 'foo bar')).split('\n')[0], (await cli(`${h.dir}/admin.sock`, 'foo bar')).split('\n')[0], 'unknown command');

  // show info: the same keys in the same order
  const keys = (s: string): string[] => s.split('\n').filter((l) => l !== '').map((l) => l.slice(0, l.indexOf(':')));
  t.same(keys(await cli(`${y.dir}/admin.sock`, 'show info')), keys(await cli(`${h.dir}/admin.sock`, 'show info')), 'show info keys');
  // show info typed: the same positions, names, tags and types
  const infoTyped = (x: string): string[] => x.split('\n').filter((l) => l !== '').map((l) => l.slice(0, l.lastIndexOf(':')));
  t.same(infoTyped(await cli(`${y.dir}/admin.sock`, 'show info typed')), infoTyped(await cli(`${h.dir}/admin.sock`, 'show info typed')), 'show info typed');
  // show stat typed: the same lines apart from what Halyard leaves empty and times
  const typed = (s: string): string[] => s.split('\n').filter((l) => {
    const name = l.split('.')[4] ?? '';
    return l !== '' && !BLANK.has(name);
  }).map((l) => l.replace(/^([FBS]\.\d+\.\d+\.\d+\.(lastchg|downtime|check_duration)\.1:\w+:\w+:).*/, '$1'));
  t.same(typed(await cli(`${y.dir}/admin.sock`, 'show stat typed')), typed(await cli(`${h.dir}/admin.sock`, 'show stat typed')), 'show stat typed');
  // show stat json: the same objects field by field (same filter)
  const json = (s: string): string[] => (JSON.parse(s) as { objType: string; proxyId: number; id: number; field: { name: string }; tags: object; value: { type: string; value: unknown } }[][])
    .flat().filter((f) => !BLANK.has(f.field.name))
    .map((f) => JSON.stringify({ ...f, value: ['lastchg', 'downtime', 'check_duration'].includes(f.field.name) ? f.value.type : f.value }));
  t.same(json(await cli(`${y.dir}/admin.sock`, 'show stat json')), json(await cli(`${h.dir}/admin.sock`, 'show stat json')), 'show stat json');
});
