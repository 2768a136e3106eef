/**
 * One HTTP transaction as the L7 engine (frontends/http), the ACL engine and rules (lib/acl,
 * lib/http/rules) and cookie persistence (backends/persistence) share it.
 *
 * The engine parses heads into RequestHead/ResponseHead (lib/http1: offsets, no strings). A
 * transaction reads from those until something edits a head: the first edit materializes a
 * `HeaderList` (lowercased names, as HAProxy forwards them) and from then on reads and the
 * encoder use the list. A request that no rule touches is forwarded with encodeRequestHead()
 * and costs no per-header string.
 *
 * Header *values* here are whole field lines (HAProxy's `fhdr` view); the ACL layer splits on
 * commas where HAProxy's `hdr()` does.
 */
import { MessageHead, RequestHead, ResponseHead } from '../http1/head.js';

/** An editable header list: names lowercase, values trimmed, in wire order. */
export class HeaderList {
  readonly names: string[] = [];
  readonly values: string[] = [];

  static fromHead(head: MessageHead): HeaderList {
    const l = new HeaderList();
    for (let i = 0; i < head.count; i++) {
      if (head.drop[i] !== 0) continue;
      l.names.push(head.name(i).toLowerCase());
      l.values.push(head.value(i));
    }
    return l;
  }

  get length(): number {
    return this.names.length;
  }

  /** First value of `lower`, or undefined. */
  get(lower: string): string | undefined {
    const i = this.names.indexOf(lower);
    return i < 0 ? undefined : this.values[i];
  }

  /** Every line named `lower`, in order. */
  getAll(lower: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.names.length; i++) if (this.names[i] === lower) out.push(this.values[i] as string);
    return out;
  }

  add(name: string, value: string): void {
    this.names.push(name.toLowerCase());
    this.values.push(value);
  }

  /** HAProxy's set-header: every line of that name removed, one appended at the end. */
  set(name: string, value: string): void {
    this.del(name.toLowerCase());
    this.add(name, value);
  }

  /** Removes every line named `lower`; returns how many went. */
  del(lower: string): number {
    let n = 0;
    for (let i = this.names.length - 1; i >= 0; i--) {
      if (this.names[i] === lower) {
        this.names.splice(i, 1);
        this.values.splice(i, 1);
        n++;
      }
    }
    return n;
  }

  /** Removes the lines for which `pred(value)` holds among those named `lower`. */
  delIf(lower: string, pred: (value: string) => boolean): number {
    let n = 0;
    for (let i = this.names.length - 1; i >= 0; i--) {
      if (this.names[i] === lower && pred(this.values[i] as string)) {
        this.names.splice(i, 1);
        this.values.splice(i, 1);
        n++;
      }
    }
    return n;
  }

  /** Removes every line whose (lowercase) name satisfies `pred`; returns how many went. */
  delNames(pred: (lower: string) => boolean): number {
    let n = 0;
    for (let i = this.names.length - 1; i >= 0; i--) {
      if (pred(this.names[i] as string)) {
        this.names.splice(i, 1);
        this.values.splice(i, 1);
        n++;
      }
    }
    return n;
  }

  /** "name: value\r\n" for every line, latin1. */
  write(out: string[]): void {
    for (let i = 0; i < this.names.length; i++) out.push(this.names[i] as string, ': ', this.values[i] as string, '\r\n');
  }
}

/** Connection facts a transaction's fetches may read (filled once per client connection). */
export interface ConnFacts {
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  /** %ci/%cp: as srcIp/srcPort, but `unix` and the listener id for a unix socket client */
  readonly logIp: string;
  readonly logPort: number;
}

export class HttpTxn {
  /** the request as parsed; valid for the whole transaction */
  req: RequestHead;
  /** set once a rule edited request headers; then the source of truth */
  reqHeaders: HeaderList | null = null;
  /** set-method / set-uri / set-path ... results; null = as received */
  reqMethod: string | null = null;
  reqUri: string | null = null;

  /** the response head once received (null before) */
  res: ResponseHead | null = null;
  resHeaders: HeaderList | null = null;
  /** set-status */
  resStatus = 0;
  resReason: string | null = null;

