/**
 * The runtime backend: its servers in declaration order, its balancer, and the few entry points
 * everything else uses.
 *
 *   pick(ctx, avoid)              hot: choose a server for a request (null: none or all full)
 *   takeConn(srv) / releaseConn   hot: a connection to srv starts / ends (leastconn, first)
 *   setServerState(srv, state)    cold: operational change (health checks, via serverState())
 *   setAdmin(srv, flag, on)       cold: maintenance / drain (runtime API, stats page)
 *   setWeight(srv, "50%")         cold: `set weight` with HAProxy's rules and messages
 *
 * Active/backup choice, as HAProxy: backups are used only when no active server is usable;
 * without `option allbackups` only the first usable backup (declaration order) takes traffic,
 * with it all usable backups are balanced.
 */
import { BALANCERS } from './balance/index.js';
import { nowSec, startClock } from './clock.js';
import { newLbParams, recountServers, scaledWeight } from './balance/lbprm.js';
import type { BalanceSpec, Balancer, LbParams, PickContext } from './balance/types.js';
import { Server, SrvAdmin, SrvState, SRV_UWGHT_MAX, type ServerConfig } from './server.js';

export interface BackendConfig {
  readonly name: string;
  /** proxy id (`iid`); the compiler numbers proxies in declaration order */
  readonly id: number;
  readonly balance: BalanceSpec;
  readonly servers: readonly ServerConfig[];
}

/** Backend-level counters, plain numbers like the servers'. */
export class BackendCounters {
  /** sessions ever assigned to a server of this backend: stats `stot` */
  cumSess = 0;
  /** load-balanced picks: stats `lbtot` */
  lbtot = 0;
  /** highest concurrent sessions: stats `smax` */
  maxSess = 0;
  /** bytes received from clients / sent to clients: stats `bin` / `bout` */
  bytesIn = 0;
  bytesOut = 0;
  /** final connection failures, no-server included: stats `econ` */
  failedConns = 0;
  /** retries on the same server / redispatches to another: stats `wretr` / `wredis` */
  retries = 0;
  redispatches = 0;
  /** sessions queued now and at most (server queues excluded): stats `qcur` / `qmax` */
  queueCur = 0;
  maxQueue = 0;
  /** HTTP: requests / responses by class 1xx..5xx then other: stats `req_tot`, `hrsp_*` */
  reqTot = 0;
  readonly hrsp = [0, 0, 0, 0, 0, 0];
  /** HTTP: responses refused (bad or incomplete) / aborted transfers: `eresp`, `cli_abrt`, `srv_abrt` */
  failedResp = 0;
  cliAborts = 0;
  srvAborts = 0;
  /** transitions to "no server usable": stats `chkdown` of the BACKEND row */
  downTrans = 0;
  /** unix time (seconds) of the last session: stats `lastsess` */
  lastSess = 0;
}

/** Told about every operational or admin change, for logs ("Server be/s1 is DOWN ..."). */
export type StateListener = (be: Backend, srv: Server, previous: SrvState, reason: string) => void;

export class Backend {
  readonly name: string;
  readonly id: number;
  readonly balance: BalanceSpec;
  readonly servers: readonly Server[];
  /** shared balancing bookkeeping (read-only for everyone but this class and the balancer) */
  readonly lb: LbParams;
  readonly counters = new BackendCounters();
  /** optional observer of state changes (logging); null by default */
  stateListener: StateListener | null = null;
  /** the algorithm (exposed for introspection and tests; frontends only call pick) */
  readonly balancer: Balancer;
  private readonly byName = new Map<string, Server>();
  /** unix ms of the last time the backend became usable or unusable (stats `lastchg`) */
  lastChange = Date.now();
  /** ms spent with no usable server before the current stretch (stats `downtime`) */
  downTime = 0;
  private wasUp: boolean;

  constructor(cfg: BackendConfig) {
    this.name = cfg.name;
    this.id = cfg.id;
    this.balance = cfg.balance;
    this.servers = cfg.servers.map((sc, i) => new Server(sc, i + 1));
    for (const s of this.servers) this.byName.set(s.name, s);
    this.lb = newLbParams(this.servers, cfg.balance.allBackups);
    this.balancer = BALANCERS[cfg.balance.algo](this.lb, cfg.balance, () => this.rescale());
    this.wasUp = this.lb.totWeight > 0;
    startClock();
  }

  /**
   * Seconds the backend spent with no usable server (HAProxy's be_downtime): the closed
   * stretches plus the current one if it is down now.
   */
  downtimeMs(now = Date.now()): number {
    return this.wasUp ? this.downTime : this.downTime + now - this.lastChange;
  }

  /** Recomputes every eweight in the balancer's scale and commits it (balancer construction). */
  private rescale(): void {
    for (const s of this.servers) s.eweight = scaledWeight(this.lb, s.uweight);
    recountServers(this.lb);
    for (const s of this.servers) {
      s.curEweight = s.eweight;
      s.curUsable = s.usable;
    }
  }

