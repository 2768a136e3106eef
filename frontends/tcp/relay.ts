/**
 * The byte relay of a TCP session: socket listeners written once, at module level, reaching
 * their session through a symbol on the socket (no closures per connection or per chunk).
 *
 * Backpressure by hand: when write() on one side returns false the other side is paused, and
 * that side's 'drain' resumes it, so a session never buffers more than about one socket
 * highWaterMark per direction plus the chunk in flight. Half-close: a FIN from one side becomes
 * end() on the other (sockets are half-open), so a client that shuts its write side still gets
 * the whole reply. An error (reset) on one side resets the other, as HAProxy aborts both.
 */
import type { Socket } from 'node:net';
import type { Server } from '../../backends/server.js';
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

/** Data is read from the client only once the server connection is up (HAProxy buffers; the
 * kernel and one highWaterMark of socket buffer do it here). */
export function startClientData(c: TSocket): void {
  c.on('data', onClientData);
  // listeners hand sockets over paused (pauseOnConnect, so maxconn can hold them unread):
  // adding a 'data' listener does not undo an explicit pause
  c.resume();
}

export function attachServer(s: TSocket): void {
  s.on('connect', onServerConnect);
  s.on('data', onServerData);
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

function onClientData(this: TSocket, chunk: Buffer): void {
  const s = this[kSession];
  const sock = s.server;
  if (sock === null || sock.destroyed) return;
  const n = chunk.length;
  s.bytesIn += n;
  s.fe.counters.bytesIn += n;
  (s.brt as BackendRuntime).be.counters.bytesIn += n;
  (s.srv as Server).counters.bytesIn += n;
  if (!sock.write(chunk)) this.pause();
}

function onServerData(this: TSocket, chunk: Buffer): void {
  const s = this[kSession];
  if (this !== s.server) return;
  const c = s.client;
  if (c.destroyed) return;
  const n = chunk.length;
  s.bytesOut += n;
  s.fe.counters.bytesOut += n;
  (s.brt as BackendRuntime).be.counters.bytesOut += n;
  (s.srv as Server).counters.bytesOut += n;
  if (!c.write(chunk)) this.pause();
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
  if (s.phase === P_DATA) {
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
