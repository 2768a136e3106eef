/**
 * The runtime server: one `server` line of a backend, as HAProxy's `struct server` keeps it.
 *
 * A Server owns its state and counters; it never changes them on its own. State changes go
 * through its Backend (`Backend.setServerState`, `setAdmin`, `setWeight`) so the balancer hears
 * about them. Frontends, checks, the stats page and the runtime API read these fields directly.
 */

/** Operational state, HAProxy's `enum srv_state` (numeric values as in `show servers state`). */
export const SrvState = {
  /** down: the only state that is not "up" */
  STOPPED: 0,
  /** up but warming up (slowstart) */
  STARTING: 1,
  /** fully up */
  RUNNING: 2,
  /** up but soft-stopping (NOLB: e.g. an http-check `disable-on-404`) */
  STOPPING: 3,
} as const;
export type SrvState = (typeof SrvState)[keyof typeof SrvState];

/**
 * Administrative flags, HAProxy's `enum srv_admin` bit for bit, so `show servers state` and the
 * CSV can print them as they are. Kept apart from the operational state on purpose: an admin
 * decision (maint, drain) must survive health-check results and vice versa.
 */
export const SrvAdmin = {
  /** forced into maintenance (CLI `disable server`, `set server state maint`) */
  FMAINT: 0x01,
  /** maintenance inherited from a tracked server */
  IMAINT: 0x02,
  /** maintenance from the configuration (`disabled`); always set together with FMAINT */
  CMAINT: 0x04,
  /** forced drain (`set server state drain`) */
  FDRAIN: 0x08,
  /** drain inherited from a tracked server */
  IDRAIN: 0x10,
  /** maintenance because the address could not be resolved */
  RMAINT: 0x20,
  /** the FQDN was set from the CLI */
  HMAINT: 0x40,
  /** any of these means "in maintenance" (HAProxy's SRV_ADMF_MAINT mask) */
  MAINT: 0x23,
  /** any of these means "draining" (HAProxy's SRV_ADMF_DRAIN mask) */
  DRAIN: 0x18,
} as const;

import { RateCounter } from '../lib/runtime/rate.js';

/** Largest user weight (HAProxy's SRV_UWGHT_MAX). */
export const SRV_UWGHT_MAX = 256;

/** Per-server counters: plain numbers, incremented in place (`srv.counters.cumSess++`). */
export class ServerCounters {
  /** sessions (connections or requests) ever assigned: stats `stot` */
  cumSess = 0;
  /** times this server was chosen by the load-balancing algorithm: stats `lbtot` */
  lbtot = 0;
  /** bytes received from clients for this server: stats `bin` */
  bytesIn = 0;
  /** bytes sent back to clients from this server: stats `bout` */
  bytesOut = 0;
  /** failed connection attempts: stats `econ` */
  failedConns = 0;
  /** failed responses: stats `eresp` */
  failedResp = 0;
  /** connection retries to this server: stats `wretr` */
  retries = 0;
  /** sessions redispatched away from this server: stats `wredis` */
  redispatches = 0;
  /** highest number of concurrent sessions seen: stats `smax` */
  maxSess = 0;
  /** highest queue length seen: stats `qmax` */
  maxQueue = 0;
  /** transitions to DOWN: stats `chkdown` */
  downTrans = 0;
  /** HTTP responses by class 1xx..5xx then other (stats `hrsp_*`), aborted transfers */
  readonly hrsp = [0, 0, 0, 0, 0, 0];
  cliAborts = 0;
  srvAborts = 0;
  /** unix time (seconds) of the last session: for stats `lastsess` */
  lastSess = 0;
  /** ms spent STOPPED before the current state (stats `downtime` adds the current stretch) */
  downTime = 0;
  /** sessions per second: stats `rate`, `rate_max` */
  readonly rate = new RateCounter();
}

/** What a tracked server needs of a tracker's backend to hand it a state (Backend implements it). */
export interface TrackerBackend {
  readonly name: string;
  setServerState(srv: Server, state: SrvState, reason?: string): boolean;
  setAdmin(srv: Server, flag: number, on: boolean, reason?: string): void;
}

