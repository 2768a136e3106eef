import t from 'tap';
import {
  HeadReader, RESP_TO_CONNECT, RESP_TO_HEAD, RESP_TO_UPGRADE, RequestHead, ResponseHead, encodeResponseHead,
  parseRequestHead, parseResponseHead, responseContext,
} from '../../../lib/http1/index.js';

function res(text: string, ctx = 0): { st: number; head: ResponseHead } {
  const reader = new HeadReader();
  const head = new ResponseHead();
  const end = reader.push(Buffer.from(text, 'latin1'));
  if (end < 0) throw new Error('incomplete');
  return { st: parseResponseHead(reader.buffer, reader.start, end, head, ctx), head };
}

t.test('a response with Content-Length is framed by length', async (t) => {
  const { st, head } = res('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nServer: x\r\n\r\n');
  t.equal(st, 0);
  t.equal(head.status, 200);
  t.equal(head.reason(), 'OK');
  t.equal(head.framing, 'length');
  t.equal(head.contentLength, 3);
  t.equal(encodeResponseHead(head).toString('latin1'), 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\nserver: x\r\n\r\n');
});

t.test('chunked wins over Content-Length and the length line is not forwarded', async (t) => {
  const { head } = res('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n');
  t.equal(head.framing, 'chunked');
  t.equal(encodeResponseHead(head).toString('latin1'), 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n');
});

t.test('a response without length is read until the server closes', async (t) => {
  t.equal(res('HTTP/1.0 200 OK\r\n\r\n').head.framing, 'close');
  t.equal(res('HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\nContent-Length: 3\r\n\r\n').head.framing, 'close');
});

t.test('bodiless responses: HEAD, 204 (length dropped), 304 (length kept)', async (t) => {
  t.equal(res('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n', RESP_TO_HEAD).head.framing, 'none');
  const r204 = res('HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n').head;
  t.equal(r204.framing, 'none');
  t.equal(encodeResponseHead(r204).toString('latin1'), 'HTTP/1.1 204 No Content\r\n\r\n');
  const r304 = res('HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n').head;
  t.equal(r304.framing, 'none');
  t.match(encodeResponseHead(r304).toString('latin1'), 'content-length: 3');
});

t.test('1xx responses are interim, 101 and CONNECT 2xx become tunnels', async (t) => {
  const c = res('HTTP/1.1 100 Continue\r\n\r\n').head;
  t.equal(c.interim, true);
  t.equal(c.framing, 'none');
  t.equal(res('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', RESP_TO_UPGRADE).head.framing, 'tunnel');
  t.equal(res('HTTP/1.1 101 Switching Protocols\r\n\r\n').st, 502, '101 nobody asked for is a 502, as in haproxy');
  t.equal(res('HTTP/1.1 200 OK\r\n\r\n', RESP_TO_CONNECT).head.framing, 'tunnel');
  t.equal(res('HTTP/1.1 407 Auth\r\nContent-Length: 0\r\n\r\n', RESP_TO_CONNECT).head.framing, 'length');
});

t.test('the response context comes from the request head', async (t) => {
  const req = new RequestHead();
  const b = Buffer.from('HEAD / HTTP/1.1\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n');
  t.equal(parseRequestHead(b, 0, b.length, req), 0);
  t.equal(responseContext(req), RESP_TO_HEAD | RESP_TO_UPGRADE);
});

t.test('invalid responses are a 502, as haproxy answers them', async (t) => {
  const cases: Array<[string, string]> = [
    ['HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n', 'bad-content-length'],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', 'bad-transfer-encoding'],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', 'bad-transfer-encoding'],
    ['http/1.1 200 OK\r\n\r\n', 'bad-version'],
    ['HTTP/1.1 20 OK\r\n\r\n', 'bad-status-line'],
    ['HTTP/1.1 200 OK\r\nX-A : b\r\n\r\n', 'bad-header-name'],
    ['HTTP/1.1 200 OK\r\nX-A: a\x00b\r\n\r\n', 'bad-header-value'],
    ['HTTP/1.1 200 OK\rX: y\r\n\r\n', 'bare-cr'],
  ];
  for (const [text, why] of cases) {
    const { st, head } = res(text);
    t.equal(st, 502, JSON.stringify(text));
    t.equal(head.error, why);
  }
});

t.test('a response with no reason phrase or with obs-fold and bare LF still parses', async (t) => {
  const a = res('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n');
  t.equal(a.st, 0);
  t.equal(a.head.reason(), '');
  t.equal(encodeResponseHead(a.head).toString('latin1'), 'HTTP/1.1 200 \r\ncontent-length: 0\r\n\r\n');
  const b = res('HTTP/1.1 200 OK\nX-A: a\n b\nContent-Length: 0\n\n');
  t.equal(b.st, 0);
  t.equal(b.head.value(0), 'a  b');
});
