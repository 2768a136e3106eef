// `send-proxy` / `send-proxy-v2` on servers of an HTTP backend, beside haproxy 2.6: each server
// connection starts with the client's PROXY header, once, and is reused only by that client.
import t from 'tap';
import net, { type AddressInfo } from 'node:net';
import { skipNoHaproxy } from '../helpers/shared.js';
import { cleanupDir, freePort, haveHalyardBuild, KeepAliveClient, startProxy, type ProxyKind } from './http-lab.js';

const skip = skipNoHaproxy() || haveHalyardBuild();

/** An origin that records every connection's bytes and answers each request head with 200. */
async function origin(): Promise<{ port: number; conns: string[]; close(): void }> {
  const conns: string[] = [];
  const srv = net.createServer((s) => {
    const i = conns.push('') - 1;
    let pending = '';
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      conns[i] += d.toString('latin1');
      pending += d.toString('latin1');
      for (let k = pending.indexOf('\r\n\r\n'); k >= 0; k = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(k + 4);
        s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as AddressInfo).port, conns, close: () => srv.close() };
}

async function observe(kind: ProxyKind): Promise<string[]> {
  const o = await origin();
  const fe = await freePort();
  const cfg = ['defaults', '    mode http', '    timeout connect 1s', '    timeout client 5s', '    timeout server 5s',
    'frontend fe', `    bind 127.0.0.1:${fe}`, '    use_backend b2 if { path_beg /v2 }', '    default_backend b1',
    'backend b1', `    server o 127.0.0.1:${o.port} send-proxy`,
    'backend b2', `    server o 127.0.0.1:${o.port} send-proxy-v2`, ''].join('\n');
  const proc = await startProxy(kind, cfg, fe);
  const ports: number[] = [];
  try {
    const get = (p: string): string => `GET ${p} HTTP/1.1\r\nhost: x\r\n\r\n`;
    // one client: two requests on its connection; then a second client; then v2
    const a = await KeepAliveClient.open(fe);
    ports.push((a as unknown as { sock: net.Socket }).sock.localPort ?? 0);
    await a.request(get('/a1'));
    await a.request(get('/a2'));
    const b = await KeepAliveClient.open(fe);
    ports.push((b as unknown as { sock: net.Socket }).sock.localPort ?? 0);
    await b.request(get('/b1'));
    await a.request(get('/a3'));
    const c = await KeepAliveClient.open(fe);
    ports.push((c as unknown as { sock: net.Socket }).sock.localPort ?? 0);
    await c.request(get('/v2/c1'));
    for (const x of [a, b, c]) x.close();
  } finally {
    await proc.stop();
    o.close();
  }
  // the clients' ports differ between runs: name them
  return o.conns.map((text) => {
    let out = text;
    ports.forEach((p, i) => { out = out.split(` ${p} ${fe}\r\n`).join(` <client${i}> <fe>\r\n`); });
    const v2 = out.indexOf('\r\n\r\n\0\r\nQUIT\n');
    if (v2 === 0) {
      const b = Buffer.from(out, 'latin1');
      const sport = b.readUInt16BE(24);
      const dport = b.readUInt16BE(26);
      const who = ports.indexOf(sport);
      out = `[v2 ${b.subarray(12, 24).toString('hex')} client${who} ${dport === fe ? 'fe' : dport}]` + out.slice(28);
    }
    return out;
  });
}

t.test('send-proxy on HTTP servers: the client PROXY header leads each server connection, as haproxy 2.6', { skip }, async (t) => {
  t.teardown(() => cleanupDir());
  const h = await observe('haproxy');
  const y = await observe('halyard');
  t.same(y, h, 'the same server connections, byte for byte (client ports named)');
  t.ok(h.some((c) => c.startsWith('PROXY TCP4 127.0.0.1 127.0.0.1 <client0> <fe>\r\n')), 'haproxy sends the header');
  t.comment(JSON.stringify(h, null, 1));
});
