/**
 * Hand-written hostile and edge-case requests, with the statuses a client sees:
 * one entry per response, 200 = forwarded to the origin (which answers 200), 408 = the
 * proxy timed out an incomplete next request. `ours` is what Halyard's parser + framer
 * decide (head.test / malformed.test replay it); `haproxy` is what haproxy 2.6.12 did,
 * recorded with the real binary in front of a raw echo origin (malformed-haproxy.test.ts
 * replays every row against it when haproxy is on PATH). Where they differ we are
 * stricter, never looser, and `note` says why. A later test/compat suite can replay this
 * table through both proxies.
 */

export interface MalformedCase {
  name: string;
  /** Raw client bytes, latin1. */
  request: string;
  ours: number[];
  /** haproxy 2.6.12's statuses when they differ from ours. */
  haproxy?: number[];
  /** Another outcome haproxy produced on some runs (a race inside haproxy). */
  haproxyAlso?: number[];
  note?: string;
}

/** All rows below were checked against haproxy 2.6.12-1+deb12u4 (Debian 12) on 127.0.0.1. */
export const VERIFIED_ON = 'HAProxy 2.6.12-1+deb12u4';

const H = 'Host: a\r\n';
const post = (hdrs: string, body: string, line = 'POST / HTTP/1.1'): string => `${line}\r\n${H}${hdrs}\r\n${body}`;
const chunked = (body: string): string => post('Transfer-Encoding: chunked\r\n', body);
const get = (hdrs: string, line = 'GET / HTTP/1.1'): string => `${line}\r\n${H}${hdrs}\r\n`;
const many = (n: number): string => Array.from({ length: n }, (_, i) => `X-${i}: v\r\n`).join('');

