/**
 * Plain values of a runtime, for the stats page, CSV, JSON, Prometheus and the runtime API.
 * Built by one function so that multi-process stats are the sum of the workers' snapshots and
 * nothing else. Field names follow HAProxy's CSV columns (lib/stats/columns.ts maps them);
 * a `null` is a field HAProxy leaves empty for that object (no check, no limit, ...).
 *
 * Proxies come in configuration order (`proxies`), each with its FRONTEND part, its servers
 * and its BACKEND part, which is the row order of HAProxy's CSV. `frontends` and `backends`
 * list the same objects by kind.
 */
import type { Backend } from '../../backends/backend.js';
import { nowSec } from '../../backends/clock.js';
import { SrvAdmin, SrvState, type Server } from '../../backends/server.js';
import type { Runtime } from './runtime.js';

/** The part of a server's health check the stats read (backends/health HealthCheck fits). */
export interface CheckView {
  /** enum healthcheck_status value (backends/health/status.ts) */
  readonly status: number;
  readonly code: number;
  readonly info: string;
  readonly duration: number;
  readonly health: number;
  readonly rise: number;
  readonly fall: number;
  readonly running: boolean;
  readonly failedChecks: number;
  readonly hanaFailures: number;
  /** `disable health` was used */
  readonly adminDisabled: boolean;
}

/** Finds a server's check; the serving runtime plugs the health checks in here. */
export type CheckLookup = (srv: Server) => CheckView | undefined;

/** Check status names and descriptions by enum value (HAProxy's check_statuses[]). */
const CHECK_CODES: Readonly<Record<number, readonly [string, string, number]>> = {
  // name, description, result for `show servers state` (0 unknown 1 neutral 2 failed 3 passed 4 condpass)
  0: ['UNK', 'Unknown', 0], 1: ['INI', 'Initializing', 0], 2: ['', '* starting *', 0], 4: ['HANA', 'Health analyze', 2],
  5: ['SOCKERR', 'Socket error', 2], 6: ['L4OK', 'Layer4 check passed', 3], 7: ['L4TOUT', 'Layer4 timeout', 2],
  8: ['L4CON', 'Layer4 connection problem', 2], 9: ['L6OK', 'Layer6 check passed', 3], 10: ['L6TOUT', 'Layer6 timeout', 2],
  11: ['L6RSP', 'Layer6 invalid response', 2], 12: ['L7TOUT', 'Layer7 timeout', 2], 13: ['L7RSP', 'Layer7 invalid response', 2],
  15: ['L7OK', 'Layer7 check passed', 3], 16: ['L7OKC', 'Layer7 check conditionally passed', 4], 17: ['L7STS', 'Layer7 wrong status', 2],
};
/** HAProxy's HCHK_STATUS_CHECKED: statuses from here on come from a finished check. */
const STATUS_CHECKED = 4;
/** statuses past L57DATA carry an HTTP code */
const STATUS_L57DATA = 14;

export interface CheckStats {
  /** the check is configured and not disabled from the CLI (HAProxy's CHK_ST_ENABLED) */
  readonly enabled: boolean;
  /** the server is in maintenance, so the check does not run (CHK_ST_PAUSED) */
  readonly paused: boolean;
  /** stats `check_status`: "L7OK", "* L7OK" while a run is in flight */
  readonly status: string;
  /** the enum value (`show servers state` srv_check_status) */
  readonly statusNum: number;
  /** `show servers state` srv_check_result */
  readonly result: number;
  /** HTTP status for L7 statuses, else null */
  readonly code: number | null;
  /** ms, null before the first finished check */
  readonly duration: number | null;
  /** `check_desc` */
  readonly desc: string;
  /** `last_chk` */
  readonly info: string;
  readonly rise: number;
  readonly fall: number;
  readonly health: number;
  /** `chkfail`, `hanafail` */
  readonly failed: number;
  readonly hanafail: number;
}

