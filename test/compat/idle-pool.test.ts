// Idle server connections beside haproxy 2.6: which released connections are kept, how many,
// which are reused, what pool-max-conn and pool-purge-delay change, and what the stats columns
// for them say (srv_icur, src_ilim, idle_conn_cur, safe_conn_cur, used_conn_cur,
// need_conn_est). The same steps run against both; each observation is the server row's pool
// columns plus the connections the origin sees open, and the two lists must be equal.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipNoHaproxy } from '../helpers/shared.js';
import { cleanupDir, freePort, haveHalyardBuild, KeepAliveClient, startProxy, type ProxyKind } from './http-lab.js';
import { cli, csvRows, until } from './stats-lab.js';

const skip = skipNoHaproxy() || haveHalyardBuild();

/**
 * An origin that counts its open connections and, when told to, holds responses until a number
 * of requests are waiting (so that many server connections are in use at once).
 */
class Origin {
  readonly server: NetServer;
  port = 0;
  open = 0;
  accepted = 0;
  private hold = 0;
  private waiting: Socket[] = [];

  constructor() {
    this.server = createServer((s) => {
      this.open++;
      this.accepted++;
      let buf = '';
      s.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        for (let i = buf.indexOf('\r\n\r\n'); i >= 0; i = buf.indexOf('\r\n\r\n')) {
          buf = buf.slice(i + 4);
          this.waiting.push(s);
          if (this.waiting.length >= this.hold) this.flush();
        }
      });
      s.on('error', () => {});
      s.on('close', () => { this.open--; });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** The next `n` requests are answered together, once all n have arrived. */
  holdFor(n: number): void {
    this.hold = n;
  }

  private flush(): void {
    this.hold = 0;
    for (const s of this.waiting.splice(0)) if (!s.destroyed) s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

function config(dir: string, p: Record<string, number>): string {
  return `global
    maxconn 1000
    stats socket ${dir}/admin.sock mode 600 level admin
    stats socket ipv4@127.0.0.1:${p.probe} level admin
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:${p.fe}
    use_backend bmax if { path_beg /max }
    use_backend bpurge if { path_beg /purge }
    default_backend bdef
backend bdef
    server s1 127.0.0.1:${p.o1}
backend bmax
    server s2 127.0.0.1:${p.o2} pool-max-conn 1
backend bpurge
    server s3 127.0.0.1:${p.o3} pool-purge-delay 100ms
`;
}

const COLS = ['srv_icur', 'src_ilim', 'idle_conn_cur', 'safe_conn_cur', 'used_conn_cur', 'need_conn_est'];

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nhost: pool\r\n\r\n`;

/** Runs the steps against one proxy and returns what was observed at each. */
async function observe(kind: ProxyKind, origins: readonly Origin[]): Promise<string[]> {
  const [o1, o2, o3] = origins as [Origin, Origin, Origin];
  for (const o of origins) o.accepted = 0;
  const dir = mkdtempSync(join(tmpdir(), `hly-pool-${kind}-`));
  const p = { probe: await freePort(), fe: await freePort(), o1: o1.port, o2: o2.port, o3: o3.port };
  const proc = await startProxy(kind, config(dir, p), p.probe);
  const clients: KeepAliveClient[] = [];
  const seen: string[] = [];
  try {
    const row = async (be: string, srv: string): Promise<Record<string, string>> => {
      const rows = csvRows(await cli(`${dir}/admin.sock`, 'show stat'));
      const head = rows[0] ?? [];
      const r = rows.find((x) => x[0] === be && x[1] === srv) ?? [];
      return Object.fromEntries(COLS.map((c) => [c, r[head.indexOf(c)] ?? '?']));
    };
    /** Once nothing is in use and the origin agrees on what is open: the columns, open and accepted. */
    const settle = async (step: string, be: string, srv: string, o: Origin): Promise<void> => {
      let last: Record<string, string> = {};
      await until(async () => {
        last = await row(be, srv);
        return last.used_conn_cur === '0' && o.open === Number(last.srv_icur);
      }, `${kind} ${step}: released connections settle (${JSON.stringify(last)}, origin open ${o.open})`);
      seen.push(`${step}: ${COLS.map((c) => `${c}=${last[c]}`).join(' ')} origin-open=${o.open} origin-accepted=${o.accepted}`);
    };
    /** `n` client connections, one request each in flight at once on `path`. */
    const together = async (n: number, path: string, o: Origin): Promise<KeepAliveClient[]> => {
      const cs = await Promise.all(Array.from({ length: n }, () => KeepAliveClient.open(p.fe)));
      clients.push(...cs);
      o.holdFor(n);
      const rs = await Promise.all(cs.map((c) => c.request(get(path))));
      for (const r of rs) if (r?.status !== 200) throw new Error(`${kind}: ${path} answered ${r?.status}`);
      return cs;
    };

    // three first requests in use at once: each has its own server connection, all kept idle
    const cs = await together(3, '/a', o1);
    await settle('3 at once', 'bdef', 's1', o1);
    // a second request on a client connection reuses an idle one; released after its second use, it is safe
    if ((await (cs[0] as KeepAliveClient).request(get('/a')))?.status !== 200) throw new Error('second request');
    await settle('second request', 'bdef', 's1', o1);
    // a client that closes after one request: its connection is beyond the estimated need
    const one = await KeepAliveClient.open(p.fe);
    clients.push(one);
    if ((await one.request(get('/a')))?.status !== 200) throw new Error('close-mode request');
    one.close();
    await settle('one more first request', 'bdef', 's1', o1);
    // clients closing do not close idle server connections
    for (const c of cs) c.close();
    await settle('clients gone', 'bdef', 's1', o1);

    // pool-max-conn 1: of three released at once, one is kept
    await together(3, '/max', o2);
    await settle('pool-max-conn 1', 'bmax', 's2', o2);

    // pool-purge-delay 100ms: idle connections beyond the need are purged until none is left
    await together(3, '/purge', o3);
    await until(async () => (await row('bpurge', 's3')).srv_icur === '0' && o3.open === 0, `${kind}: purge to zero`);
    await settle('purged', 'bpurge', 's3', o3);
    return seen;
  } finally {
    for (const c of clients) c.close();
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

t.test('idle server connections: kept, reused, capped and purged as haproxy 2.6 does', { skip }, async (t) => {
  const origins = [new Origin(), new Origin(), new Origin()];
  for (const o of origins) await o.listen();
  t.teardown(async () => {
    await Promise.all(origins.map((o) => o.close()));
    cleanupDir();
  });
  const h = await observe('haproxy', origins);
  // every origin connection of haproxy's run is closed before Halyard's starts
  await until(async () => origins.every((o) => o.open === 0), 'haproxy connections closed');
  const y = await observe('halyard', origins);
  t.same(y, h, 'the same observations, step by step');
  t.comment(h.join('\n'));
});
