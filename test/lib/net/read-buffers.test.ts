// Pooled read buffers (lib/net/read-buffers.ts) against real sockets: a buffer handed to a write
// must not be reused while the write is pending, whatever the sizes of the reads around it.
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { BIG, COPY_MIN, Copies, SMALL, copyOf, nextBuffer, release, takeBig, takeSmall } from '../../../lib/net/read-buffers.js';
import { pair } from './pair.js';


t.test('Copies: a copy written to a socket that is not reading is not reused until it has flushed', async (t) => {
  const { writer, reader, close } = await pair();
  t.teardown(close);
  const src = randomBytes(BIG * 4);
  const sent = createHash('sha1');
  const copies = new Copies();
  // write until the kernel stops taking bytes, then 40 more pieces behind them
  let i = 0;
  let behind = 0;
  let wrongLength = 0;
  while (behind < 40) {
    const n = COPY_MIN + ((i * 7919) % (BIG - COPY_MIN));
    const off = (i * 104729) % (src.length - n);
    i++;
    const piece = src.subarray(off, off + n);
    sent.update(piece);
    const c = copies.copy(piece, n, writer);
    if (c.length !== n) wrongLength++;
    writer.write(c);
    copies.settle(writer, false);
    if (writer.writableLength > 0) behind++;
  }
  t.equal(wrongLength, 0, 'every copy is as long as the read');
  writer.end();
  const got = createHash('sha1');
  reader.on('data', (d: Buffer) => got.update(d));
  reader.resume();
  await new Promise<void>((r) => reader.once('end', () => r()));
  t.equal(got.digest('hex'), sent.digest('hex'), `${i} copies, 40 of them behind a pending write: the reader got exactly what was copied`);
});

t.test('Copies: copies pending on one socket stay out of the pool when the next ones go to another', async (t) => {
  // an upload's next request may go to another server connection while the previous one still
  // sends the last body bytes: those copies must not be reused for the new request
  const x = await pair();
  const y = await pair();
  t.teardown(() => { x.close(); y.close(); });
  y.reader.resume();
  const copies = new Copies();
  const a = Buffer.alloc(BIG, 0x41);
  let sent = 0;
  while (x.writer.writableLength === 0) {
    x.writer.write(copies.copy(a, BIG, x.writer));
    copies.settle(x.writer, false);
    sent += BIG;
  }
  const b = Buffer.alloc(BIG, 0x42);
  for (let k = 0; k < 4; k++) {
    y.writer.write(copies.copy(b, BIG, y.writer));
    copies.settle(y.writer, false);
  }
  x.writer.end();
  let got = 0;
  let notA = 0;
  x.reader.on('data', (d: Buffer) => { got += d.length; for (const v of d) if (v !== 0x41) notA++; });
  x.reader.resume();
  await new Promise<void>((r) => x.reader.once('end', () => r()));
  t.equal(got, sent, 'the first socket delivered everything written to it');
  t.equal(notA, 0, 'and none of it was overwritten by the copies made for the second socket');
});

t.test('Copies: a copy the consumer keeps is never reused', async (t) => {
  const { writer, close } = await pair();
  t.teardown(close);
  const copies = new Copies();
  const kept = copies.copy(Buffer.alloc(COPY_MIN, 0x61), COPY_MIN, writer);
  copies.settle(writer, true);
  for (let k = 0; k < 8; k++) {
    copies.copy(Buffer.alloc(BIG, 0x62), BIG, writer);
    copies.settle(writer, false);
  }
  t.ok(kept.every((b) => b === 0x61), 'the kept copy still holds its bytes');
});

t.test('nextBuffer: small until a read fills it, big while reads are large, back when they are small', async (t) => {
  const s = takeSmall();
  t.equal(s.length, SMALL);
  t.equal(nextBuffer(s, 100, false), s, 'a small read keeps the small buffer');
  const b = nextBuffer(s, SMALL, false);
  t.equal(b.length, BIG, 'a read that filled the small buffer moves to a big one');
  t.equal(nextBuffer(b, BIG / 2, false), b, 'large reads keep the big buffer');
  t.equal(nextBuffer(b, 100, false).length, SMALL, 'a small read moves back to a small buffer');
  const held = takeBig();
  const after = nextBuffer(held, BIG, true);
  t.not(after, held, 'a buffer a pending write still reads from is never the next read buffer');
  t.equal(after.length, BIG);
  release(after);
  t.equal(copyOf(Buffer.from('abcdef'), 3).toString(), 'abc', 'copyOf copies the first n bytes');
});
