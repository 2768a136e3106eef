// Counters a user can check against their own client: after N requests through a backend, the
// CSV's stot/lbtot/bin/bout/hrsp_2xx/req_tot equal what the client sent and received; putting a
// server in maintenance through the runtime API stops its traffic, and `ready` brings it back.
// Run against haproxy 2.6 and Halyard alike, so the expectations are haproxy's own.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipNoHaproxy } from '../helpers/shared.js';
import { cleanupDir, freePort, haveHalyardBuild, startProxy } from './http-lab.js';
import { cli, csvRows, httpOrigin } from './stats-lab.js';

const N = 20;

/** One request on its own connection; resolves with the bytes sent and received and the body's origin. */
function request(port: number, path: string): Promise<{ sent: number; received: number; body: string }> {
  const req = `GET ${path} HTTP/1.1\r\nHost: stats.test\r\nConnection: close\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    s.on('connect', () => s.write(req));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString('latin1');
      resolve({ sent: Buffer.byteLength(req), received: raw.length, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
    s.on('error', reject);
  });
}

type Row = Record<string, string>;
async function stat(sock: string): Promise<Map<string, Row>> {
  const rows = csvRows(await cli(sock, 'show stat'));
  const head = rows[0] ?? [];
  const m = new Map<string, Row>();
  for (const r of rows.slice(1)) m.set(`${r[0]}/${r[1]}`, Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
  return m;
}

for (const kind of ['haproxy', 'halyard'] as const) {
  t.test(`${kind}: counters after ${N} requests, maintenance stops traffic`, { skip: skipNoHaproxy() || haveHalyardBuild() }, async (t) => {
    const a = await httpOrigin('from-a');
    const b = await httpOrigin('from-b');
    const dir = mkdtempSync(join(tmpdir(), `hly-counters-${kind}-`));
    const fe = await freePort();
    const tcp = await freePort();
    const sock = `${dir}/admin.sock`;
    const proc = await startProxy(kind, `global
    maxconn 1000
    stats socket ${sock} level admin
    stats socket ipv4@127.0.0.1:${tcp} level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${fe}
    default_backend be
backend be
    balance roundrobin
    server s1 127.0.0.1:${a.port}
    server s2 127.0.0.1:${b.port}
`, tcp);
    t.teardown(async () => {
      await proc.stop();
      await Promise.all([a.close(), b.close()]);
      rmSync(dir, { recursive: true, force: true });
      cleanupDir();
    });

    let sent = 0;
    let received = 0;
    for (let i = 0; i < N; i++) {
      const r = await request(fe, `/r${i}`);
      sent += r.sent;
      received += r.received;
    }
    let s = await stat(sock);
    const f = s.get('fe/FRONTEND') as Row;
    const be = s.get('be/BACKEND') as Row;
    const s1 = s.get('be/s1') as Row;
    const s2 = s.get('be/s2') as Row;
    t.match(f, { stot: String(N), req_tot: String(N), hrsp_2xx: String(N), scur: '0' }, 'frontend row');
    t.match(be, { stot: String(N), lbtot: String(N), hrsp_2xx: String(N), req_tot: String(N), status: 'UP' }, 'backend row');
    if (kind === 'halyard') {
      // Halyard counts bytes as they cross the wire. haproxy 2.6 counts its internal HTX form in
      // HTTP mode (here 8 bytes less per request and 20 per response than the wire), so the
      // exact byte check is Halyard's; haproxy's figures are only bounded by the wire bytes.
      t.match(f, { bin: String(sent), bout: String(received) }, 'frontend bytes equal the wire');
      t.match(be, { bin: String(sent), bout: String(received) }, 'backend bytes equal the wire');
      t.equal(Number(s1.bout) + Number(s2.bout), received, 'servers bout');
      t.equal(Number(s1.bin) + Number(s2.bin), sent, 'servers bin');
    } else {
      t.ok(Number(f.bin) > 0 && Number(f.bin) <= sent && Number(f.bout) > 0 && Number(f.bout) <= received, 'haproxy bytes within the wire bytes');
    }
    t.equal(Number(s1.stot) + Number(s2.stot), N, 'server sessions add up');
    t.equal(Number(s1.stot), a.requests, 's1 stot is what origin A served');
    t.equal(Number(s2.stot), b.requests, 's2 stot is what origin B served');
    t.equal(Number(s1.lbtot), a.requests, 's1 lbtot');
    t.equal(Number(s1.hrsp_2xx) + Number(s2.hrsp_2xx), N, 'servers hrsp_2xx');
    t.ok(s1.lastsess === '0' || s1.lastsess === '1', 'lastsess: just now');

    // maintenance: every request goes to s2, s1's counters stand still
    t.equal(await cli(sock, 'set server be/s1 state maint'), '\n', 'maint accepted');
    const before = { a: a.requests, b: b.requests };
    for (let i = 0; i < 6; i++) t.match((await request(fe, '/m')).body, /from-b/, `request ${i} in maintenance answered by s2`);
    t.equal(a.requests, before.a, 'origin A saw nothing');
    t.equal(b.requests, before.b + 6, 'origin B took all');
    s = await stat(sock);
    t.match(s.get('be/s1'), { status: 'MAINT', stot: s1.stot }, 's1 in MAINT, stot unchanged');
    t.match(s.get('be/BACKEND'), { act: '1', weight: '1' }, 'backend counts one usable server');

    // ready: s1 takes traffic again
    t.equal(await cli(`127.0.0.1:${tcp}`, 'set server be/s1 state ready'), '\n', 'ready accepted (TCP socket)');
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await request(fe, '/r')).body);
    t.same([...seen].sort(), ['from-a', 'from-b'], 'both servers answer again');
  });
}
