import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { startProxy, tcpConfig } from './helpers.js';

const MiB = 1 << 20;

/** A server that reads everything, then answers with a reply of `replySize` bytes and ends. */
async function sink(replySize: number, onData?: (chunk: Buffer) => void): Promise<{ port: number; close(): Promise<void>; received: () => number }> {
  let received = 0;
  const s = createServer({ allowHalfOpen: true }, (c) => {
    c.on('data', (d: Buffer) => { received += d.length; onData?.(d); });
    c.on('end', () => {
      const reply = Buffer.alloc(replySize, 0x5a);
      c.end(reply);
    });
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    port: (s.address() as AddressInfo).port,
    received: () => received,
    close: () => new Promise<void>((r) => { s.close(() => r()); }),
  };
}

/**
 * The proxy's client-side socket of the one live session. Sessions register with their server
 * only under `on-marked-down shutdown-sessions`, so configs that use this must set it.
 */
function liveClientSocket(px: Awaited<ReturnType<typeof startProxy>>): Socket | null {
  for (const set of px.rt.pools.get('be')?.live?.values() ?? []) {
    for (const sess of set) return (sess as unknown as { client: Socket }).client;
  }
  return null;
}

t.test('a client that shuts its write side still gets the full reply', async (t) => {
  const up = await sink(3 * MiB + 17);
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port}`]));
  t.teardown(px.close);
  const got = await new Promise<number>((resolve, reject) => {
    const c = createConnection({ port: px.port(), host: '127.0.0.1', allowHalfOpen: true });
    let n = 0;
    c.on('data', (d: Buffer) => { n += d.length; });
    c.on('end', () => { c.end(); resolve(n); });
    c.on('error', reject);
    c.end('request then FIN');
  });
  t.equal(got, 3 * MiB + 17, 'every byte of the reply arrived after the client FIN');
  t.equal(up.received(), 'request then FIN'.length);
  const [rec] = await px.log.count(1);
  t.match(rec, { termState: '--', bytesRead: 3 * MiB + 17, bytesUploaded: 16 });
});

t.test('1 GiB through the proxy arrives byte-exact', async (t) => {
  const total = 1024 * MiB;
  const recvHash = createHash('sha1');
  const up = await sink(0, (d) => recvHash.update(d));
  t.teardown(up.close);
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${up.port}`]));
  t.teardown(px.close);
  // A random 2 MiB source read at shifting offsets: every 1 MiB chunk differs, nothing is allocated per chunk.
  const src = randomBytes(2 * MiB);
  const sendHash = createHash('sha1');
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const c = createConnection({ port: px.port(), host: '127.0.0.1', allowHalfOpen: true });
    let i = 0;
    const pump = (): void => {
      while (i < total / MiB) {
        const off = (i * 7919) % MiB;
        const chunk = src.subarray(off, off + MiB);
        sendHash.update(chunk);
        i++;
        if (!c.write(chunk)) { c.once('drain', pump); return; }
      }
      c.end();
    };
    c.on('connect', pump);
    c.resume();
    c.on('close', () => resolve());
    c.on('error', reject);
  });
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  t.equal(up.received(), total, 'all bytes arrived');
  t.equal(recvHash.digest('hex'), sendHash.digest('hex'), 'sha1 of what was sent = sha1 of what arrived');
  t.comment(`1 GiB through the proxy (client, proxy and server in one process, sha1 on both ends): ${secs.toFixed(1)} s, ${(1024 / secs).toFixed(0)} MiB/s`);
  const [rec] = await px.log.count(1);
  t.equal(rec?.bytesUploaded, total, 'the log counts the bytes');
});

