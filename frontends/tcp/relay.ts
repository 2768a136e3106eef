/**
 * The byte relay of a TCP session: socket listeners written once, at module level, reaching
 * their session through a symbol on the socket (no closures per connection or per chunk).
 *
 * Both sockets read with net's `onread` into buffers the session owns (lib/net/read-buffers.ts
 * says why); what was read is written to the other side as a view of that buffer, and a buffer
 * still referenced by a pending write is set aside until the destination has flushed. A client
 * socket that could not be switched to onread (lib/net/onread.ts) reads 'data' events instead.
 *
 * Backpressure by hand: when write() on one side returns false the other side is paused, and
 * that side's 'drain' resumes it, so a session never buffers more than about one socket
 * highWaterMark per direction plus the chunk in flight. Half-close: a FIN from one side becomes
 * end() on the other (sockets are half-open), so a client that shuts its write side still gets
 * the whole reply. An error (reset) on one side resets the other, as HAProxy aborts both.
 */
import type { OnReadOpts, Socket } from 'node:net';
import type { Server } from '../../backends/server.js';
import { nextBuffer, release } from '../../lib/net/read-buffers.js';
import type { BackendRuntime } from '../../lib/runtime/backend-runtime.js';
import { P_CONNECT, P_DATA, P_DONE, type TcpSession } from './session.js';

export const kSession = Symbol('halyard.tcpSession');
export interface Tagged {
  [kSession]: TcpSession;
}
type TSocket = Socket & Tagged;

export function attachClient(c: TSocket): void {
  c.on('error', onClientError);
  c.on('close', onClientClose);
  c.on('end', onClientEnd);
  c.on('drain', onClientDrain);
  c.on('timeout', onClientTimeout);
}

/** net's `onread` for a session's client socket: reads land in `s.cbuf` */
export function clientOnread(s: TcpSession): OnReadOpts {
  return { buffer: () => s.cbuf, callback: onClientRead as OnReadOpts['callback'] };
}

/** net's `onread` for a client on an accept-proxy listener: the PROXY header first */
export function clientOnreadPp(s: TcpSession): OnReadOpts {
  return { buffer: () => s.cbuf, callback: onClientReadPp as OnReadOpts['callback'] };
}

/** net's `onread` for a session's server socket: reads land in `s.sbuf` */
export function serverOnread(s: TcpSession): OnReadOpts {
  return { buffer: () => s.sbuf as Buffer, callback: onServerRead as OnReadOpts['callback'] };
}

/** Data is read from the client only once the server connection is up (HAProxy buffers; the
 * kernel and one highWaterMark of socket buffer do it here). */
export function startClientData(c: TSocket, adopted: boolean): void {
  if (!adopted) c.on('data', onClientData);
  // listeners hand sockets over paused (pauseOnConnect, so maxconn can hold them unread):
  // adding a 'data' listener does not undo an explicit pause
  c.resume();
}

export function attachServer(s: TSocket): void {
  s.on('connect', onServerConnect);
  s.on('end', onServerEnd);
  s.on('drain', onServerDrain);
  s.on('error', onServerError);
  s.on('timeout', onServerTimeout);
  s.on('close', onServerClose);
}

/** Abort a socket with a TCP reset where the socket type allows it (not on unix sockets). */
function reset(sock: Socket | null): void {
  if (sock === null || sock.destroyed) return;
  if (sock.remoteFamily !== undefined && !sock.connecting) sock.resetAndDestroy();
  else sock.destroy();
}

/**
 * Writes the `n` bytes read into `buf` to `to` and returns the buffer the next read goes to.
 * A write that does not complete at once keeps pointing into `buf`, so that buffer is set aside
 * (`held`) until `to` has flushed. Only a write to a socket with nothing pending hands over the
 * buffer: behind pending bytes the data is copied (at most a highWaterMark's worth before the
 * source is paused), so a trickle of tiny reads cannot pin one buffer each.
 */
function forward(from: TSocket, to: Socket, buf: Buffer, n: number, s: TcpSession, up: boolean): Buffer {
  if (to.writableLength > 0) {
    if (!to.write(Buffer.from(buf.subarray(0, n)))) from.pause();
    return buf;
  }
  const held = up ? s.upHeld : s.downHeld;
  if (held !== null) {
    // nothing is pending on `to`: the write that used it has completed
    release(held);
    if (up) s.upHeld = null;
    else s.downHeld = null;
  }
  const ok = to.write(n === buf.length ? buf : buf.subarray(0, n));
  // the usual case: the kernel took it all and nothing refers to `buf` any more
  const retained = to.writableLength > 0;
  if (retained) {
    if (up) s.upHeld = buf;
    else s.downHeld = buf;
  }
  if (!ok) from.pause();
  return nextBuffer(buf, n, retained);
}

/** `n` bytes from the client reached the server's socket: session, frontend, backend, server. */
export function countIn(s: TcpSession, n: number): void {
  s.bytesIn += n;
  s.fe.counters.bytesIn += n;
  (s.brt as BackendRuntime).be.counters.bytesIn += n;
  (s.srv as Server).counters.bytesIn += n;
}

