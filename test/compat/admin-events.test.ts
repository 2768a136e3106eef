// Runtime API state changes beside haproxy 2.6: the same commands against both; the replies, the
// lines on stderr and the lines in the logs (with their priority) must be equal.
//  - "backend 'x' has no server available!" when an admin change or a weight of 0 takes the last
//    usable server (again each time, never when none was left), trackers included;
//  - `set server addr` on a server that init-addr left without an address: haproxy refuses to
//    change the family but takes the server out of "MAINT (resolution)" all the same.
import t from 'tap';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipNoHaproxy } from '../helpers/shared.js';
import { cleanupDir, freePort, haveHalyardBuild, sendRaw, startProxy, type ProxyKind } from './http-lab.js';
import { cli, csvRows, httpOrigin, type HttpOrigin } from './stats-lab.js';

const skip = skipNoHaproxy() || haveHalyardBuild();

/** Log datagrams (`format priority`: "<PRI>text") as lines. */
async function logSink(): Promise<{ udp: UdpSocket; port: number; lines: string[]; until(re: RegExp): Promise<void> }> {
  const udp = createSocket('udp4');
  udp.bind(0, '127.0.0.1');
  await once(udp, 'listening');
  const lines: string[] = [];
  let waiters: { re: RegExp; resolve: () => void }[] = [];
  udp.on('message', (m) => {
    lines.push(m.toString('latin1').replace(/\n$/, ''));
    waiters = waiters.filter((w) => (lines.some((l) => w.re.test(l)) ? (w.resolve(), false) : true));
  });
  return {
    udp, port: udp.address().port, lines,
    until: (re) => (lines.some((l) => re.test(l)) ? Promise.resolve() : new Promise((resolve) => waiters.push({ re, resolve }))),
  };
}

const STEPS: readonly string[] = [
  // the last server of be goes, and again after each return; weight 0 says it alone
  'disable server be/s1', 'disable server be/s2', 'disable server be/s2', 'enable server be/s2',
  'set server be/s2 state maint', 'set server be/s2 state ready', 'set server be/s2 state drain',
  'set server be/s2 state ready', 'set weight be/s2 0', 'set weight be/s2 1', 'enable server be/s1',
  // a backup server left: "Running on backup.", then none
  'disable server bb/s1', 'disable server bb/b1',
  // a listen section is a "proxy"
  'disable server li/s1',
  // a tracker follows into maintenance: its backend has none left either; forced maintenance on
  // top of the tracked one, drain while in it, and back out drained
  'disable server bt/s1', 'set server be2/t1 state maint', 'set server be2/t1 state ready',
  'set server be2/t1 state drain', 'enable server bt/s1', 'set server be2/t1 state ready',
  // drained, then into maintenance (a notice), then back through drain
  'set server bb/b1 state ready', 'set server bb/s1 state drain', 'set server bb/s1 state maint',
  'set server bb/s1 state drain', 'set server bb/s1 state ready',
  // servers without an address (init-addr none): forced maintenance on top of it, drain, addr
  'set server bx/s4 state maint', 'set server bx/s4 state ready', 'set server bx/s5 state drain',
  'set server bx/s5 state ready', 'set server bx/s4 addr 127.0.0.1 port ORIGIN', 'set server bx/s6 addr bogus',
  'set server bx/s8 addr 127.0.0.1 port ORIGIN', 'set server bx/s7 addr 127.0.0.1', 'set server bx/s5 addr',
];

