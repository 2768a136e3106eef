/**
 * One connection to a server, and the per-server pools of idle ones (HAProxy's idle connection
 * lists with `http-reuse safe`).
 *
 * A ServerConn carries its own response-side parser state (HeadReader, ResponseHead,
 * BodyFramer), because it outlives the transaction that opened it. While a transaction uses it,
 * `owner` is that session and every socket event goes there; while idle in its pool, any byte
 * or close from the server just ends it (a server may close an idle connection at any time).
 * Listeners are module-level functions that find the connection through a symbol on the socket.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Server } from '../../backends/server.js';
import { BodyFramer, HeadReader, ResponseHead } from '../../lib/http1/index.js';
import type { ServerTarget } from '../../lib/runtime/backend-runtime.js';

export interface ConnOwner {
  onServerConnect(sc: ServerConn): void;
  onServerData(sc: ServerConn, chunk: Buffer): void;
  onServerEnd(sc: ServerConn): void;
  onServerError(sc: ServerConn, err: NodeJS.ErrnoException): void;
  onServerClose(sc: ServerConn): void;
  onServerTimeout(sc: ServerConn): void;
  onServerDrain(sc: ServerConn): void;
}

const kConn = Symbol('halyard.serverConn');
type TSocket = Socket & { [kConn]: ServerConn };

/** How long an idle server connection is kept (HAProxy's default pool-purge-delay is 5s). */
const IDLE_KEEP_MS = 5000;

export class ServerConn {
  readonly reader = new HeadReader();
  readonly res = new ResponseHead();
  readonly body = new BodyFramer();
  owner: ConnOwner | null;
  /** true once the TCP connection is established */
  connected = false;
  /** taken from the idle pool for the current transaction */
  reused = false;
  /** a byte of the current response has arrived */
  gotBytes = false;
  /** the response head of the current transaction was parsed (final, not 1xx) */
  headDone = false;
  closed = false;
  /** requests sent over this connection */
  uses = 0;

  constructor(readonly sock: TSocket, readonly srv: Server, owner: ConnOwner) {
    this.owner = owner;
    sock[kConn] = this;
    sock.on('connect', onConnect);
    sock.on('data', onData);
    sock.on('end', onEnd);
    sock.on('error', onError);
    sock.on('close', onClose);
    sock.on('timeout', onTimeout);
    sock.on('drain', onDrain);
  }

  static open(target: ServerTarget, srv: Server, dstPort: number, owner: ConnOwner, connectTimeout: number): ServerConn {
    const sock = (target.unix
      ? netConnect({ path: target.host, allowHalfOpen: true })
      : netConnect({ host: target.host, port: target.port !== 0 ? target.port : dstPort + target.portOffset, allowHalfOpen: true, noDelay: true })) as TSocket;
    if (connectTimeout > 0) sock.setTimeout(connectTimeout);
    return new ServerConn(sock, srv, owner);
  }

  /** Ready for the next response on this connection. */
  resetResponse(): void {
    this.reader.reset();
    this.gotBytes = false;
    this.headDone = false;
  }

  destroy(): void {
    this.owner = null;
    if (!this.sock.destroyed) this.sock.destroy();
  }
}

function onConnect(this: TSocket): void {
  const sc = this[kConn];
  sc.connected = true;
  sc.owner?.onServerConnect(sc);
}

function onData(this: TSocket, chunk: Buffer): void {
  const sc = this[kConn];
  if (sc.owner === null) {
    // bytes on an idle connection: nothing may be read from it any more
    sc.destroy();
    return;
  }
  sc.gotBytes = true;
  sc.owner.onServerData(sc, chunk);
}

function onEnd(this: TSocket): void {
  const sc = this[kConn];
  if (sc.owner === null) sc.destroy();
  else sc.owner.onServerEnd(sc);
}

function onError(this: TSocket, err: NodeJS.ErrnoException): void {
  const sc = this[kConn];
  sc.owner?.onServerError(sc, err);
}

function onClose(this: TSocket): void {
  const sc = this[kConn];
  sc.closed = true;
  IdlePools.forget(sc);
  const o = sc.owner;
  sc.owner = null;
  o?.onServerClose(sc);
}

function onTimeout(this: TSocket): void {
  const sc = this[kConn];
  if (sc.owner === null) sc.destroy();
  else sc.owner.onServerTimeout(sc);
}

function onDrain(this: TSocket): void {
  const sc = this[kConn];
  sc.owner?.onServerDrain(sc);
}

/** Idle connections per server, most recently used last (reused first: still warm). */
export const IdlePools = {
  pools: new Map<Server, ServerConn[]>(),

  take(srv: Server): ServerConn | null {
    const list = this.pools.get(srv);
    while (list !== undefined && list.length > 0) {
      const sc = list.pop() as ServerConn;
      if (!sc.closed && !sc.sock.destroyed) return sc;
    }
    return null;
  },

  put(sc: ServerConn): void {
    sc.owner = null;
    sc.resetResponse();
    sc.sock.setTimeout(IDLE_KEEP_MS);
    let list = this.pools.get(sc.srv);
    if (list === undefined) this.pools.set(sc.srv, (list = []));
    list.push(sc);
  },

  forget(sc: ServerConn): void {
    const list = this.pools.get(sc.srv);
    if (list === undefined) return;
    const i = list.indexOf(sc);
    if (i >= 0) list.splice(i, 1);
  },

  /** Idle connections to `srv` now (for tests and stats). */
  count(srv: Server): number {
    return this.pools.get(srv)?.length ?? 0;
  },

  /** Close every idle connection (soft stop). */
  closeAll(): void {
    for (const list of this.pools.values()) for (const sc of list.splice(0)) sc.destroy();
  },
};
