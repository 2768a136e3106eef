/**
 * BodyFramer: one object per connection side that tells which bytes belong to the current
 * message body, whatever its framing. The engine forwards exactly those bytes and keeps the
 * rest (a pipelined request, or bytes a server sent too early) for the next head.
 *
 *   framer.start(head);                       // after a successful head parse
 *   const n = framer.feed(buf, start, end);   // -1: framing error (framer.error)
 *   forward buf[start..start+n); if framer.done, buf[start+n..end) is the next message
 *   framer.eof()                              // at read EOF: true if that ends the body
 *
 * 'none' is done at once; 'length' counts down contentLength; 'chunked' runs a
 * ChunkedFramer; 'close' and 'tunnel' take every byte and end only at EOF.
 */
import { ChunkedFramer } from './chunked.js';
import type { Framing, H1Error, MessageHead } from './head.js';
import type { H1Limits } from './limits.js';

export class BodyFramer {
  framing: Framing = 'none';
  done = true;
  error: H1Error | null = null;
  /** Body bytes still expected for 'length'. */
  left = 0;
  readonly chunked: ChunkedFramer;

  /** the limits bound chunked trailers (see ChunkedFramer) */
  constructor(limits?: H1Limits) {
    this.chunked = new ChunkedFramer(limits);
  }

  start(head: MessageHead): boolean {
    return this.begin(head.framing, head.contentLength);
  }

  /** Returns `done`: true when the message has no body bytes to wait for. */
  begin(framing: Framing, contentLength: number): boolean {
    this.framing = framing;
    this.error = null;
    this.left = framing === 'length' ? contentLength : 0;
    this.done = framing === 'none' || (framing === 'length' && contentLength === 0);
    if (framing === 'chunked') this.chunked.reset();
    return this.done;
  }

  feed(buf: Uint8Array, start: number, end: number): number {
    if (this.done) return 0;
    switch (this.framing) {
      case 'length': {
        const n = Math.min(this.left, end - start);
        this.left -= n;
        if (this.left === 0) this.done = true;
        return n;
      }
      case 'chunked': {
        const n = this.chunked.feed(buf, start, end);
        if (n < 0) this.error = this.chunked.error;
        else if (this.chunked.done) this.done = true;
        return n;
      }
      case 'close':
      case 'tunnel':
        return end - start;
      case 'none':
        return 0;
      default: {
        const never: never = this.framing;
        return never;
      }
    }
  }

  /** The peer closed: true when that is a clean end of this body. */
  eof(): boolean {
    if (this.framing === 'close' || this.framing === 'tunnel') this.done = true;
    return this.done;
  }
}