/** `n` bytes from the server went to the client's socket. */
function countOut(s: TcpSession, n: number): void {
  s.bytesOut += n;
  s.fe.counters.bytesOut += n;
  (s.brt as BackendRuntime).be.counters.bytesOut += n;
  (s.srv as Server).counters.bytesOut += n;
}

function onClientRead(this: TSocket, n: number, buf: Buffer): void {
  const s = this[kSession];
  const sock = s.server;
  if (sock === null || sock.destroyed) return; // nowhere to go (failed session): dropped
  countIn(s, n);
  s.cbuf = forward(this, sock, buf, n, s, true);
}

function onServerRead(this: TSocket, n: number, buf: Buffer): void {
  const s = this[kSession];
  const c = s.client;
  if (this !== s.server || c.destroyed) return;
  countOut(s, n);
  s.sbuf = forward(this, c, buf, n, s, false);
}

function onClientReadPp(this: TSocket, n: number, buf: Buffer): void {
  const s = this[kSession];
  if (s.pp !== null) s.proxyRead(buf, n);
  else onClientRead.call(this, n, buf);
}

/** 'data' while the PROXY header is awaited, on a socket that could not be switched to onread */
export function onClientDataPp(this: TSocket, chunk: Buffer): void {
  const s = this[kSession];
  if (s.pp !== null) s.proxyRead(chunk, chunk.length);
}

/** Client reads on a socket that could not be switched to onread: Node's own buffers, nothing to keep. */
function onClientData(this: TSocket, chunk: Buffer): void {
  const s = this[kSession];
  const sock = s.server;
  if (sock === null || sock.destroyed) return;
  const n = chunk.length;
  countIn(s, n);
  if (!sock.write(chunk)) this.pause();
}

function onClientDrain(this: TSocket): void {
  const sock = this[kSession].server;
  if (sock !== null && !sock.destroyed) sock.resume();
}

function onServerDrain(this: TSocket): void {
  const s = this[kSession];
  if (this === s.server && !s.client.destroyed) s.client.resume();
}

function onClientEnd(this: TSocket): void {
  const s = this[kSession];
  s.clientEnded = true;
  if (s.pp !== null) {
    s.proxyFailed('empty');
    return;
  }
  if (s.phase !== P_DATA) return;
  // `timeout client-fin` replaces the client timeout once the client has closed its side.
  if (s.fe.timeoutClientFin > 0) this.setTimeout(s.fe.timeoutClientFin);
  const sock = s.server;
  if (sock !== null && !sock.destroyed) sock.end();
}

function onServerEnd(this: TSocket): void {
  const s = this[kSession];
  if (this !== s.server) return;
  s.serverEnded = true;
  const fin = (s.brt as BackendRuntime).timeouts.serverFin;
  if (fin > 0) this.setTimeout(fin);
  if (!s.client.destroyed) s.client.end();
}

function onClientError(this: TSocket): void {
  const s = this[kSession];
  if (s.pp !== null) {
    s.proxyFailed('abort');
  } else if (s.phase === P_DATA) {
    s.setTerm('C', 'D');
    reset(s.server);
  } else {
    s.clientAborted();
  }
}

function onServerError(this: TSocket): void {
  const s = this[kSession];
  if (this !== s.server) return;
  if (s.phase === P_CONNECT) {
    s.connFailed(false);
  } else if (s.phase === P_DATA) {
    s.setTerm('S', 'D');
    reset(s.client);
  }
}

function onClientTimeout(this: TSocket): void {
  const s = this[kSession];
  if (s.pp !== null) {
    s.proxyFailed('timeout');
    return;
  }
  if (s.phase === P_DATA) s.setTerm('c', 'D');
  if (s.phase === P_DATA || s.phase === P_DONE) {
    this.destroy();
    const sock = s.server;
    if (sock !== null) sock.destroy();
  }
}

function onServerTimeout(this: TSocket): void {
  const s = this[kSession];
  if (this !== s.server) return;
  if (s.phase === P_CONNECT) {
    s.connFailed(true);
  } else if (s.phase === P_DATA) {
    s.setTerm('s', 'D');
    this.destroy();
    s.client.destroy();
  }
}

function onServerConnect(this: TSocket): void {
  const s = this[kSession];
  if (this === s.server && s.phase === P_CONNECT) s.established();
}

function onClientClose(this: TSocket): void {
  const s = this[kSession];
  s.clientClosed = true;
  if (s.phase === P_DATA) {
    // Nothing more can reach the client: whatever the server still sends is lost.
    const sock = s.server;
    if (sock !== null && !sock.destroyed) sock.destroy();
  } else {
    s.clientAborted();
  }
  s.finish();
}

function onServerClose(this: TSocket): void {
  const s = this[kSession];
  if (this !== s.server) return;
  s.serverClosed = true;
  // A server socket closing without having sent its FIN was aborted (the error handler has
  // already reset the client); after a FIN the client half stays open until the client ends.
  if (!s.serverEnded && !s.client.destroyed) s.client.destroy();
  s.finish();
}
