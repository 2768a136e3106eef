// Writes that go straight to the handle (lib/net/fast-write.ts) against real sockets: the same
// bytes in the same order as sock.write, the same backpressure answer and 'drain', a clean end,
// and net's error on a broken connection.
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { pending, write } from '../../../lib/net/fast-write.js';
import { COPY_MIN, Copies } from '../../../lib/net/read-buffers.js';
import { pair } from './pair.js';


/** everything `s` receives until its end */
function collect(s: Socket): Promise<Buffer> {
  const parts: Buffer[] = [];
  s.on('data', (d: Buffer) => parts.push(d));
  return new Promise((r) => s.once('end', () => r(Buffer.concat(parts))));
}

t.test('a small write on an idle socket arrives and reports no backpressure', async (t) => {
  const { writer, reader, close } = await pair();
  t.teardown(close);
  const got = collect(reader);
  reader.resume();
  t.equal(write(writer, Buffer.from('hello ')), true);
  t.equal(pending(writer), false, 'the kernel took it all');
  t.equal(write(writer, Buffer.from('world')), true);
  writer.end();
  t.equal((await got).toString(), 'hello world');
});

t.test('a reader that does not read: false, pending, then drain; order kept with Writable writes and end()', async (t) => {
  const { writer, reader, close } = await pair();
  t.teardown(close);
  const sent = createHash('sha1');
  // the first write that the kernel cannot take whole goes to libuv's queue
  let first = true;
  let n = 0;
  while (first) {
    const b = randomBytes(256 * 1024);
    sent.update(b);
    first = write(writer, b);
    n++;
  }
  t.ok(n >= 1);
  t.equal(pending(writer), true, 'bytes in flight are seen as pending');
  t.equal(writer.writableLength, 0, 'they are not in the Writable');
  // behind it: a fast write must not overtake (it goes through the Writable, queued after it)
  const behind = randomBytes(100_000);
  sent.update(behind);
  write(writer, behind);
  t.ok(writer.writableLength > 0, 'the next write waited in the Writable');
  const tail = Buffer.from('tail');
  sent.update(tail);
  writer.write(tail);
  const drained = new Promise<void>((r) => writer.once('drain', () => r()));
  const got = collect(reader);
  reader.resume();
  await drained;
  writer.end();
  const all = await got;
  t.equal(createHash('sha1').update(all).digest('hex'), sent.digest('hex'), 'every byte, in order');
});

t.test('Copies see bytes in flight from a direct write as pending: no copy is reused early', async (t) => {
  const { writer, reader, close } = await pair();
  t.teardown(close);
  const src = randomBytes(4 * 65536);
  const sent = createHash('sha1');
  const copies = new Copies();
  let inFlight = 0;
  // until one direct write is left in flight, then 40 pieces behind it
  for (let i = 0, after = 0; after < 40; i++) {
    if (inFlight > 0) after++;
    const n = COPY_MIN + ((i * 7919) % (65536 - COPY_MIN));
    const off = (i * 104729) % (src.length - n);
    const piece = src.subarray(off, off + n);
    sent.update(piece);
    const c = copies.copy(piece, n, writer);
    if (!write(writer, c)) inFlight++;
    copies.settle(writer, false);
  }
  t.ok(inFlight > 0, 'some writes were left in flight');
  const got = collect(reader);
  reader.resume();
  writer.end();
  const all = await got;
  t.equal(createHash('sha1').update(all).digest('hex'), sent.digest('hex'), 'no copy was overwritten while in flight');
});

t.test('a write to a connection the peer reset destroys the socket with net\'s error', async (t) => {
  const { writer, reader, close } = await pair();
  t.teardown(close);
  const closed = new Promise<void>((r) => writer.once('close', () => r()));
  const errors: string[] = [];
  writer.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? ''));
  reader.resetAndDestroy();
  // the RST is seen by a write or by the read side, whichever comes first: writes go on until then
  while (!writer.destroyed) {
    write(writer, Buffer.alloc(1024));
    await new Promise((r) => setImmediate(r));
  }
  await closed;
  t.equal(writer.destroyed, true);
  t.ok(errors.length === 1 && /^(EPIPE|ECONNRESET)$/.test(errors[0] ?? ''), `one error, EPIPE or ECONNRESET (${errors.join()})`);
});
