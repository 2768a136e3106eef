/**
 * BackendChecker: the health checks of one backend, and the place where their verdicts become
 * server state changes, log lines and frontend notifications.
 *
 * Checks run once, in the master. A verdict goes out through `serverState(be, srv, state,
 * reason)`, the single entry point that may become an IPC message to workers; then the hooks
 * below run, then the HAProxy-format message is written to the log sink and to stderr.
 *
 * Hooks for the frontends (register with onMarkedDown / onMarkedUp / setQueueProbe):
 *   markedDown(srv, be, shutdownSessions) -> number
 *       srv just went DOWN. Move the requests queued on srv elsewhere (HAProxy's
 *       pendconn_redistribute) and return how many moved ("N requeued" in the message).
 *       When `shutdownSessions` (server `on-marked-down shutdown-sessions`), also close srv's
 *       live sessions with termination state 'D'.
 *   markedUp(srv, be, shutdownBackupSessions) -> number
 *       srv just came UP. Let it take requests from the backend queue (pendconn_grab_from_px)
 *       and return how many it took; with `on-marked-up shutdown-backup-sessions`, close the
 *       sessions of the backup servers.
 *   queueProbe(be) -> number
 *       requests waiting in the backend's own queue (for "N total in queue").
 * Passive checks: frontends call `observe(srv, event)` after each connection / response
 * (server `observe layer4|layer7`, `error-limit`, `on-error`).
 */
import type { Backend } from '../backend.js';
import { serverState } from '../backend.js';
import { SrvState, type Server } from '../server.js';
import { HealthCheck, type CheckOwner, type CheckRunner, type CheckSettings } from './health-check.js';
import { Probe, type ProbeHost } from './probe.js';
import { checkLine, downMessage, noServerMessage, stderrLine, upMessage, type Counts } from './messages.js';
import type { CheckProgram } from './rules.js';
import type { Scheduler } from './scheduler.js';
import { CheckStatus, checkStatusRow, type CheckOutcome } from './status.js';

export type LogLevel = 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug';
/** Where event lines go (SessionLogger.event of lib/log/record.ts fits). */
/** Where check messages go; `be` is the backend they are about (its log targets receive them). */
export type EventSink = (level: LogLevel, text: string, be: Backend) => void;

export type MarkedDownHook = (srv: Server, be: Backend, shutdownSessions: boolean) => number;
export type MarkedUpHook = (srv: Server, be: Backend, shutdownBackupSessions: boolean) => number;

/**
 * What frontends report for passive checks (HAProxy's health_adjust statuses). Layer-4 events
 * count for `observe layer4` and layer-4 errors also for `layer7`; HTTP events for `layer7`.
 */
export type ObservedEvent = 'l4-ok' | 'l4-error' | 'http-ok' | 'http-status' | 'http-invalid' | 'http-read-error' | 'http-read-timeout' | 'http-broken-pipe';

const OBSERVED: Readonly<Record<ObservedEvent, { readonly desc: string; readonly l4: 0 | 1 | 2; readonly l7: 0 | 1 | 2 }>> = {
  // 1: an error, 2: a success (resets the count), 0: not observed at this layer
  'l4-ok': { desc: 'L4 successful connection', l4: 2, l7: 0 },
  'l4-error': { desc: 'L4 unsuccessful connection', l4: 1, l7: 1 },
  'http-ok': { desc: 'Correct http response', l4: 0, l7: 2 },
  'http-status': { desc: 'Wrong http response', l4: 0, l7: 1 },
  'http-invalid': { desc: 'Invalid http response', l4: 0, l7: 1 },
  'http-read-error': { desc: 'Read error (http)', l4: 0, l7: 1 },
  'http-read-timeout': { desc: 'Read timeout (http)', l4: 0, l7: 1 },
  'http-broken-pipe': { desc: 'Close from server (http)', l4: 0, l7: 1 },
};

export interface BackendCheckerOptions {
  readonly be: Backend;
  readonly program: CheckProgram;
  readonly sched: Scheduler;
  /** a `listen` section says "proxy" in "has no server available!" */
  readonly listen: boolean;
  readonly logHealthChecks: boolean;
  readonly sink: EventSink;
  /** receives whole lines ("[WARNING]  (pid) : ...\n"); process.stderr.write in production */
  readonly stderr: (line: string) => void;
  readonly pid: number;
  /** `node` for x-haproxy-server-state */
  readonly node: string;
  /** replaces the socket probe (tests drive the state machine with scripted outcomes) */
  readonly runner?: (hc: HealthCheck, host: ProbeHost, done: (o: CheckOutcome) => void) => CheckRunner;
}

