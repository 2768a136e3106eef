/**
 * lib/http1: HAProxy-strict HTTP/1.1 message heads and body framing for the L7 engine,
 * which relays bytes instead of going through node:http.
 *
 * Per client connection (the same for the server side with ResponseHead):
 *
 *   reader = new HeadReader(); head = new RequestHead(); body = new BodyFramer();
 *   on data(chunk):
 *     phase 'head':  end = reader.push(chunk)
 *                    NEED_MORE -> wait; TOO_LARGE -> write ERR_400, close
 *                    st = parseRequestHead(reader.buffer, reader.start, end, head)
 *                    st !== 0 -> write ERROR_PAGES[st] (400/422), close
 *                    rules, routing; forward encodeRequestHead(head) (or head.raw())
 *                    body.start(head); continue with reader.buffer.subarray(end)
 *     phase 'body':  n = body.feed(buf, s, e); n < 0 -> 400, close
 *                    forward buf[s..s+n); if body.done: reader.reset(), and the rest
 *                    buf[s+n..e) is pushed as the next head (pipelining)
 *   response side:   parseResponseHead(buf, s, end, resHead, responseContext(head)):
 *                    502 on error; resHead.interim -> forward and read another head;
 *                    framing 'close' ends at server EOF, 'tunnel' relays both ways.
 */
export * from './head.js';
export { HeadReader, NEED_MORE, TOO_LARGE } from './reader.js';
export { parseRequestHead } from './request.js';
export { parseResponseHead, responseContext, RESP_TO_CONNECT, RESP_TO_HEAD, RESP_TO_UPGRADE } from './response.js';
export { BodyFramer } from './body.js';
export { ChunkedFramer } from './chunked.js';
export { encodeRequestHead, encodeResponseHead } from './encode.js';
export { HTX_BUDGET, MAX_RAW_HEAD, parseContentLength } from './fields.js';
export { DEFAULT_H1_LIMITS, h1Limits, type H1Limits } from './limits.js';
export * from './error-pages.js';
