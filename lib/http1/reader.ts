/**
 * HeadReader: finds where a message head ends in bytes that arrive in arbitrary pieces.
 *
 *   const r = new HeadReader();
 *   const end = r.push(chunk);         // NEED_MORE, TOO_LARGE, or an offset into r.buffer
 *   if (end >= 0) parseRequestHead(r.buffer, r.start, end, head);
 *   // r.buffer.subarray(end) is the start of the body or of the next message
 *   r.reset();                          // before the next head
 *
 * The head ends at the first empty line, where a line ends in LF or CRLF (HAProxy accepts
 * bare LF). Empty lines before the start line are skipped, as HAProxy and RFC 9112 §2.2
 * allow. Each byte is looked at once whatever the chunking (`indexOf` jumps to the next
 * LF), and pieces are concatenated only when a head spans several of them: a head that
 * arrives in one read is parsed in place, without a copy.
 *
 * A head longer than `maxHead` bytes (HAProxy: 16320, the part of its 16384-byte buffer
 * it lets a head use) is TOO_LARGE: answer 400 (requests) or 502 (responses).
 */
import { CR, LF } from './chars.js';
import { MAX_RAW_HEAD } from './fields.js';

export const NEED_MORE = -1;
export const TOO_LARGE = -2;

const EMPTY = Buffer.alloc(0);

// Scan states: inside a line / just after an LF / after LF then CR / skipping leading
// empty lines / in that skip, after a CR.
const IN_LINE = 0;
const AFTER_LF = 1;
const AFTER_LF_CR = 2;
const SKIP = 3;
const SKIP_CR = 4;

export class HeadReader {
  /** All bytes pushed since reset (valid once push returned an offset). */
  buffer: Buffer = EMPTY;
  /** Offset of the start line in buffer (after skipped empty lines). */
  start = 0;
  private parts: Buffer[] = [];
  private len = 0;
  private state = SKIP;

  constructor(private readonly maxHead: number = MAX_RAW_HEAD) {}

  reset(): void {
    this.buffer = EMPTY;
    this.start = 0;
    this.parts = [];
    this.len = 0;
    this.state = SKIP;
  }

  /** Bytes held so far (pushed since reset). */
  get length(): number {
    return this.len;
  }

  push(chunk: Buffer): number {
    const base = this.len;
    this.parts.push(chunk);
    this.len += chunk.length;
    const end = this.scan(chunk, base);
    if (end >= 0) {
      this.buffer = this.parts.length === 1 ? chunk : Buffer.concat(this.parts, this.len);
      this.parts = [this.buffer];
      return end - this.start > this.maxHead ? TOO_LARGE : end;
    }
    if (this.state !== SKIP && this.state !== SKIP_CR && this.len - this.start >= this.maxHead) return TOO_LARGE;
    return NEED_MORE;
  }

  /** Advances the scan over chunk (which starts at stream offset base). */
  private scan(chunk: Buffer, base: number): number {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      const b = chunk[i] as number;
      switch (this.state) {
        case SKIP:
          if (b === LF) {
            i++;
            this.start = base + i;
          } else if (b === CR) {
            i++;
            this.state = SKIP_CR;
          } else {
            this.state = IN_LINE;
          }
          continue;
        case SKIP_CR:
          if (b === LF) {
            i++;
            this.start = base + i;
            this.state = SKIP;
          } else {
            // A lone CR before the start line: let the parser refuse it.
            this.state = IN_LINE;
          }
          continue;
        case AFTER_LF:
          if (b === LF) return base + i + 1;
          this.state = b === CR ? AFTER_LF_CR : IN_LINE;
          i++;
          continue;
        case AFTER_LF_CR:
          if (b === LF) return base + i + 1;
          this.state = IN_LINE;
          continue;
        default: {
          const lf = chunk.indexOf(LF, i);
          if (lf < 0) return -1;
          i = lf + 1;
          this.state = AFTER_LF;
        }
      }
    }
    return -1;
  }
}
