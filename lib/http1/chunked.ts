/**
 * ChunkedFramer: finds where a chunked body ends, so the bytes can be relayed as they are.
 *
 *   const f = new ChunkedFramer();          // one per connection side, reset() per message
 *   const used = f.feed(buf, start, end);   // bytes of buf[start..end) in this message
 *   if (used < 0) -> f.error says why (answer 400 / 502, close)
 *   if (f.done)   -> buf[start + used ..] belongs to the next message (pipelining)
 *
 * HAProxy does not relay chunks as they are: it decodes them into HTX and re-encodes
 * (extensions and leading zeros dropped, chunks merged, LF normalised to CRLF). We relay
 * the original bytes, so we only accept chunk syntax that no downstream parser can read
 * differently:
 *   chunk-size   1+ hex digits, value < 2^52 (HAProxy's limit: 14 digits of f are 400);
 *                no leading blank; blanks allowed before ';' or the CRLF (HAProxy too)
 *   extension    ';' then visible bytes, SP, HTAB, obs-text up to CRLF (HAProxy accepts any
 *                byte but CR/LF and strips it; we refuse controls since we forward it)
 *   line ends    CRLF only, after the size line, the data and each trailer (HAProxy also
 *                takes a bare LF here, and normalises it; we refuse it: stricter)
 *   trailers     field lines like header lines (token name, ':', no controls), no
 *                obs-fold, at most `maxTrailers` bytes; HAProxy 2.6 forwards trailer
 *                lines without checking the name (it forwarded "X T: 1")
 */
import { COLON, CR, FIELD, FIELD_OK, HT, LF, SEMI, SP, TOKEN } from './chars.js';
import type { H1Error } from './head.js';
import { DEFAULT_H1_LIMITS, type H1Limits } from './limits.js';

const SIZE_START = 0; // first hex digit required
const SIZE = 1; // more hex digits, blanks, ';' or CR
const SIZE_WS = 2; // blanks after the size
const EXT = 3; // extension bytes up to CR
const SIZE_LF = 4; // LF after the size line's CR
const DATA = 5; // `left` data bytes
const DATA_CR = 6;
const DATA_LF = 7;
const TRAILER_START = 8; // start of a trailer line or of the final CRLF
const TRAILER_NAME = 9;
const TRAILER_VALUE = 10;
const TRAILER_LF = 11;
const FINAL_LF = 12;
const DONE = 13;

/** 2^52: HAProxy refuses a chunk size with bits above 52 set. */
const MAX_CHUNK = 4503599627370496;

export class ChunkedFramer {
  done = false;
  error: H1Error | null = null;
  /** Bytes of chunk data seen so far in this message (for counters/logs). */
  dataBytes = 0;
  private state = SIZE_START;
  private size = 0;
  private left = 0;
  private trailerBytes = 0;
  /** trailers as HAProxy stores them (8 + name + trimmed value each) and their count */
  private trailerCost = 0;
  private trailerFields = 0;
  private nameLen = 0;
  private valueLen = 0;
  /** blanks seen after the value's last other byte (trimmed), or -1 before the value starts */
  private blanks = -1;
  private readonly maxTrailers: number;
  private readonly trailerBudget: number;
  private readonly maxFields: number;

  /**
   * Trailers must fit the raw input room (maxRawHead), their HTX copy the room left for a head
   * (htxBudget + 12: HAProxy counts the trailers block like a head less its start line), and
   * their number tune.http.maxhdr - 1.
   */
  constructor(limits: H1Limits = DEFAULT_H1_LIMITS) {
    this.maxTrailers = limits.maxRawHead;
    this.trailerBudget = limits.htxBudget + 12;
    this.maxFields = limits.maxFields;
  }

  reset(): void {
    this.done = false;
    this.error = null;
    this.dataBytes = 0;
    this.state = SIZE_START;
    this.size = 0;
    this.left = 0;
    this.trailerBytes = 0;
    this.trailerCost = 0;
    this.trailerFields = 0;
  }

