/**
 * What an HTTP transaction leaves behind: the byte and status counters it adds to (frontend,
 * backend, server) and its log line (HAProxy's HTTP log format: timers, termination state,
 * connection counts). Free functions of the session, called on the hot path without
 * allocating; the log record is built only when a logger is enabled.
 */
import type { Server } from '../../backends/server.js';
import type { HttpRecord, SessionRecord } from '../../lib/log/record.js';
import { nextStreamId } from '../../lib/log/stream-id.js';
import type { HttpSession } from './session.js';

/** The hrsp counter a status counts in: 1xx..5xx, anything else "other". */
export function hrspSlot(status: number): number {
  return status >= 100 && status < 600 ? Math.floor(status / 100) - 1 : 5;
}

/** `n` bytes of the request reached the server. */
export function countIn(s: HttpSession, n: number): void {
  s.bytesIn += n;
  s.fe.counters.bytesIn += n;
  const brt = s.brt;
  if (brt !== null) brt.be.counters.bytesIn += n;
  if (s.srv !== null) s.srv.counters.bytesIn += n;
}

/** `n` bytes of the server's response (or tunnel) go to the client. */
export function countOut(s: HttpSession, n: number): void {
  s.bytesOut += n;
  s.fe.counters.bytesOut += n;
  const brt = s.brt;
  if (brt !== null) brt.be.counters.bytesOut += n;
  if (s.srv !== null) s.srv.counters.bytesOut += n;
}

/** The response's status in the backend's and the server's hrsp counters. */
export function countResp(s: HttpSession, srv: Server | null): void {
  const k = hrspSlot(s.status);
  const brt = s.brt;
  if (brt !== null) brt.be.counters.hrsp[k]! += 1;
  if (srv !== null) srv.counters.hrsp[k]! += 1;
}

/** The transaction's log line, written once however the transaction ends. */
export function logTxn(s: HttpSession): void {
  if (s.logged) return;
  s.logged = true;
  const logger = s.fe.logger;
  if (!logger.enabled) return;
  const now = Date.now();
  const brt = s.brt;
  const srv = s.srv;
  const start = s.reqStartMs < 0 ? s.idleFromMs : s.reqStartMs;
  const rec: HttpRecord = {
    clientIp: s.addrs.logIp, clientPort: s.addrs.logPort, frontendIp: s.addrs.logDstIp, frontendPort: s.addrs.dstPort,
    acceptDate: start, frontend: s.fe.name,
    backend: brt === null ? s.fe.name : brt.name,
    server: srv === null ? '<NOSRV>' : srv.name,
    th: 0, ti: start - s.idleFromMs,
    tr: s.headMs < 0 ? -1 : s.headMs - start,
    tw: s.assignedMs < 0 ? -1 : s.assignedMs - s.headMs,
    tc: s.connectedMs < 0 ? -1 : s.connectedMs - s.assignedMs,
    trResp: s.respMs < 0 || s.connectedMs < 0 ? -1 : s.respMs - s.connectedMs,
    ta: now - start,
    tt: now - s.idleFromMs,
    status: s.status,
    bytesRead: s.bytesOut, bytesUploaded: s.bytesIn + (s.headMs < 0 ? s.reader.length : s.req.end - s.req.start),
    termState: s.termCause + s.termPhase,
    cookieState: s.txn.cookieState,
    // this transaction is still counted in beconn; HAProxy logs once it has left the backend
    actconn: s.fe.global.cur, feconn: s.fe.counters.cur, beconn: brt === null ? 0 : brt.beconn - 1,
    srvconn: srv === null ? 0 : srv.served, retries: s.retries, redispatched: s.redispatched,
    srvQueue: s.srvQueue, backendQueue: s.beQueue,
    requestLine: s.requestLine === '' ? '<BADREQ>' : s.requestLine,
    streamId: s.streamId >= 0 ? s.streamId : (s.streamId = nextStreamId()),
  };
  const ca = s.connAddrs;
  if (ca !== null) {
    rec.beIp = ca.beIp; rec.bePort = ca.bePort; rec.srvIp = ca.srvIp; rec.srvPort = ca.srvPort;
    s.connAddrs = null;
  }
  logger.http(rec);
}

/** What a unique-id-format reads (UNIQUE_ID_VARS), the same values logTxn puts in the record. */
export function uniqueIdInput(s: HttpSession): SessionRecord {
  if (s.streamId < 0) s.streamId = nextStreamId();
  return {
    clientIp: s.addrs.srcIp, clientPort: s.addrs.srcPort, frontendIp: s.addrs.dstIp, frontendPort: s.addrs.dstPort,
    acceptDate: s.reqStartMs < 0 ? s.idleFromMs : s.reqStartMs, frontend: s.fe.name, streamId: s.streamId,
  } as SessionRecord;
}
