/**
 * The wait for a PROXY protocol header on a `bind ... accept-proxy` connection, shared by the
 * TCP and HTTP sessions. Only such connections get one (`proxyWaitFor`); the others never
 * reach this code.
 *
 * As HAProxy 2.6 (which peeks once and decides): the first read must hold the whole header,
 * or the connection is refused as truncated; only a read that filled the reader's buffer can
 * be followed by more. The bytes after the header in that read are the start of the stream.
 * A refused connection gets no answer: it is reset (HAProxy closes with the bytes it peeked
 * still unread, so the kernel resets it), logged as HAProxy logs a failed handshake, and never
 * counted as a session (stot), only as a connection (conn_tot).
 */
import type { Socket } from 'node:net';
import type { SessionLogger } from '../log/record.js';
import type { ConnAddrs } from './addrs.js';
import { acceptProxyListener, type ProxyListener } from './listen.js';
import { PEEK_MAX, PROXY_ERROR_TEXT, parseProxyHeader, type ProxyError, type ProxyHeader, type ProxyWaitError } from './proxy-proto.js';

export class ProxyWait {
  /** bytes of an incomplete header kept across reads (only after a read that filled its buffer) */
  private acc: Buffer | null = null;
  /** after a complete header: the bytes that followed it in the same read, or null */
  rest: Buffer | null = null;

  /** `listener`: named in the log line of a refused connection */
  constructor(readonly listener: ProxyListener) {}

  /**
   * n bytes read into `buf` (a buffer the next read reuses). Returns null while the header
   * may still come (the read filled `buf`), else the verdict; after a good header `rest`
   * holds a copy of what followed it.
   */
  push(buf: Uint8Array, n: number): ProxyHeader | null {
    let data: Uint8Array = buf;
    let len = n;
    if (this.acc !== null) {
      data = this.acc = Buffer.concat([this.acc, buf.subarray(0, n)]);
      len = data.length;
    }
    const r = parseProxyHeader(data, len);
    if (!r.ok) {
      if (r.error === 'truncated' && n === buf.length && len < PEEK_MAX) {
        if (this.acc === null) this.acc = Buffer.from(buf.subarray(0, n));
        return null;
      }
      return r;
    }
    this.acc = null;
    this.rest = r.len < len ? Buffer.from(data.subarray(r.len, len)) : null;
    return r;
  }
}

/** The wait for `sock`'s header when it came through an accept-proxy listener, else null. */
export function proxyWaitFor(sock: Socket): ProxyWait | null {
  const l = acceptProxyListener(sock);
  return l === undefined ? null : new ProxyWait(l);
}

/** The header is in: its addresses (if any) become the connection's. */
export function proxyAccepted(r: ProxyHeader & { ok: true }, addrs: ConnAddrs,
  fe: { readonly counters: { notSessions: number }; readonly logger: SessionLogger; readonly mode: string }): void {
  // the connection becomes a session, with the header's addresses; in TCP mode its stream
  // starts now, hence the "Connect from" line (in HTTP mode each request's stream logs it)
  fe.counters.notSessions--;
  const a = r.addrs;
  if (a !== null) addrs.setProxied(a.srcIp, a.srcPort, a.dstIp, a.dstPort);
  if (fe.logger.logsAccept && fe.mode === 'tcp') fe.logger.accept(addrs.logIp, addrs.logPort, addrs.logDstIp, addrs.dstPort);
}

/**
 * No header: log it as HAProxy does (with the socket's addresses, read while it was open) and
 * close: a reset when bytes were received and refused, a plain close otherwise.
 */
export function proxyRefused(why: ProxyError | ProxyWaitError, sock: Socket, addrs: ConnAddrs, logger: SessionLogger, acceptMs: number, listener: ProxyListener): void {
  const nullish = why === 'empty' || why === 'abort' || why === 'timeout';
  if (logger.enabled) {
    // a unix socket client has no address: HAProxy writes "unix" and the listener id instead
    logger.connError(addrs.logIp, addrs.logPort, acceptMs, listener.name, PROXY_ERROR_TEXT[why], nullish);
  }
  if (sock.destroyed) return;
  if (!nullish && sock.remoteFamily !== undefined) sock.resetAndDestroy();
  else sock.destroy();
}