export const MALFORMED_CASES: readonly MalformedCase[] = [
  // CL.TE / TE.CL: Transfer-Encoding wins, Content-Length is removed before forwarding.
  { name: 'CL.TE: chunked body with a short Content-Length', request: post('Content-Length: 4\r\nTransfer-Encoding: chunked\r\n', '1\r\nZ\r\n0\r\n\r\n'), ours: [200] },
  { name: 'TE.CL: chunked body followed by one stray byte', request: post('Transfer-Encoding: chunked\r\nContent-Length: 6\r\n', '0\r\n\r\nX'), ours: [200], note: 'CL+TE: answered with connection: close, the stray byte is never read' },
  { name: 'TE.CL: a smuggled request after the last chunk is a second request', request: post('Transfer-Encoding: chunked\r\nContent-Length: 40\r\n', '0\r\n\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n'), ours: [200], note: 'CL+TE: haproxy answers the first with connection: close and closes; the rest is dropped' },
  { name: 'chunked body then a pipelined request without Content-Length', request: post('Transfer-Encoding: chunked\r\n', '0\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n'), ours: [200, 200] },
  { name: 'TE.TE: space before the colon', request: post('Content-Length: 4\r\nTransfer-Encoding : chunked\r\n', '1\r\nZ\r\n0\r\n\r\n'), ours: [400] },
  { name: 'TE.TE: xchunked', request: post('Transfer-Encoding: xchunked\r\n', '0\r\n\r\n'), ours: [400] },
  { name: 'TE.TE: chunked not last', request: post('Transfer-Encoding: chunked, gzip\r\n', '0\r\n\r\n'), ours: [400] },
  { name: 'TE.TE: gzip then chunked is 422', request: post('Transfer-Encoding: gzip, chunked\r\n', '0\r\n\r\n'), ours: [422] },
  { name: 'TE.TE: identity', request: post('Transfer-Encoding: identity\r\nContent-Length: 1\r\n', 'x'), ours: [400] },
  { name: 'TE.TE: empty value', request: post('Transfer-Encoding: \r\nContent-Length: 1\r\n', 'x'), ours: [400] },
  { name: 'TE.TE: two Transfer-Encoding lines', request: post('Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'), ours: [400] },
  { name: 'TE.TE: chunked listed twice', request: post('Transfer-Encoding: chunked, chunked\r\n', '0\r\n\r\n'), ours: [400] },
  { name: 'TE.TE: quoted "chunked"', request: post('Transfer-Encoding: "chunked"\r\n', '0\r\n\r\n'), ours: [400] },
  { name: 'TE.TE: upper case name and value still mean chunked', request: post('TRANSFER-ENCODING: CHUNKED\r\nContent-Length: 4\r\n', '1\r\nZ\r\n0\r\n\r\n'), ours: [200] },
  { name: 'TE.TE: tab before the value', request: post('Transfer-Encoding:\tchunked\r\nContent-Length: 4\r\n', '1\r\nZ\r\n0\r\n\r\n'), ours: [200] },
  { name: 'TE.TE: vertical tab before chunked', request: post('Transfer-Encoding:\x0bchunked\r\n', '0\r\n\r\n'), ours: [400] },
  { name: 'TE.TE: obs-folded value is unfolded and means chunked', request: post('Transfer-Encoding:\r\n chunked\r\nContent-Length: 4\r\n', '1\r\nZ\r\n0\r\n\r\n'), ours: [200] },
  { name: 'TE.TE: folded line right after the request line', request: 'POST / HTTP/1.1\r\n Transfer-Encoding: chunked\r\nHost: a\r\nContent-Length: 4\r\n\r\n1\r\nZ\r\n0\r\n\r\n', ours: [400] },
  { name: 'TE.TE: underscore name is an ordinary header, CL frames', request: post('Transfer_Encoding: chunked\r\nContent-Length: 4\r\n', '1\r\nZ\r\n0\r\n\r\n'), ours: [200, 400] },
  { name: 'chunked in an HTTP/1.0 request is accepted', request: post('Transfer-Encoding: chunked\r\n', '3\r\nabc\r\n0\r\n\r\n', 'POST / HTTP/1.0'), ours: [200] },
  // Content-Length.
  { name: 'CL: identical duplicates are merged', request: post('Content-Length: 3\r\nContent-Length: 3\r\n', 'abc'), ours: [200] },
  { name: 'CL: different duplicates', request: post('Content-Length: 3\r\nContent-Length: 4\r\n', 'abcd'), ours: [400] },
  { name: 'CL: identical list', request: post('Content-Length: 3, 3\r\n', 'abc'), ours: [200] },
  { name: 'CL: different list', request: post('Content-Length: 3, 4\r\n', 'abcd'), ours: [400] },
  { name: 'CL: plus sign', request: post('Content-Length: +3\r\n', 'abc'), ours: [400] },
  { name: 'CL: negative', request: post('Content-Length: -1\r\n', ''), ours: [400] },
  { name: 'CL: hex', request: post('Content-Length: 0x3\r\n', 'abc'), ours: [400] },
  { name: 'CL: empty', request: post('Content-Length: \r\n', ''), ours: [400] },
  { name: 'CL: trailing comma', request: post('Content-Length: 3,\r\n', 'abc'), ours: [400] },
  { name: 'CL: comma then blank', request: post('Content-Length: 3, \r\n', 'abc'), ours: [400] },
  { name: 'CL: empty list element', request: post('Content-Length: 3,,3\r\n', 'abc'), ours: [400] },
  { name: 'CL: leading comma', request: post('Content-Length: ,3\r\n', 'abc'), ours: [400] },
  { name: 'CL: two numbers without comma', request: post('Content-Length: 3 3\r\n', 'abc'), ours: [400] },
  { name: 'CL: beyond 2^64', request: post('Content-Length: 99999999999999999999\r\n', ''), ours: [400] },
  { name: 'CL: leading zeros', request: post('Content-Length: 003\r\n', 'abc'), ours: [200] },
  // Chunked bodies.
  { name: 'chunk extensions are accepted', request: chunked('3;name=val\r\nabc\r\n2 ; e\r\nde\r\n0\r\n\r\n'), ours: [200] },
  { name: 'chunk size 0x prefix', request: chunked('0x3\r\nabc\r\n0\r\n\r\n'), ours: [400] },
  { name: 'chunk size negative', request: chunked('-3\r\nabc\r\n0\r\n\r\n'), ours: [400] },
  { name: 'chunk size of 14 hex digits overflows', request: chunked('10000000000000\r\nabc\r\n0\r\n\r\n'), ours: [400] },
  { name: 'chunk size after a space', request: chunked(' 3\r\nabc\r\n0\r\n\r\n'), ours: [400] },
  { name: 'chunk size missing', request: chunked('\r\nabc\r\n0\r\n\r\n'), ours: [400] },
  { name: 'chunk data longer than its size', request: chunked('3\r\nabcX\r\n0\r\n\r\n'), ours: [400] },
  { name: 'chunk extension with a bare CR', request: chunked('3;a\rb\r\nabc\r\n0\r\n\r\n'), ours: [400] },
  { name: 'chunk lines ending in bare LF', request: chunked('3\nabc\n0\n\n'), ours: [400], haproxy: [200], note: 'haproxy re-encodes chunks, so it can accept LF; we forward the bytes as they are' },
  { name: 'chunk extension with a control byte', request: chunked('3;a\x01b\r\nabc\r\n0\r\n\r\n'), ours: [400], haproxy: [200], note: 'haproxy strips extensions; we forward them, so only visible bytes' },
  { name: 'trailer fields after the last chunk', request: chunked('3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n'), ours: [200] },
  { name: 'trailer with an invalid field name', request: chunked('3\r\nabc\r\n0\r\nX T: 1\r\n\r\n'), ours: [400], haproxyAlso: [200], note: 'haproxy forwards the trailers, then its 400 races the origin 200' },
  // Request line.
  { name: 'method with a forbidden character', request: get('', 'G(T / HTTP/1.1'), ours: [400] },
  { name: 'lower-case method is just another token', request: get('', 'get / HTTP/1.1'), ours: [200] },
  { name: 'control byte in the URI', request: get('', 'GET /a\x01b HTTP/1.1'), ours: [400] },
  { name: '8-bit byte in the URI', request: get('', 'GET /a\xffb HTTP/1.1'), ours: [400] },
  { name: 'space inside the URI', request: get('', 'GET /a b HTTP/1.1'), ours: [400] },
  { name: 'lower-case version', request: get('', 'GET / http/1.1'), ours: [400] },
  { name: 'HTTP/2.0 on an HTTP/1 connection is treated as 1.1', request: get('', 'GET / HTTP/2.0'), ours: [200] },
  { name: 'HTTP/0.9 request line', request: 'GET /\r\n\r\n', ours: [400] },
  { name: 'space after the version', request: get('', 'GET / HTTP/1.1 '), ours: [400] },
  { name: 'tabs and double spaces between request-line parts', request: get('', 'GET\t/  HTTP/1.1'), ours: [200] },
  { name: 'empty lines before the request line are skipped', request: '\r\n\r\n' + get(''), ours: [200] },
  // Header lines.
  { name: 'space before the colon', request: get('X-A : b\r\n'), ours: [400] },
  { name: 'empty header name', request: get(': x\r\n'), ours: [400] },
  { name: 'forbidden byte in a header name', request: get('X(A: b\r\n'), ours: [400] },
  { name: 'header line without a colon', request: get('Bad Header\r\n'), ours: [400] },
  { name: 'NUL in a header value', request: get('X-A: b\x00c\r\n'), ours: [400], haproxy: [200], note: 'RFC 9110 §5.5 allows rejecting NUL; haproxy 2.6.12 forwards it' },
  { name: 'control byte in a header value', request: get('X-A: b\x01c\r\n'), ours: [400], haproxy: [200], note: 'controls in values are refused on purpose' },
  { name: 'DEL in a header value', request: get('X-A: b\x7fc\r\n'), ours: [400], haproxy: [200], note: 'as above' },
  { name: 'bare CR inside a header value', request: get('X-A: b\rc\r\n'), ours: [400] },
  { name: 'bare CR as a line end', request: 'GET / HTTP/1.1\rHost: a\r\n\r\n', ours: [400] },
  { name: 'bare LF line ends are accepted', request: 'GET / HTTP/1.1\nHost: a\nX-A: b\n\n', ours: [200] },
  { name: 'obs-fold in a request is unfolded', request: get('X-A: b\r\n c\r\n'), ours: [200] },
  { name: 'identical Host headers', request: get('Host: a\r\n'), ours: [200] },
  { name: 'different Host headers', request: get('Host: b\r\n'), ours: [400] },
  { name: 'Host differs from the absolute URI authority', request: 'GET http://b/ HTTP/1.1\r\nHost: a\r\n\r\n', ours: [400] },
  { name: 'Host equals the absolute URI authority', request: 'GET http://a/x HTTP/1.1\r\nHost: A\r\n\r\n', ours: [200] },
  { name: 'WebSocket upgrade without Sec-WebSocket-Key', request: get('Connection: Upgrade\r\nUpgrade: websocket\r\n'), ours: [400] },
  { name: 'WebSocket upgrade with a key that is not 24 bytes', request: get('Connection: Upgrade\r\nUpgrade: WebSocket\r\nSec-WebSocket-Key: abc\r\n'), ours: [400] },
  { name: 'WebSocket upgrade with a valid key', request: get('Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'), ours: [200] },
  { name: 'Upgrade: websocket without Connection: upgrade is no upgrade', request: get('Upgrade: websocket\r\n'), ours: [200] },
  { name: 'incomplete request after a complete one times out with 408', request: get('') + 'GET /3', ours: [200, 408] },
  { name: '100 header fields are accepted', request: `GET / HTTP/1.1\r\n${many(100)}\r\n`, ours: [200] },
  { name: '101 header fields are too many', request: `GET / HTTP/1.1\r\n${many(101)}\r\n`, ours: [400] },
  { name: 'head over the 16320-byte input limit', request: `GET / HTTP/1.1\r\nX:${' '.repeat(16300)}a\r\n\r\n`, ours: [400] },
  { name: 'head that fits the buffer but not the HTX budget', request: get(`X: ${'a'.repeat(15250)}\r\n`), ours: [400] },
  { name: 'head just under the HTX budget', request: get(`X: ${'a'.repeat(15240)}\r\n`), ours: [200] },
  // Pipelining.
  { name: 'two pipelined GETs', request: get('') + get(''), ours: [200, 200] },
  { name: 'POST with Content-Length then GET, pipelined', request: post('Content-Length: 3\r\n', 'abc') + get(''), ours: [200, 200] },
  { name: 'chunked POST then GET, pipelined', request: chunked('3\r\nabc\r\n0\r\n\r\n') + get(''), ours: [200, 200] },
  { name: 'valid request then garbage', request: get('') + 'BAD\x01\r\n\r\n', ours: [200, 400] },
];
