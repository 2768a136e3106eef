/**
 * One client connection of an HTTP frontend: a small state machine that runs one transaction at
 * a time (DESIGN.md):
 *
 *   HEAD  read a request head (timeout http-request; http-keep-alive between requests)
 *   WAIT  rules, routing, server choice, queue, connect or reuse an idle connection
 *   XFER  request head sent; request body relayed by its framing while the response is read;
 *         response head checked and forwarded, response body relayed by its framing
 *   TUNNEL after a 101 or a CONNECT: bytes both ways until one side closes
 *   CLOSING the last response is out, the client connection is being closed
 *
 * Bytes are relayed, never re-framed: only the heads are rebuilt (encode.ts). Backpressure: the
 * reading side pauses when the writing side's buffer is full, until its 'drain'. Client bytes
 * that come while the engine is not ready for them (a pipelined request) are kept in `pending`
 * and the client socket is paused, so the rest waits in the kernel until the response before
 * it is complete. The socket is not paused up front for every request (a pause and a resume
 * per request cost more than the rare pipelined chunk); a FIN seen while such bytes are kept
 * is handled once they were processed, as it would be after them on a paused socket.
 *
 * Beside this file: dispatch.ts chooses the server (cookie, balancing, queues, retries and
 * redispatch after a failed connect), accounting.ts keeps the counters and writes the log line.
 */
import { nextStreamId } from '../../lib/log/stream-id.js';
import { uniqueIdInput } from './accounting.js';
import type { Socket } from 'node:net';
import { ConnAddrs } from '../../lib/net/addrs.js';
import { proxyAccepted, proxyRefused, proxyWaitFor, type ProxyWait } from '../../lib/net/proxy-accept.js';
import type { ProxyError, ProxyWaitError } from '../../lib/net/proxy-proto.js';
import { write } from '../../lib/net/fast-write.js';
import { rejects } from '../../lib/runtime/tcp-rules.js';
import { useOnread } from '../../lib/net/onread.js';
import { COPY_MIN, Copies, copyOf } from '../../lib/net/read-buffers.js';
import type { Server } from '../../backends/server.js';
import {
  CONN_CLOSE, CONN_KEEPALIVE, NEED_MORE, RequestHead, TOO_LARGE, parseRequestHead, parseResponseHead, responseContext,
  BodyFramer, HeadReader, ERR_400, ERR_400_HTX, ERR_408,
} from '../../lib/http1/index.js';
import { HttpTxn } from '../../lib/http/txn.js';
import type { BackendRuntime, ServerSession } from '../../lib/runtime/backend-runtime.js';
import type { PendList, PendNode } from '../../lib/runtime/queue.js';
import { countIn, countOut, countResp, hrspSlot, logTxn } from './accounting.js';
import { assign, connFailed, connect, dequeued, releaseSlot, requeued } from './dispatch.js';
import { chunksParse, encodeHead, headOnly, reasonOf, withConnectionClose, xffHeader } from './encode.js';
import type { BackendHttp, HttpFrontend } from './frontend.js';
import { MODE_CLO, MODE_KAL, type Reply } from './hooks.js';
import { IdlePools, ServerConn, type ConnOwner } from './server-conn.js';

const HEAD = 0;
/** exported for dispatch.ts, which runs this phase */
export const WAIT = 1;
const XFER = 2;
const TUNNEL = 3;
const CLOSING = 4;
const DONE = 5;

