// Bodies through the HTTP engine when the side they go to is not reading. The engine copies large
// reads into pooled buffers and reuses each once the socket it was written to has flushed; one
// reused too early would change bytes under a pending write. The bytes are random and hashed at
// both ends; they come in 5000-byte pieces, one event-loop turn apart, so that the engine reads
// them one by one and goes on reading while earlier ones are still pending.
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { freePort, rawOrigin, startProxy } from './helpers.js';

const PIECE = 5000;
const COUNT = 2400; // 12 MB
const src = randomBytes(PIECE * 64);
const piece = (i: number): Buffer => {
  const off = (i * 997) % (src.length - PIECE);
  return src.subarray(off, off + PIECE);
};

/** Writes COUNT pieces to `s`, one per turn, ignoring backpressure (the writer buffers them). */
function trickle(s: Socket, hash: ReturnType<typeof createHash>, done: () => void): void {
  let i = 0;
  const next = (): void => {
    if (i === COUNT) { done(); return; }
    const p = piece(i++);
    hash.update(p);
    s.write(p);
    setImmediate(next);
  };
  next();
}

/**
 * Reads one message from `s`: the head is skipped, the body hashed; `onBody` gets the body
 * length so far after each read.
 */
function readBody(s: Socket, hash: ReturnType<typeof createHash>, onBody: (n: number) => void): void {
  let head = '';
  let n = 0;
  s.on('data', (d: Buffer) => {
    let b = d;
    if (!head.endsWith('\r\n\r\n')) {
      const all = head + d.toString('latin1');
      const i = all.indexOf('\r\n\r\n');
      if (i < 0) { head = all; return; }
      head = all.slice(0, i + 4);
      b = d.subarray(d.length - (all.length - head.length));
    }
    n += b.length;
    hash.update(b);
    onBody(n);
  });
}

const config = (port: number, origin: number): string => `
defaults
    mode http
    timeout connect 2s
    timeout client 20s
    timeout server 20s
frontend fe
    bind 127.0.0.1:${port}
    default_backend be
backend be
    server s1 127.0.0.1:${origin}
`;

t.test('a large response to a client that is not reading arrives intact', async (t) => {
  const sent = createHash('sha1');
  let allSent: () => void = () => undefined;
  const originDone = new Promise<void>((r) => { allSent = r; });
  const o = await rawOrigin((s) => {
    s.once('data', () => {
      s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${PIECE * COUNT}\r\n\r\n`);
      trickle(s, sent, allSent);
    });
  });
  t.teardown(o.close);
  const port = await freePort();
  const px = await startProxy('halyard', config(port, o.port), port);
  t.teardown(px.stop);
  const got = createHash('sha1');
  const body = await new Promise<number>((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    readBody(c, got, (n) => { if (n === PIECE * COUNT) { c.end(); resolve(n); } });
    c.on('error', reject);
    c.write('GET /big HTTP/1.1\r\nhost: t\r\n\r\n');
    // read nothing until the origin has sent everything: the engine's writes to us back up
    c.pause();
    void originDone.then(() => c.resume());
  });
  t.equal(body, PIECE * COUNT, 'the whole body arrived');
  t.equal(got.digest('hex'), sent.digest('hex'), 'sha1 of what the origin sent = sha1 of what the client read');
});

t.test('a large request body to a server that is not reading arrives intact', async (t) => {
  const got = createHash('sha1');
  let clientDone: () => void = () => undefined;
  const allSent = new Promise<void>((r) => { clientDone = r; });
  let received = 0;
  const o = await rawOrigin((s) => {
    // read nothing until the client has sent everything: the engine's writes to us back up
    s.pause();
    void allSent.then(() => {
      readBody(s, got, (n) => {
        received = n;
        if (n === PIECE * COUNT) s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      });
      s.resume();
    });
  });
  t.teardown(o.close);
  const port = await freePort();
  const px = await startProxy('halyard', config(port, o.port), port);
  t.teardown(px.stop);
  const sent = createHash('sha1');
  const reply = await new Promise<string>((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    let out = '';
    c.on('data', (d: Buffer) => { out += d.toString('latin1'); if (out.endsWith('ok')) { c.end(); resolve(out); } });
    c.on('error', reject);
    c.write(`POST /up HTTP/1.1\r\nhost: t\r\ncontent-length: ${PIECE * COUNT}\r\n\r\n`);
    trickle(c, sent, clientDone);
  });
  t.match(reply, /^HTTP\/1\.1 200 OK\r\n/, 'the server answered');
  t.equal(received, PIECE * COUNT, 'the whole body arrived');
  t.equal(got.digest('hex'), sent.digest('hex'), 'sha1 of what the client sent = sha1 of what the server read');
});
