import t from 'tap';
import { BodyFramer, ChunkedFramer } from '../../../lib/http1/index.js';

const BODY = '5;ext="v"\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n';

t.test('a chunked body ends after the trailers and the final CRLF', async (t) => {
  const f = new ChunkedFramer();
  const buf = Buffer.from(BODY + 'GET / HTTP/1.1\r\n\r\n');
  t.equal(f.feed(buf, 0, buf.length), BODY.length, 'the pipelined request is not ours');
  t.equal(f.done, true);
  t.equal(f.dataBytes, 15);
});

t.test('the framer gives the same answer byte by byte', async (t) => {
  const f = new ChunkedFramer();
  const buf = Buffer.from(BODY + 'X');
  let used = 0;
  for (let i = 0; i < buf.length && !f.done; i++) used += f.feed(buf, i, i + 1);
  t.equal(used, BODY.length);
});

t.test('bad chunk framing is refused with a reason', async (t) => {
  const cases: Array<[string, string]> = [
    ['x\r\n', 'bad-chunk-size'],
    ['\r\n', 'bad-chunk-size'],
    [' 1\r\n', 'bad-chunk-size'],
    ['10000000000000\r\n', 'bad-chunk-size'],
    ['1\nZ\r\n', 'bad-chunk-crlf'],
    ['1\r\nZZ', 'bad-chunk-crlf'],
    ['1\r\nZ\n', 'bad-chunk-crlf'],
    ['1;a\x00\r\n', 'bad-chunk-extension'],
    ['0\r\nBad Trailer\r\n\r\n', 'bad-trailer'],
    ['0\r\n folded\r\n\r\n', 'bad-trailer'],
    ['0\r\nX: a\nY: b\r\n\r\n', 'bad-trailer'],
    ['0\r\n\rX', 'bad-chunk-crlf'],
  ];
  for (const [text, why] of cases) {
    const f = new ChunkedFramer();
    const b = Buffer.from(text, 'latin1');
    t.equal(f.feed(b, 0, b.length), -1, JSON.stringify(text));
    t.equal(f.error, why, JSON.stringify(text));
  }
});

t.test('a 13-digit chunk size is accepted, as haproxy does', async (t) => {
  const f = new ChunkedFramer();
  const b = Buffer.from('fffffffffffff\r\nabc');
  t.equal(f.feed(b, 0, b.length), b.length);
  t.equal(f.done, false);
});

t.test('trailers larger than the limit are refused', async (t) => {
  const f = new ChunkedFramer({ maxRawHead: 16, htxBudget: 15291, maxFields: 100 });
  const b = Buffer.from('0\r\nX-Long: 0123456789abcdef\r\n\r\n');
  t.equal(f.feed(b, 0, b.length), -1);
  t.equal(f.error, 'trailers-too-large');
});

t.test('the body framer counts Content-Length and waits for EOF on close-delimited bodies', async (t) => {
  const b = new BodyFramer();
  const buf = Buffer.from('abcdefGET');
  t.equal(b.begin('length', 6), false);
  t.equal(b.feed(buf, 0, 4), 4);
  t.equal(b.feed(buf, 4, buf.length), 2);
  t.equal(b.done, true);
  t.equal(b.begin('length', 0), true, 'an empty body is done at once');
  t.equal(b.begin('none', -1), true);
  b.begin('close', -1);
  t.equal(b.feed(buf, 0, buf.length), buf.length);
  t.equal(b.done, false);
  t.equal(b.eof(), true);
  b.begin('length', 10);
  t.equal(b.eof(), false, 'EOF inside a length body is a truncated message');
  b.begin('chunked', -1);
  t.equal(b.feed(Buffer.from('zz'), 0, 2), -1);
  t.equal(b.error, 'bad-chunk-size');
});
