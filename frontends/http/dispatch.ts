/**
 * Server choice for an HTTP transaction (HAProxy's assign_server_and_queue, as in TCP mode,
 * frontends/tcp/session.ts): the cookie's server or a pick, the server and backend queues,
 * an idle connection or a new one, and what follows a failed connect (retries, redispatch,
 * the turnaround wait). Free functions of the session rather than methods, so that
 * session.ts keeps the client and the byte relay; the session itself is the queue node.
 */
import { addrBytes } from '../../backends/balance/addr.js';
import type { ByteSlice, PickContext } from '../../backends/balance/types.js';
import type { Server } from '../../backends/server.js';
import type { BackendRuntime } from '../../lib/runtime/backend-runtime.js';
import type { BackendHttp } from './frontend.js';
import { clientProxyHeader } from '../tcp/proxy-header.js';
import { IdlePools, ServerConn } from './server-conn.js';
import { WAIT, type HttpSession } from './session.js';

// One PickContext for every pick (picks are synchronous): filled right before each.
const v4 = new Uint8Array(4);
const v6 = new Uint8Array(16);
const uriSlice: ByteSlice = { buf: new Uint8Array(0), start: 0, end: 0 };
let pickSession: HttpSession | null = null;
const pickCtx: PickContext = {
  src: null,
  uri: null,
  findHeader(name: string, out: ByteSlice): boolean {
    const s = pickSession;
    if (s === null) return false;
    const v = s.txn.reqHeaderLines(name)[0];
    if (v === undefined) return false;
    const b = Buffer.from(v, 'latin1');
    out.buf = b;
    out.start = 0;
    out.end = b.length;
    return true;
  },
};

/** Choose a server (HAProxy's assign_server_and_queue); `prev` is the server a redispatch leaves. */
export function assign(s: HttpSession, prev: Server | null): void {
  const brt = s.brt as BackendRuntime;
  const be = brt.be;
  s.phase = WAIT;
  let srv: Server | null = null;
  if (prev === null && s.sticky !== null) {
    // direct: the cookie's server, even DOWN under `option persist`; roundrobin does not move
    srv = s.sticky;
    s.direct = true;
  } else if (prev === null) {
    // `use-server`: also direct (looked at after the cookie, as HAProxy)
    srv = brt.pickUseServer((s.bh as BackendHttp).useServers, s.txn);
    if (srv !== null) s.direct = true;
  }
  if (srv === null) {
    if (!be.hasUsableServer) {
      be.counters.failedConns++;
      s.fe.counters.failedConns++;
      serverFail(s, 503, 'S', 'C');
      return;
    }
    if (prev === null && brt.queueFirst && be.counters.queueCur > 0) {
      enqueue(s, null);
      return;
    }
    if (brt.needsSrc) pickCtx.src = addrBytes(s.addrs.srcIp, v4, v6);
    const u = s.req;
    uriSlice.buf = u.buf;
    uriSlice.start = u.uriStart;
    uriSlice.end = u.uriEnd;
    pickCtx.uri = s.txn.reqUri === null ? uriSlice : { buf: Buffer.from(s.txn.reqUri, 'latin1'), start: 0, end: Buffer.byteLength(s.txn.reqUri, 'latin1') };
    pickSession = s;
    srv = be.pick(pickCtx, prev);
    pickSession = null;
    pickCtx.uri = null;
    if (srv === null) {
      enqueue(s, null);
      return;
    }
    if (prev !== null && brt.countRepick(prev, srv)) {
      s.bh?.persistence?.redispatched(s.txn);
      s.redispatched = true;
    }
  }
  s.srv = srv;
  s.txn.server = srv.name;
  if (!srv.hasRoom()) {
    if (srv.maxqueue > 0 && srv.queueLength >= srv.maxqueue) {
      if (s.direct && brt.redispatch !== null) {
        // the cookie's server is full: `option redispatch` lets another server take it
        s.direct = false;
        s.sticky = null;
        assign(s, srv);
        return;
      }
      srv.counters.failedConns++;
      be.counters.failedConns++;
      s.fe.counters.failedConns++;
      serverFail(s, 503, 'S', 'Q');
      return;
    }
    enqueue(s, srv);
    return;
  }
  be.takeConn(srv);
  gotSlot(s, srv);
}

function enqueue(s: HttpSession, srv: Server | null): void {
  const brt = s.brt as BackendRuntime;
  s.queuedOn = srv;
  brt.queues.add(s, srv);
  s.srvQueue = srv === null ? 0 : srv.queueLength;
  s.beQueue = brt.be.counters.queueCur;
  if (brt.timeouts.queue > 0 && s.timer === null) s.timer = setTimeout(onQueueTimeout, brt.timeouts.queue, s);
}