  /** names filled by the engine as the transaction progresses (log, fetches such as `be_name`) */
  frontend = '';
  backend = '';
  server = '';

  /** per-transaction scratch for modules (cookie persistence state, captured values) */
  cookieState = '--';
  /**
   * Cookie persistence (backends/persistence): the last-seen / first-seen dates (unix seconds,
   * 0 = none) the request's cookie carried, read before balancing, used for the response.
   */
  cookieLastDate = 0;
  cookieFirstDate = 0;

  constructor(req: RequestHead, readonly conn: ConnFacts) {
    this.req = req;
  }

  /** Ready for the next request on the same connection (the heads are refilled by the parser). */
  reset(req: RequestHead): void {
    this.req = req;
    this.reqHeaders = null;
    this.reqMethod = null;
    this.reqUri = null;
    this.res = null;
    this.resHeaders = null;
    this.resStatus = 0;
    this.resReason = null;
    this.backend = '';
    this.server = '';
    this.cookieState = '--';
    this.cookieLastDate = 0;
    this.cookieFirstDate = 0;
  }

  // --- request reads -------------------------------------------------------------------

  method(): string {
    return this.reqMethod ?? this.req.method();
  }

  /** the request target as it will be forwarded */
  uri(): string {
    return this.reqUri ?? this.req.uri();
  }

  /** HAProxy's `path`: the target without query string (and without scheme://authority). */
  path(): string {
    let u = this.uri();
    if (u.charCodeAt(0) !== 0x2f /* / */) {
      const s = u.indexOf('://');
      if (s > 0) {
        const p = u.indexOf('/', s + 3);
        u = p < 0 ? '' : u.slice(p);
      }
    }
    const q = u.indexOf('?');
    return q < 0 ? u : u.slice(0, q);
  }

  /** the query string without '?', or null when the target has none */
  query(): string | null {
    const u = this.uri();
    const q = u.indexOf('?');
    return q < 0 ? null : u.slice(q + 1);
  }

  /** Every request field line named `lower` (whole lines, not comma-split). */
  reqHeaderLines(lower: string): string[] {
    if (this.reqHeaders !== null) return this.reqHeaders.getAll(lower);
    const out: string[] = [];
    const h = this.req;
    for (let i = h.find(lower); i >= 0; i = h.find(lower, i + 1)) out.push(h.value(i));
    return out;
  }

  /** Every request field line as [lowercase name, value], in order (for req.hdrs, hdr_cnt()). */
  reqHeaderAll(): HeaderList {
    return this.reqHeaders ?? HeaderList.fromHead(this.req);
  }

  /** The request headers for editing (materialized on first call). */
  editReq(): HeaderList {
    if (this.reqHeaders === null) this.reqHeaders = HeaderList.fromHead(this.req);
    return this.reqHeaders;
  }

  /** HTTP/1.0 or HTTP/1.1 */
  reqVersion(): '1.0' | '1.1' {
    return this.req.version === 10 ? '1.0' : '1.1';
  }

  // --- response reads/edits ------------------------------------------------------------

  status(): number {
    return this.resStatus !== 0 ? this.resStatus : this.res === null ? 0 : this.res.status;
  }

  resHeaderLines(lower: string): string[] {
    if (this.resHeaders !== null) return this.resHeaders.getAll(lower);
    const out: string[] = [];
    const h = this.res;
    if (h === null) return out;
    for (let i = h.find(lower); i >= 0; i = h.find(lower, i + 1)) out.push(h.value(i));
    return out;
  }

  /** Every response field line as [lowercase name, value], in order (empty before the response). */
  resHeaderAll(): HeaderList {
    return this.resHeaders ?? (this.res === null ? new HeaderList() : HeaderList.fromHead(this.res));
  }

  editRes(): HeaderList {
    if (this.resHeaders === null) {
      if (this.res === null) throw new Error('editRes() before the response head');
      this.resHeaders = HeaderList.fromHead(this.res);
    }
    return this.resHeaders;
  }

  /** True when the request head must be re-encoded from the edited form. */
  reqEdited(): boolean {
    return this.reqHeaders !== null || this.reqMethod !== null || this.reqUri !== null;
  }

  resEdited(): boolean {
    return this.resHeaders !== null || this.resStatus !== 0;
  }
}