t.test('a slow reader keeps what the proxy buffers bounded', async (t) => {
  const total = 24 * MiB;
  // The server pushes as fast as it can; the client reads 64 KiB per event-loop turn at most.
  // Random bytes, hashed on both ends: the proxy reuses its read buffers, and one reused while a
  // write still pointed into it would show here as different bytes.
  const src = randomBytes(2 * MiB);
  const sendHash = createHash('sha1');
  const recvHash = createHash('sha1');
  const up = createServer({ allowHalfOpen: true }, (c) => {
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        const off = ((sent / MiB) * 7919) % MiB;
        const block = src.subarray(off, off + MiB);
        sendHash.update(block);
        sent += MiB;
        if (!c.write(block)) { c.once('drain', pump); return; }
      }
      c.end();
    };
    c.on('error', () => undefined);
    c.resume();
    pump();
  });
  await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { up.close(() => r()); }));
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${(up.address() as AddressInfo).port} on-marked-down shutdown-sessions`]));
  t.teardown(px.close);
  const proxySide = (): Socket | null => liveClientSocket(px);
  global.gc?.();
  const before = process.memoryUsage();
  let maxBuffered = 0;
  let got = 0;
  await new Promise<void>((resolve, reject) => {
    const c = createConnection({ port: px.port(), host: '127.0.0.1', allowHalfOpen: true });
    c.on('readable', function slow(this: Socket) {
      const d = this.read(Math.min(64 * 1024, this.readableLength)) as Buffer | null;
      if (d === null) return;
      got += d.length;
      recvHash.update(d);
      const ps = proxySide();
      if (ps !== null) maxBuffered = Math.max(maxBuffered, ps.writableLength + ps.readableLength);
      // give the proxy and the server a turn before reading more: a reader slower than the writer
      setImmediate(() => this.emit('readable'));
    });
    c.on('end', () => { c.end(); resolve(); });
    c.on('error', reject);
  });
  const after = process.memoryUsage();
  t.equal(got, total, 'all bytes arrived');
  t.equal(recvHash.digest('hex'), sendHash.digest('hex'), 'sha1 of what the server sent = sha1 of what the client read');
  t.comment(`slow reader: max bytes buffered in the proxy's client socket ${maxBuffered}; RSS ${((after.rss - before.rss) / MiB).toFixed(1)} MiB, heap ${((after.heapUsed - before.heapUsed) / MiB).toFixed(1)} MiB growth over ${total / MiB} MiB relayed`);
  t.ok(maxBuffered > 0, 'the proxy\'s client socket was seen with bytes pending (the reader is slower)');
  t.ok(maxBuffered < 2 * MiB, `the session buffered at most ${maxBuffered} bytes (bound: 2 MiB, far below the ${total / MiB} MiB sent)`);
});

t.test('small reads relayed to a client that is not reading arrive intact', async (t) => {
  // The server sends 4000-byte pieces one event-loop turn apart, so the proxy reads them one by
  // one; the client reads nothing until the server has sent all of them. When the client's
  // receive window fills, the proxy's writes stop completing at once while its reads go on: a
  // read buffer reused under a pending write would change bytes the client gets.
  const piece = 4000;
  const count = 8192;
  const src = randomBytes(piece * 64);
  const sendHash = createHash('sha1');
  const recvHash = createHash('sha1');
  let allSent: () => void = () => undefined;
  const sent = new Promise<void>((r) => { allSent = r; });
  const up = createServer({ allowHalfOpen: true }, (c) => {
    let i = 0;
    const next = (): void => {
      if (i === count) { c.end(); allSent(); return; }
      const off = (i * 997) % (src.length - piece);
      const p = src.subarray(off, off + piece);
      sendHash.update(p);
      i++;
      c.write(p); // the server's own backpressure is ignored: its socket buffers in memory
      setImmediate(next);
    };
    c.on('error', () => undefined);
    c.resume();
    next();
  });
  await new Promise<void>((r) => up.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { up.close(() => r()); }));
  const px = await startProxy(tcpConfig([`server s 127.0.0.1:${(up.address() as AddressInfo).port} on-marked-down shutdown-sessions`]));
  t.teardown(px.close);
  let maxPending = 0;
  const got = await new Promise<number>((resolve, reject) => {
    const c = createConnection({ port: px.port(), host: '127.0.0.1', allowHalfOpen: true });
    let n = 0;
    c.pause();
    c.on('data', (d: Buffer) => { n += d.length; recvHash.update(d); });
    c.on('end', () => { c.end(); resolve(n); });
    c.on('error', reject);
    void sent.then(() => {
      maxPending = liveClientSocket(px)?.writableLength ?? -1;
      c.resume();
    });
  });
  t.equal(got, piece * count, 'all bytes arrived');
  t.ok(maxPending > 0, `the proxy had ${maxPending} bytes pending to the client while it was not reading`);
  t.equal(recvHash.digest('hex'), sendHash.digest('hex'), 'sha1 of what the server sent = sha1 of what the client read');
});
