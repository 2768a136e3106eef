/**
 * HealthCheck: the active check of one server. It schedules its runs, feeds each outcome to
 * the rise/fall counter, and tells its BackendChecker when the counter crosses a threshold.
 * It never sets the server's state itself: the BackendChecker reports through serverState().
 *
 * Stats read `statusCode` ("L7OK", "* L7OK" while a run is in flight), `code`, `duration`,
 * `info`, `health` and `statusText()` ("UP 1/3", "DOWN 1/2", "MAINT", ...).
 */
import { SrvState, type Server } from '../server.js';
import type { ProbeHost, ProbeTarget, ProbeTimeouts } from './probe.js';
import type { CheckProgram } from './rules.js';
import type { Scheduler, Timed } from './scheduler.js';
import { applyResult, healthFraction, healthMax, nextInterval, type HealthCounter } from './state.js';
import { CheckStatus, checkStatusRow, type CheckOutcome } from './status.js';

export type OnError = 'fastinter' | 'fail-check' | 'sudden-death' | 'mark-down';

/** Per-server check settings, from the server line (defaults as HAProxy's). */
export interface CheckSettings {
  readonly inter: number;
  readonly fastinter: number;
  readonly downinter: number;
  readonly rise: number;
  readonly fall: number;
  readonly timeouts: ProbeTimeouts;
  readonly target: ProbeTarget;
  /** `spread-checks` percentage (0..50): each interval is moved by up to ±that much */
  readonly spread: number;
  readonly slowstart: number;
  readonly observe: 'layer4' | 'layer7' | null;
  readonly errorLimit: number;
  readonly onError: OnError;
  readonly shutdownSessions: boolean;
  readonly shutdownBackupSessions: boolean;
}

/** What a HealthCheck needs from its backend's checker. */
export interface CheckOwner {
  readonly sched: Scheduler;
  readonly program: CheckProgram;
  /** the counter moved or the status changed: the log-health-checks line */
  checkLogged(hc: HealthCheck, o: CheckOutcome, moved: boolean, previous: CheckStatus): void;
  markDown(hc: HealthCheck, o: CheckOutcome): void;
  markUp(hc: HealthCheck, o: CheckOutcome): void;
  markStopping(hc: HealthCheck, o: CheckOutcome): void;
  stateHeader(hc: HealthCheck): string;
  /** builds the thing that performs one run (a socket Probe in production, a script in tests) */
  makeRunner(hc: HealthCheck, host: ProbeHost, done: (o: CheckOutcome) => void): CheckRunner;
}

/** Performs check runs for one server; `done` is called once per started run. */
export interface CheckRunner {
  readonly running: boolean;
  start(): void;
  /** stop a run in flight without reporting */
  abort(): void;
}

export class HealthCheck implements Timed, HealthCounter {
  due = 0;
  slot = -1;
  /** rise/fall counter: 0..rise+fall-1, up while >= rise; a checked server starts UP at rise */
  health: number;
  readonly rise: number;
  readonly fall: number;
  /** last finished check (INI until the first one) */
  status: CheckStatus = CheckStatus.INI;
  code = 0;
  info = '';
  /** ms, -1 before the first check */
  duration = -1;
  /** passive-check (observe) consecutive errors */
  consecutiveErrors = 0;
  /** failed checks that moved the counter (stats `chkfail`), of which passive ones (`hanafail`) */
  failedChecks = 0;
  hanaFailures = 0;
  /**
   * `disable health` from the runtime API (HAProxy clears CHK_ST_ENABLED): runs are skipped,
   * the server keeps its state, stats show "no check".
   */
  adminDisabled = false;
  private forceFast = false;
  private enabled = false;
  private wasMaint: boolean;
  private readonly probe: CheckRunner;

  constructor(
    readonly srv: Server,
    readonly settings: CheckSettings,
    private readonly owner: CheckOwner,
  ) {
    this.rise = settings.rise;
    this.fall = settings.fall;
    this.health = settings.rise;
    this.wasMaint = srv.inMaint;
    const host: ProbeHost = {
      stateHeader: () => owner.stateHeader(this),
      isUp: () => this.srv.state !== SrvState.STOPPED,
      connOpened: () => this.srv.conns.use(),
      connClosed: () => { this.srv.conns.used--; },
    };
    this.probe = owner.makeRunner(this, host, (o) => this.onOutcome(o));
  }

  /** A run is in flight (stats prefix the status with "* "). */
  get running(): boolean {
    return this.probe.running;
  }

  /** stats `check_status` */
  get statusCode(): string {
    return (this.running ? '* ' : '') + checkStatusRow(this.status).code;
  }

