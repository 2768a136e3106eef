/**
 * What every frontend runtime object shares, whatever its mode: identity, counters, and the
 * accept gate that enforces `bind ... maxconn` (per listening socket), frontend and global
 * `maxconn`.
 *
 * Node cannot stop calling accept() on a listening socket the way HAProxy disables its
 * listener, so a connection accepted above a limit is *held*: kept un-read (listeners hand
 * sockets over paused) in a FIFO and started when a slot frees. The client sees what it would
 * see with HAProxy (its connection waits, nothing is refused); the difference is that the wait
 * happens in our FIFO instead of the kernel backlog. Each listening socket with a `bind ...
 * maxconn` has its own FIFO, so a full listener holds only its own connections while the other
 * binds of the frontend keep serving; a freed slot goes to the oldest held connection whose
 * listener has room. `pause()` (SIGTTOU) holds new connections the same way until `resume()`.
 */
import type { Socket } from 'node:net';
import type { BindConfig, Mode } from '../config/model.js';
import { RateCounter } from './rate.js';
import { rejects, socketFacts, type AcceptRules } from './tcp-rules.js';

/** Frontend counters: plain numbers, incremented in place. */
export class FrontendCounters {
  /** sessions now / at most / ever: stats scur, smax, stot */
  cur = 0;
  max = 0;
  total = 0;
  /** bytes from clients / to clients: stats bin, bout */
  bytesIn = 0;
  bytesOut = 0;
  /** sessions that could not reach any server (no backend, no server, connect failure) */
  failedConns = 0;
  /** connections accepted while at a limit and held until a slot freed */
  held = 0;
  /** accept-proxy connections whose PROXY header is awaited or was refused: HAProxy counts
   *  them in conn_tot but not (or not yet) as sessions (stot) */
  notSessions = 0;
  /** HTTP: requests received (`req_tot`), responses by class 1xx..5xx then other (`hrsp_*`),
   *  invalid requests (`ereq`), requests denied by rules (`dreq`) */
  reqTot = 0;
  readonly hrsp = [0, 0, 0, 0, 0, 0];
  badReqs = 0;
  deniedReqs = 0;
  /** connections and sessions refused by `tcp-request connection` / `session` rules (`dcon`, `dses`) */
  deniedConns = 0;
  deniedSessions = 0;
  /** requests answered by `monitor-uri` (`intercepted`) */
  intercepted = 0;
  /** sessions per second: stats rate, rate_max */
  readonly rate = new RateCounter();
  /** HTTP requests per second: stats req_rate, req_rate_max */
  readonly reqRate = new RateCounter();
}

/** The process-wide concurrent connection limit (global `maxconn`), shared by all frontends. */
export class GlobalLimit {
  /** current sessions across all frontends (HAProxy's actconn, %ac) */
  cur = 0;
  /** 0 = unlimited */
  constructor(readonly max: number) {}
  private readonly waiting = new Set<FrontendBase>();

  full(): boolean {
    return this.max > 0 && this.cur >= this.max;
  }

  wait(fe: FrontendBase): void {
    this.waiting.add(fe);
  }

  /** A slot freed somewhere: let frontends holding connections for a global slot take it. */
  released(): void {
    if (this.waiting.size === 0) return;
    for (const fe of this.waiting) {
      this.waiting.delete(fe);
      fe.pump();
      if (this.full()) return;
    }
  }
}

/** The listening socket a connection came from: its bind line and which of its addresses. */
export interface AcceptedOn {
  readonly bind: BindConfig;
  /** one bind line can open several sockets (port ranges, address lists), each with its own limit */
  readonly label: string;
}

/**
 * One listening socket's limit (`bind ... maxconn`, HAProxy applies it to each socket of the
 * line) and the connections it holds, oldest first. Sockets of binds without a limit share one
 * gate with no limit of its own. A FIFO array with a moving head (no shift()).
 */
class ListenerGate {
  cur = 0;
  private q: (HeldConn | null)[] = [];
  private head = 0;
  /** 0 = no limit of its own */
  constructor(readonly max: number) {}

  full(): boolean {
    return this.max > 0 && this.cur >= this.max;
  }

