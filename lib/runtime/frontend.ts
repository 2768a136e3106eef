/**
 * What every frontend runtime object shares, whatever its mode: identity, counters, and the
 * accept gate that enforces frontend and global `maxconn`.
 *
 * Node cannot stop calling accept() on a listening socket the way HAProxy disables its
 * listener, so a connection accepted above a limit is *held*: kept un-read (Node reads at most
 * one highWaterMark ahead) in a FIFO and started when a slot frees. The client sees what it
 * would see with HAProxy (its connection waits, nothing is refused); the difference is that
 * the wait happens in our FIFO instead of the kernel backlog. `pause()` (SIGTTOU) holds new
 * connections the same way until `resume()` (SIGTTIN).
 */
import type { Socket } from 'node:net';
import type { BindConfig, Mode } from '../config/model.js';
import { RateCounter } from './rate.js';

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
  /** the listener hands every accepted connection here */
  accept(socket: Socket): void;
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
  /** held sockets: an array used as a FIFO with a moving head (no shift()) */
  private held: (HeldConn | null)[] = [];
  private heldHead = 0;
  private drainWaiters: (() => void)[] = [];
  /** some bind line of this frontend has `accept-proxy` (else no socket needs to be asked) */
  readonly acceptProxy: boolean;

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

  accept(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    if (this.heldCount() === 0 && this.hasSlot()) {
      this.begin(socket);
      return;
    }
    this.counters.held++;
    const h: HeldConn = { socket, onClose: () => this.forget(h) };
    socket.on('error', onHeldError);
    socket.once('close', h.onClose);
    this.held.push(h);
    if (!this.paused && !this.frontendFull()) this.global.wait(this);
  }

  heldCount(): number {
    return this.held.length - this.heldHead;
  }

  private frontendFull(): boolean {
    return this.maxconn > 0 && this.counters.cur >= this.maxconn;
  }

  private hasSlot(): boolean {
    return !this.paused && !this.frontendFull() && !this.global.full();
  }

  private begin(socket: Socket): void {
    const c = this.counters;
    c.cur++;
    c.total++;
    if (c.cur > c.max) c.max = c.cur;
    c.rate.hit();
    this.global.cur++;
    this.start(socket);
  }

  /** Starts held connections while there is room (called when a slot frees or on resume). */
  pump(): void {
    while (this.heldCount() > 0) {
      if (!this.hasSlot()) {
        if (!this.paused && !this.frontendFull()) this.global.wait(this);
        return;
      }
      const h = this.held[this.heldHead];
      this.held[this.heldHead++] = null;
      if (this.heldHead > 1024 && this.heldHead * 2 > this.held.length) {
        this.held = this.held.slice(this.heldHead);
        this.heldHead = 0;
      }
      if (h === null || h === undefined || h.socket.destroyed) continue;
      h.socket.removeListener('close', h.onClose);
      h.socket.removeListener('error', onHeldError);
      this.begin(h.socket);
    }
    this.checkDrained();
  }

  private forget(h: HeldConn): void {
    const i = this.held.indexOf(h, this.heldHead);
    if (i >= 0) this.held[i] = null;
    this.checkDrained();
  }

  /** A session of this frontend ended: free its slots and start whoever waits. */
  protected ended(): void {
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
    if (this.counters.cur > 0) return false;
    for (let i = this.heldHead; i < this.held.length; i++) if (this.held[i] !== null) return false;
    return true;
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
  readonly onClose: () => void;
}

/** A held client that errors is simply dropped; its 'close' removes it from the FIFO. */
function onHeldError(): void {}
