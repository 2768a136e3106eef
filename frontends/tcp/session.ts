/**
 * One TCP-mode session: a client connection, the server connection chosen for it, and the
 * relay between them. The life of a session, as HAProxy's stream states:
 *
 *   start -> assign (pick, or queue) -> connect -> [retry / redispatch] -> data -> finish
 *
 * Socket listeners are module-level functions (relay.ts) that find the session through a
 * symbol on the socket, so a session costs one object plus its two sockets, and nothing is
 * allocated per chunk. Termination-state letters follow HAProxy's %ts (log §8.8): the first
 * letter says who ended the session (C client, S server, c/s their timeouts, '-' normal), the
 * second in which phase (Q queue, C connect, D data).
 */
import { nextStreamId } from '../../lib/log/stream-id.js';
import { connect as netConnect, type Socket } from 'node:net';
import { addrBytes } from '../../backends/balance/addr.js';
import type { PickContext, ByteSlice } from '../../backends/balance/types.js';
import type { Server } from '../../backends/server.js';
import type { SessionRecord } from '../../lib/log/record.js';
import type { BackendRuntime, ServerSession } from '../../lib/runtime/backend-runtime.js';
import type { L4Facts } from '../../lib/runtime/l4cond.js';
import { rejects } from '../../lib/runtime/tcp-rules.js';
import type { PendNode, PendList } from '../../lib/runtime/queue.js';
import type { TcpFrontend } from './frontend.js';
import { clientProxyHeader } from './proxy-header.js';
import { ConnAddrs } from '../../lib/net/addrs.js';
import { useOnread } from '../../lib/net/onread.js';
import { proxyAccepted, proxyRefused, proxyWaitFor, type ProxyWait } from '../../lib/net/proxy-accept.js';
import type { ProxyError, ProxyWaitError } from '../../lib/net/proxy-proto.js';
import { release, takeSmall } from '../../lib/net/read-buffers.js';
import {
  attachClient, attachServer, clientOnread, clientOnreadPp, countIn, kSession, onClientDataPp, serverOnread, startClientData, type Tagged,
} from './relay.js';

export const P_INIT = 0;
export const P_QUEUE = 1;
export const P_CONNECT = 2;
export const P_TURNAROUND = 3;
export const P_DATA = 4;
export const P_DONE = 5;

/** Phase letter for the second %ts character. */
const PHASE_LETTER = ['R', 'Q', 'C', 'C', 'D', 'D'] as const;

// Source hashing reads the client address from a PickContext; picks are synchronous, so one
// shared context filled right before each pick serves every session.
const v4 = new Uint8Array(4);
const v6 = new Uint8Array(16);
const pickCtx: PickContext = { src: null, uri: null, findHeader: (_n: string, _o: ByteSlice) => false };

export class TcpSession implements PendNode, ServerSession {
  pendPrev: PendNode | null = null;
  pendNext: PendNode | null = null;
  pendList: PendList | null = null;
  pendSeq = 0;

  server: (Socket & Tagged) | null = null;
  brt: BackendRuntime | null = null;
  srv: Server | null = null;
  /** the server whose connection slot this session holds (be.takeConn done) */
  slot: Server | null = null;
  /** the server whose queue this session waits in (null: the backend queue or none) */
  queuedOn: Server | null = null;
  phase = P_INIT;
  retries = 0;
  redispatched = false;
  timer: NodeJS.Timeout | null = null;
  readonly acceptMs = Date.now();
  assignedMs = -1;
  establishedMs = -1;
  /** the process-wide stream number (%rt) */
  readonly streamId = nextStreamId();
  /** the server connection's addresses, read only when the log format prints them (%bi %bp %si %sp) */
  connAddrs: { beIp: string; bePort: number; srvIp: string; srvPort: number } | null = null;
  bytesIn = 0;
  bytesOut = 0;
  termCause = '-';
  termPhase = '-';
  clientEnded = false;
  serverEnded = false;
  clientClosed = false;
  serverClosed = true;
  srvQueue = 0;
  beQueue = 0;
  private finished = false;

  readonly client: Socket & Tagged;
  /** the client socket reads into `cbuf` (net's onread); false: it reads 'data' events */
  private readonly adopted: boolean;
  /** where the next read of each socket lands (relay.ts) */
  cbuf: Buffer = takeSmall();
  sbuf: Buffer | null = null;
  /** a buffer a pending write to the server / to the client still reads from */
  upHeld: Buffer | null = null;
  downHeld: Buffer | null = null;

  /** the connection's addresses, read when first needed (the log line reads them at the start) */
  private readonly addrs: ConnAddrs;
  /** accept-proxy: the PROXY header is awaited (null once it came, or on other binds) */
  pp: ProxyWait | null;
  /** accept-proxy: client bytes that came after the header, for the server once connected */
  private early: Buffer | null = null;
  /** the connection was refused for its PROXY header: not a session, not logged as one */
  private refused = false;

