/**
 * One connection to a server, and the per-server pools of idle ones (HAProxy's idle connection
 * lists with `http-reuse safe`).
 *
 * A ServerConn carries its own response-side parser state (HeadReader, ResponseHead,
 * BodyFramer), because it outlives the transaction that opened it. While a transaction uses it,
 * `owner` is that session and every socket event goes there; while idle in its pool, any byte
 * or close from the server just ends it (a server may close an idle connection at any time).
 * Listeners are module-level functions that find the connection through a symbol on the socket.
 *
 * Timeouts (connect, server, tunnel) are kept here rather than with socket.setTimeout: Node
 * re-arms a socket's timer on every read and write and makes a new one on every change, several
 * times per request on a keep-alive connection. Here activity only stores a time; one timer per
 * connection fires at the earliest possible expiry and re-arms itself for what is left. Idle
 * pooled connections have no timer at all: one sweep per second closes those idle for 5s.
 *
 * Server sockets read into one shared buffer (net's `onread`) and hand the session the bytes
 * read, which it copies (lib/net/read-buffers.ts): no 64 KiB allocation per read and no
 * Readable machinery ('data' is not emitted; 'end' still is).
 */
import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import type { Server } from '../../backends/server.js';
import { BodyFramer, HeadReader, ResponseHead } from '../../lib/http1/index.js';
import type { ServerTarget } from '../../lib/runtime/backend-runtime.js';

export interface ConnOwner {
  onServerConnect(sc: ServerConn): void;
  /** n bytes read into `buf`, a shared buffer the next read overwrites: copy what is kept */
  onServerRead(sc: ServerConn, buf: Uint8Array, n: number): void;
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
/** How often idle connections are looked at (they live IDLE_KEEP_MS to IDLE_KEEP_MS + this). */
const SWEEP_MS = 1000;
/** HAProxy's default tune.pool-high-fd-ratio (percent of maxsock) */
const HIGH_FD_RATIO = 25;

/** The process's open-file limit (RLIMIT_NOFILE soft), HAProxy's maxsock when maxconn is unset. */
function fdLimit(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'latin1'));
    if (m !== null) return Number(m[1]);
  } catch {
    // not Linux: a conservative default
  }
  return 1024;
}

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
  /** inactivity timeout in ms (0: none) and the last read or write, as socket.setTimeout has */
  private idleMs = 0;
  private lastActive = 0;
  private timer: NodeJS.Timeout | null = null;
  /** when `timer` fires */
  private timerAt = 0;
  /** put in the idle pool at (ms since the epoch) */
  idleSince = 0;
  /** in an idle pool now */
  inPool = false;

  constructor(readonly sock: TSocket, readonly srv: Server, owner: ConnOwner) {
    this.owner = owner;
    sock[kConn] = this;
    sock.on('connect', onConnect);
    sock.on('end', onEnd);
    sock.on('error', onError);
    sock.on('close', onClose);
    sock.on('drain', onDrain);
  }

  static open(target: ServerTarget, srv: Server, dstPort: number, owner: ConnOwner, connectTimeout: number): ServerConn {
    const sock = (target.unix
      ? netConnect({ path: target.host, allowHalfOpen: true, onread: ONREAD })
      : netConnect({ host: target.host, port: target.port !== 0 ? target.port : dstPort + target.portOffset, allowHalfOpen: true, noDelay: true, onread: ONREAD })) as TSocket;
    const sc = new ServerConn(sock, srv, owner);
    sc.setTimeout(connectTimeout);
    return sc;
  }

  /**
   * Inactivity timeout as socket.setTimeout (0 disables): `onServerTimeout` once nothing was read
   * or written for `ms`. The armed timer is kept when it fires no later than the new expiry.
   */
  setTimeout(ms: number): void {
    this.idleMs = ms;
    if (ms <= 0) return; // an armed timer finds nothing to do when it fires
    const now = Date.now();
    this.lastActive = now;
    const at = now + ms;
    if (this.timer !== null) {
      if (this.timerAt <= at) return;
      clearTimeout(this.timer);
    }
    this.arm(ms, at);
  }

  private arm(ms: number, at: number): void {
    // unref'd, as socket timers are: a pending timeout does not keep the process alive
    this.timer = setTimeout(onTimer, ms, this).unref();
    this.timerAt = at;
  }

  /** The timer fired: the timeout if nothing happened for idleMs, else wait for the rest. */
  timerFired(): void {
    this.timer = null;
    if (this.idleMs <= 0 || this.closed) return;
    const due = this.lastActive + this.idleMs;
    const now = Date.now();
    if (now < due) {
      this.arm(due - now, due);
      return;
    }
    this.idleMs = 0; // fires once, as a socket's 'timeout'
    if (this.owner === null) this.destroy();
    else this.owner.onServerTimeout(this);
  }

  /** Bytes arrived (activity for the timeout). */
  touch(): void {
    this.lastActive = Date.now();
  }

  /** Writes to the server (activity for the timeout); false when its buffer is full. */
  write(b: Buffer): boolean {
    this.lastActive = Date.now();
    return this.sock.write(b);
  }

  /** Ready for the next response on this connection. */
  resetResponse(): void {
    this.reader.reset();
    this.gotBytes = false;
    this.headDone = false;
  }

  destroy(): void {
    this.owner = null;
    this.stopTimer();
    if (!this.sock.destroyed) this.sock.destroy();
  }

  stopTimer(): void {
    this.idleMs = 0;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}