/** methods a request may be sent again with when a reused connection was closed under it */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export class HttpSession implements PendNode, ServerSession, ConnOwner {
  pendPrev: PendNode | null = null;
  pendNext: PendNode | null = null;
  pendList: PendList | null = null;
  pendSeq = 0;

  readonly client: Socket;
  readonly reader: HeadReader;
  readonly req: RequestHead;
  readonly reqBody: BodyFramer;
  readonly txn: HttpTxn;
  phase = HEAD;
  /** client bytes read but not consumed yet (body start, or the next pipelined request) */
  pending: Buffer | null = null;
  /** bytes of the request head received, not yet counted in bin */
  private headIn = 0;
  /** no request seen yet on this connection (http-reuse safe: its own server connection) */
  first = true;
  /** the client connection closes after the current response */
  closeClient = false;
  clientEnded = false;
  clientClosed = false;
  /** `pending` holds bytes that came after the head (a paused socket would still hold them) */
  private held = false;
  /** the client's FIN came while `held`: it is handled after those bytes */
  private endHeld = false;
  private finished = false;

  // --- the current transaction ---
  bh: BackendHttp | null = null;
  brt: BackendRuntime | null = null;
  srv: Server | null = null;
  slot: Server | null = null;
  queuedOn: Server | null = null;
  sc: ServerConn | null = null;
  retries = 0;
  redispatched = false;
  /** the server the request's persistence cookie designates (HAProxy's SF_ASSIGNED from a cookie) */
  sticky: Server | null = null;
  /** the request goes to `sticky` without balancing (HAProxy's SF_DIRECT); cleared by a redispatch */
  direct = false;
  /** queue and retry turnaround timer */
  timer: NodeJS.Timeout | null = null;
  /**
   * The head wait (timeout http-request / http-keep-alive) has its own timer, made once and
   * re-armed lazily: it may fire early, and then waits for what is left of `headDeadline`. A
   * keep-alive connection then needs no new timer per request.
   */
  private headTimer: NodeJS.Timeout | null = null;
  private headTimerAt = 0;
  /** when the head wait times out (ms since the epoch), -1 when not waiting */
  private headDeadline = -1;
  /** the request head as sent, for a transparent retry on a reused connection */
  sentHead: Buffer | null = null;
  reqDone = false;
  resStarted = false;
  /** the server connection may go back to the idle pool after this response */
  keepServer = false;
  /** the client is waiting on `drain` (its socket buffer is full) */
  clientBlocked = false;
  srvQueue = 0;
  beQueue = 0;
  /** %ts: who ended the transaction, then the phase: R request, Q queue, C connect, H headers, D data */
  termCause = '-';
  termPhase = '-';
  status = 0;
  bytesOut = 0;
  bytesIn = 0;
  // timings (ms since the epoch; -1 = not reached)
  readonly acceptMs = Date.now();
  idleFromMs = this.acceptMs;
  reqStartMs = -1;
  headMs = -1;
  assignedMs = -1;
  connectedMs = -1;
  /** the process-wide stream number of the current request (%rt), -1 before its head arrived */
  streamId = -1;
  /** the server connection's addresses, read only when the log format prints them (%bi %bp %si %sp) */
  connAddrs: { beIp: string; bePort: number; srvIp: string; srvPort: number } | null = null;
  respMs = -1;
  /** the request line for the log line (accounting.ts) */
  requestLine = '';
  /** this transaction's log line was written */
  logged = false;
  /** the client socket reads with net's onread (CLIENT_ONREAD); false: 'data' events */
  private readonly adopted: boolean;
  /** the response that closes the connection has been sent: what the client still sends is dropped */
  private dropReads = false;
  /** pooled copies of large reads: request bodies (and tunnels) to the server, responses to the client */
  private upCopies: Copies | null = null;
  private downCopies: Copies | null = null;
  /** the connection's addresses, read when first needed (the log line reads them at the start) */
  readonly addrs: ConnAddrs;
  /** accept-proxy: the PROXY header is awaited (null once it came, or on other binds) */
  private pp: ProxyWait | null;

  constructor(readonly fe: HttpFrontend, accepted: Socket) {
    const lim = fe.limits;
    this.reader = new HeadReader(lim.maxRawHead);
    this.req = new RequestHead(lim);
    this.reqBody = new BodyFramer(lim);
    this.pp = fe.acceptProxy ? proxyWaitFor(accepted) : null;
    this.adopted = useOnread(accepted, this.pp === null ? CLIENT_ONREAD : CLIENT_ONREAD_PP);
    const client = accepted;
    this.client = client;
    (client as Socket & Tagged)[kSession] = this;
    this.addrs = new ConnAddrs(client);
    if (fe.logger.enabled) this.addrs.read();
    this.txn = new HttpTxn(this.req, this.addrs);
    this.txn.frontend = fe.name;
  }

  start(): void {
    const c = this.client;
    c.setNoDelay(true);
    if (!this.adopted) c.on('data', this.pp === null ? (d: Buffer) => this.onClientData(d) : (d: Buffer) => this.clientDataPp(d));
    c.on('end', () => this.onClientEnd());
    c.on('error', () => this.onClientError());
    c.on('close', () => this.onClientClose());
    c.on('drain', () => this.onClientDrain());
    c.on('timeout', () => this.onClientTimeout());
    if (this.pp !== null) {
      // HAProxy waits for the header under `timeout client` (a handshake, not yet a request)
      this.fe.counters.notSessions++;
      if (this.fe.timeoutClient > 0) c.setTimeout(this.fe.timeoutClient);
    } else {
      this.armHeadTimer(this.fe.timeoutHttpRequest);
    }
    c.resume();
  }

  // ------------------------------------------------------------------ PROXY header (accept-proxy)

  /** a read on an accept-proxy connection: the header first, then the requests */
  proxyRead(buf: Uint8Array, n: number): void {
    const pp = this.pp;
    if (pp === null) {
      this.clientRead(buf, n);
      return;
    }
    const r = pp.push(buf, n);
    if (r === null) return;
    if (!r.ok) {
      this.proxyFailed(r.error);
      return;
    }
    this.pp = null;
    const fe = this.fe;
    proxyAccepted(r, this.addrs, fe);
    if (fe.timeoutClient > 0) this.client.setTimeout(0);
    // now a session: the request must come within timeout http-request
    this.armHeadTimer(fe.timeoutHttpRequest);
    if (pp.rest !== null) this.onClientData(pp.rest);
  }

  private clientDataPp(d: Buffer): void {
    this.proxyRead(d, d.length);
  }

  /** No PROXY header: no response, the connection is closed (see lib/net/proxy-accept.ts). */
  private proxyFailed(why: ProxyError | ProxyWaitError): void {
    const pp = this.pp as ProxyWait;
    this.pp = null;
    this.phase = DONE;
    proxyRefused(why, this.client, this.addrs, this.fe.logger, this.acceptMs, pp.listener);
    if (this.clientClosed) this.finish();
  }

  // ------------------------------------------------------------------ client side

  /** n bytes from the client in `buf`, a shared buffer the next read overwrites */
  clientRead(buf: Uint8Array, n: number): void {
    const sc = this.sc;
    if (n >= COPY_MIN && sc !== null && (this.phase === TUNNEL || (this.phase === XFER && !this.reqDone)) && !this.dropReads) {
      // a body on its way to the server: a pooled copy, back in the pool once written
      const dest = sc.sock;
      const copies = (this.upCopies ??= new Copies());
      const chunk = copies.copy(buf, n, dest);
      this.onClientData(chunk);
      // bytes past the body stay as the next request's (`pending`)
      copies.settle(dest, this.pending !== null && this.pending.buffer === chunk.buffer);
      return;
    }
    this.onClientData(copyOf(buf, n));
  }

  /** bytes the client sent (a copy the session may keep) */
  onClientData(chunk: Buffer): void {
    if (this.dropReads) return;
    switch (this.phase) {
      case HEAD:
        this.onHeadBytes(chunk);
        return;
      case XFER:
        if (!this.reqDone) {
          this.forwardBody(chunk);
          return;
        }
        break;
      case TUNNEL: {
        countIn(this, chunk.length);
        const sc = this.sc;
        if (sc !== null && !sc.write(chunk)) this.client.pause();
        return;
      }
      default:
        break;
    }
    // not ready for these bytes (a pipelined request): keep them and stop reading
    this.keep(chunk);
    this.held = true;
    this.client.pause();
  }

  private keep(b: Buffer): void {
    if (b.length === 0) return;
    this.pending = this.pending === null ? b : Buffer.concat([this.pending, b]);
  }

  private onHeadBytes(chunk: Buffer): void {
    if (this.reqStartMs < 0) {
      this.reqStartMs = Date.now();
      // the keep-alive wait is over: the head must now arrive within timeout http-request
      if (!this.first) this.armHeadTimer(this.fe.timeoutHttpRequest);
    }
    const end = this.reader.push(chunk);
    if (end === NEED_MORE) return;
    this.clearTimer();
    if (end === TOO_LARGE) {
      this.badRequest(400);
      return;
    }
    const st = parseRequestHead(this.reader.buffer, this.reader.start, end, this.req);
    if (st !== 0) {
      this.badRequest(st);
      return;
    }
    // the head's bytes count in bin once the request reaches a server (stats bin)
    this.headIn = end - this.reader.start;
    const buf = this.reader.buffer;
    this.pending = end < buf.length ? buf.subarray(end) : null;
    if (this.pending !== null) {
      if (this.req.framing === 'chunked' && !chunksParse(this.pending)) {
        // haproxy parses the chunks that came with the head before anything is forwarded
        this.badRequest(400);
        return;
      }
      // bytes beyond the head are held like early ones: a FIN behind them waits for them
      this.held = true;
      this.client.pause();
    }
    this.headMs = Date.now();
    this.phase = WAIT;
    this.handleRequest();
  }

  /**
   * The head could not be parsed: HAProxy's mux-level 400 (or 422), then close. `cause` 'C': it
   * could not be because the client shut its side first (logged CR, still answered).
   */
  private badRequest(status: number, cause = 'P'): void {
    this.fe.counters.badReqs++;
    this.fe.counters.reqTot++;
    this.fe.counters.reqRate.hit();
    this.requestLine = '<BADREQ>';
    this.setTerm(cause, 'R');
    const page = status === 400 ? ERR_400 : this.fe.errorPage(status);
    this.closeClient = true;
    this.sendLocal(status, page, true);
  }

  private onClientEnd(): void {
    this.clientEnded = true;
    if (this.pp !== null) {
      this.proxyFailed('empty');
      return;
    }
    if (this.held && this.phase !== HEAD) {
      this.endHeld = true;
      return;
    }
    if (this.phase === HEAD) {
      if (this.reader.length > 0 || this.first) {
        // a partial head (or none on a new connection) then FIN: HAProxy answers 400 and logs
        // the client's abort (CR); between keep-alive requests a FIN just ends the connection
        this.clearTimer();
        this.badRequest(400, 'C');
      } else {
        this.closeQuietly();
      }
      return;
    }
    if (this.phase === TUNNEL) {
      const sc = this.sc;
      if (sc !== null && !sc.sock.destroyed) sc.sock.end();
      return;
    }
    if (this.phase === XFER && !this.reqDone) {
      // the client left in the middle of its request body
      this.clientAbort('D');
      return;
    }
    // request complete: nothing more can come; the response goes out as it is (haproxy adds no
    // `connection: close`) and nextRequest closes once no pipelined request is left
  }

  private onClientError(): void {
    if (this.pp !== null) {
      this.proxyFailed('abort');
      return;
    }
    if (this.phase === DONE || this.phase === CLOSING) return;
    if (this.phase === HEAD) {
      this.closedBeforeHead();
      return;
    }
    this.clientAbort(this.resStarted ? 'D' : this.phase === WAIT ? 'Q' : this.phase === XFER ? 'D' : 'R');
  }

  private onClientClose(): void {
    this.clientClosed = true;
    if (this.phase === HEAD && this.pp === null) this.closedBeforeHead();
    else if (this.phase !== DONE && this.phase !== CLOSING && this.phase !== HEAD) this.clientAbort('D');
    this.finish();
  }

  /**
   * Closed or reset while a head was awaited. HAProxy logs a connection that goes before its
   * first head, or in the middle of a later one, as a 400 the client aborted (`CR`, `<BADREQ>`,
   * a bad request in the stats); with `option dontlognull` one that sent nothing is neither
   * logged nor counted. A connection closed between keep-alive requests just ends.
   */
  private closedBeforeHead(): void {
    const got = this.reader.length > 0;
    if (got || (this.first && this.fe.px.options.dontlognull !== true)) {
      const c = this.fe.counters;
      c.badReqs++;
      c.reqTot++;
      c.reqRate.hit();
      c.hrsp[hrspSlot(400)]! += 1;
      this.requestLine = '<BADREQ>';
      this.status = 400;
      this.setTerm('C', 'R');
      logTxn(this);
    }
    this.abortBoth();
  }

  private onClientDrain(): void {
    this.clientBlocked = false;
    this.client.setTimeout(0);
    const sc = this.sc;
    if (sc !== null && (this.phase === XFER || this.phase === TUNNEL) && !sc.sock.destroyed) sc.sock.resume();
  }

  private onClientTimeout(): void {
    if (this.pp !== null) {
      this.proxyFailed('timeout');
      return;
    }
    if (this.phase === DONE) {
      // a lingering close whose client never sent its FIN
      this.client.destroy();
      return;
    }
    // only armed while the client must read (response blocked) or send (request body)
    this.setTerm('c', this.phase === XFER && !this.reqDone ? 'D' : 'D');
    this.abortBoth();
  }

  /** Soft stop: an idle keep-alive connection closes now, a busy one after its response. */
  closeIfIdle(): void {
    if (this.phase === HEAD && this.reader.length === 0) this.closeQuietly();
    else this.closeClient = true;
  }

  private closeQuietly(): void {
    this.clearTimer();
    this.phase = CLOSING;
    this.client.end();
    this.client.destroySoon();
    if (this.clientClosed) this.finish();
  }

  private armHeadTimer(ms: number): void {
    this.clearTimer();
    if (ms <= 0) return;
    const at = Date.now() + ms;
    this.headDeadline = at;
    if (this.headTimer !== null) {
      if (this.headTimerAt <= at) return;
      clearTimeout(this.headTimer);
    }
    this.headTimer = setTimeout(onHeadTimer, ms, this);
    this.headTimerAt = at;
  }

  headTimerFired(): void {
    this.headTimer = null;
    const d = this.headDeadline;
    if (d < 0) return;
    const now = Date.now();
    if (now < d) {
      this.headTimer = setTimeout(onHeadTimer, d - now, this);
      this.headTimerAt = d;
      return;
    }
    this.headDeadline = -1;
    this.headTimeout();
  }

  private headTimeout(): void {
    if (this.phase !== HEAD) return;
    if (this.reqStartMs < 0 && !this.first) {
      // keep-alive timeout with nothing received: close silently
      this.closeQuietly();
      return;
    }
    this.fe.counters.badReqs++;
    this.fe.counters.reqTot++;
    this.fe.counters.reqRate.hit();
    this.requestLine = '<BADREQ>';
    this.setTerm('c', 'R');
    this.closeClient = true;
    this.sendLocal(408, ERR_408, true);
  }

  // ------------------------------------------------------------------ request

  /**
   * A request head arrived: keep its line for the httplog line, or, without httplog, log
   * "Connect from ...": HAProxy writes it when a stream is created, which in HTTP mode is per
   * request (a connection closed, timed out or refused before a whole head logs nothing).
   */
  private logRequestStart(): void {
    const lg = this.fe.logger;
    if (lg.enabled) {
      this.requestLine = `${this.req.method()} ${this.req.uri()} HTTP/1.${this.req.version === 10 ? '0' : '1'}`;
      return;
    }
    const a = this.addrs;
    lg.accept(a.logIp, a.logPort, a.logDstIp, a.dstPort);
  }

  private handleRequest(): void {
    const fe = this.fe;
    const txn = this.txn;
    txn.reset(this.req);
    this.streamId = nextStreamId();
    if (fe.tcpContent !== null && rejects(fe.tcpContent, txn)) {
      // before the HTTP analysers: haproxy logs no request line and counts no request
      if (fe.logsRequest) this.logRequestStart();
      this.requestLine = '<BADREQ>';
      this.tcpContentRejected();
      return;
    }
    fe.counters.reqTot++;
    fe.counters.reqRate.hit();
    if (fe.logsRequest) this.logRequestStart();
    if (this.req.closeAfter || (this.req.connection & CONN_CLOSE) !== 0 || (this.req.version === 10 && (this.req.connection & CONN_KEEPALIVE) === 0)) {
      this.closeClient = true;
    }
    if (fe.connMode === MODE_CLO) this.closeClient = true;
    if (fe.monitorUri !== null && this.isMonitorUri(fe.monitorUri)) {
      // HAProxy answers it before any rule and does not log it
      fe.counters.intercepted++;
      this.logged = true;
      this.setTerm('L', 'R');
      this.sendLocal(200, fe.errorPage(200), false);
      return;
    }
    if (!fe.rules.empty) {
      const r = fe.rules.request(txn);
      if (r !== null) {
        this.localReply(r);
        return;
      }
    }
    const brt = fe.router(txn);
    if (brt === null) {
      // no backend: HAProxy's 503, logged against the frontend
      fe.counters.failedConns++;
      this.setTerm('S', 'C');
      this.sendLocal(503, fe.errorPage(503), false);
      return;
    }
    const bh = fe.backendOf(brt);
    this.bh = bh;
    this.brt = brt;
    txn.backend = brt.name;
    brt.beconn++;
    brt.rate.hit();
    brt.be.counters.reqTot++;
    // a listen's own requests ran its rules as the frontend's
    if (bh.tcpContent !== null && rejects(bh.tcpContent, txn)) {
      brt.be.counters.cumSess++; // haproxy counts the backend's session when it is chosen
      this.tcpContentRejected();
      countResp(this, null);
      return;
    }
    if (bh.mode === MODE_CLO && brt.px !== fe.px) {
      // httpclose on the backend only closes the server side (reference §8.2)
    }
    if (bh.brt.px !== fe.px && !bh.rules.empty) {
      const r = bh.rules.request(txn);
      if (r !== null) {
        // a denied request still has its cookie read for the log, as HAProxy does
        if (r.term === 'PR' && bh.persistence !== null) bh.persistence.request(txn, Math.floor(Date.now() / 1000));
        this.localReply(r);
        return;
      }
    }
    // cookie persistence reads (and strips) the request's cookie before any balancing
    if (bh.persistence !== null) this.sticky = bh.persistence.request(txn, Math.floor(Date.now() / 1000));
    assign(this, null);
  }


  /**
   * `tcp-request content reject`: the connection closes without a reply. haproxy logs it with
   * status -1 and no timers (PR), and counts it in dreq and as a response of class "other".
   */
  private tcpContentRejected(): void {
    this.fe.counters.deniedReqs++;
    this.headMs = -1;
    this.setTerm('P', 'R');
    this.sendLocal(-1, NO_BYTES, true);
  }

  /** A rule answered (deny, return, redirect). */
  private localReply(r: Reply): void {
    if (r.status === 403 || r.term === 'PR') this.fe.counters.deniedReqs++;
    this.setTerm(r.term?.[0] ?? 'L', r.term?.[1] ?? 'R');
    this.sendLocal(r.status, r.bytes, r.close);
  }

  /**
   * Sends a response the proxy made (error page, rule reply) as the whole answer to the current
   * request, then ends the transaction. A request body that was not read forces a close.
   */
  /**
   * As HAProxy: the request's URI equals the monitor-uri, or, for one starting with '/', the
   * URI without its scheme and authority does (query string included).
   */
  private isMonitorUri(uri: string): boolean {
    const u = this.req.uri();
    if (u === uri) return true;
    if (uri.charCodeAt(0) !== 0x2f || u.charCodeAt(0) === 0x2f) return false;
    const s = u.indexOf('://');
    const p = s < 0 ? -1 : u.indexOf('/', s + 3);
    return p >= 0 && u.slice(p) === uri;
  }

  sendLocal(status: number, bytes: Buffer, close: boolean): void {

    this.clearTimer();
    if (close) this.closeClient = true;
    if (this.phase === WAIT && this.req.framing !== 'none' && !this.reqDone) this.closeClient = true;
    this.status = status;
    this.phase = XFER;
    this.reqDone = true;
    let out = bytes;
    // HAProxy's H1 mux says `connection: close` on a reply before closing (HTTP/1.0 clients too)
    if (this.closeClient && !close) out = withConnectionClose(bytes);
    // and sends no body to a HEAD request (the length stays what it would have been)
    if (this.phase !== HEAD && this.req.method() === 'HEAD') out = headOnly(out);
    this.writeClient(out);
    this.txnDone();
  }

  // ------------------------------------------------------------------ server choice (dispatch.ts)

  /** PendNode: a server freed a slot for this request (takeConn already done by the queue). */
  dequeued(srv: Server): void {
    dequeued(this, srv);
  }

  /** PendNode: the server this request waited for went DOWN; balance again. */
  requeued(): void {
    requeued(this);
  }

  /** ServerSession: `on-marked-down shutdown-sessions` (termination state 'D'). */
  kill(): void {
    this.setTerm('D', this.resStarted ? 'D' : 'H');
    this.abortBoth();
  }

  // ------------------------------------------------------------------ request to the server

  onServerConnect(sc: ServerConn): void {
    if (sc !== this.sc) return;
    this.connectedMs = Date.now();
    sc.reused = false;
    this.established(sc);
  }

  /** A server connection is ready: send the head, then the body as it comes. */
  established(sc: ServerConn): void {
    const brt = this.brt as BackendRuntime;
    const bh = this.bh as BackendHttp;
    sc.uses++;
    sc.resetResponse();
    if (this.fe.logger.wantsConnAddrs === true) {
      const k = sc.sock;
      this.connAddrs = { beIp: k.localAddress ?? '', bePort: k.localPort ?? 0, srvIp: k.remoteAddress ?? '', srvPort: k.remotePort ?? 0 };
    }
    sc.setTimeout(brt.timeouts.server);
    this.phase = XFER;
    const modeKeep = this.fe.connMode === MODE_KAL && bh.mode === MODE_KAL;
    // Content-Length beside Transfer-Encoding: this server connection is not reused, but haproxy
    // 2.6 does not tell the server so (no `connection: close` added)
    this.keepServer = modeKeep && !this.req.closeAfter;
    const head = this.encodeRequest(bh, modeKeep);
    this.sentHead = head;
    this.writeServer(sc, head);
    if (this.headIn > 0) {
      // counted once, even when a retry sends the head again
      countIn(this, this.headIn);
      this.headIn = 0;
    }
    this.reqDone = this.reqBody.start(this.req);
    if (this.req.framing === 'tunnel' || this.req.isConnect) this.reqDone = true;
    const p = this.pending;
    if (!this.reqDone) {
      // the client must send its body within timeout client
      this.client.setTimeout(this.fe.timeoutClient);
      const endHeld = this.takePending();
      if (p !== null) this.forwardBody(p);
      if (endHeld) this.onClientEnd();
      if (this.phase === XFER && !this.reqDone && this.clientEnded) {
        // the client left during the connect, its body unfinished: the server got what there was
        this.clientAbort('D');
        return;
      }
      if (this.phase === XFER && !this.reqDone && !this.clientBlocked) this.client.resume();
    } else if (this.client.timeout) {
      this.client.setTimeout(0);
    }
  }

  private encodeRequest(bh: BackendHttp, keepServer: boolean): Buffer {
    const txn = this.txn;
    const req = this.req;
    // haproxy's H1 mux writes its connection header after every other field
    let extra = xffHeader(this.fe.forwardfor, bh.forwardfor, this.addrs, txn) ?? '';
    const uid = this.fe.uniqueIdHeader;
    if (uid !== null) extra = uid.name + ': ' + uid.build(uniqueIdInput(this), true) + '\r\n' + extra;
    const upgrade = req.wantsUpgrade();
    if (upgrade) extra += '';
    else if (!keepServer) extra += 'connection: close\r\n';
    else if (req.version === 10) extra += 'connection: keep-alive\r\n';
    // the request line as received unless a rule changed the method or the URI
    const start = txn.reqMethod === null && txn.reqUri === null ? req : `${txn.method()} ${txn.uri()} HTTP/1.${req.version === 10 ? '0' : '1'}\r\n`;
    return encodeHead(start, req, txn.reqHeaders, extra, upgrade);
  }

  private forwardBody(buf: Buffer): void {
    const n = this.reqBody.feed(buf, 0, buf.length);
    if (n < 0) {
      // broken chunked framing from the client
      this.fe.counters.badReqs++;
      this.setTerm('P', 'D');
      if (!this.resStarted) {
        this.dropServer();
        this.closeClient = true;
        releaseSlot(this);
        if (this.reqBody.chunked.error === 'trailers-too-large') {
          // haproxy's mux has passed the head on: its stream answers, with the HTX page
          this.closeClient = true;
          const page = this.fe.errorPage(400);
          this.sendLocal(400, page === ERR_400 ? ERR_400_HTX : page, false);
        } else {
          this.sendLocal(400, ERR_400, true);
        }
      } else {
        this.abortBoth();
      }
      return;
    }
    const sc = this.sc;
    if (n > 0 && sc !== null) {
      countIn(this, n);
      if (!this.writeServer(sc, n === buf.length ? buf : buf.subarray(0, n))) this.client.pause();
    }
    if (this.reqBody.done) {
      this.reqDone = true;
      this.client.pause();
      this.client.setTimeout(0);
      if (n < buf.length) this.keep(buf.subarray(n));
    }
  }

  private writeServer(sc: ServerConn, b: Buffer): boolean {
    if (sc.sock.destroyed) return true;
    return sc.write(b);
  }

  onServerDrain(sc: ServerConn): void {
    if (sc !== this.sc) return;
    if ((this.phase === XFER && !this.reqDone) || this.phase === TUNNEL) this.client.resume();
  }

  // ------------------------------------------------------------------ response

  onServerRead(sc: ServerConn, buf: Uint8Array, n: number): void {
    if (sc !== this.sc) return;
    const dest = this.client;
    if (n >= COPY_MIN && (this.phase === TUNNEL || sc.headDone) && !dest.destroyed) {
      // a response body on its way to the client: a pooled copy, back in the pool once written
      const copies = (this.downCopies ??= new Copies());
      this.onServerData(sc, copies.copy(buf, n, dest));
      copies.settle(dest, false);
      return;
    }
    this.onServerData(sc, copyOf(buf, n));
  }

  private onServerData(sc: ServerConn, chunk: Buffer): void {
    if (this.phase === TUNNEL) {
      this.writeClientData(chunk);
      return;
    }
    if (!sc.headDone) {
      this.onResponseHeadBytes(sc, chunk);
      return;
    }
    this.forwardResponse(sc, chunk);
  }

  private onResponseHeadBytes(sc: ServerConn, chunk: Buffer): void {
    const end = sc.reader.push(chunk);
    if (end === NEED_MORE) return;
    if (end === TOO_LARGE) {
      this.badResponse(sc);
      return;
    }
    const res = sc.res;
    const st = parseResponseHead(sc.reader.buffer, sc.reader.start, end, res, responseContext(this.req));
    if (st !== 0) {
      this.badResponse(sc);
      return;
    }
    const buf = sc.reader.buffer;
    const rest = end < buf.length ? buf.subarray(end) : null;
    if (res.interim) {
      // 1xx: forwarded as is (100-continue), then the final head follows
      this.writeClientData(encodeHead(threeDigits(res.status) ? res : `HTTP/1.1 ${res.status} ${res.reason()}\r\n`, res, null, ''));
      sc.reader.reset();
      if (rest !== null) this.onResponseHeadBytes(sc, rest);
      return;
    }
    sc.headDone = true;
    this.respMs = Date.now();
    const txn = this.txn;
    txn.res = res;
    const bh = this.bh as BackendHttp;
    // http-response: backend rules first, then the frontend's
    let r: Reply | null = null;
    if (!bh.rules.empty) r = bh.rules.response(txn);
    if (r === null && bh.brt.px !== this.fe.px && !this.fe.rules.empty) r = this.fe.rules.response(txn);
    if (r !== null) {
      this.dropServer();
      releaseSlot(this);
      this.setTerm(r.term?.[0] ?? 'P', r.term?.[1] ?? 'H');
      this.sendLocal(r.status, r.bytes, r.close);
      return;
    }
    // cookie persistence sees the response as the rules left it (HAProxy's order)
    if (bh.persistence !== null) bh.persistence.response(txn, sc.srv, this.direct, Math.floor(Date.now() / 1000));
    const framing = res.framing;
    if (framing === 'close') this.closeClient = true;
    if ((res.connection & CONN_CLOSE) !== 0 || res.version === 10 && (res.connection & CONN_KEEPALIVE) === 0 || framing === 'close') {
      this.keepServer = false;
    }
    if (!this.reqDone) {
      // the server answered before the whole request arrived: nothing can follow on either side
      this.closeClient = true;
      this.keepServer = false;
    }
    const status = txn.status();
    this.status = status;
    let extra = '';
    if (framing === 'tunnel') extra = '';
    else if (this.closeClient) extra = 'connection: close\r\n';
    else if (this.req.version === 10) extra = 'connection: keep-alive\r\n';
    // the status line as received unless a rule set the status or the reason
    const start = txn.resReason === null && txn.resStatus === 0 && threeDigits(res.status) ? res
      : `HTTP/1.1 ${status} ${txn.resReason ?? (txn.resStatus !== 0 ? reasonOf(status) : res.reason())}\r\n`;
    const edited = txn.resHeaders;
    this.resStarted = true;
    if (framing === 'tunnel') {
      // a protocol switch keeps the server's Connection/Upgrade lines (HAProxy forwards them)
      this.writeClientData(encodeHead(start, res, edited, extra, true));
      this.enterTunnel(sc, rest);
      return;
    }
    if (sc.body.start(res)) {
      this.writeClientData(encodeHead(start, res, edited, extra));
      this.responseDone(sc, rest);
      return;
    }
    if (rest === null) {
      this.writeClientData(encodeHead(start, res, edited, extra));
      return;
    }
    // the head and the body bytes that came with it leave in one write (one syscall)
    const n = sc.body.feed(rest, 0, rest.length);
    if (n < 0) {
      this.writeClientData(encodeHead(start, res, edited, extra));
      countResp(this, sc.srv);
      this.setTerm('S', 'D');
      this.abortBoth();
      return;
    }
    this.writeClientData(encodeHead(start, res, edited, extra, false, n === 0 ? null : n === rest.length ? rest : rest.subarray(0, n)));
    if (sc.body.done) this.responseDone(sc, n < rest.length ? rest.subarray(n) : null);
  }

  private forwardResponse(sc: ServerConn, buf: Buffer): void {
    const n = sc.body.feed(buf, 0, buf.length);
    if (n < 0) {
      // a broken chunked body from the server: the client's response is cut (SD)
      countResp(this, sc.srv);
      this.setTerm('S', 'D');
      this.abortBoth();
      return;
    }
    if (n > 0) this.writeClientData(n === buf.length ? buf : buf.subarray(0, n));
    if (sc.body.done) this.responseDone(sc, n < buf.length ? buf.subarray(n) : null);
  }

  private writeClientData(b: Buffer): void {
    countOut(this, b.length);
    if (this.client.destroyed) return;
    if (!write(this.client, b)) {
      this.clientBlocked = true;
      this.client.setTimeout(this.fe.timeoutClient);
      const sc = this.sc;
      if (sc !== null) sc.sock.pause();
    }
  }

  private writeClient(b: Buffer): void {
    this.bytesOut += b.length;
    this.fe.counters.bytesOut += b.length;
    if (!this.client.destroyed) this.client.write(b);
  }

  /** The response is complete: log, give the server connection back or close it, next request. */
  private responseDone(sc: ServerConn, extra: Buffer | null): void {
    countResp(this, sc.srv);
    if (extra !== null && extra.length > 0) this.keepServer = false; // bytes beyond the response
    this.sc = null;
    if (this.keepServer && this.reqDone && !sc.sock.destroyed) {
      if (sc.sock.isPaused()) sc.sock.resume();
      IdlePools.release(sc); // kept idle or closed, as HAProxy decides
    } else {
      sc.destroy();
    }
    releaseSlot(this);
    this.txnDone();
  }

  private badResponse(sc: ServerConn): void {
    const srv = sc.srv;
    srv.counters.failedResp++;
    (this.brt as BackendRuntime).be.counters.failedResp++;
    this.status = 502;
    countResp(this, srv);
    this.setTerm('P', 'H');
    this.dropServer();
    releaseSlot(this);
    this.sendLocal(502, (this.bh as BackendHttp).errorPage(502), false);
  }

  onServerEnd(sc: ServerConn): void {
    if (sc !== this.sc) return;
    if (this.phase === TUNNEL) {
      if (!this.client.destroyed) this.client.end();
      return;
    }
    if (sc.headDone) {
      if (sc.body.eof()) {
        this.keepServer = false;
        this.responseDone(sc, null);
        return;
      }
      // cut in the middle of the body
      this.srvAbort();
      return;
    }
    this.serverGone(sc, false);
  }

  onServerError(sc: ServerConn, err: NodeJS.ErrnoException): void {
    if (sc !== this.sc) return;
    if (!sc.connected) {
      connFailed(this, false);
      return;
    }
    void err;
    if (this.phase === TUNNEL || sc.headDone) {
      this.srvAbort();
      return;
    }
    this.serverGone(sc, true);
  }

  onServerClose(sc: ServerConn): void {
    if (sc !== this.sc) return;
    if (this.phase === TUNNEL) {
      this.sc = null;
      releaseSlot(this);
      this.phase = CLOSING;
      if (!this.client.destroyed) this.client.end();
      logTxn(this);
      return;
    }
    if (!sc.connected) {
      connFailed(this, false);
      return;
    }
    if (sc.headDone) this.srvAbort();
    else this.serverGone(sc, true);
  }

  onServerTimeout(sc: ServerConn): void {
    if (sc !== this.sc) return;
    if (!sc.connected) {
      connFailed(this, true);
      return;
    }
    if (this.phase === TUNNEL) {
      this.setTerm('s', 'D');
      this.abortBoth();
      return;
    }
    if (!sc.headDone) {
      // timeout server before the response head: 504
      this.status = 504;
      countResp(this, sc.srv);
      this.setTerm('s', 'H');
      this.dropServer();
      releaseSlot(this);
      this.sendLocal(504, (this.bh as BackendHttp).errorPage(504), false);
      return;
    }
    this.setTerm('s', 'D');
    this.abortBoth();
  }

  /** The server closed before its response head. */
  private serverGone(sc: ServerConn, error: boolean): void {
    // a reused idle connection the server had closed: one transparent retry when safe
    if (sc.reused && !sc.gotBytes && this.reqBody.framing === 'none' && IDEMPOTENT.has(this.txn.method()) && this.sentHead !== null) {
      this.sc = null;
      sc.destroy();
      this.first = true; // take a fresh connection
      connect(this);
      this.first = false;
      return;
    }
    void error;
    const srv = sc.srv;
    srv.counters.failedResp++;
    (this.brt as BackendRuntime).be.counters.failedResp++;
    this.status = 502;
    countResp(this, srv);
    this.setTerm('S', 'H');
    this.dropServer();
    releaseSlot(this);
    this.sendLocal(502, (this.bh as BackendHttp).errorPage(502), false);
  }

  private srvAbort(): void {
    const srv = this.srv;
    if (srv !== null) srv.counters.srvAborts++;
    if (this.brt !== null) this.brt.be.counters.srvAborts++;
    this.setTerm('S', 'D');
    this.abortBoth();
  }

  private clientAbort(phase: string): void {
    if (this.phase === DONE) return;
    const srv = this.srv;
    if (srv !== null) srv.counters.cliAborts++;
    if (this.brt !== null) this.brt.be.counters.cliAborts++;
    this.setTerm('C', phase);
    this.abortBoth();
  }

  /** Something broke mid-transaction: both connections go, the transaction is logged. */
  private abortBoth(): void {
    if (this.phase === DONE) return;
    this.clearTimer();
    if (this.pendList !== null) (this.brt as BackendRuntime).queues.remove(this, this.queuedOn);
    this.dropServer();
    releaseSlot(this);
    const wasActive = this.phase !== HEAD && this.phase !== CLOSING;
    this.phase = DONE;
    if (wasActive) logTxn(this);
    if (!this.client.destroyed) this.client.destroy();
    if (this.clientClosed) this.finish();
  }

  dropServer(): void {
    const sc = this.sc;
    this.sc = null;
    if (sc !== null) sc.destroy();
  }

  // ------------------------------------------------------------------ tunnel

  private enterTunnel(sc: ServerConn, rest: Buffer | null): void {
    this.phase = TUNNEL;
    this.closeClient = true;
    const t = this.fe.timeoutTunnel || (this.brt as BackendRuntime).timeouts.tunnel;
    sc.setTimeout(t > 0 ? t : (this.brt as BackendRuntime).timeouts.server);
    this.client.setTimeout(t > 0 ? t : this.fe.timeoutClient);
    if (rest !== null) this.writeClientData(rest);
    const p = this.pending;
    this.takePending();
    if (p !== null) {
      countIn(this, p.length);
      sc.write(p);
    }
    if (this.clientEnded) sc.sock.end();
    else this.client.resume();
  }

  // ------------------------------------------------------------------ end of a transaction

  private txnDone(): void {
    logTxn(this);
    this.fe.counters.hrsp[hrspSlot(this.status)]! += 1;
    if (this.closeClient || this.fe.stopping) {
      this.phase = CLOSING;
      this.clearTimer();
      if (!this.client.destroyed) {
        this.client.end();
        // the client may keep its side open: it gets timeout client to close it
        if (this.fe.timeoutClient > 0) this.client.setTimeout(this.fe.timeoutClient);
        this.dropReads = true;
        this.client.resume(); // read and discard until the FIN
        // the session ends once the response has left, as in HAProxy (scur back to 0 at once);
        // the socket lingers only to read the client's FIN
        this.client.once('finish', () => this.finish());
      }
      if (this.clientClosed) this.finish();
      return;
    }
    this.nextRequest();
  }

  private nextRequest(): void {
    const brt = this.brt;
    if (brt !== null) brt.beconn--;
    this.resetTxn();
    this.first = false;
    this.phase = HEAD;
    this.idleFromMs = Date.now();
    this.reader.reset();
    this.armHeadTimer(this.fe.timeoutKeepAlive);
    const p = this.pending;
    const endHeld = this.takePending();
    if (p !== null && p.length > 0) {
      this.onHeadBytes(p);
      if (endHeld) {
        this.onClientEnd();
        return;
      }
      if (this.phase !== HEAD) return;
    }
    if (this.clientEnded) this.closeQuietly();
    else if (this.client.isPaused()) this.client.resume();
  }

  /** `pending` is being consumed: true when a FIN waited for it. */
  private takePending(): boolean {
    const endHeld = this.endHeld;
    this.pending = null;
    this.held = false;
    this.endHeld = false;
    return endHeld;
  }

  private resetTxn(): void {
    this.bh = null;
    this.brt = null;
    this.srv = null;
    this.slot = null;
    this.queuedOn = null;
    this.sc = null;
    this.retries = 0;
    this.redispatched = false;
    this.sticky = null;
    this.direct = false;
    this.sentHead = null;
    this.reqDone = false;
    this.resStarted = false;
    this.keepServer = false;
    this.srvQueue = 0;
    this.beQueue = 0;
    this.termCause = '-';
    this.termPhase = '-';
    this.status = 0;
    this.bytesOut = 0;
    this.bytesIn = 0;
    this.reqStartMs = -1;
    this.headMs = -1;
    this.assignedMs = -1;
    this.connectedMs = -1;
    this.streamId = -1;
    this.respMs = -1;
    this.requestLine = '';
    this.logged = false;
  }

  setTerm(cause: string, phase: string): void {
    if (this.termCause !== '-') return;
    this.termCause = cause;
    this.termPhase = phase;
  }

  clearTimer(): void {
    this.headDeadline = -1; // the head timer stays armed for the next wait
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** The client connection is closed: release everything, free the frontend slot. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimer();
    if (this.headTimer !== null) {
      clearTimeout(this.headTimer);
      this.headTimer = null;
    }
    const brt = this.brt;
    if (brt !== null && this.pendList !== null) brt.queues.remove(this, this.queuedOn);
    this.dropServer();
    releaseSlot(this);
    if (brt !== null) brt.beconn--;
    this.phase = DONE;
    this.fe.sessionEnded(this);
  }
}

