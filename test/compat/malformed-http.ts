/**
 * Hand-written hostile and edge-case requests for the end-to-end comparison in
 * desync.test.ts: each is sent, on its own connection, through real haproxy 2.6 and through
 * Halyard (same config, same recording origin), and the client's status lines and the exact
 * bytes the origin received must be the same. haproxy's answer is recorded live by the test,
 * never written here.
 *
 * `stricter`: Halyard's parser deliberately refuses a request haproxy 2.6 forwards (see
 * lib/http1 and test/lib/http1/malformed-cases.ts). For these rows the comparison is replaced
 * by a check that is at least as strong: Halyard answers 400 and nothing reaches the origin.
 */

export interface MalformedHttpCase {
  readonly name: string;
  /** raw client bytes, latin1 */
  readonly request: string;
  readonly stricter?: string;
}

const H = 'Host: a\r\n';
const post = (hdrs: string, body: string, line = 'POST /p HTTP/1.1'): string => `${line}\r\n${H}${hdrs}\r\n${body}`;
const chunked = (body: string): string => post('Transfer-Encoding: chunked\r\n', body);
const get = (hdrs: string, line = 'GET /g HTTP/1.1'): string => `${line}\r\n${H}${hdrs}\r\n`;
const fields = (n: number): string => Array.from({ length: n }, (_, i) => `X-F${i}: v${i}\r\n`).join('');
const SMUGGLED = 'GET /admin HTTP/1.1\r\nHost: a\r\n\r\n';