  findServer(name: string): Server | undefined {
    return this.byName.get(name);
  }

  /** Some server can take load-balanced traffic; when false, pick() null means "503, no server". */
  get hasUsableServer(): boolean {
    return this.lb.totWeight > 0;
  }

  /** Runtime weight changes apply (HAProxy's dynamic algorithms). */
  get dynamicWeights(): boolean {
    return this.balancer.dynamic;
  }

  /** Sessions currently served by this backend's servers. */
  get served(): number {
    return this.lb.served;
  }

  /**
   * A server for this request, or null: no usable server (`hasUsableServer` false) or all
   * candidates saturated (queue the request). `avoid` is the server a retry leaves; it comes
   * back only when nothing else has room.
   */
  pick(ctx: PickContext, avoid: Server | null = null): Server | null {
    const lb = this.lb;
    if (lb.totWeight === 0) return null;
    const s = lb.srvAct === 0 && lb.fbck !== null && !this.balancer.handlesFbck ? lb.fbck : this.balancer.pick(ctx, avoid);
    if (s !== null && s !== avoid) {
      s.counters.lbtot++;
      this.counters.lbtot++;
    }
    return s;
  }

  /** A connection (TCP) or request (HTTP) to `srv` starts. */
  takeConn(srv: Server): void {
    srv.served++;
    this.lb.served++;
    srv.counters.cumSess++;
    this.counters.cumSess++;
    if (srv.served > srv.counters.maxSess) srv.counters.maxSess = srv.served;
    if (this.lb.served > this.counters.maxSess) this.counters.maxSess = this.lb.served;
    srv.counters.lastSess = nowSec();
    this.counters.lastSess = srv.counters.lastSess;
    srv.counters.rate.hit();
    if (this.balancer.takeConn !== undefined) this.balancer.takeConn(srv);
  }

  /** That connection or request ended. */
  releaseConn(srv: Server): void {
    srv.served--;
    this.lb.served--;
    if (this.balancer.dropConn !== undefined) this.balancer.dropConn(srv);
  }

  /**
   * Sets the operational state (checks report here through `serverState`). Returns false when
   * nothing changed. A server in maintenance stays STOPPED whatever checks say.
   */
  setServerState(srv: Server, state: SrvState, reason = ''): boolean {
    if (srv.state === state || (srv.inMaint && state !== SrvState.STOPPED)) return false;
    const previous = srv.state;
    this.stamp(srv, state);
    srv.state = state;
    if (state === SrvState.STOPPED) srv.counters.downTrans++;
    if (state === SrvState.STARTING) {
      srv.warmPercent = 0;
      this.warmElapsed.set(srv, 0);
    }
    this.commit(srv);
    if (this.stateListener !== null) this.stateListener(this, srv, previous, reason);
    // servers with `track` follow (HAProxy's srv_update_status walks srv->trackers), once this
    // change is complete and logged: a microtask, before any I/O can see the difference
    if (srv.trackers.length > 0) queueMicrotask(() => this.syncTrackers(srv));
    return true;
  }

  /**
   * Sets or clears an admin flag (SrvAdmin.FMAINT, FDRAIN, ...). Entering maintenance stops
   * the server; leaving it brings it back UP at once, as `set server state ready` does (a
   * health check then confirms or refutes it).
   */
  setAdmin(srv: Server, flag: number, on: boolean, reason = ''): void {
    const wasMaint = srv.inMaint;
    const previous = srv.state;
    // Config maintenance goes with forced maintenance: clearing FMAINT clears both.
    if (on) srv.admin |= flag;
    else srv.admin &= ~(flag === SrvAdmin.FMAINT ? SrvAdmin.FMAINT | SrvAdmin.CMAINT : flag);
    if (!wasMaint && srv.inMaint) {
      srv.wasInMaint = true;
      // HAProxy counts entering maintenance as a down transition of a running server
      if (srv.state !== SrvState.STOPPED) srv.counters.downTrans++;
      this.stamp(srv, SrvState.STOPPED);
      srv.state = SrvState.STOPPED;
    } else if (wasMaint && !srv.inMaint) {
      this.stamp(srv, SrvState.RUNNING);
      srv.state = SrvState.RUNNING;
    }
    this.commit(srv);
    if (this.stateListener !== null) this.stateListener(this, srv, previous, reason);
    // trackers inherit maintenance and drain (IMAINT / IDRAIN), and come back with this one,
    // once this change is logged (a microtask, as above)
    if (srv.trackers.length > 0) queueMicrotask(() => this.syncTrackers(srv));
  }

  /** Brings the servers tracking `srv` to its maintenance, drain and state (now, not deferred). */
  syncTrackers(srv: Server): void {
    const maint = srv.inMaint;
    const drain = srv.draining;
    const via = `${this.name}/${srv.name}`;
    for (const t of srv.trackers) {
      if (((t.srv.admin & SrvAdmin.IMAINT) !== 0) !== maint) t.be.setAdmin(t.srv, SrvAdmin.IMAINT, maint, `maint via ${via}`);
      if (((t.srv.admin & SrvAdmin.IDRAIN) !== 0) !== drain) t.be.setAdmin(t.srv, SrvAdmin.IDRAIN, drain, `drain via ${via}`);
      if (!maint && !t.srv.inMaint && t.srv.state !== srv.state) t.be.setServerState(t.srv, srv.state, `via ${via}`);
    }
  }