function threeDigits(status: number): boolean {
  return status >= 100 && status <= 999;
}

function onHeadTimer(s: HttpSession): void {
  s.headTimerFired();
}

const NO_BYTES = Buffer.alloc(0);
const kSession = Symbol('halyard.httpSession');
type Tagged = { [kSession]: HttpSession };

/**
 * Client sockets read into one shared buffer and the session copies what it keeps (as for
 * servers, server-conn.ts): no 64 KiB allocation per read (lib/net/read-buffers.ts says what
 * those cost); a small request costs a small copy from Node's buffer pool.
 */
const CLIENT_READ_BUF = Buffer.allocUnsafe(64 * 1024);
const CLIENT_ONREAD = { buffer: CLIENT_READ_BUF, callback: onClientRead };
/** accept-proxy connections: the same buffer, the PROXY header first */
const CLIENT_ONREAD_PP = { buffer: CLIENT_READ_BUF, callback: onClientReadPp };

function onClientRead(this: Socket & Tagged, nread: number, buf: Uint8Array): boolean {
  this[kSession].clientRead(buf, nread);
  return true; // keep reading (the session pauses the socket itself)
}

function onClientReadPp(this: Socket & Tagged, nread: number, buf: Uint8Array): boolean {
  this[kSession].proxyRead(buf, nread);
  return true;
}