  constructor(readonly fe: TcpFrontend, accepted: Socket) {
    this.pp = fe.acceptProxy ? proxyWaitFor(accepted) : null;
    this.adopted = useOnread(accepted, this.pp === null ? clientOnread(this) : clientOnreadPp(this));
    this.client = accepted as Socket & Tagged;
    this.client[kSession] = this;
    this.addrs = new ConnAddrs(accepted);
  }

  start(): void {
    if (this.fe.logger.enabled) this.addrs.read();
    attachClient(this.client);
    this.client.setNoDelay(true);
    if (this.pp !== null) {
      // the header first (under timeout client, as HAProxy's handshake); routing needs its addresses
      this.fe.counters.notSessions++;
      if (!this.adopted) this.client.on('data', onClientDataPp);
      if (this.fe.timeoutClient > 0) this.client.setTimeout(this.fe.timeoutClient);
      this.client.resume();
      return;
    }
    this.route();
  }

  /** A read while the PROXY header is awaited (relay.ts calls it only then). */
  proxyRead(buf: Uint8Array, n: number): void {
    const pp = this.pp as ProxyWait;
    const r = pp.push(buf, n);
    if (r === null) return;
    if (!r.ok) {
      this.proxyFailed(r.error);
      return;
    }
    this.pp = null;
    const c = this.client;
    if (!this.adopted) c.removeListener('data', onClientDataPp);
    // as for any connection, what follows is read once the server connection is up
    c.pause();
    if (this.fe.timeoutClient > 0) c.setTimeout(0);
    this.early = pp.rest;
    proxyAccepted(r, this.addrs, this.fe);
    this.route();
  }

  /** No PROXY header (bad, missing, client gone, timeout): refused without a session. */
  proxyFailed(why: ProxyError | ProxyWaitError): void {
    const pp = this.pp as ProxyWait;
    this.pp = null;
    this.refused = true;
    this.phase = P_DONE;
    proxyRefused(why, this.client, this.addrs, this.fe.logger, this.acceptMs, pp.listener);
  }

  private route(): void {
    const fe = this.fe;
    if (fe.tcpContent !== null && rejects(fe.tcpContent, this.facts())) {
      this.contentRejected();
      return;
    }
    const brt = fe.route(this);
    if (brt === null) {
      fe.counters.failedConns++;
      this.fail('S', 'C');
      return;
    }
    this.brt = brt;
    brt.beconn++;
    brt.rate.hit();
    // a listen's own sessions ran its rules as the frontend's
    if (brt.tcpContent !== null && !(brt.px.kind === 'listen' && brt.px.name === fe.name) && rejects(brt.tcpContent, this.facts())) {
      brt.be.counters.cumSess++; // haproxy counts the backend's session when it is chosen
      this.contentRejected();
      return;
    }
    this.assign(null);
  }

  /** `tcp-request content reject`: logged PR, counted in the frontend's dreq, closed without a server. */
  private contentRejected(): void {
    this.fe.counters.deniedReqs++;
    this.fail('P', 'R');
  }

  /** Layer-4 facts for the switching rules (read only when a rule needs them). */
  facts(): L4Facts {
    const a = this.addrs;
    return { src: a.srcIp, srcPort: a.srcPort, dstPort: a.dstPort };
  }

  /** Choose a server (HAProxy's assign_server_and_queue); `prev` is the server a redispatch leaves. */
  assign(prev: Server | null): void {
    const brt = this.brt as BackendRuntime;
    const be = brt.be;
    const forced = prev === null ? brt.useServerL4(() => this.facts()) : null;
    if (forced !== null) {
      this.placed(forced);
      return;
    }
    if (!be.hasUsableServer) {
      be.counters.failedConns++;
      this.fe.counters.failedConns++;
      this.fail('S', 'C');
      return;
    }
    // With round robin and first, a non-empty backend queue means every server is full: wait
    // behind the others instead of overtaking them.
    if (prev === null && brt.queueFirst && be.counters.queueCur > 0) {
      this.enqueue(null);
      return;
    }
    if (brt.needsSrc) pickCtx.src = addrBytes(this.addrs.srcIp, v4, v6);
    const s = be.pick(pickCtx, prev);
    if (s === null) {
      this.enqueue(null);
      return;
    }
    if (prev !== null && brt.countRepick(prev, s)) this.redispatched = true;
    this.placed(s);
  }

  /** The server is chosen: take a slot on it, or wait in its queue. */
  private placed(s: Server): void {
    const be = (this.brt as BackendRuntime).be;
    this.srv = s;
    if (!s.hasRoom()) {
      if (s.maxqueue > 0 && s.queueLength >= s.maxqueue) {
        s.counters.failedConns++;
        be.counters.failedConns++;
        this.fe.counters.failedConns++;
        this.fail('S', 'Q');
        return;
      }
      this.enqueue(s);
      return;
    }
    be.takeConn(s);
    this.gotSlot(s);
  }

