/**
 * Plain counters of a runtime, for the stats page, CSV, JSON and the runtime API. Built by one
 * function so that multi-process stats are the sum of the workers' snapshots and nothing else.
 * Field names follow HAProxy's CSV columns.
 */
import type { Runtime } from './runtime.js';

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
  readonly status: 'OPEN' | 'PAUSED' | 'STOP';
  /** HTTP requests, responses per class (1xx..5xx, other), invalid and denied requests */
  readonly req_tot: number;
  readonly hrsp: readonly number[];
  readonly ereq: number;
  readonly dreq: number;
}

export interface ServerStats {
  readonly svname: string;
  readonly sid: number;
  readonly scur: number;
  readonly smax: number;
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
  readonly qlimit: number;
  readonly weight: number;
  readonly backup: boolean;
  readonly status: string;
  readonly hrsp: readonly number[];
  readonly eresp: number;
  readonly cli_abrt: number;
  readonly srv_abrt: number;
}

export interface BackendStats {
  readonly pxname: string;
  readonly iid: number;
  readonly scur: number;
  readonly smax: number;
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
  readonly act: number;
  readonly bck: number;
  readonly req_tot: number;
  readonly hrsp: readonly number[];
  readonly eresp: number;
  readonly cli_abrt: number;
  readonly srv_abrt: number;
  readonly servers: readonly ServerStats[];
}

export interface RuntimeSnapshot {
  /** unix ms when taken */
  readonly at: number;
  /** current sessions over all frontends, and the global limit (0 = none) */
  readonly actconn: number;
  readonly maxconn: number;
  readonly frontends: readonly FrontendStats[];
  readonly backends: readonly BackendStats[];
}

export function snapshotOf(rt: Runtime): RuntimeSnapshot {
  const now = Date.now();
  const frontends: FrontendStats[] = rt.frontends.map((f) => {
    const c = f.counters;
    return {
      pxname: f.name, iid: f.id, mode: f.mode, scur: c.cur, smax: c.max, slim: f.maxconn, stot: c.total,
      bin: c.bytesIn, bout: c.bytesOut, econ: c.failedConns, held: c.held,
      rate: c.rate.read(now), rate_max: c.rate.max, status: f.paused ? 'PAUSED' : 'OPEN',
      req_tot: c.reqTot, hrsp: [...c.hrsp], ereq: c.badReqs, dreq: c.deniedReqs,
    };
  });
  const backends: BackendStats[] = [];
  for (const b of rt.pools.values()) {
    const be = b.be;
    const c = be.counters;
    backends.push({
      pxname: be.name, iid: be.id, scur: be.served, smax: c.maxSess, stot: c.cumSess, lbtot: c.lbtot,
      bin: c.bytesIn, bout: c.bytesOut, econ: c.failedConns, wretr: c.retries, wredis: c.redispatches,
      qcur: c.queueCur, qmax: c.maxQueue, rate: b.rate.read(now), rate_max: b.rate.max,
      act: be.lb.srvAct, bck: be.lb.srvBck,
      req_tot: c.reqTot, hrsp: [...c.hrsp], eresp: c.failedResp, cli_abrt: c.cliAborts, srv_abrt: c.srvAborts,
      servers: be.servers.map((s) => ({
        svname: s.name, sid: s.puid, scur: s.served, smax: s.counters.maxSess, slim: s.maxconn,
        stot: s.counters.cumSess, lbtot: s.counters.lbtot, bin: s.counters.bytesIn, bout: s.counters.bytesOut,
        econ: s.counters.failedConns, wretr: s.counters.retries, wredis: s.counters.redispatches,
        qcur: s.queueLength, qmax: s.counters.maxQueue, qlimit: s.maxqueue, weight: s.uweight, backup: s.backup,
        status: s.inMaint ? 'MAINT' : s.isUp ? 'UP' : 'DOWN',
        hrsp: [...s.counters.hrsp], eresp: s.counters.failedResp, cli_abrt: s.counters.cliAborts, srv_abrt: s.counters.srvAborts,
      })),
    });
  }
  return { at: now, actconn: rt.global.cur, maxconn: rt.global.max, frontends, backends };
}