/** What a `server` line gives the runtime object (the compiled model fills this in). */
export interface ServerConfig {
  readonly name: string;
  /** `id`; defaults to the 1-based declaration position */
  readonly id?: number;
  readonly address: string;
  /** 0 when the line has no port (use the client's destination port) */
  readonly port: number;
  /** `weight`, 0..256; default 1 */
  readonly weight?: number;
  readonly backup?: boolean;
  /** `disabled`: start in maintenance from the configuration */
  readonly disabled?: boolean;
  /** `maxconn`, 0 = unlimited */
  readonly maxconn?: number;
  /** `maxqueue`, 0 = unlimited */
  readonly maxqueue?: number;
  /** `cookie` value for persistence */
  readonly cookie?: string;
  /** `slowstart`, ms (0 = none) */
  readonly slowstart?: number;
  /** `pool-max-conn` (-1 = unlimited), `pool-purge-delay` (ms), `pool-low-conn` */
  readonly poolMaxConn?: number;
  readonly poolPurgeDelay?: number;
  readonly poolLowConn?: number;
  /** `init-addr ... none` applied: no address yet, the server starts in maintenance (resolution) */
  readonly unresolved?: boolean;
  /** the host name of the server line, when it gave one rather than an address */
  readonly fqdn?: string;
  /** a unix socket server (`address` is its path) */
  readonly unix?: boolean;
}

/**
 * A server's connection counts as HAProxy keeps them for its idle pools (srv_use_conn,
 * srv_add_to_idle_list, srv_cleanup_idle_conns; stats used_conn_cur, srv_icur, idle_conn_cur,
 * safe_conn_cur, need_conn_est). The pool itself is the HTTP engine's (server-conn.ts).
 */
export class ConnCounts {
  /** connections in use (open, not idle) */
  used = 0;
  /** the most in use at once since the last purge */
  maxUsed = 0;
  /** estimate of the connections needed: idle ones beyond it are purged */
  estNeed = 0;
  /** idle connections, of which `safe` have carried more than one request */
  idle = 0;
  safe = 0;
  /** pool-max-conn: -1 unlimited, 0 no idle connections */
  readonly maxIdle: number;
  /** pool-purge-delay, ms: 0 keeps no idle connections */
  readonly purgeDelay: number;
  /** pool-low-conn: idle connections kept beyond the estimate */
  readonly lowIdle: number;

  constructor(cfg: ServerConfig) {
    this.maxIdle = cfg.poolMaxConn ?? -1;
    this.purgeDelay = cfg.poolPurgeDelay ?? 5000;
    this.lowIdle = cfg.poolLowConn ?? 0;
  }

  /** One more connection in use (a new one, or one taken from the idle pool). */
  use(): void {
    const n = ++this.used;
    if (this.maxUsed < n) this.maxUsed = n;
    if (this.estNeed < n) this.estNeed = n;
  }
}

export class Server {
  readonly name: string;
  /** HAProxy's puid: `id` or the 1-based declaration position. Balancers key on it. */
  readonly puid: number;
  /** whether `id` was set explicitly (`srv_f_forced_id` in `show servers state`) */
  readonly forcedId: boolean;
  address: string;
  port: number;
  /** the host name of the server line (HAProxy's hostname), null when it gave an address */
  readonly fqdn: string | null;
  /** a unix socket server: `address` is its path, stats show `unix` */
  readonly unix: boolean;
  readonly backup: boolean;
  readonly cookie: string | null;
  /** `maxconn`, 0 = unlimited; changed at run time by `set maxconn server` (BackendRuntime) */
  maxconn: number;
  readonly maxqueue: number;
  /** `slowstart` in whole seconds, rounded up as HAProxy does (0 = none) */
  readonly slowstartSec: number;
  /**
   * While STARTING after a slowstart: how far the warm-up went, 0..100 (HAProxy derives it from
   * now - last_change on each use; here the warm-up task updates it once a second).
   */
  warmPercent = 100;

  /** configured (initial) weight: `iweight`; `set weight N%` is relative to it */
  readonly iweight: number;
  /** user weight: `uweight`, changed by `set weight` */
  uweight: number;
  /**
   * Effective weight in the balancer's scale (HAProxy's next_eweight): uweight times 16 for the
   * dynamic algorithms, divided by the weights' GCD for the map-based ones. Set by the Backend.
   */
  eweight = 0;
  /** The eweight the balancer currently accounts for (HAProxy's cur_eweight); Backend commits it. */
  curEweight = 0;
  /** Whether the balancer currently has this server in its structures; Backend commits it. */
  curUsable = false;

  /** operational state */
  state: SrvState = SrvState.RUNNING;
  /** admin flags (SrvAdmin bits) */
  admin = 0;
  /**
   * Has been in maintenance: HAProxy zeroes the health counter of a server without a check
   * when it enters maintenance and nothing raises it again (`show servers state` shows it).
   */
  wasInMaint = false;
  /** unix ms of the last state change (creation counts as one): stats `lastchg`, `downtime` */
  lastChange = Date.now();