  private enqueue(srv: Server | null): void {
    const brt = this.brt as BackendRuntime;
    this.phase = P_QUEUE;
    this.queuedOn = srv;
    brt.queues.add(this, srv);
    this.srvQueue = srv === null ? 0 : srv.queueLength;
    this.beQueue = brt.be.counters.queueCur;
    // a requeued session keeps the queue deadline it already had
    if (brt.timeouts.queue > 0 && this.timer === null) this.timer = setTimeout(onQueueTimeout, brt.timeouts.queue, this);
  }

  /** PendNode: the server this session waited for went DOWN; balance again. */
  requeued(): void {
    this.queuedOn = null;
    this.assign(null);
  }

  /** ServerSession: `on-marked-down shutdown-sessions` (termination state 'D'). */
  kill(): void {
    this.setTerm('D', PHASE_LETTER[this.phase] ?? 'D');
    const sock = this.server;
    if (sock !== null) sock.destroy();
    this.client.destroy();
  }

  /** PendNode: a server freed a slot for us (takeConn already done by the queue). */
  dequeued(srv: Server): void {
    this.clearTimer();
    this.queuedOn = null;
    this.srv = srv;
    this.gotSlot(srv);
  }

  private gotSlot(srv: Server): void {
    this.slot = srv;
    (this.brt as BackendRuntime).attach(srv, this);
    if (this.assignedMs < 0) this.assignedMs = Date.now();
    this.connect();
  }

  connect(): void {
    const brt = this.brt as BackendRuntime;
    const srv = this.srv as Server;
    const t = brt.targets.get(srv);
    if (t === undefined) throw new Error(`no target for server ${srv.name}`);
    this.phase = P_CONNECT;
    // a retry's socket reuses the buffer: the failed one was destroyed and reads no more
    if (this.sbuf === null) this.sbuf = takeSmall();
    const onread = serverOnread(this);
    const sock = (t.unix
      ? netConnect({ path: t.host, allowHalfOpen: true, onread })
      : netConnect({ host: t.host, port: t.port !== 0 ? t.port : this.addrs.dstPort + t.portOffset, family: t.family, allowHalfOpen: true, noDelay: true, onread })) as Socket & Tagged;
    sock[kSession] = this;
    // a connection in use until it closes (stats used_conn_cur, as HAProxy counts TCP ones too)
    srv.conns.use();
    sock.once('close', () => { srv.conns.used--; });
    this.server = sock;
    this.serverClosed = false;
    attachServer(sock);
    if (brt.timeouts.connect > 0) sock.setTimeout(brt.timeouts.connect);
  }

  /** The server accepted: send the PROXY header if asked, arm data timeouts, start relaying. */
  established(): void {
    const brt = this.brt as BackendRuntime;
    const sock = this.server as Socket;
    this.phase = P_DATA;
    this.establishedMs = Date.now();
    if (this.fe.logger.wantsConnAddrs === true) {
      this.connAddrs = { beIp: sock.localAddress ?? '', bePort: sock.localPort ?? 0, srvIp: sock.remoteAddress ?? '', srvPort: sock.remotePort ?? 0 };
    }
    const t = brt.targets.get(this.srv as Server);
    if (t !== undefined && t.sendProxy !== null) {
      sock.write(clientProxyHeader(t.sendProxy, this.addrs));
    }
    const early = this.early;
    if (early !== null) {
      // accept-proxy: what came with the header, before anything read from now on
      this.early = null;
      countIn(this, early.length);
      sock.write(early);
    }
    const tunnel = brt.timeouts.tunnel;
    sock.setTimeout(tunnel > 0 ? tunnel : brt.timeouts.server);
    this.client.setTimeout(tunnel > 0 ? tunnel : this.fe.timeoutClient);
    startClientData(this.client, this.adopted);
  }

  /**
   * A connection attempt failed (refused, unreachable, or `timeout connect`). Retry as HAProxy:
   * up to `retries` more attempts; a retry may redispatch (stream_choose_redispatch), and a
   * retry after a refusal waits min(timeout connect, 1s) unless it goes elsewhere at once.
   */
  connFailed(timeout: boolean): void {
    const brt = this.brt as BackendRuntime;
    const be = brt.be;
    const srv = this.srv as Server;
    const sock = this.server;
    this.server = null;
    this.serverClosed = true;
    if (sock !== null) sock.destroy();
    if (this.retries >= brt.retries) {
      srv.counters.failedConns++;
      be.counters.failedConns++;
      this.fe.counters.failedConns++;
      this.releaseSlot();
      this.fail(timeout ? 's' : 'S', 'C');
      return;
    }
    this.retries++;
    const redisp = brt.redispatchOnRetry(srv, this.retries, false);
    if (redisp) {
      this.releaseSlot();
    } else {
      brt.countRetry(srv);
    }
    this.phase = P_TURNAROUND;
    const delay = brt.retryDelay(timeout, redisp);
    if (delay > 0) this.timer = setTimeout(onTurnaround, delay, this, redisp);
    else this.retry(redisp);
  }

