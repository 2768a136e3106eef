/**
 * The parsed form of an HTTP/1 message head, kept as offsets into the bytes it came from.
 *
 * One `RequestHead` / `ResponseHead` is allocated per connection and refilled by each parse
 * (undici's one-Parser-per-socket habit): the header table is a pair of typed arrays, and
 * strings are only made when the engine asks for them (`name(i)`, `value(i)`, `uri()`...).
 *
 * Fields every head has:
 *   buf, start, end   the head is buf[start..end), end just past the empty line
 *   version           10 or 11 (HAProxy treats any HTTP/x.y above 1.0 as 1.1)
 *   count             number of header lines; line i spans the four offsets
 *                     hdr[4i..4i+3] = name start, name end, value start, value end
 *                     (value trimmed of SP/HTAB; obs-folds already replaced by SP in buf)
 *   kind[i]           HDR_* code for the headers the framing logic cares about
 *   drop[i]           1 when HAProxy would not forward that line: a repeated identical
 *                     Content-Length or Host, or every Content-Length when Transfer-Encoding
 *                     is present. `encode*Head` skips them; the engine must too.
 *   framing           'none' | 'length' | 'chunked' | 'close' | 'tunnel' (responses only
 *                     for the last two), contentLength when 'length'
 *   connection        CONN_* bit set from the Connection header tokens
 *   error, errorAt    why and where a parse failed (the verdict carries the status)
 */

import { DEFAULT_H1_LIMITS, type H1Limits } from './limits.js';

export type Framing = 'none' | 'length' | 'chunked' | 'close' | 'tunnel';

/** Why a head or body was refused; stable codes for logs and tests. */
export type H1Error =
  | 'bad-request-line'
  | 'bad-method'
  | 'bad-uri'
  | 'bad-version'
  | 'bad-status-line'
  | 'bad-header-name'
  | 'bad-header-value'
  | 'bare-cr'
  | 'bad-content-length'
  | 'bad-transfer-encoding'
  | 'unsupported-coding'
  | 'host-mismatch'
  | 'websocket-key'
  | 'unexpected-101'
  | 'too-many-headers'
  | 'head-too-large'
  | 'bad-chunk-size'
  | 'bad-chunk-extension'
  | 'bad-chunk-crlf'
  | 'bad-trailer'
  | 'trailers-too-large';

export const CONN_CLOSE = 1;
export const CONN_KEEPALIVE = 2;
export const CONN_UPGRADE = 4;

export const HDR_OTHER = 0;
export const HDR_HOST = 1;
export const HDR_CONTENT_LENGTH = 2;
export const HDR_TRANSFER_ENCODING = 3;
export const HDR_CONNECTION = 4;
export const HDR_UPGRADE = 5;
export const HDR_WS_KEY = 6;

/** HAProxy's default tune.http.maxhdr is 101 slots, one of them the end marker: 100 fields. */
export const MAX_HEADERS = DEFAULT_H1_LIMITS.maxFields;
/** Line slots beside the stored fields, for the lines HAProxy skips (repeated Host or
 * Content-Length, Connection: close...): 128 lines with the default 100 fields. */
const SPARE_LINES = 28;
export const MAX_LINES = MAX_HEADERS + SPARE_LINES;

/** bytes of the three line tables of a head with `lines` slots (a multiple of 4: hdr is an Int32Array) */
const tablesBytes = (lines: number): number => lines * 4 * 4 + ((lines * 2 + 3) & ~3);
const TABLES = tablesBytes(MAX_LINES);
const SLAB_HEADS = 8;
let slab = new ArrayBuffer(TABLES * SLAB_HEADS);
let slabNext = 0;
/** offset of the slice tableSlice() returned last (read by the field initializers after it) */
let slabAt = 0;

function tableSlice(lines: number): ArrayBuffer {
  if (lines !== MAX_LINES) {
    // a tune.http.maxhdr below the default: tables of their own size
    slabAt = 0;
    return new ArrayBuffer(tablesBytes(lines));
  }
  if (slabNext === SLAB_HEADS) {
    slab = new ArrayBuffer(TABLES * SLAB_HEADS);
    slabNext = 0;
  }
  slabAt = TABLES * slabNext++;
  return slab;
}

export class MessageHead {
  buf: Buffer = EMPTY;
  start = 0;
  end = 0;
  version: 10 | 11 = 11;
  count = 0;
  // the three tables are views on a slice of a shared slab: an ArrayBuffer is an off-heap
  // allocation that costs more than the views, and a head is made per connection (Connection:
  // close pays it per request). A slab is freed once no head uses it, as Node's Buffer pool.
  /** header fields HAProxy would store (tune.http.maxhdr - 1), and line slots for all lines */
  readonly maxFields: number;
  readonly maxLines: number;
  /** largest htxCost accepted (from tune.bufsize and tune.maxrewrite) */
  readonly htxBudget: number;
  /** line slots the tables hold now: up to 128 at first, grown up to maxLines when a head needs it */
  lines: number;
  hdr: Int32Array;
  kind: Uint8Array;
  drop: Uint8Array;
  framing: Framing = 'none';
  contentLength = -1;
  connection = 0;
  /** Index of the (first) Host header, -1 when absent. */
  hostIndex = -1;
  /** Index of the first Upgrade header, -1 when absent. */
  upgradeIndex = -1;
  /** Bytes HAProxy's HTX copy of this head would take; see limits in fields.ts. */
  htxCost = 0;
  /** Transfer-Encoding bookkeeping, all lines together: lines, chunked / other tokens. */
  teLines = 0;
  teChunked = 0;
  teOther = 0;
  teLastChunked = false;
  error: H1Error | null = null;
  errorAt = -1;