function onTimer(sc: ServerConn): void {
  sc.timerFired();
}

function onConnect(this: TSocket): void {
  const sc = this[kConn];
  sc.connected = true;
  sc.owner?.onServerConnect(sc);
}

/** Every server socket reads here; a read's bytes are copied out before the next read. */
const READ_BUF = Buffer.allocUnsafe(64 * 1024);
const ONREAD = { buffer: READ_BUF, callback: onRead };

function onRead(this: TSocket, nread: number, buf: Uint8Array): boolean {
  const sc = this[kConn];
  if (sc.owner === null) {
    // bytes on an idle connection: nothing may be read from it any more
    sc.destroy();
    return true;
  }
  sc.gotBytes = true;
  sc.touch();
  sc.owner.onServerRead(sc, buf, nread);
  return true; // keep reading (pause() stops reading explicitly)
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
  sc.stopTimer();
  IdlePools.forget(sc);
  const o = sc.owner;
  sc.owner = null;
  o?.onServerClose(sc);
}

function onDrain(this: TSocket): void {
  const sc = this[kConn];
  sc.owner?.onServerDrain(sc);
}

/**
 * Idle connections per server, most recently used last (reused first: still warm).
 *
 * As HAProxy (srv_add_to_idle_list), a released connection is kept only while the process uses
 * fewer descriptors than tune.pool-high-fd-ratio (25%) of maxsock (about 2 x global maxconn);
 * beyond that it is closed. Without this bound, clients that close after one request (each
 * first request takes a connection of its own under `http-reuse safe`) would leave thousands
 * of idle connections open for 5s each.
 */
export const IdlePools = {
  pools: new Map<Server, ServerConn[]>(),
  /** idle connections in all pools */
  total: 0,
  /** HAProxy's pool_high_count: descriptors in use above which nothing is kept idle */
  highCount: Math.floor((fdLimit() * HIGH_FD_RATIO) / 100),
  /** client connections open (the global session count), for the descriptor estimate */
  sessions: null as { readonly cur: number } | null,

  /** Sizes the pools from global maxconn (maxsock is about twice it); 0 keeps the fd limit. */
  configure(global: { readonly cur: number; readonly max: number }): void {
    this.sessions = global;
    const maxsock = global.max > 0 ? 2 * global.max : fdLimit();
    this.highCount = Math.floor((maxsock * HIGH_FD_RATIO) / 100);
  },

  /** May a released connection stay open? (client and server sides of sessions, plus idle ones) */
  hasRoom(): boolean {
    return 2 * (this.sessions?.cur ?? 0) + this.total < this.highCount;
  },

  take(srv: Server): ServerConn | null {
    const list = this.pools.get(srv);
    while (list !== undefined && list.length > 0) {
      const sc = list.pop() as ServerConn;
      sc.inPool = false;
      this.total--;
      if (!sc.closed && !sc.sock.destroyed) return sc;
    }
    return null;
  },

  put(sc: ServerConn): void {
    sc.owner = null;
    sc.resetResponse();
    sc.setTimeout(0);
    sc.idleSince = Date.now();
    sc.inPool = true;
    let list = this.pools.get(sc.srv);
    if (list === undefined) this.pools.set(sc.srv, (list = []));
    list.push(sc);
    this.total++;
    if (sweeper === null) sweeper = setInterval(sweep, SWEEP_MS).unref();
  },

  forget(sc: ServerConn): void {
    if (!sc.inPool) return;
    sc.inPool = false;
    const list = this.pools.get(sc.srv);
    if (list === undefined) return;
    const i = list.indexOf(sc);
    if (i >= 0) {
      list.splice(i, 1);
      this.total--;
    }
  },

  /** Idle connections to `srv` now (for tests and stats). */
  count(srv: Server): number {
    return this.pools.get(srv)?.length ?? 0;
  },

  /** Close every idle connection (soft stop). */
  closeAll(): void {
    for (const list of this.pools.values()) {
      for (const sc of list.splice(0)) {
        sc.inPool = false;
        this.total--;
        sc.destroy();
      }
    }
  },
};

let sweeper: NodeJS.Timeout | null = null;

/** Closes the connections idle for IDLE_KEEP_MS (the oldest are first in each list). */
function sweep(): void {
  const old = Date.now() - IDLE_KEEP_MS;
  let left = 0;
  for (const list of IdlePools.pools.values()) {
    let n = 0;
    while (n < list.length && (list[n] as ServerConn).idleSince <= old) n++;
    for (const sc of list.splice(0, n)) {
      sc.inPool = false;
      IdlePools.total--;
      sc.destroy();
    }
    left += list.length;
  }
  if (left === 0 && sweeper !== null) {
    clearInterval(sweeper);
    sweeper = null;
  }
}