  retry(redisp: boolean): void {
    this.timer = null;
    if (this.phase !== P_TURNAROUND) return;
    if (redisp) this.assign(this.srv);
    else this.connect();
  }

  /** Give back the server connection slot and let a queued session have it. */
  releaseSlot(): void {
    const s = this.slot;
    if (s === null) return;
    this.slot = null;
    (this.brt as BackendRuntime).freeSlot(s, this);
  }

  setTerm(cause: string, phase: string): void {
    if (this.termCause !== '-') return;
    this.termCause = cause;
    this.termPhase = phase;
  }

  /** The session cannot reach a server: close the client cleanly (FIN after what was sent). */
  fail(cause: string, phase: string): void {
    this.setTerm(cause, phase);
    this.phase = P_DONE;
    this.clearTimer();
    const c = this.client;
    if (this.fe.timeoutClient > 0) c.setTimeout(this.fe.timeoutClient);
    c.resume();
    c.destroySoon();
    if (this.clientClosed) this.finish();
  }

  /** The client went away (error or close) before the data phase. */
  clientAborted(): void {
    if (this.phase === P_DONE || this.phase === P_DATA) return;
    this.setTerm('C', PHASE_LETTER[this.phase] ?? 'C');
    this.phase = P_DONE;
    this.clearTimer();
    if (this.pendList !== null) (this.brt as BackendRuntime).queues.remove(this, this.queuedOn);
    const sock = this.server;
    if (sock !== null) sock.destroy();
  }

  clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Both sockets are closed: release everything, log, free the frontend slot. */
  finish(): void {
    if (this.finished || !this.clientClosed || !this.serverClosed) return;
    this.finished = true;
    this.phase = P_DONE;
    this.clearTimer();
    const brt = this.brt;
    if (brt !== null && this.pendList !== null) brt.queues.remove(this, this.queuedOn);
    // the session leaves its server and backend before its line is logged, as in HAProxy
    // (tcplog's %bc/%sc do not count it)
    this.releaseSlot();
    if (brt !== null) brt.beconn--;
    const logger = this.fe.logger;
    if (logger.enabled && !this.refused) logger.tcp(this.record());
    this.releaseBuffers();
    this.fe.sessionEnded(this.client);
  }

  /** Both sockets are closed, so no read or write refers to the session's buffers any more. */
  private releaseBuffers(): void {
    release(this.cbuf);
    if (this.sbuf !== null) release(this.sbuf);
    if (this.upHeld !== null) release(this.upHeld);
    if (this.downHeld !== null) release(this.downHeld);
    this.upHeld = null;
    this.downHeld = null;
  }

  private record(): SessionRecord {
    const now = Date.now();
    const brt = this.brt;
    // The server the session was given, even if it never answered (HAProxy logs be/dead SC).
    const srv = this.srv;
    return {
      clientIp: this.addrs.logIp, clientPort: this.addrs.logPort,
      frontendIp: this.addrs.logDstIp, frontendPort: this.addrs.dstPort,
      acceptDate: this.acceptMs, frontend: this.fe.name,
      backend: brt === null ? this.fe.name : brt.name,
      server: srv === null ? '<NOSRV>' : srv.name,
      tw: this.assignedMs < 0 ? -1 : this.assignedMs - this.acceptMs,
      tc: this.establishedMs < 0 ? -1 : this.establishedMs - this.assignedMs,
      tt: now - this.acceptMs,
      bytesRead: this.bytesOut, bytesUploaded: this.bytesIn,
      termState: this.termCause + this.termPhase,
      actconn: this.fe.global.cur, feconn: this.fe.counters.cur, beconn: brt === null ? 0 : brt.beconn,
      srvconn: srv === null ? 0 : srv.served, retries: this.retries, redispatched: this.redispatched,
      srvQueue: this.srvQueue, backendQueue: this.beQueue, streamId: this.streamId,
      ...(this.connAddrs !== null ? this.connAddrs : {}),
    };
  }
}

function onQueueTimeout(s: TcpSession): void {
  s.timer = null;
  if (s.phase !== P_QUEUE) return;
  const brt = s.brt as BackendRuntime;
  brt.queues.remove(s, s.queuedOn);
  s.queuedOn = null;
  s.fe.counters.failedConns++;
  s.fail('s', 'Q');
}

function onTurnaround(s: TcpSession, redisp: boolean): void {
  s.retry(redisp);
}

