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
 * pooled connections have no timer of their own: a purge per server (IdlePools) closes them.
 *
 * Server sockets read into one shared buffer (net's `onread`) and hand the session the bytes
 * read, which it copies (lib/net/read-buffers.ts): no 64 KiB allocation per read and no
 * Readable machinery ('data' is not emitted; 'end' still is).
 */
import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import type { Server } from '../../backends/server.js';
import { write } from '../../lib/net/fast-write.js';
import { BodyFramer, DEFAULT_H1_LIMITS, HeadReader, ResponseHead, type H1Limits } from '../../lib/http1/index.js';
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

/** HAProxy's default tune.pool-high-fd-ratio and tune.pool-low-fd-ratio (percent of maxsock) */
const HIGH_FD_RATIO = 25;
const LOW_FD_RATIO = 20;
/** ServerConn.counted: in srv.conns.used, in srv.conns.idle, or in neither */
const COUNTED_NONE = 0;
const COUNTED_USED = 1;
const COUNTED_IDLE = 2;

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
  readonly reader: HeadReader;
  readonly res: ResponseHead;
  readonly body: BodyFramer;
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
  /** where srv.conns counts it (COUNTED_*) */
  counted = COUNTED_NONE;
  /** idle after carrying more than one request (HAProxy's safe list) */
  safe = false;
  /** the PROXY header it started with (send-proxy): only the same client may reuse it */
  proxyKey: string | null = null;

  constructor(readonly sock: TSocket, readonly srv: Server, owner: ConnOwner, limits: H1Limits = DEFAULT_H1_LIMITS) {
    this.reader = new HeadReader(limits.maxRawHead);
    this.res = new ResponseHead(limits);
    this.body = new BodyFramer(limits);
    this.owner = owner;
    sock[kConn] = this;
    sock.on('connect', onConnect);
    sock.on('end', onEnd);
    sock.on('error', onError);
    sock.on('close', onClose);
    sock.on('drain', onDrain);
  }

  static open(target: ServerTarget, srv: Server, dstPort: number, owner: ConnOwner, connectTimeout: number, limits?: H1Limits): ServerConn {
    const sock = (target.unix
      ? netConnect({ path: target.host, allowHalfOpen: true, onread: ONREAD })
      : netConnect({ host: target.host, port: target.port !== 0 ? target.port : dstPort + target.portOffset, family: target.family, allowHalfOpen: true, noDelay: true, onread: ONREAD })) as TSocket;
    const sc = new ServerConn(sock, srv, owner, limits);
    IdlePools.opened(sc);
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
    return write(this.sock, b);
  }

  /** Ready for the next response on this connection. */
  resetResponse(): void {
    this.reader.reset();
    this.gotBytes = false;
    this.headDone = false;
  }

  destroy(): void {
    this.owner = null;
    IdlePools.uncount(this);
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
  IdlePools.uncount(sc);
  const o = sc.owner;
  sc.owner = null;
  o?.onServerClose(sc);
}

function onDrain(this: TSocket): void {
  const sc = this[kConn];
  sc.owner?.onServerDrain(sc);
}

/**
 * Idle connections per server, oldest first (reused from the end: still warm).
 *
 * Which released connections are kept, and how many are purged, follow HAProxy 2.6 with one
 * thread (srv_add_to_idle_list, srv_cleanup_idle_conns), on the counts in `srv.conns`:
 *  - nothing is kept while the process uses tune.pool-high-fd-ratio (25%) of maxsock (about
 *    2 x global maxconn) descriptors, nor beyond pool-max-conn, nor with pool-purge-delay 0;
 *  - otherwise a connection is kept when the server has no idle connection of its kind yet
 *    (safe: it carried more than one request), or, below tune.pool-low-fd-ratio (20%), when
 *    in-use plus idle connections stay within the estimated need (plus pool-low-conn);
 *  - every pool-purge-delay, half the idle connections beyond the most used since the last
 *    purge (rounded up, plus one) are closed, oldest first, and the estimate moves halfway to
 *    that most-used count.
 * So clients that close after one request (each first request takes a connection of its own
 * under `http-reuse safe`) leave few idle connections behind, as with HAProxy.
 */
export const IdlePools = {
  pools: new Map<Server, ServerConn[]>(),
  /** idle connections in all pools */
  total: 0,
  /** HAProxy's pool_high_count / pool_low_count: descriptors in use above which nothing / less is kept */
  highCount: ratioOf(fdLimit(), HIGH_FD_RATIO),
  lowCount: ratioOf(fdLimit(), LOW_FD_RATIO),
  /** client connections open (the global session count), for the descriptor estimate */
  sessions: null as { readonly cur: number } | null,

  /** Sizes the pools from global maxconn (maxsock is about twice it); 0 keeps the fd limit. */
  configure(global: { readonly cur: number; readonly max: number }): void {
    this.sessions = global;
    const maxsock = global.max > 0 ? 2 * global.max : fdLimit();
    this.highCount = ratioOf(maxsock, HIGH_FD_RATIO);
    this.lowCount = ratioOf(maxsock, LOW_FD_RATIO);
  },

  /** Descriptors in use, estimated: client and server sides of sessions, plus idle ones. */
  usedFds(): number {
    return 2 * (this.sessions?.cur ?? 0) + this.total;
  },

  /** A new connection to `srv` is in use. */
  opened(sc: ServerConn): void {
    sc.srv.conns.use();
    sc.counted = COUNTED_USED;
  },

  /** The most recently idled connection to `srv` (with that PROXY header), now in use; null when there is none. */
  take(srv: Server, proxyKey: string | null = null): ServerConn | null {
    const c = srv.conns;
    const list = this.pools.get(srv);
    if (c.maxIdle === 0 || list === undefined) return null;
    for (let i = list.length - 1; i >= 0; i--) {
      const sc = list[i] as ServerConn;
      if (sc.proxyKey !== proxyKey) continue;
      list.splice(i, 1);
      this.unlist(sc);
      if (sc.closed || sc.sock.destroyed) continue;
      c.use();
      sc.counted = COUNTED_USED;
      return sc;
    }
    return null;
  },

  /** The transaction is done with `sc` and it could carry another request: keep it idle or close it. */
  release(sc: ServerConn): void {
    const c = sc.srv.conns;
    const safe = sc.uses > 1;
    const fds = this.usedFds();
    const keep = c.purgeDelay > 0 && fds < this.highCount && (c.maxIdle === -1 || c.maxIdle > c.idle)
      && ((c.safe === 0 && (safe || c.idle === c.safe))
        || (fds < this.lowCount && c.used + c.idle <= Math.max(c.used, c.estNeed) + c.lowIdle));
    if (!keep) {
      sc.destroy();
      return;
    }
    sc.owner = null;
    sc.resetResponse();
    sc.setTimeout(0);
    sc.safe = safe;
    c.used--;
    c.idle++;
    if (safe) c.safe++;
    sc.counted = COUNTED_IDLE;
    let list = this.pools.get(sc.srv);
    if (list === undefined) this.pools.set(sc.srv, (list = []));
    list.push(sc);
    this.total++;
    schedulePurge(sc.srv, c.purgeDelay);
  },

  /** `sc` is closing: it no longer counts as used or idle. */
  uncount(sc: ServerConn): void {
    if (sc.counted === COUNTED_USED) {
      sc.srv.conns.used--;
      sc.counted = COUNTED_NONE;
    } else if (sc.counted === COUNTED_IDLE) {
      const list = this.pools.get(sc.srv);
      const i = list === undefined ? -1 : list.indexOf(sc);
      if (i >= 0) (list as ServerConn[]).splice(i, 1);
      this.unlist(sc);
    }
  },

  /** Out of the idle counts (the caller has taken it out of its list). */
  unlist(sc: ServerConn): void {
    const c = sc.srv.conns;
    c.idle--;
    if (sc.safe) c.safe--;
    this.total--;
    sc.counted = COUNTED_NONE;
  },

  /** Idle connections to `srv` now (for tests and stats). */
  count(srv: Server): number {
    return this.pools.get(srv)?.length ?? 0;
  },

  /** Close every idle connection (soft stop). */
  closeAll(): void {
    for (const list of this.pools.values()) {
      for (const sc of list.splice(0)) {
        this.unlist(sc);
        sc.destroy();
      }
    }
  },
};

function ratioOf(maxsock: number, percent: number): number {
  return Math.floor((maxsock * percent + 99) / 100);
}

/** servers with idle connections and a purge pending */
const purgeTimers = new Map<Server, NodeJS.Timeout>();

function schedulePurge(srv: Server, delay: number): void {
  if (!purgeTimers.has(srv)) purgeTimers.set(srv, setTimeout(purge, delay, srv).unref());
}

/** HAProxy's srv_cleanup_idle_conns for one server, once per pool-purge-delay while it has idle connections. */
function purge(srv: Server): void {
  purgeTimers.delete(srv);
  const c = srv.conns;
  if (c.idle === 0) return;
  const over = c.used + c.idle - Math.max(c.maxUsed, c.estNeed);
  // half of it, rounded up as HAProxy's C does it (`x / 2 + (x & 1)`: -1 gives 1)
  const excess = Math.trunc(over / 2) + (over & 1);
  c.estNeed = Math.max(Math.floor((c.estNeed + c.maxUsed) / 2), c.maxUsed);
  c.maxUsed = c.used;
  if (excess > 0) {
    const list = IdlePools.pools.get(srv) ?? [];
    let kill = excess + 1;
    // the unsafe idle ones first, then the safe ones, oldest first in each
    for (const wantSafe of [false, true]) {
      for (let i = 0; i < list.length && kill > 0;) {
        const sc = list[i] as ServerConn;
        if (sc.safe !== wantSafe) {
          i++;
          continue;
        }
        list.splice(i, 1);
        IdlePools.unlist(sc);
        sc.destroy();
        kill--;
      }
    }
  }
  if (c.idle > 0) schedulePurge(srv, c.purgeDelay);
}
