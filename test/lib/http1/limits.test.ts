import t from 'tap';
import {
  BodyFramer, DEFAULT_H1_LIMITS, HTX_BUDGET, HeadReader, MAX_RAW_HEAD, RequestHead, ResponseHead, TOO_LARGE,
  h1Limits, parseRequestHead, parseResponseHead, type H1Limits,
} from '../../../lib/http1/index.js';
import { cleanedConnectionLength } from '../../../lib/http1/fields.js';

function parseReq(text: string, lim: H1Limits): { st: number; head: RequestHead } {
  const reader = new HeadReader(lim.maxRawHead);
  const head = new RequestHead(lim);
  const end = reader.push(Buffer.from(text, 'latin1'));
  if (end < 0) return { st: end, head };
  return { st: parseRequestHead(reader.buffer, reader.start, end, head), head };
}

const fields = (n: number): string => Array.from({ length: n }, (_, i) => `x-${i}: v\r\n`).join('');

t.test('the defaults are haproxy 2.6 built-in ones', async (t) => {
  t.same(DEFAULT_H1_LIMITS, { maxRawHead: 16320, htxBudget: 15291, maxFields: 100 });
  t.equal(HTX_BUDGET, 15291);
  t.equal(MAX_RAW_HEAD, 16320);
});

t.test('bufsize is rounded up to 16, maxrewrite lowered to bufsize/2', async (t) => {
  t.same(h1Limits({ 'tune.bufsize': '4096' }), { maxRawHead: 4032, htxBudget: 4096 - 1024 - 69, maxFields: 100 });
  t.equal(h1Limits({ 'tune.bufsize': '1000' }).maxRawHead, 1008 - 64);
  t.equal(h1Limits({ 'tune.maxrewrite': '12000' }).htxBudget, 16384 - 8192 - 69);
  t.equal(h1Limits({ 'tune.maxrewrite': '0' }).htxBudget, 16384 - 69);
  t.equal(h1Limits({ 'tune.bufsize': '32768', 'tune.maxrewrite': '12000' }).htxBudget, 32768 - 12000 - 69);
  t.equal(h1Limits({ 'tune.http.maxhdr': '5' }).maxFields, 4);
});

t.test('a head of the configured field count passes, one more is refused', async (t) => {
  const lim = h1Limits({ 'tune.http.maxhdr': '5' });
  t.equal(parseReq(`GET / HTTP/1.1\r\n${fields(4)}\r\n`, lim).st, 0);
  t.equal(parseReq(`GET / HTTP/1.1\r\n${fields(5)}\r\n`, lim).st, 400);
  t.equal(parseReq(`GET / HTTP/1.1\r\n${fields(4)}Connection: close\r\n\r\n`, lim).st, 0, 'Connection: close takes no slot');
  t.equal(parseReq(`GET / HTTP/1.1\r\n${fields(4)}Connection: upgrade\r\n\r\n`, lim).st, 400, 'Connection: upgrade does');
  // more fields than the default tables hold
  const big = h1Limits({ 'tune.http.maxhdr': '400' });
  t.equal(new RequestHead(big).lines, 128, 'tables start at the default size');
  const r = parseReq(`GET / HTTP/1.1\r\n${fields(399)}\r\n`, big);
  t.equal(r.st, 0);
  t.equal(r.head.lines, 400 - 1 + 28, 'and grow to what the head needs');
  t.equal(r.head.name(0), 'x-0', 'keeping the first lines');
  t.equal(r.head.count, 399);
  t.equal(r.head.value(398), 'v');
  t.equal(parseReq(`GET / HTTP/1.1\r\n${fields(400)}\r\n`, big).st, 400);
});

t.test('the HTX budget follows bufsize and maxrewrite, to the byte', async (t) => {
  const lim = h1Limits({ 'tune.bufsize': '4096' });
  // start line 16 + 3 + 1 + 8, x: 8 + 1 + L
  const req = (l: number): string => `GET / HTTP/1.1\r\nx: ${'a'.repeat(l)}\r\n\r\n`;
  t.equal(parseReq(req(lim.htxBudget - 37), lim).st, 0);
  t.equal(parseReq(req(lim.htxBudget - 36), lim).st, 400);
  t.equal(parseReq(req(lim.htxBudget - 36), lim).head.error, 'head-too-large');
  t.equal(parseReq(req(5000), lim).st, TOO_LARGE, 'raw room');
  t.equal(parseReq(req(20000), h1Limits({ 'tune.bufsize': '32768' })).st, 0);
  const res = new ResponseHead(lim);
  const text = Buffer.from(`HTTP/1.1 200 OK\r\nx: ${'a'.repeat(3500)}\r\ncontent-length: 0\r\n\r\n`, 'latin1');
  t.equal(parseResponseHead(text, 0, text.length, res, 0), 502);
});

t.test('chunked trailers: raw room, HTX room and field count', async (t) => {
  const feed = (lim: H1Limits, trailers: string): [number, string | null] => {
    const b = new BodyFramer(lim);
    b.begin('chunked', -1);
    const body = Buffer.from(`0\r\n${trailers}\r\n`, 'latin1');
    return [b.chunked.feed(body, 0, body.length), b.chunked.error];
  };
  t.same(feed({ maxRawHead: 100, htxBudget: 15291, maxFields: 100 }, `x: ${'t'.repeat(200)}\r\n`), [-1, 'trailers-too-large'], 'raw');
  const lim = h1Limits({ 'tune.bufsize': '4096' });
  // 8 + 1 + value, blanks around the value not counted
  const fit = lim.htxBudget + 12 - 9;
  t.equal(feed(lim, `x:  ${'t'.repeat(fit)}  \r\n`)[0], fit + 13, 'consumed to the end');
  t.same(feed(lim, `x: ${'t'.repeat(fit + 1)}\r\n`), [-1, 'trailers-too-large'], 'HTX room');
  const five = h1Limits({ 'tune.http.maxhdr': '5' });
  t.equal(feed(five, 'a: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\n')[0] > 0, true);
  t.same(feed(five, 'a: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\ne: 5\r\n'), [-1, 'too-many-headers'], 'field count');
});

t.test('a Connection value as haproxy leaves it after taking close and keep-alive out', async (t) => {
  const len = (v: string): number => cleanedConnectionLength(Buffer.from(v, 'latin1'), 0, v.length);
  t.equal(len('close'), -1);
  t.equal(len('Keep-Alive, close'), -1);
  t.equal(len(''), -1);
  t.equal(len('upgrade'), 7);
  t.equal(len('upgrade , foo'), 13, 'untouched until a token is removed');
  t.equal(len('keep-alive, Upgrade'), 7);
  t.equal(len('close, a, b'), 3, 'a,b');
  t.equal(len('a, close, b'), 3, 'a,b');
});
