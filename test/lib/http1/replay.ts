/**
 * Test helper (not a test file): runs raw client bytes through HeadReader +
 * parseRequestHead + BodyFramer the way the engine will, without sockets, and reports
 * what a proxy built on them would do with each message in the stream.
 */
import {
  BodyFramer, HeadReader, NEED_MORE, RequestHead, TOO_LARGE, encodeRequestHead, parseRequestHead,
} from '../../../lib/http1/index.js';

export interface Outcome {
  /** 200 = forwarded to the origin (the origin answers 200), else the proxy's status. */
  status: number;
  error: string | null;
  /** Request line as forwarded (for accepted messages). */
  line: string;
  /** Bytes the origin would receive for this message: re-encoded head + body bytes. */
  forwardedBytes: number;
  /** The head parsed but its body never completed within the payload. */
  bodyIncomplete: boolean;
}

export interface Replay {
  messages: Outcome[];
  /** Bytes left at the end that do not form a complete head (HAProxy waits on them). */
  trailing: number;
}

/** `chunks`: split points, to feed the payload in pieces (default: one piece). */
export function replay(payload: Buffer, splits: readonly number[] = []): Replay {
  const reader = new HeadReader();
  const head = new RequestHead();
  const body = new BodyFramer();
  const messages: Outcome[] = [];
  const pieces: Buffer[] = [];
  let last = 0;
  for (const s of splits) {
    pieces.push(payload.subarray(last, s));
    last = s;
  }
  pieces.push(payload.subarray(last));

  let phase: 'head' | 'body' = 'head';
  let current: Outcome | null = null;
  let closing = false;
  const queue: Buffer[] = pieces;
  while (queue.length > 0) {
    const piece = queue.shift() as Buffer;
    if (piece.length === 0) continue;
    if (phase === 'head') {
      const end = reader.push(piece);
      if (end === NEED_MORE) continue;
      if (end === TOO_LARGE) {
        messages.push(rejected(400, 'head-too-large'));
        return { messages, trailing: 0 };
      }
      const buf = reader.buffer;
      const st = parseRequestHead(buf, reader.start, end, head);
      if (st !== 0) {
        messages.push(rejected(st, head.error));
        return { messages, trailing: 0 };
      }
      const enc = encodeRequestHead(head);
      current = {
        status: 200,
        error: null,
        line: enc.toString('latin1', 0, enc.indexOf('\r\n')),
        forwardedBytes: enc.length,
        bodyIncomplete: !body.begin(head.framing, head.contentLength),
      };
      messages.push(current);
      reader.reset();
      phase = current.bodyIncomplete ? 'body' : 'head';
      // After a CL+TE request HAProxy closes once it has answered: nothing more is read.
      closing = head.closeAfter;
      if (closing && !current.bodyIncomplete) break;
      if (end < buf.length) queue.unshift(buf.subarray(end));
      continue;
    }
    const msg = current as Outcome;
    const n = body.feed(piece, 0, piece.length);
    if (n < 0) {
      msg.status = 400;
      msg.error = body.error;
      msg.bodyIncomplete = false;
      return { messages, trailing: 0 };
    }
    msg.forwardedBytes += n;
    if (body.done) {
      msg.bodyIncomplete = false;
      phase = 'head';
      if (closing) break;
      if (n < piece.length) queue.unshift(piece.subarray(n));
    }
  }
  return { messages, trailing: phase === 'head' ? reader.length : 0 };
}

function rejected(status: number, error: string | null): Outcome {
  return { status, error, line: '', forwardedBytes: 0, bodyIncomplete: false };
}

/**
 * What the client would read, one status per response: 200 per forwarded message, the
 * error status of a refused one, 408 when the stream ends inside a head or a body (the
 * proxy waits for the rest and times out, as haproxy's `timeout http-request` does).
 */
export function clientStatuses(r: Replay): number[] {
  const out = r.messages.filter((m) => !m.bodyIncomplete).map((m) => m.status);
  if (r.trailing > 0 || r.messages.some((m) => m.bodyIncomplete)) out.push(408);
  return out;
}