export class BackendChecker implements CheckOwner {
  readonly be: Backend;
  readonly program: CheckProgram;
  readonly sched: Scheduler;
  readonly checks: HealthCheck[] = [];
  private readonly byServer = new Map<Server, HealthCheck>();
  private readonly downHooks: MarkedDownHook[] = [];
  private readonly upHooks: MarkedUpHook[] = [];
  private queueProbe: ((be: Backend) => number) | null = null;

  constructor(private readonly o: BackendCheckerOptions) {
    this.be = o.be;
    this.program = o.program;
    this.sched = o.sched;
  }

  add(srv: Server, settings: CheckSettings): HealthCheck {
    const hc = new HealthCheck(srv, settings, this);
    this.checks.push(hc);
    this.byServer.set(srv, hc);
    return hc;
  }

  /** The check of a server, if it has one. */
  of(srv: Server): HealthCheck | undefined {
    return this.byServer.get(srv);
  }

  onMarkedDown(fn: MarkedDownHook): void {
    this.downHooks.push(fn);
  }

  onMarkedUp(fn: MarkedUpHook): void {
    this.upHooks.push(fn);
  }

  setQueueProbe(fn: (be: Backend) => number): void {
    this.queueProbe = fn;
  }

  stop(): void {
    for (const hc of this.checks) hc.stop();
  }

  /**
   * Passive check input from a frontend. After `error-limit` consecutive errors the
   * server's `on-error` action runs: fastinter (check again soon), fail-check (count a failed
   * check, status HANA), sudden-death (the next failure is fatal), mark-down (DOWN now).
   */
  observe(srv: Server, ev: ObservedEvent): void {
    const hc = this.byServer.get(srv);
    if (hc === undefined || hc.settings.observe === null) return;
    const row = OBSERVED[ev];
    const v = hc.settings.observe === 'layer4' ? row.l4 : row.l7;
    if (v === 0) return;
    if (v === 2) {
      hc.consecutiveErrors = 0;
      return;
    }
    hc.consecutiveErrors++;
    if (hc.consecutiveErrors < hc.settings.errorLimit) return;
    const action = hc.settings.onError;
    if (action !== 'fastinter') {
      if (action === 'sudden-death' && hc.health > hc.rise) hc.forceHealth(hc.rise + 1);
      if (action === 'mark-down') hc.forceHealth(0);
      const info = `Detected ${hc.consecutiveErrors} consecutive errors, last one was: ${row.desc}`;
      // A simulated failed check (status HANA, no duration); with health forced to 0 it is
      // the DOWN verdict at once.
      hc.onOutcome({ status: CheckStatus.HANA, code: 0, info, duration: -1 }, false);
    }
    hc.consecutiveErrors = 0;
    hc.hurry();
  }

  // ---- CheckOwner: verdicts become state changes and messages ----

  checkLogged(hc: HealthCheck, o: CheckOutcome, moved: boolean, previous: CheckStatus): void {
    if (!this.o.logHealthChecks || (!moved && o.status === previous)) return;
    const result = checkStatusRow(o.status).result;
    if (result === 'neutral') return;
    const up = hc.health >= hc.rise;
    const text = checkLine({
      be: this.be.name, srv: hc.srv.name, backup: hc.srv.backup, outcome: o, result, fraction: hc.fraction(),
      word: up ? (hc.srv.uweight !== 0 ? 'UP' : 'DRAIN') : 'DOWN',
    });
    this.emit('notice', 'WARNING', text);
  }

  markDown(hc: HealthCheck, o: CheckOutcome): void {
    const srv = hc.srv;
    if (srv.state === SrvState.STOPPED || srv.inMaint) return;
    const before = this.counts();
    const wasStopping = srv.state === SrvState.STOPPING;
    serverState(this.be, srv, SrvState.STOPPED, checkStatusRow(o.status).description);
    let requeued = 0;
    for (const h of this.downHooks) requeued += h(srv, this.be, hc.settings.shutdownSessions);
    const text = downMessage({
      be: this.be.name, srv: srv.name, backup: srv.backup, outcome: this.o.logHealthChecks ? null : o,
      counts: this.counts(), sessions: srv.served, requeued, queued: srv.queueLength,
    });
    this.emit(wasStopping ? 'notice' : 'alert', 'WARNING', text);
    const after = this.counts();
    if (before.active + before.backup > 0 && after.active + after.backup === 0) {
      this.o.sink('emerg', noServerMessage(this.be.name, this.o.listen, false), this.be);
      this.o.stderr(stderrLine('ALERT', this.o.pid, noServerMessage(this.be.name, this.o.listen, true)));
    }
  }