  /** Starts checking: the first run after `delay` ms (the start-up spread). */
  start(delay: number): void {
    this.enabled = true;
    this.owner.sched.schedule(this, this.owner.sched.now() + delay);
  }

  stop(): void {
    this.enabled = false;
    this.owner.sched.cancel(this);
    this.probe.abort();
  }

  /** Scheduler callback: time for a run. */
  fire(): void {
    if (!this.enabled) return;
    if (this.adminDisabled) {
      this.reschedule();
      return;
    }
    if (this.srv.inMaint) {
      // No checks in maintenance; look again later (HAProxy pauses the check the same way).
      this.wasMaint = true;
      this.reschedule();
      return;
    }
    if (this.wasMaint) {
      // Leaving maintenance puts the server UP at health = rise ("UP 1/3"), as HAProxy does.
      this.wasMaint = false;
      this.health = this.rise;
    }
    this.probe.start();
  }

  /** `disable health` / `enable health` (runtime API, stats admin). */
  setAdminEnabled(on: boolean): void {
    this.adminDisabled = !on;
  }

  /**
   * The server entered or left maintenance (runtime API): as HAProxy, the counter drops to 0
   * in maintenance and restarts at rise ("UP 1/3") when it leaves, without waiting for a run.
   */
  syncMaint(): void {
    if (this.srv.inMaint) {
      this.wasMaint = true;
      this.health = 0;
    } else if (this.wasMaint) {
      this.wasMaint = false;
      this.health = this.rise;
    }
  }

  /** The server's address changed: a check that follows it (no check addr/port) follows. */
  retarget(oldHost: string, oldPort: number, host: string, port: number): void {
    const t = this.settings.target as { host: string; port: number };
    if (t.host === oldHost) t.host = host;
    if (t.port === oldPort) t.port = port;
  }

  /** The interval before the next run (srv_getinter, with on-error fastinter forcing it). */
  interval(): number {
    const s = this.settings;
    if (this.forceFast) return s.fastinter;
    return nextInterval(this, this.srv.state === SrvState.STOPPED, s.inter, s.fastinter, s.downinter);
  }

  /** Applies one outcome (a probe's, or a simulated one from passive observation). */
  onOutcome(o: CheckOutcome, reschedule = true): void {
    const previous = this.status;
    this.status = o.status;
    this.code = o.code;
    this.info = o.info;
    this.duration = o.duration;
    const result = checkStatusRow(o.status).result;
    const moved = applyResult(this, result);
    if (moved && result === 'failed') {
      this.failedChecks++;
      if (o.status === CheckStatus.HANA) this.hanaFailures++;
    }
    if (result === 'passed' || result === 'condpass') this.consecutiveErrors = 0;
    this.owner.checkLogged(this, o, moved, previous);
    if (result === 'failed' && this.health === 0) this.owner.markDown(this, o);
    else if (result === 'passed' && this.health >= this.rise) this.owner.markUp(this, o);
    else if (result === 'condpass' && this.health >= this.rise) this.owner.markStopping(this, o);
    if (reschedule && this.enabled) {
      this.forceFast = false;
      this.reschedule();
    }
  }

  /** Passive observation asks for the next run within fastinter (on-error actions). */
  hurry(): void {
    this.forceFast = true;
    if (!this.enabled || this.running) return;
    const at = this.owner.sched.now() + this.settings.fastinter;
    if (this.slot < 0 || this.due > at) this.owner.sched.schedule(this, at);
  }

  /** Forces the counter for an on-error action: 0 (mark-down) or rise+1 (sudden-death). */
  forceHealth(h: number): void {
    this.health = Math.min(h, healthMax(this));
  }

  /** "x/y" as stats and logs show it */
  fraction(): string {
    return healthFraction(this);
  }

  /** Stats status text, as HAProxy's srv_hlt_st. */
  statusText(): string {
    const s = this.srv;
    if (s.inMaint) return 'MAINT';
    const going = this.health < healthMax(this);
    if (s.state === SrvState.RUNNING || s.state === SrvState.STARTING) {
      const word = s.draining ? 'DRAIN' : 'UP';
      return going ? `${word} ${this.fraction()}` : word;
    }
    if (s.state === SrvState.STOPPING) return going ? `NOLB ${this.fraction()}` : 'NOLB';
    return this.health === 0 ? 'DOWN' : `DOWN ${this.fraction()}`;
  }

  private reschedule(): void {
    let iv = this.interval();
    const spread = this.settings.spread;
    if (spread > 0) {
      // spread-checks: move each run by up to ±spread% so checks do not stay in lockstep.
      const rv = (iv * spread) / 100;
      iv += rv - 2 * rv * Math.random();
    }
    this.owner.sched.schedule(this, this.owner.sched.now() + iv);
  }
}