  /**
   * `set weight <be/srv> <N|N%>`: returns null on success or HAProxy's message. A relative
   * weight is taken from the configured weight. Static algorithms only accept 0 and 100%.
   */
  setWeight(srv: Server, text: string): string | null {
    if (text === '') return 'Require <weight> or <weight%>.\n';
    const m = /^([+-]?\d+)(.*)$/.exec(text);
    if (m === null) return 'Empty weight string empty or preceded by garbage';
    let w = Number(m[1]);
    const rest = m[2] as string;
    if (rest === '%') {
      if (w < 0) return 'Relative weight must be positive.\n';
      if (w > 25600) w = 25600;
      w = Math.floor((srv.iweight * w) / 100);
      if (w > SRV_UWGHT_MAX) w = SRV_UWGHT_MAX;
    } else if (w < 0 || w > SRV_UWGHT_MAX) {
      return 'Absolute weight can only be between 0 and 256 inclusive.\n';
    } else if (rest !== '') {
      return 'Trailing garbage in weight string';
    }
    if (w !== 0 && w !== srv.iweight && !this.balancer.dynamic) {
      return "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n";
    }
    this.setUserWeight(srv, w);
    return null;
  }

  /** Sets the user weight directly (already validated). */
  setUserWeight(srv: Server, weight: number): void {
    srv.uweight = weight;
    this.commit(srv);
  }

  /**
   * A slowstart warm-up step (HAProxy's server_recalc_eweight): `elapsedSec` whole seconds after
   * the server came back. Ramps the effective weight (dynamic algorithms only) and the dynamic
   * maxconn; returns true once the warm-up is over and the server is RUNNING.
   */
  warmUp(srv: Server, elapsedSec: number): boolean {
    if (srv.state !== SrvState.STARTING) return true;
    const ss = srv.slowstartSec;
    if (ss === 0 || elapsedSec >= ss || elapsedSec < 0) {
      srv.warmPercent = 100;
      this.setServerState(srv, SrvState.RUNNING, 'slowstart done');
      return true;
    }
    srv.warmPercent = Math.floor((100 * elapsedSec) / ss);
    this.warmElapsed.set(srv, elapsedSec);
    this.commit(srv);
    return false;
  }

  private readonly warmElapsed = new Map<Server, number>();

  /** The eweight for `srv`'s user weight, reduced while it warms up after a slowstart. */
  private warmWeight(srv: Server): number {
    const ss = srv.slowstartSec;
    if (srv.state !== SrvState.STARTING || ss === 0 || !this.balancer.dynamic) {
      this.warmElapsed.delete(srv);
      return scaledWeight(this.lb, srv.uweight);
    }
    // It starts at once, at the smallest step: w = (wdiv * elapsed + slowstart) / slowstart.
    const w = Math.floor((this.lb.wdiv * (this.warmElapsed.get(srv) ?? 0) + ss) / ss);
    return Math.floor((srv.uweight * w + this.lb.wmult - 1) / this.lb.wmult);
  }

  /** Records a state change time; leaving STOPPED closes a downtime stretch. */
  private stamp(srv: Server, next: SrvState): void {
    const now = Date.now();
    if (srv.state === SrvState.STOPPED && next !== SrvState.STOPPED) srv.counters.downTime += now - srv.lastChange;
    srv.lastChange = now;
  }

  /** Backend-level up/down bookkeeping after a recount (HAProxy's set_backend_down and its reverse). */
  private trackBackendState(): void {
    const up = this.lb.totWeight > 0;
    if (up === this.wasUp) return;
    const now = Date.now();
    if (up) this.downTime += now - this.lastChange;
    else this.counters.downTrans++;
    this.lastChange = now;
    this.wasUp = up;
  }

  /**
   * Applies a server's pending state/weight to the balancer: recount, then tell it what
   * changed, then record what it now accounts for (HAProxy's srv_lb_commit_status).
   */
  private commit(srv: Server): void {
    srv.eweight = this.warmWeight(srv);
    const was = srv.curUsable;
    const will = srv.usable;
    recountServers(this.lb);
    if (!was && will) this.balancer.serverUp(srv);
    else if (was && !will) this.balancer.serverDown(srv);
    else if (was && will && srv.curEweight !== srv.eweight) this.balancer.weightChanged(srv);
    srv.curEweight = srv.eweight;
    srv.curUsable = will;
    this.trackBackendState();
  }
}

/**
 * The one entry point for health checks (and, later, the master's IPC message): a check
 * reports a state for a server and the backend decides what it means for balancing.
 */
export function serverState(be: Backend, srv: Server, state: SrvState, reason: string): boolean {
  return be.setServerState(srv, state, reason);
}