  markUp(hc: HealthCheck, o: CheckOutcome): void {
    const srv = hc.srv;
    if (srv.state === SrvState.RUNNING || srv.state === SrvState.STARTING || srv.inMaint) return;
    // slowstart applies only when coming back from a failure, never at start-up.
    const ramp = hc.settings.slowstart > 0 && srv.state === SrvState.STOPPED;
    serverState(this.be, srv, ramp ? SrvState.STARTING : SrvState.RUNNING, checkStatusRow(o.status).description);
    if (ramp) this.sched.schedule(new WarmUp(this.be, srv, this.sched), this.sched.now() + WARM_STEP);
    let requeued = 0;
    for (const h of this.upHooks) requeued += h(srv, this.be, hc.settings.shutdownBackupSessions);
    this.emitUp(hc, o, requeued, false);
  }

  markStopping(hc: HealthCheck, o: CheckOutcome): void {
    const srv = hc.srv;
    if (srv.state === SrvState.STOPPING || srv.inMaint) return;
    serverState(this.be, srv, SrvState.STOPPING, checkStatusRow(o.status).description);
    this.emitUp(hc, o, 0, true);
  }

  makeRunner(hc: HealthCheck, host: ProbeHost, done: (o: CheckOutcome) => void): CheckRunner {
    if (this.o.runner !== undefined) return this.o.runner(hc, host, done);
    return new Probe(this.program, hc.settings.target, hc.settings.timeouts, this.sched, host, done);
  }

  /** x-haproxy-server-state value (http-check send-state). */
  stateHeader(hc: HealthCheck): string {
    const s = hc.srv;
    const lb = this.be.lb;
    const w = Math.floor((s.curEweight * lb.wmult + lb.wdiv - 1) / lb.wdiv);
    const tw = Math.floor((lb.totWeight * lb.wmult + lb.wdiv - 1) / lb.wdiv);
    return `${hc.statusText()}; address=${s.address}; port=${s.port}; name=${this.be.name}/${s.name}; node=${this.o.node}; weight=${w}/${tw}; scur=${s.served}/${this.be.served}; qcur=${s.queueLength}`;
  }

  private emitUp(hc: HealthCheck, o: CheckOutcome, requeued: number, stopping: boolean): void {
    const srv = hc.srv;
    const beQueue = this.queueProbe !== null ? this.queueProbe(this.be) : 0;
    const text = upMessage({
      be: this.be.name, srv: srv.name, backup: srv.backup, outcome: this.o.logHealthChecks ? null : o,
      counts: this.counts(), requeued, totalQueued: srv.queueLength + beQueue, stopping,
    });
    this.emit('notice', 'WARNING', text);
  }

  private counts(): Counts {
    return { active: this.be.lb.srvAct, backup: this.be.lb.srvBck };
  }

  private emit(level: LogLevel, kind: 'WARNING' | 'ALERT', text: string): void {
    this.o.sink(level, text, this.be);
    this.o.stderr(stderrLine(kind, this.o.pid, text));
  }
}

/** HAProxy's server_warmup task runs about once a second while a server warms up. */
const WARM_STEP = 1000;

/**
 * A slowstart warm-up: once a second the backend ramps the server's effective weight and
 * maxconn; at the end STARTING becomes RUNNING. Stops by itself if the server left STARTING
 * meanwhile (went down again, maintenance).
 */
class WarmUp {
  due = 0;
  slot = -1;
  private readonly began: number;
  constructor(
    private readonly be: Backend,
    private readonly srv: Server,
    private readonly sched: Scheduler,
  ) {
    this.began = sched.now();
  }

  fire(): void {
    if (this.srv.state !== SrvState.STARTING) return;
    const now = this.sched.now();
    if (!this.be.warmUp(this.srv, Math.floor((now - this.began) / 1000))) this.sched.schedule(this, now + WARM_STEP);
  }
}