  /** connections/requests currently being served (HAProxy's `served`): stats `scur` */
  served = 0;
  /** requests waiting in this server's own queue: stats `qcur` */
  queueLength = 0;
  readonly counters = new ServerCounters();
  readonly conns: ConnCounts;
  /** `track`: the server whose state this one follows, and the servers that follow this one */
  tracked: { readonly be: { readonly name: string }; readonly srv: Server } | null = null;
  readonly trackers: { readonly be: TrackerBackend; readonly srv: Server }[] = [];

  /** Scratch used by the map balancer while rebuilding (HAProxy's wscore): uint32. */
  wscore = 0;
  /** Sum of the eweights of the usable servers before this one in its group (for bounded loads). */
  cumulativeWeight = 0;

  constructor(cfg: ServerConfig, position: number) {
    this.name = cfg.name;
    this.forcedId = cfg.id !== undefined;
    this.puid = cfg.id ?? position;
    this.address = cfg.address;
    this.fqdn = cfg.fqdn ?? null;
    this.unix = cfg.unix ?? false;
    this.port = cfg.port;
    this.backup = cfg.backup ?? false;
    this.cookie = cfg.cookie ?? null;
    this.maxconn = cfg.maxconn ?? 0;
    this.maxqueue = cfg.maxqueue ?? 0;
    this.slowstartSec = Math.ceil((cfg.slowstart ?? 0) / 1000);
    this.iweight = cfg.weight ?? 1;
    this.uweight = this.iweight;
    this.conns = new ConnCounts(cfg);
    if (cfg.unresolved === true) {
      // HAProxy's RMAINT: "MAINT (resolution)" until `set server addr` gives it one
      this.admin |= SrvAdmin.RMAINT;
      this.state = SrvState.STOPPED;
      this.wasInMaint = true;
    }
    if (cfg.disabled === true) {
      // `disabled` is config maintenance; HAProxy sets FMAINT too (admin_state 5), and a
      // server in maintenance is STOPPED.
      this.admin = SrvAdmin.CMAINT | SrvAdmin.FMAINT;
      this.wasInMaint = true;
      this.state = SrvState.STOPPED;
    }
  }

  /** Maintenance (any MAINT flag). */
  get inMaint(): boolean {
    return (this.admin & SrvAdmin.MAINT) !== 0;
  }

  /** Draining (any DRAIN flag). */
  get draining(): boolean {
    return (this.admin & SrvAdmin.DRAIN) !== 0;
  }

  /** "Up" as HAProxy counts it: any state but STOPPED. */
  get isUp(): boolean {
    return this.state !== SrvState.STOPPED;
  }

  /**
   * Usable for load balancing (HAProxy's srv_willbe_usable): a non-zero effective weight, no
   * MAINT or DRAIN flag, and STARTING or RUNNING. DRAIN and weight 0 keep the server reachable by
   * persistence (see `acceptsPersistent`); MAINT does not.
   */
  get usable(): boolean {
    if (this.eweight === 0 || (this.admin & (SrvAdmin.MAINT | SrvAdmin.DRAIN)) !== 0) return false;
    return this.state === SrvState.STARTING || this.state === SrvState.RUNNING;
  }

  /**
   * Whether a persistence cookie naming this server may be honoured: it is up, or the backend
   * has `option persist` (or a force-persist rule matched). Weight 0 and DRAIN do not matter.
   * A server in maintenance is STOPPED, so only `persist` can reach it, as in HAProxy.
   */
  acceptsPersistent(persist: boolean): boolean {
    return this.state !== SrvState.STOPPED || persist;
  }

  /**
   * The concurrency limit in force (HAProxy's srv_dynamic_maxconn): `maxconn` (0 = unlimited),
   * ramped up during a slowstart warm-up (at least 1). minconn/fullconn are not modelled.
   */
  dynamicMaxconn(): number {
    if (this.state === SrvState.STARTING && this.warmPercent < 100 && this.maxconn > 0) {
      return Math.max(1, Math.floor((this.maxconn * this.warmPercent) / 100));
    }
    return this.maxconn;
  }

  /**
   * Whether a new connection may go straight to this server without queueing: no maxconn, or
   * nobody queued on it and a free slot (the test every HAProxy balancer applies).
   */
  hasRoom(): boolean {
    return this.maxconn === 0 || (this.queueLength === 0 && this.served < this.dynamicMaxconn());
  }
}