  /** Consumes message bytes from buf[start..end); returns how many, or -1 on error. */
  feed(buf: Uint8Array, start: number, end: number): number {
    let p = start;
    while (p < end) {
      const b = buf[p] as number;
      switch (this.state) {
        case SIZE_START:
        case SIZE: {
          const h = hexValue(b);
          if (h >= 0) {
            this.size = this.size * 16 + h;
            if (this.size >= MAX_CHUNK) return this.fail('bad-chunk-size');
            this.state = SIZE;
            p++;
            continue;
          }
          if (this.state === SIZE_START) return this.fail('bad-chunk-size');
          if (b === SP || b === HT) this.state = SIZE_WS;
          else if (b === SEMI) this.state = EXT;
          else if (b === CR) this.state = SIZE_LF;
          else return this.fail(b === LF ? 'bad-chunk-crlf' : 'bad-chunk-size');
          p++;
          continue;
        }
        case SIZE_WS:
          if (b === SEMI) this.state = EXT;
          else if (b === CR) this.state = SIZE_LF;
          else if (b !== SP && b !== HT) return this.fail(b === LF ? 'bad-chunk-crlf' : 'bad-chunk-size');
          p++;
          continue;
        case EXT:
          if (b === CR) this.state = SIZE_LF;
          else if (FIELD[b] !== FIELD_OK) return this.fail('bad-chunk-extension');
          p++;
          continue;
        case SIZE_LF:
          if (b !== LF) return this.fail('bad-chunk-crlf');
          p++;
          if (this.size === 0) {
            this.state = TRAILER_START;
          } else {
            this.left = this.size;
            this.state = DATA;
          }
          this.size = 0;
          continue;
        case DATA: {
          const n = Math.min(this.left, end - p);
          this.left -= n;
          this.dataBytes += n;
          p += n;
          if (this.left === 0) this.state = DATA_CR;
          continue;
        }
        case DATA_CR:
          if (b !== CR) return this.fail('bad-chunk-crlf');
          this.state = DATA_LF;
          p++;
          continue;
        case DATA_LF:
          if (b !== LF) return this.fail('bad-chunk-crlf');
          this.state = SIZE_START;
          p++;
          continue;
        case TRAILER_START:
          if (b === CR) {
            this.state = FINAL_LF;
          } else if (TOKEN[b] === 1) {
            this.state = TRAILER_NAME;
            this.nameLen = 1;
            this.valueLen = 0;
            this.blanks = -1;
          } else {
            return this.fail('bad-trailer');
          }
          if (++this.trailerBytes > this.maxTrailers) return this.fail('trailers-too-large');
          p++;
          continue;
        case TRAILER_NAME:
          if (b === COLON) this.state = TRAILER_VALUE;
          else if (TOKEN[b] !== 1) return this.fail('bad-trailer');
          else this.nameLen++;
          if (++this.trailerBytes > this.maxTrailers) return this.fail('trailers-too-large');
          p++;
          continue;
        case TRAILER_VALUE:
          if (b === CR) {
            this.state = TRAILER_LF;
            if (++this.trailerFields > this.maxFields) return this.fail('too-many-headers');
            this.trailerCost += 8 + this.nameLen + this.valueLen - (this.blanks > 0 ? this.blanks : 0);
            if (this.trailerCost > this.trailerBudget) return this.fail('trailers-too-large');
          } else if (FIELD[b] !== FIELD_OK) {
            return this.fail('bad-trailer');
          } else if (b === SP || b === HT) {
            if (this.blanks >= 0) {
              this.blanks++;
              this.valueLen++;
            }
          } else {
            this.blanks = 0;
            this.valueLen++;
          }
          if (++this.trailerBytes > this.maxTrailers) return this.fail('trailers-too-large');
          p++;
          continue;
        case TRAILER_LF:
          if (b !== LF) return this.fail('bad-trailer');
          this.state = TRAILER_START;
          p++;
          continue;
        case FINAL_LF:
          if (b !== LF) return this.fail('bad-chunk-crlf');
          this.state = DONE;
          this.done = true;
          return p + 1 - start;
        default:
          // DONE (caller fed more after done) or a previous error: nothing is ours.
          return this.error === null ? 0 : -1;
      }
    }
    return p - start;
  }

  private fail(why: H1Error): -1 {
    this.error = why;
    this.state = DONE;
    return -1;
  }
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const l = b | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x57;
  return -1;
}