  push(h: HeldConn): void {
    this.q.push(h);
  }

  /** The oldest held connection still waiting, or null (gone ones are dropped on the way). */
  peek(): HeldConn | null {
    while (this.head < this.q.length) {
      const h = this.q[this.head];
      if (h !== null && h !== undefined && !h.socket.destroyed) return h;
      this.q[this.head++] = null;
    }
    this.compact();
    return null;
  }

  shift(): void {
    this.q[this.head++] = null;
    this.compact();
  }

  forget(h: HeldConn): void {
    const i = this.q.indexOf(h, this.head);
    if (i >= 0) this.q[i] = null;
  }

  private compact(): void {
    if (this.head === this.q.length) {
      this.q = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.q.length) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
  }
}

/** The interface the listener code and the stats page use. */
export interface Frontend {
  readonly name: string;
  readonly id: number;
  readonly mode: Mode;
  readonly binds: readonly BindConfig[];
  readonly counters: FrontendCounters;
  /** effective limit (frontend maxconn, else global), 0 = none */
  readonly maxconn: number;
  readonly paused: boolean;
  /** soft-stopping: stats status STOP */
  readonly stopping: boolean;
  /** the listener hands every accepted connection here; `on` names the listening socket it came
   *  from (needed for `bind ... maxconn`; without it only the frontend and global limits apply) */
  accept(socket: Socket, on?: AcceptedOn): void;
  pause(): void;
  resume(): void;
  /** soft stop: connections accepted from now on are closed; already accepted ones are served */
  stopAccepting(): void;
  /** resolves once every session of this frontend (held ones included) has ended */
  drain(): Promise<void>;
}

export abstract class FrontendBase implements Frontend {
  readonly counters = new FrontendCounters();
  paused = false;
  stopping = false;
  /** the sockets of binds without their own maxconn */
  private readonly shared = new ListenerGate(0);
  /** gates of the sockets with a `bind ... maxconn`, by bind line then socket label */
  private readonly limited = new Map<BindConfig, Map<string, ListenerGate>>();
  /** every gate: searched when a slot frees */
  private readonly gates: ListenerGate[] = [this.shared];
  /** the gate of each running session that is not the shared one */
  private readonly gateOf = new WeakMap<Socket, ListenerGate>();
  /** arrival order of held connections, so a freed slot goes to the oldest across listeners */
  private seq = 0;
  private heldNow = 0;
  private drainWaiters: (() => void)[] = [];
  /** some bind line of this frontend has `accept-proxy` (else no socket needs to be asked) */
  readonly acceptProxy: boolean;
  /** `tcp-request connection` / `session` rules (null: none), run on each accepted socket */
  tcpAccept: AcceptRules | null = null;

  constructor(
    readonly name: string,
    readonly id: number,
    readonly mode: Mode,
    readonly binds: readonly BindConfig[],
    readonly maxconn: number,
    readonly global: GlobalLimit,
  ) {
    this.acceptProxy = binds.some((b) => b.options.acceptProxy === true);
  }

  /** Starts serving `socket`; the subclass counts it as a session until it calls `ended()`. */
  protected abstract start(socket: Socket): void;

  /**
   * The `tcp-request connection` and `session` rules on a socket fresh from the listener: true
   * when one rejected it (then it is closed and counted here). Subclasses call it first, before
   * anything is logged for the connection.
   */
  protected refusedByRules(socket: Socket): boolean {
    const r = this.tcpAccept;
    if (r === null) return false;
    const f = socketFacts(socket);
    const c = this.counters;
    if (rejects(r.connection, f)) {
      // haproxy closes with a reset and counts a connection (conn_tot, dcon) but no session
      c.total++;
      c.notSessions++;
      c.deniedConns++;
      socket.on('error', noop);
      // a reset needs TCP (resetAndDestroy throws on a unix socket, which then just closes)
      if (socket.remoteFamily !== undefined) socket.resetAndDestroy();
      else socket.destroy();
      return true;
    }
    if (rejects(r.session, f)) {
      c.total++;
      c.notSessions++;
      c.deniedSessions++;
      // a FIN: what the client already sent is read and dropped, so that closing sends no reset
      socket.on('error', noop);
      // at most 5 s in all (a socket timeout would be pushed back by each byte the client sends)
      const t = setTimeout(() => socket.destroy(), 5000);
      socket.once('close', () => clearTimeout(t));
      socket.resume();
      socket.end();
      return true;
    }
    return false;
  }

