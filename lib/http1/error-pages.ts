/**
 * HAProxy 2.6's built-in error responses, byte for byte (reference/haproxy-2.6-behaviour.md
 * §8.6, checked against haproxy 2.6.12 by test/lib/http1/error-pages.test.ts).
 *
 * Two families:
 *   - pages produced through HTX (403, 405, 500, 502, 503, 504, 401, 429...): lowercase
 *     header names, no Connection header; the client connection stays open (keep-alive);
 *   - pages the H1 mux writes raw when a request cannot even be parsed (400, 408, and the
 *     422 for an unsupported transfer-coding): mixed-case names; 400 and 408 carry
 *     `Connection: close` and HAProxy closes the connection after them.
 * A 401 from `http-request auth` / stats auth also carries `www-authenticate`; the engine
 * inserts that line, this table holds the page itself.
 */

function htxPage(status: number, reason: string, text: string): Buffer {
  const body = `<html><body><h1>${status} ${reason}</h1>\n${text}\n</body></html>\n`;
  return Buffer.from(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-length: ${body.length}\r\ncache-control: no-cache\r\n` +
      `content-type: text/html\r\n\r\n${body}`,
    'latin1',
  );
}

export const ERR_400 = Buffer.from(
  'HTTP/1.1 400 Bad request\r\nContent-length: 90\r\nCache-Control: no-cache\r\nConnection: close\r\n' +
    'Content-Type: text/html\r\n\r\n' +
    '<html><body><h1>400 Bad request</h1>\nYour browser sent an invalid request.\n</body></html>\n',
  'latin1',
);

export const ERR_408 = Buffer.from(
  'HTTP/1.1 408 Request Time-out\r\nContent-length: 110\r\nCache-Control: no-cache\r\nConnection: close\r\n' +
    'Content-Type: text/html\r\n\r\n' +
    "<html><body><h1>408 Request Time-out</h1>\nYour browser didn't send a complete request in time.\n</body></html>\n",
  'latin1',
);

/** Observed on 2.6.12 for `Transfer-Encoding: gzip, chunked` in a request (no Connection header). */
export const ERR_422 = Buffer.from(
  'HTTP/1.1 422 Unprocessable Content\r\nContent-length: 116\r\nCache-Control: no-cache\r\n' +
    'Content-Type: text/html\r\n\r\n' +
    '<html><body><h1>422 Unprocessable Content</h1>\nThe server cannot process the contained instructions.\n</body></html>\n',
  'latin1',
);

export const ERR_401 = htxPage(401, 'Unauthorized', 'You need a valid user and password to access this content.');
export const ERR_403 = htxPage(403, 'Forbidden', 'Request forbidden by administrative rules.');
export const ERR_405 = htxPage(
  405,
  'Method Not Allowed',
  'A request was made of a resource using a request method not supported by that resource',
);
export const ERR_429 = htxPage(429, 'Too Many Requests', 'You have sent too many requests in a given amount of time.');
export const ERR_500 = htxPage(500, 'Internal Server Error', 'An internal server error occurred.');
export const ERR_502 = htxPage(502, 'Bad Gateway', 'The server returned an invalid or incomplete response.');
export const ERR_503 = htxPage(503, 'Service Unavailable', 'No server is available to handle this request.');
export const ERR_504 = htxPage(504, 'Gateway Time-out', "The server didn't respond in time.");

/** Built-in page per status, for the engine's error path (errorfile overrides come later). */
/** the 400 the stream (not the mux) sends, e.g. for trailers too large once the head went through */
export const ERR_400_HTX = htxPage(400, 'Bad request', 'Your browser sent an invalid request.');
/** the `monitor-uri` answer (HAProxy's HTTP_ERR_200) */
export const ERR_200 = htxPage(200, 'OK', 'Service ready.');

export const ERROR_PAGES: Readonly<Record<number, Buffer>> = {
  200: ERR_200,
  400: ERR_400,
  401: ERR_401,
  403: ERR_403,
  405: ERR_405,
  408: ERR_408,
  422: ERR_422,
  429: ERR_429,
  500: ERR_500,
  502: ERR_502,
  503: ERR_503,
  504: ERR_504,
};