export interface FrontendStats {
  readonly pxname: string;
  readonly iid: number;
  readonly mode: string;
  readonly scur: number;
  readonly smax: number;
  readonly slim: number;
  readonly stot: number;
  readonly bin: number;
  readonly bout: number;
  /** sessions that reached no server (HAProxy counts these on the backend; kept here too) */
  readonly econ: number;
  /** connections held by maxconn or pause before being served, and held now */
  readonly held: number;
  readonly rate: number;
  readonly rate_max: number;
  /** `rate-limit sessions` (0 = none) */
  readonly rate_lim: number;
  readonly status: 'OPEN' | 'PAUSED' | 'STOP';
  /** HTTP requests, responses per class (1xx..5xx, other), invalid and denied requests */
  readonly req_tot: number;
  readonly req_rate: number;
  readonly req_rate_max: number;
  readonly hrsp: readonly number[];
  readonly ereq: number;
  readonly dreq: number;
  readonly dresp: number;
  /** connections and sessions refused by tcp-request connection / session rules */
  readonly dcon: number;
  readonly dses: number;
  /** requests answered by `monitor-uri` */
  readonly intercepted: number;
  /** connections: Halyard counts one session per connection */
  readonly conn_rate: number;
  readonly conn_rate_max: number;
  readonly conn_tot: number;
}

export interface ServerStats {
  readonly svname: string;
  readonly sid: number;
  /** the proxy's id and name (repeated so a row stands alone) */
  readonly iid: number;
  readonly pxname: string;
  readonly mode: string;
  readonly scur: number;
  readonly smax: number;
  /** `maxconn`, null when unlimited */
  readonly slim: number | null;
  readonly stot: number;
  readonly lbtot: number;
  readonly bin: number;
  readonly bout: number;
  readonly econ: number;
  readonly wretr: number;
  readonly wredis: number;
  readonly qcur: number;
  readonly qmax: number;
  /** `maxqueue`, null when unlimited */
  readonly qlimit: number | null;
  /** connections: idle (srv_icur), of them unsafe and safe, in use, estimated need (HAProxy's pool counts) */
  readonly icur: number;
  readonly idleCur: number;
  readonly safeCur: number;
  readonly usedCur: number;
  readonly needEst: number;
  /** `pool-max-conn`, null when unlimited */
  readonly ilim: number | null;
  /** `track`: "backend/server" of the server this one follows, else null */
  readonly tracked: string | null;
  /** effective weight in the user's scale (HAProxy shows cur_eweight scaled back) */
  readonly weight: number;
  /** user weight (`set weight` changes it) and configured weight */
  readonly uweight: number;
  readonly iweight: number;
  readonly backup: boolean;
  /** "UP", "UP 1/3", "DOWN", "DOWN 1/2", "NOLB", "DRAIN", "MAINT", "no check" ... */
  readonly status: string;
  /** operational state (0 stopped, 1 starting, 2 running, 3 stopping) and admin flags (SrvAdmin bits) */
  readonly opState: number;
  readonly admin: number;
  /** has been in maintenance (an unchecked server's health counter is then 0, as HAProxy's) */
  readonly everMaint: boolean;
  /** seconds since the last state change */
  readonly lastchg: number;
  /** seconds spent DOWN in total; null when the server has no enabled check */
  readonly downtime: number | null;
  /** transitions to DOWN; null when the server has no enabled check */
  readonly chkdown: number | null;
  /** null when the server has no check */
  readonly check: CheckStats | null;
  /** slowstart warm-up percentage, null when not warming up */
  readonly throttle: number | null;
  /** seconds since the last session, -1 if never */
  readonly lastsess: number;
  /** "ip:port" */
  readonly addr: string;
  readonly address: string;
  /** the host name the server line gave, null for an address (`show servers state` srv_fqdn) */
  readonly fqdn: string | null;
  readonly port: number;
  readonly cookie: string | null;
  /** `id` set explicitly */
  readonly forcedId: boolean;
  readonly rate: number;
  readonly rate_max: number;
  readonly req_tot: number;
  readonly hrsp: readonly number[];
  readonly eresp: number;
  readonly cli_abrt: number;
  readonly srv_abrt: number;
}