  accept(socket: Socket, on?: AcceptedOn): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const g = on === undefined || on.bind.options.maxconn === undefined ? this.shared : this.gateFor(on);
    // the fast way in, unless an older held connection could take this slot
    if (!g.full() && this.hasSlot() && (this.heldNow === 0 || this.next() === null)) {
      this.begin(socket, g);
      return;
    }
    this.counters.held++;
    this.heldNow++;
    const h: HeldConn = { socket, gate: g, seq: this.seq++, onClose: () => this.forget(h) };
    socket.on('error', onHeldError);
    socket.once('close', h.onClose);
    g.push(h);
    if (!g.full() && this.hasSlot()) this.pump();
    else if (!g.full() && !this.paused && !this.frontendFull()) this.global.wait(this);
  }

  private gateFor(on: AcceptedOn): ListenerGate {
    let byLabel = this.limited.get(on.bind);
    if (byLabel === undefined) this.limited.set(on.bind, (byLabel = new Map()));
    let g = byLabel.get(on.label);
    if (g === undefined) {
      g = new ListenerGate(on.bind.options.maxconn ?? 0);
      byLabel.set(on.label, g);
      this.gates.push(g);
    }
    return g;
  }

  /** connections accepted and waiting for a slot now */
  heldCount(): number {
    return this.heldNow;
  }

  private frontendFull(): boolean {
    return this.maxconn > 0 && this.counters.cur >= this.maxconn;
  }

  private hasSlot(): boolean {
    return !this.paused && !this.frontendFull() && !this.global.full();
  }

  private begin(socket: Socket, g: ListenerGate): void {
    const c = this.counters;
    c.cur++;
    c.total++;
    if (c.cur > c.max) c.max = c.cur;
    c.rate.hit();
    this.global.cur++;
    g.cur++;
    if (g !== this.shared) this.gateOf.set(socket, g);
    this.start(socket);
  }

  /** The oldest held connection whose listener has room, or null. */
  private next(): HeldConn | null {
    let best: HeldConn | null = null;
    for (const g of this.gates) {
      if (g.full()) continue;
      const h = g.peek();
      if (h !== null && (best === null || h.seq < best.seq)) best = h;
    }
    return best;
  }

  /** Starts held connections while there is room (called when a slot frees or on resume). */
  pump(): void {
    while (this.heldNow > 0) {
      const h = this.next();
      if (h === null) break;
      if (!this.hasSlot()) {
        if (!this.paused && !this.frontendFull()) this.global.wait(this);
        break;
      }
      h.gate.shift();
      this.heldNow--;
      h.socket.removeListener('close', h.onClose);
      h.socket.removeListener('error', onHeldError);
      this.begin(h.socket, h.gate);
    }
    this.checkDrained();
  }

  private forget(h: HeldConn): void {
    h.gate.forget(h);
    this.heldNow--;
    this.checkDrained();
  }

  /** The session on `socket` ended: free its slots (listener, frontend, global) and start whoever waits. */
  protected ended(socket: Socket): void {
    const g = this.limited.size === 0 ? undefined : this.gateOf.get(socket);
    if (g === undefined) this.shared.cur--;
    else {
      g.cur--;
      this.gateOf.delete(socket);
    }
    this.counters.cur--;
    this.global.cur--;
    this.pump();
    this.global.released();
    this.checkDrained();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  stopAccepting(): void {
    this.stopping = true;
  }

  drain(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private idle(): boolean {
    return this.counters.cur === 0 && this.heldNow === 0;
  }

  private checkDrained(): void {
    if (this.drainWaiters.length === 0 || !this.idle()) return;
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const f of w) f();
  }
}

interface HeldConn {
  readonly socket: Socket;
  readonly gate: ListenerGate;
  readonly seq: number;
  readonly onClose: () => void;
}

/** A held client that errors is simply dropped; its 'close' removes it from the FIFO. */
function onHeldError(): void {}

function noop(): void {}
