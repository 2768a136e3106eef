import t from 'tap';
import {
  CONN_CLOSE, CONN_KEEPALIVE, HeadReader, NEED_MORE, RequestHead, TOO_LARGE, encodeRequestHead, parseRequestHead,
} from '../../../lib/http1/index.js';
import { replay } from './replay.js';

const BROWSER =
  'GET /search?q=halyard HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0\r\n' +
  'Accept: text/html\r\nAccept-Encoding: gzip, br\r\nConnection: keep-alive\r\n\r\n';

function parse(text: string): { st: number; head: RequestHead } {
  const reader = new HeadReader();
  const head = new RequestHead();
  const end = reader.push(Buffer.from(text, 'latin1'));
  if (end < 0) throw new Error(`head not complete: ${end}`);
  return { st: parseRequestHead(reader.buffer, reader.start, end, head), head };
}

t.test('a browser GET parses into method, uri, version, headers and no body', async (t) => {
  const { st, head } = parse(BROWSER);
  t.equal(st, 0);
  t.equal(head.method(), 'GET');
  t.equal(head.uri(), '/search?q=halyard');
  t.equal(head.version, 11);
  t.equal(head.count, 5);
  t.equal(head.name(1), 'User-Agent');
  t.equal(head.value(3), 'gzip, br');
  t.equal(head.host(), 'example.com');
  t.equal(head.framing, 'none');
  t.equal(head.connection, CONN_KEEPALIVE);
  t.equal(head.find('accept'), 2);
  t.equal(head.raw().toString('latin1'), BROWSER);
});

t.test('the forwarded head has lowercase names and the HTTP/1.x version, like haproxy', async (t) => {
  const { head } = parse('GET  /x  HTTP/2.0\nHOST: a\nX-Long:   v  \n\n');
  t.equal(encodeRequestHead(head).toString('latin1'), 'GET /x HTTP/1.1\r\nhost: a\r\nx-long: v\r\n\r\n');
});

t.test('HTTP/1.0 and Connection: close are reported', async (t) => {
  const { head } = parse('GET / HTTP/1.0\r\nConnection: close, Foo\r\n\r\n');
  t.equal(head.version, 10);
  t.equal(head.connection, CONN_CLOSE);
});

t.test('Content-Length beside Transfer-Encoding is dropped and the connection closes after', async (t) => {
  const { st, head } = parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n');
  t.equal(st, 0);
  t.equal(head.framing, 'chunked');
  t.equal(head.closeAfter, true);
  t.equal(encodeRequestHead(head).toString('latin1'), 'POST / HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n');
});

t.test('duplicate identical Content-Length lines are forwarded as one', async (t) => {
  const { head } = parse('POST / HTTP/1.1\r\nContent-Length: 3, 3\r\ncontent-length: 3\r\n\r\n');
  t.equal(head.framing, 'length');
  t.equal(head.contentLength, 3);
  t.equal(encodeRequestHead(head).toString('latin1'), 'POST / HTTP/1.1\r\ncontent-length: 3\r\n\r\n');
});

t.test('obs-fold is turned into spaces in place, as haproxy forwards it', async (t) => {
  const { head } = parse('GET / HTTP/1.1\r\nX-A: b\r\n c\r\n\r\n');
  t.equal(head.value(0), 'b   c');
  t.match(head.raw().toString('latin1'), 'X-A: b   c\r\n');
});

t.test('a refused request says why and where', async (t) => {
  const { st, head } = parse('GET / HTTP/1.1\r\nX-A : b\r\n\r\n');
  t.equal(st, 400);
  t.equal(head.error, 'bad-header-name');
  t.equal(head.errorAt, 19);
  t.equal(parse('POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n').st, 422);
});

t.test('the head reader finds the end of a head fed one byte at a time', async (t) => {
  const bytes = Buffer.from('\r\n' + BROWSER + 'NEXT', 'latin1');
  const reader = new HeadReader();
  let end = NEED_MORE;
  let i = 0;
  for (; i < bytes.length && end === NEED_MORE; i++) end = reader.push(bytes.subarray(i, i + 1));
  t.equal(reader.start, 2, 'leading CRLF skipped');
  t.equal(end, 2 + BROWSER.length);
  t.equal(i, end, 'found on the last byte of the head');
  const head = new RequestHead();
  t.equal(parseRequestHead(reader.buffer, reader.start, end, head), 0);
  t.equal(head.uri(), '/search?q=halyard');
});

t.test('the head reader refuses a head past 16320 bytes, as haproxy does', async (t) => {
  const ok = `GET / HTTP/1.1\r\nX:${' '.repeat(16320 - 23)}a\r\n\r\n`;
  t.equal(ok.length, 16320);
  t.equal(new HeadReader().push(Buffer.from(ok)), 16320);
  const reader = new HeadReader();
  t.equal(reader.push(Buffer.from(ok.slice(0, 16000))), NEED_MORE);
  t.equal(reader.push(Buffer.from(' '.repeat(400))), TOO_LARGE);
});

t.test('every split point of a chunked POST gives the same message', async (t) => {
  const req = Buffer.from(
    'POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n',
    'latin1',
  );
  const whole = JSON.stringify(replay(req));
  let bad = -1;
  for (let s = 1; s < req.length && bad < 0; s++) if (JSON.stringify(replay(req, [s])) !== whole) bad = s;
  t.equal(bad, -1, 'no split point differs');
  for (let s = 1; s + 7 < req.length && bad < 0; s += 3) if (JSON.stringify(replay(req, [s, s + 7])) !== whole) bad = s;
  t.equal(bad, -1, 'no pair of split points differs');
  t.same(replay(req).messages.map((m) => m.status), [200]);
});

t.test('two pipelined requests in one buffer are two messages', async (t) => {
  const r = replay(Buffer.from('POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /b HTTP/1.1\r\n\r\n', 'latin1'));
  t.same(r.messages.map((m) => m.line), ['POST /a HTTP/1.1', 'GET /b HTTP/1.1']);
  t.equal(r.trailing, 0);
});

t.test('a head reader can be reused for the pipelined leftover', async (t) => {
  const buf = Buffer.from('GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n');
  const reader = new HeadReader();
  const head = new RequestHead();
  const e1 = reader.push(buf);
  parseRequestHead(reader.buffer, reader.start, e1, head);
  t.equal(head.uri(), '/1');
  const rest = reader.buffer.subarray(e1);
  reader.reset();
  const e2 = reader.push(rest);
  parseRequestHead(reader.buffer, reader.start, e2, head);
  t.equal(head.uri(), '/2');
  t.equal(reader.buffer, rest, 'no copy when the head is in one piece');
});