export interface BackendStats {
  readonly pxname: string;
  readonly iid: number;
  readonly mode: string;
  /** balance algorithm as HAProxy names it in stats */
  readonly algo: string;
  /** "UP" when some server takes load-balanced traffic (or the backend has none), else "DOWN" */
  readonly status: 'UP' | 'DOWN';
  readonly scur: number;
  readonly smax: number;
  /** fullconn */
  readonly slim: number;
  readonly stot: number;
  readonly lbtot: number;
  readonly bin: number;
  readonly bout: number;
  readonly econ: number;
  readonly wretr: number;
  readonly wredis: number;
  readonly qcur: number;
  readonly qmax: number;
  readonly rate: number;
  readonly rate_max: number;
  /** total effective weight of the servers taking traffic, and of their user weights */
  readonly weight: number;
  readonly uweight: number;
  /** usable active / backup servers */
  readonly act: number;
  readonly bck: number;
  readonly chkdown: number;
  readonly lastchg: number;
  readonly downtime: number;
  readonly lastsess: number;
  readonly req_tot: number;
  readonly hrsp: readonly number[];
  readonly eresp: number;
  readonly cli_abrt: number;
  readonly srv_abrt: number;
  /** the persistence cookie name, null without `cookie` */
  readonly cookie: string | null;
  readonly forcedId: boolean;
  readonly servers: readonly ServerStats[];
}

/** One proxy in configuration order: its frontend part, its backend part, or both (listen). */
export interface ProxyStats {
  readonly name: string;
  readonly iid: number;
  readonly mode: string;
  readonly frontend: FrontendStats | null;
  readonly backend: BackendStats | null;
}

export interface RuntimeSnapshot {
  /** unix ms when taken */
  readonly at: number;
  /** unix ms when the runtime was built (process uptime) */
  readonly startedAt: number;
  /** current sessions over all frontends, and the global limit (0 = none) */
  readonly actconn: number;
  readonly maxconn: number;
  readonly proxies: readonly ProxyStats[];
  readonly frontends: readonly FrontendStats[];
  readonly backends: readonly BackendStats[];
}

const secondsSince = (now: number, ms: number): number => Math.max(0, Math.floor((now - ms) / 1000));

/** Effective weight in the user's scale, as HAProxy prints it. */
function userScale(be: Backend, w: number): number {
  const lb = be.lb;
  return lb.wdiv === 0 ? w : Math.floor((w * lb.wmult + lb.wdiv - 1) / lb.wdiv);
}

function checkStats(srv: Server, hc: CheckView): CheckStats {
  const row = CHECK_CODES[hc.status] ?? CHECK_CODES[0] ?? ['UNK', 'Unknown', 0];
  return {
    enabled: !hc.adminDisabled,
    paused: srv.inMaint,
    status: (hc.running ? '* ' : '') + row[0],
    statusNum: hc.status,
    result: row[2],
    // while a run is in flight HAProxy has already reset the code and duration
    code: hc.status > STATUS_L57DATA ? (hc.running ? 0 : hc.code) : null,
    duration: hc.status >= STATUS_CHECKED && hc.duration >= 0 && !hc.running ? hc.duration : null,
    desc: row[1],
    info: hc.info,
    rise: hc.rise,
    fall: hc.fall,
    health: hc.health,
    failed: hc.failedChecks,
    hanafail: hc.hanaFailures,
  };
}

/** The end of a `track` chain: the server whose check decides (HAProxy's `ref`). */
function trackedRoot(srv: Server): Server {
  let ref = srv;
  for (let n = 0; ref.tracked !== null && n < 64; n++) ref = ref.tracked.srv;
  return ref;
}