function onQueueTimeout(s: HttpSession): void {
  s.timer = null;
  if (s.phase !== WAIT || s.pendList === null) return;
  (s.brt as BackendRuntime).queues.remove(s, s.queuedOn);
  s.queuedOn = null;
  s.fe.counters.failedConns++;
  serverFail(s, 503, 's', 'Q');
}

/** PendNode: a server freed a slot for `s` (takeConn already done by the queue). */
export function dequeued(s: HttpSession, srv: Server): void {
  s.clearTimer();
  s.queuedOn = null;
  s.srv = srv;
  s.txn.server = srv.name;
  gotSlot(s, srv);
}

/** PendNode: the server `s` waited for went DOWN; balance again. */
export function requeued(s: HttpSession): void {
  s.queuedOn = null;
  // the server went DOWN: persistence is dropped (HAProxy's pendconn_redistribute)
  s.sticky = null;
  s.direct = false;
  assign(s, null);
}

function gotSlot(s: HttpSession, srv: Server): void {
  s.slot = srv;
  (s.brt as BackendRuntime).attach(srv, s);
  if (s.assignedMs < 0) s.assignedMs = Date.now();
  // http-reuse safe: the first request of a connection never rides another client's connection;
  // with send-proxy, only one whose PROXY header is this client's (HAProxy hashes it in)
  const t = (s.brt as BackendRuntime).targets.get(srv);
  const idle = s.first ? null : IdlePools.take(srv, t !== undefined && t.sendProxy !== null ? proxyLineOf(s, t.sendProxy) : null);
  if (idle !== null) {
    idle.owner = s;
    idle.reused = true;
    s.sc = idle;
    s.connectedMs = Date.now();
    s.established(idle);
    return;
  }
  connect(s);
}

/** A new connection to the session's server; the session hears of it as its ConnOwner. */
export function connect(s: HttpSession): void {
  const brt = s.brt as BackendRuntime;
  const srv = s.srv as Server;
  const t = brt.targets.get(srv);
  if (t === undefined) throw new Error(`no target for server ${srv.name}`);
  const sc = ServerConn.open(t, srv, s.addrs.dstPort, s, brt.timeouts.connect, s.fe.limits);
  s.sc = sc;
  if (t.sendProxy !== null) {
    // the PROXY header leads the connection (written once connected, before the request)
    const line = proxyLineOf(s, t.sendProxy);
    sc.proxyKey = line;
    sc.write(Buffer.from(line, 'latin1'));
  }
}

/** The client's PROXY header for `send-proxy` / `send-proxy-v2`, as latin1 text (also the reuse key). */
function proxyLineOf(s: HttpSession, kind: 'v1' | 'v2'): string {
  return clientProxyHeader(kind, s.addrs).toString('latin1');
}

/**
 * A connection attempt failed (refused, unreachable, or `timeout connect`). Retries and
 * redispatch as in TCP mode (the policy is BackendRuntime's); after the last one, 503.
 */
export function connFailed(s: HttpSession, timeout: boolean): void {
  const brt = s.brt as BackendRuntime;
  const be = brt.be;
  const srv = s.srv as Server;
  s.dropServer();
  if (s.retries >= brt.retries) {
    srv.counters.failedConns++;
    be.counters.failedConns++;
    s.fe.counters.failedConns++;
    releaseSlot(s);
    serverFail(s, 503, timeout ? 's' : 'S', 'C');
    return;
  }
  s.retries++;
  const redisp = brt.redispatchOnRetry(srv, s.retries, s.direct);
  if (redisp) {
    releaseSlot(s);
    s.direct = false;
  } else {
    brt.countRetry(srv);
  }
  s.phase = WAIT;
  const delay = brt.retryDelay(timeout, redisp);
  if (delay > 0) s.timer = setTimeout(retry, delay, s, redisp);
  else retry(s, redisp);
}

/** The next attempt after a failed connect, at once or after the turnaround wait. */
function retry(s: HttpSession, redisp: boolean): void {
  s.timer = null;
  if (s.phase !== WAIT) return;
  if (redisp) assign(s, s.srv);
  else connect(s);
}

/** No server could take the request: an error page (503) from the backend. */
function serverFail(s: HttpSession, status: number, cause: string, phase: string): void {
  s.setTerm(cause, phase);
  s.status = status;
  const brt = s.brt;
  if (brt !== null) brt.be.counters.hrsp[4]! += 1;
  s.sendLocal(status, s.bh !== null ? s.bh.errorPage(status) : s.fe.errorPage(status), false);
}

/** Give back the server connection slot and let a queued request have it. */
export function releaseSlot(s: HttpSession): void {
  const srv = s.slot;
  if (srv === null) return;
  s.slot = null;
  (s.brt as BackendRuntime).freeSlot(srv, s);
}