async function observe(kind: ProxyKind, o: HttpOrigin): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), `hly-adminev-${kind}-`));
  const logs = await logSink();
  const p = { probe: await freePort(), li: await freePort(), fx: await freePort() };
  const cfg = `global
    log 127.0.0.1:${logs.port} format priority local0
    stats socket ${dir}/admin.sock mode 600 level admin
    stats socket ipv4@127.0.0.1:${p.probe} level admin
defaults
    log global
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fx
    option httplog
    bind 127.0.0.1:${p.fx}
    default_backend bx
backend be
    server s1 127.0.0.1:${o.port}
    server s2 127.0.0.1:${o.port}
backend bb
    server s1 127.0.0.1:${o.port}
    server b1 127.0.0.1:${o.port} backup
listen li
    bind 127.0.0.1:${p.li}
    server s1 127.0.0.1:${o.port}
backend bt
    server s1 127.0.0.1:${o.port} check inter 60s
backend be2
    server t1 127.0.0.1:${o.port} track bt/s1
backend bx
    retries 0
    server s4 nosuchhost.invalid:${o.port} init-addr none
    server s5 nosuchhost.invalid:${o.port} init-addr none
    server s6 nosuchhost.invalid:${o.port} init-addr none
    server s7 ${dir}/nothing.sock
    server s8 ipv4@nosuchhost.invalid:${o.port} init-addr none
backend mk
    server m1 127.0.0.1:${o.port}
    server m2 127.0.0.1:${o.port}
`;
  const proc = await startProxy(kind, cfg, p.probe);
  const sock = `${dir}/admin.sock`;
  try {
    // start-up lines are not compared: a marker change, waited for on both channels, ends them
    await cli(sock, 'disable server mk/m1');
    await proc.waitStderr(/mk\/m1 is going DOWN/);
    await logs.until(/mk\/m1 is going DOWN/);
    const errFrom = proc.stderr().length;
    const logFrom = logs.lines.length;
    const seen: string[] = [];
    for (const step of STEPS) {
      const line = step.replace('ORIGIN', String(o.port));
      seen.push(`> ${line}: ${JSON.stringify(await cli(sock, line))}`);
    }
    // the servers as the stats see them, then which answers clients get from bx
    const rows = csvRows(await cli(sock, 'show stat'));
    const h = rows[0] ?? [];
    for (const r of rows.slice(1)) {
      if (r[0] === 'bx' || r[1] === 'BACKEND') seen.push(`stat ${r[0]}/${r[1]} ${r[h.indexOf('status')]} ${r[h.indexOf('addr')]}`);
    }
    for (const l of (await cli(sock, 'show servers state bx')).split('\n').slice(2)) {
      const f = l.split(' ');
      if (f.length > 18) seen.push(`state ${f[3]} addr=${f[4]} op=${f[5]} admin=${f[6]} fqdn=${f[17]} port=${f[18]}`);
    }
    const answers: string[] = [];
    for (let i = 0; i < 8; i++) {
      const e = await sendRaw(p.fx, Buffer.from('GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'), { responses: 1 });
      answers.push(/^HTTP\/1\.1 (\d+)/.exec(e.raw.toString('latin1'))?.[1] ?? '-');
    }
    seen.push(`answers ${answers.join(' ')}`);
    // the end marker (mk's last server, then mk has none): every line of the steps came before
    await cli(sock, 'disable server mk/m2');
    await proc.waitStderr(/backend 'mk' has no server available/);
    await logs.until(/backend mk has no server available/);
    const marker = /mk\/m2|backend '?mk'? has no server/;
    seen.push(...proc.stderr().slice(errFrom).split('\n').filter((l) => l !== '' && !marker.test(l)).map((l) => `stderr ${l.replace(/\(\d+\)/, '(PID)')}`));
    seen.push(...logs.lines.slice(logFrom).filter((l) => !marker.test(l)).map((l) => {
      // the request lines of bx: which server, status and termination state
      const m = /^(<\d+>)\S+ \[[^\]]+\] fx (\S+) \S+ (\d{3}) \d+ - - (\S+) /.exec(l);
      return m !== null ? `log ${m[1]}${m[2]} ${m[3]} ${m[4]}` : `log ${l}`;
    }));
    return seen;
  } finally {
    await proc.stop();
    logs.udp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

t.test('runtime API: "no server available", init-addr none servers and set server addr, as haproxy 2.6', { skip }, async (t) => {
  const o = await httpOrigin('ok');
  t.teardown(async () => {
    await o.close();
    cleanupDir();
  });
  const h = await observe('haproxy', o);
  const y = await observe('halyard', o);
  t.comment(h.join('\n'));
  t.same(y, h, 'the same replies, stats, answers, stderr and log lines');
});