  constructor(limits: H1Limits = DEFAULT_H1_LIMITS) {
    this.maxFields = limits.maxFields;
    this.maxLines = limits.maxFields + SPARE_LINES;
    this.htxBudget = limits.htxBudget;
    // a large tune.http.maxhdr costs memory only to the heads that use it
    const lines = Math.min(this.maxLines, MAX_LINES);
    this.lines = lines;
    const mem = tableSlice(lines);
    this.hdr = new Int32Array(mem, slabAt, lines * 4);
    this.kind = new Uint8Array(mem, slabAt + lines * 4 * 4, lines);
    this.drop = new Uint8Array(mem, slabAt + lines * 4 * 4 + lines, lines);
  }

  /** Doubles the line tables (up to maxLines), keeping what they hold. */
  grow(): void {
    const lines = Math.min(this.maxLines, this.lines * 2);
    const mem = new ArrayBuffer(tablesBytes(lines));
    const hdr = new Int32Array(mem, 0, lines * 4);
    const kind = new Uint8Array(mem, lines * 4 * 4, lines);
    const drop = new Uint8Array(mem, lines * 4 * 4 + lines, lines);
    hdr.set(this.hdr);
    kind.set(this.kind);
    drop.set(this.drop);
    this.lines = lines;
    this.hdr = hdr;
    this.kind = kind;
    this.drop = drop;
  }

  protected resetHead(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    this.start = start;
    this.end = end;
    this.version = 11;
    this.count = 0;
    this.framing = 'none';
    this.contentLength = -1;
    this.connection = 0;
    this.hostIndex = -1;
    this.upgradeIndex = -1;
    this.htxCost = 0;
    this.teLines = 0;
    this.teChunked = 0;
    this.teOther = 0;
    this.teLastChunked = false;
    this.error = null;
    this.errorAt = -1;
  }

  /** Header name i exactly as received (latin1). */
  name(i: number): string {
    return this.buf.toString('latin1', this.hdr[4 * i] as number, this.hdr[4 * i + 1] as number);
  }

  /** Header value i, trimmed, obs-folds turned into spaces (latin1). */
  value(i: number): string {
    return this.buf.toString('latin1', this.hdr[4 * i + 2] as number, this.hdr[4 * i + 3] as number);
  }

  /** Index of the first forwarded header whose name equals `lowerName`, or -1. */
  find(lowerName: string, from = 0): number {
    const h = this.hdr;
    for (let i = from; i < this.count; i++) {
      if (this.drop[i] === 0 && eqName(this.buf, h[4 * i] as number, h[4 * i + 1] as number, lowerName)) return i;
    }
    return -1;
  }

  /** The Host header value, or null. */
  host(): string | null {
    return this.hostIndex < 0 ? null : this.value(this.hostIndex);
  }

  /** The raw head bytes (a view, no copy). */
  raw(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }
}

export class RequestHead extends MessageHead {
  methodEnd = 0;
  uriStart = 0;
  uriEnd = 0;
  /** Method classes the response framing depends on. */
  isHead = false;
  isConnect = false;
  /**
   * The request carried both Content-Length and Transfer-Encoding: HAProxy forwards it
   * (chunked wins) but answers with `connection: close` and closes the client connection
   * after the response, ignoring anything pipelined behind it (RFC 9112 §6.1). The
   * engine must do the same.
   */
  closeAfter = false;

  reset(buf: Buffer, start: number, end: number): void {
    this.resetHead(buf, start, end);
    this.methodEnd = start;
    this.uriStart = start;
    this.uriEnd = start;
    this.isHead = false;
    this.isConnect = false;
    this.closeAfter = false;
  }

  method(): string {
    return this.buf.toString('latin1', this.start, this.methodEnd);
  }

  uri(): string {
    return this.buf.toString('latin1', this.uriStart, this.uriEnd);
  }

  /** True when the client asked to switch protocols (Connection: upgrade plus Upgrade). */
  wantsUpgrade(): boolean {
    return (this.connection & CONN_UPGRADE) !== 0 && this.upgradeIndex >= 0;
  }
}

export class ResponseHead extends MessageHead {
  status = 0;
  reasonStart = 0;
  reasonEnd = 0;
  /** 1xx other than 101: forward it, then read the final response head. */
  interim = false;

  reset(buf: Buffer, start: number, end: number): void {
    this.resetHead(buf, start, end);
    this.status = 0;
    this.reasonStart = start;
    this.reasonEnd = start;
    this.interim = false;
  }

  reason(): string {
    return this.buf.toString('latin1', this.reasonStart, this.reasonEnd);
  }
}

const EMPTY = Buffer.alloc(0);

function eqName(buf: Buffer, s: number, e: number, lower: string): boolean {
  if (e - s !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const b = buf[s + i] as number;
    if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== lower.charCodeAt(i)) return false;
  }
  return true;
}