export const MALFORMED_HTTP: readonly MalformedHttpCase[] = [
  // CL.TE: the front reads Content-Length, a back end would read chunked
  { name: 'CL.TE: short CL, chunked body', request: post('Content-Length: 4\r\nTransfer-Encoding: chunked\r\n', '1\r\nZ\r\n0\r\n\r\n') },
  { name: 'CL.TE: CL 0 with a smuggled request in the chunked body', request: post('Content-Length: 0\r\nTransfer-Encoding: chunked\r\n', `0\r\n\r\n${SMUGGLED}`) },
  { name: 'CL.TE: TE before CL, smuggled prefix after the last chunk', request: post('Transfer-Encoding: chunked\r\nContent-Length: 50\r\n', `0\r\n\r\n${SMUGGLED}`) },
  // TE.CL
  { name: 'TE.CL: chunked body then one stray byte', request: post('Transfer-Encoding: chunked\r\nContent-Length: 6\r\n', '0\r\n\r\nX') },
  { name: 'TE.CL: long CL, short chunked body with a request after it', request: post('Content-Length: 100\r\nTransfer-Encoding: chunked\r\n', `5\r\nhello\r\n0\r\n\r\n${SMUGGLED}`) },
  // TE.TE: obfuscated Transfer-Encoding
  { name: 'TE.TE: space before the colon', request: post('Transfer-Encoding : chunked\r\nContent-Length: 4\r\n', '1\r\nZ\r\n0\r\n\r\n') },
  { name: 'TE.TE: xchunked', request: post('Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n', '1\r\nZ\r\n0\r\n\r\n') },
  { name: 'TE.TE: chunked then identity', request: post('Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n', '0\r\n\r\n') },
  { name: 'TE.TE: identity then chunked on two lines', request: post('Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n') },
  { name: 'TE.TE: gzip, chunked', request: post('Transfer-Encoding: gzip, chunked\r\n', '0\r\n\r\n') },
  { name: 'TE.TE: chunked, gzip (chunked not last)', request: post('Transfer-Encoding: chunked, gzip\r\n', '0\r\n\r\n') },
  { name: 'TE.TE: quoted "chunked"', request: post('Transfer-Encoding: "chunked"\r\n', '0\r\n\r\n') },
  { name: 'TE.TE: upper-case CHUNKED with a CL', request: post('TRANSFER-ENCODING: CHUNKED\r\nContent-Length: 4\r\n', '1\r\nZ\r\n0\r\n\r\n') },
  { name: 'TE.TE: tab before the value', request: post('Transfer-Encoding:\tchunked\r\nContent-Length: 4\r\n', '1\r\nZ\r\n0\r\n\r\n') },
  { name: 'TE.TE: vertical tab before the value', request: post('Transfer-Encoding:\x0bchunked\r\n', '0\r\n\r\n') },
  { name: 'TE.TE: value folded onto the next line', request: post('Transfer-Encoding:\r\n chunked\r\nContent-Length: 4\r\n', '1\r\nZ\r\n0\r\n\r\n') },
  { name: 'TE.TE: header name with a trailing NUL', request: post('Transfer-Encoding\x00: chunked\r\nContent-Length: 4\r\n', '1\r\nZ\r\n0\r\n\r\n') },
  { name: 'TE.TE: Transfer_Encoding (underscore) is another header', request: post('Transfer_Encoding: chunked\r\nContent-Length: 4\r\n', '1\r\nZ\r\n0\r\n\r\n') },
  { name: 'TE on a GET with a chunked body', request: get('Transfer-Encoding: chunked\r\n') + '3\r\nabc\r\n0\r\n\r\n' },
  // Content-Length
  { name: 'CL: identical duplicates', request: post('Content-Length: 3\r\nContent-Length: 3\r\n', 'abc') },
  { name: 'CL: conflicting duplicates', request: post('Content-Length: 3\r\nContent-Length: 5\r\n', 'abcde') },
  { name: 'CL: conflicting list', request: post('Content-Length: 3, 5\r\n', 'abcde') },
  { name: 'CL: plus sign', request: post('Content-Length: +3\r\n', 'abc') },
  { name: 'CL: negative', request: post('Content-Length: -3\r\n', 'abc') },
  { name: 'CL: hexadecimal', request: post('Content-Length: 0x03\r\n', 'abc') },
  { name: 'CL: letters after the digits', request: post('Content-Length: 3abc\r\n', 'abc') },
  {
    name: 'CL: beyond 2^64', request: post('Content-Length: 18446744073709551617\r\n', 'abc'),
    stricter: 'haproxy 2.6.12 wraps a Content-Length above 2^64 (2^64+1 reads as 1: it forwards one byte of body and the header unchanged); Halyard refuses it',
  },
  { name: 'CL: leading zeros', request: post('Content-Length: 0003\r\n', 'abc') },
  { name: 'CL: body shorter than announced, then a pipelined GET inside it', request: post('Content-Length: 30\r\n', SMUGGLED) },
  // chunked bodies
  { name: 'chunk size with a 0x prefix', request: chunked('0x3\r\nabc\r\n0\r\n\r\n') },
  { name: 'chunk size negative', request: chunked('-3\r\nabc\r\n0\r\n\r\n') },
  { name: 'chunk size overflowing 64 bits', request: chunked('1000000000000000000003\r\nabc\r\n0\r\n\r\n') },
  { name: 'chunk size with a leading space', request: chunked(' 3\r\nabc\r\n0\r\n\r\n') },
  { name: 'chunk size missing', request: chunked('\r\nabc\r\n0\r\n\r\n') },
  { name: 'chunk data longer than its size', request: chunked('3\r\nabcd\r\n0\r\n\r\n') },
  { name: 'chunk extensions with and without values', request: chunked('3;a=b\r\nabc\r\n2 ;x\r\nde\r\n0;last\r\n\r\n') },
  { name: 'chunk extension with a bare CR', request: chunked('3;a\rb\r\nabc\r\n0\r\n\r\n') },
  {
    name: 'chunk extension with a control byte', request: chunked('3;a\x01b\r\nabc\r\n0\r\n\r\n'),
    stricter: 'haproxy drops chunk extensions; Halyard relays chunk lines as they are, so it refuses control bytes in them',
  },
  { name: 'chunk lines ending in bare LF', request: chunked('3\nabc\n0\n\n'), stricter: 'haproxy re-encodes chunks; Halyard relays them and refuses bare LF' },
  { name: 'trailer fields after the last chunk', request: chunked('3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n') },
  // line ends, folding, control bytes
  { name: 'bare LF line ends in the head', request: 'GET /lf HTTP/1.1\nHost: a\nX-A: b\n\n' },
  { name: 'bare CR as a line end', request: 'GET /cr HTTP/1.1\rHost: a\r\n\r\n' },
  { name: 'bare CR inside a value', request: get('X-A: b\rc\r\n') },
  { name: 'obs-fold continuation of an ordinary header', request: get('X-A: b\r\n  c\r\n') },
  { name: 'fold right after the request line', request: 'GET /f HTTP/1.1\r\n X-A: b\r\nHost: a\r\n\r\n' },
  { name: 'NUL in a header value', request: get('X-A: b\x00c\r\n'), stricter: 'RFC 9110 §5.5: a recipient may reject NUL in a field value; haproxy 2.6 forwards it' },
  { name: 'control byte in a header value', request: get('X-A: b\x01c\r\n'), stricter: 'control bytes in field values are refused by design' },
  { name: 'NUL in the request line', request: get('', 'GET /a\x00b HTTP/1.1') },
  { name: 'space before the colon of an ordinary header', request: get('X-A : b\r\n') },
  { name: 'header line without a colon', request: get('NoColonHere\r\n') },
  { name: 'empty header name', request: get(': v\r\n') },
  // methods and URIs
  { name: 'method with a forbidden character', request: get('', 'G@T /m HTTP/1.1') },
  { name: 'lower-case method (a token all the same)', request: get('', 'get /m HTTP/1.1') },
  { name: 'unknown extension method', request: get('', 'FROB /m HTTP/1.1') },
  { name: 'space inside the URI', request: get('', 'GET /a b HTTP/1.1') },
  { name: '8-bit byte in the URI', request: get('', 'GET /a\xe9 HTTP/1.1') },
  { name: 'fragment in the URI', request: get('', 'GET /a#frag HTTP/1.1') },
  { name: 'absolute URI', request: 'GET http://a/abs?q=1 HTTP/1.1\r\nHost: a\r\n\r\n' },
  { name: 'asterisk form for OPTIONS', request: get('', 'OPTIONS * HTTP/1.1') },
  { name: 'HTTP/1.0 without Host', request: 'GET /ten HTTP/1.0\r\n\r\n' },
  { name: 'HTTP/1.1 without Host', request: 'GET /nohost HTTP/1.1\r\n\r\n' },
  { name: 'two different Host headers', request: get('Host: b\r\n') },
  { name: 'HTTP/0.9 request line', request: 'GET /\r\n\r\n' },
  { name: 'lower-case protocol name', request: get('', 'GET / http/1.1') },
  // sizes
  { name: '100 header fields', request: get(fields(99)) },
  { name: '101 header fields', request: get(fields(100)) },
  { name: 'a 16 KB header value (head over the buffer)', request: get(`X-Big: ${'a'.repeat(16400)}\r\n`) },
  { name: 'an 8 KB request line', request: get('', `GET /${'u'.repeat(8192)} HTTP/1.1`) },
  // pipelining
  { name: 'three pipelined GETs', request: get('') + get('', 'GET /two HTTP/1.1') + get('', 'GET /three HTTP/1.1') },
  { name: 'POST with CL then GET, pipelined', request: post('Content-Length: 3\r\n', 'abc') + get('') },
  { name: 'chunked POST then GET, pipelined', request: chunked('3\r\nabc\r\n0\r\n\r\n') + get('') },
  { name: 'GET then garbage', request: get('') + 'NOT HTTP\x01\r\n\r\n' },
  { name: 'GET then a partial second head', request: get('') + 'GET /partial HTTP/1.1\r\nHo' },
];