/** The status text of a server as HAProxy's stats show it (srv_hlt_st); `hc`: its check, or its tracked server's. */
export function serverStatusText(srv: Server, hc: CheckView | undefined): string {
  if ((srv.admin & SrvAdmin.RMAINT) !== 0) return 'MAINT (resolution)';
  const via = srv.tracked;
  if ((srv.admin & SrvAdmin.IMAINT) !== 0 && via !== null) return `MAINT (via ${via.be.name}/${via.srv.name})`;
  if (srv.inMaint) return 'MAINT';
  const checked = hc !== undefined && !hc.adminDisabled;
  const max = hc !== undefined ? hc.rise + hc.fall - 1 : 0;
  const h = hc?.health ?? 0;
  const upFrac = hc !== undefined ? `${h - hc.rise + 1}/${hc.fall}` : '';
  if (srv.state === SrvState.RUNNING || srv.state === SrvState.STARTING) {
    const going = checked && h < max;
    if (srv.draining) return going ? `DRAIN ${upFrac}` : 'DRAIN';
    if (!checked) return 'no check';
    return going ? `UP ${upFrac}` : 'UP';
  }
  if (srv.state === SrvState.STOPPING) return !checked || h === max ? 'NOLB' : `NOLB ${upFrac}`;
  if (checked && h === 0) return 'DOWN';
  if (checked) return `DOWN ${h}/${hc.rise}`;
  return 'DOWN';
}

/** HAProxy's names of the algorithms in the stats `algo` column. */
function algoName(be: Backend): string {
  const a = be.balance.algo;
  if (a === 'url_param') return 'url_param';
  if (a === 'hdr') return 'hdr';
  return a;
}

export function snapshotOf(rt: Runtime): RuntimeSnapshot {
  const now = Date.now();
  const checkOf: CheckLookup = rt.checks ?? (() => undefined);
  const feByName = new Map<string, FrontendStats>();
  const frontends: FrontendStats[] = rt.frontends.map((f) => {
    const c = f.counters;
    const fs: FrontendStats = {
      pxname: f.name, iid: f.id, mode: f.mode, scur: c.cur, smax: c.max, slim: f.maxconn, stot: c.total - c.notSessions,
      bin: c.bytesIn, bout: c.bytesOut, econ: c.failedConns, held: c.held,
      rate: c.rate.read(now), rate_max: c.rate.max, rate_lim: 0,
      status: f.stopping ? 'STOP' : f.paused ? 'PAUSED' : 'OPEN',
      req_tot: c.reqTot, req_rate: c.reqRate.read(now), req_rate_max: c.reqRate.max,
      hrsp: [...c.hrsp], ereq: c.badReqs, dreq: c.deniedReqs, dresp: 0, dcon: c.deniedConns, dses: c.deniedSessions, intercepted: c.intercepted,
      conn_rate: c.rate.read(now), conn_rate_max: c.rate.max, conn_tot: c.total,
    };
    feByName.set(f.name, fs);
    return fs;
  });
  const beByName = new Map<string, BackendStats>();
  const backends: BackendStats[] = [];
  for (const b of rt.pools.values()) {
    const be = b.be;
    const c = be.counters;
    const px = b.px;
    const servers = be.servers.map((s): ServerStats => {
      const hc = checkOf(s);
      const check = hc !== undefined ? checkStats(s, hc) : null;
      const enabled = check !== null && check.enabled;
      const down = s.state === SrvState.STOPPED ? now - s.lastChange : 0;
      return {
        svname: s.name, sid: s.puid, iid: be.id, pxname: be.name, mode: b.mode,
        scur: s.served, smax: s.counters.maxSess, slim: s.maxconn > 0 ? s.maxconn : null,
        stot: s.counters.cumSess, lbtot: s.counters.lbtot, bin: s.counters.bytesIn, bout: s.counters.bytesOut,
        econ: s.counters.failedConns, wretr: s.counters.retries, wredis: s.counters.redispatches,
        qcur: s.queueLength, qmax: s.counters.maxQueue, qlimit: s.maxqueue > 0 ? s.maxqueue : null,
        icur: s.conns.idle, idleCur: s.conns.idle - s.conns.safe, safeCur: s.conns.safe, usedCur: s.conns.used,
        needEst: s.conns.estNeed, ilim: s.conns.maxIdle !== -1 ? s.conns.maxIdle : null,
        tracked: s.tracked === null ? null : `${s.tracked.be.name}/${s.tracked.srv.name}`,
        weight: userScale(be, s.curEweight), uweight: s.uweight, iweight: s.iweight, backup: s.backup,
        status: serverStatusText(s, checkOf(trackedRoot(s))), opState: s.state, admin: s.admin, everMaint: s.wasInMaint,
        lastchg: secondsSince(now, s.lastChange),
        downtime: enabled ? Math.floor((s.counters.downTime + down) / 1000) : null,
        chkdown: enabled ? s.counters.downTrans : null,
        check,
        throttle: s.state === SrvState.STARTING && s.slowstartSec > 0 && s.warmPercent < 100 ? s.warmPercent : null,
        lastsess: s.counters.lastSess > 0 ? Math.max(0, nowSec() - s.counters.lastSess) : -1,
        // a unix socket server is `unix` in the CSV and has no address in `show servers state`
        addr: s.unix ? 'unix' : s.address === "" ? "" : `${s.address.includes(":") ? `[${s.address}]` : s.address}:${s.port}`,
        address: s.unix ? '' : s.address, fqdn: s.fqdn, port: s.port,
        cookie: s.cookie, forcedId: s.forcedId,
        rate: s.counters.rate.read(now), rate_max: s.counters.rate.max,
        req_tot: b.mode === 'http' ? s.counters.cumSess : 0,
        hrsp: [...s.counters.hrsp], eresp: s.counters.failedResp, cli_abrt: s.counters.cliAborts, srv_abrt: s.counters.srvAborts,
      };
    });
    // HAProxy's backend weight counts the servers taking traffic: the active ones, or the
    // backups when no active server is usable.
    const users = be.servers.filter((s) => s.curUsable && (be.lb.srvAct > 0 ? !s.backup : s.backup));
    const bs: BackendStats = {
      pxname: be.name, iid: be.id, mode: b.mode, algo: algoName(be),
      status: be.lb.totWeight > 0 || be.servers.length === 0 ? 'UP' : 'DOWN',
      scur: be.served, smax: c.maxSess, slim: backendFullconn(rt, b.name, px.fullconn), stot: c.cumSess, lbtot: c.lbtot,
      bin: c.bytesIn, bout: c.bytesOut, econ: c.failedConns, wretr: c.retries, wredis: c.redispatches,
      qcur: c.queueCur, qmax: c.maxQueue, rate: b.rate.read(now), rate_max: b.rate.max,
      weight: userScale(be, be.lb.totWeight), uweight: users.reduce((n, s) => n + s.uweight, 0),
      act: be.lb.srvAct, bck: be.lb.srvBck,
      chkdown: c.downTrans, lastchg: secondsSince(now, be.lastChange), downtime: Math.floor(be.downtimeMs(now) / 1000),
      lastsess: c.lastSess > 0 ? Math.max(0, nowSec() - c.lastSess) : -1,
      req_tot: c.reqTot, hrsp: [...c.hrsp], eresp: c.failedResp, cli_abrt: c.cliAborts, srv_abrt: c.srvAborts,
      cookie: px.cookie?.name ?? null, forcedId: px.id !== undefined,
      servers,
    };
    beByName.set(be.name, bs);
    backends.push(bs);
  }
  const proxies: ProxyStats[] = [];
  for (const p of rt.order) {
    const frontend = feByName.get(p.name) ?? null;
    const backend = beByName.get(p.name) ?? null;
    if (frontend === null && backend === null) continue;
    proxies.push({ name: p.name, iid: p.iid, mode: p.mode, frontend, backend });
  }
  return { at: now, startedAt: rt.startedAt, actconn: rt.global.cur, maxconn: rt.global.max, proxies, frontends, backends };
}

/**
 * `fullconn`, or HAProxy's default: a tenth (rounded up) of the sum of the maxconn of the
 * frontends that can reach this backend.
 */
function backendFullconn(rt: Runtime, name: string, fullconn: number): number {
  if (fullconn > 0) return fullconn;
  let sum = 0;
  for (const f of rt.frontends) if (rt.reaches(f.name, name)) sum += f.maxconn;
  return Math.ceil(sum / 10);
}
