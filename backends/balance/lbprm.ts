/**
 * Weight bookkeeping shared by every algorithm (HAProxy's recount_servers and
 * update_backend_weight in backend.c). Cold path only.
 */
import type { Server } from '../server.js';
import type { LbParams } from './types.js';

/** HAProxy's BE_WEIGHT_SCALE: dynamic algorithms work on uweight * 16 for finer ramps. */
export const BE_WEIGHT_SCALE = 16;
/** HAProxy's SRV_EWGHT_MAX / SRV_EWGHT_RANGE: the largest effective weight. */
export const SRV_EWGHT_MAX = 256 * BE_WEIGHT_SCALE;
export const SRV_EWGHT_RANGE = SRV_EWGHT_MAX;

export function newLbParams(servers: readonly Server[], allBackups: boolean): LbParams {
  return {
    servers,
    allBackups,
    srvAct: 0,
    srvBck: 0,
    totWact: 0,
    totWbck: 0,
    totWeight: 0,
    totUsed: 0,
    fbck: null,
    wmult: 1,
    wdiv: 1,
    served: 0,
  };
}

/** The effective weight for a user weight in this backend's scale (rounded up, as HAProxy). */
export function scaledWeight(lb: LbParams, uweight: number): number {
  return Math.floor((uweight * lb.wdiv + lb.wmult - 1) / lb.wmult);
}

/**
 * Counts the usable servers and weights of each group, finds the first usable backup, and
 * records each server's cumulative weight in its group. Uses the pending values (`eweight`,
 * `usable`), so call it before committing a change.
 */
export function recountServers(lb: LbParams): void {
  lb.srvAct = lb.srvBck = 0;
  lb.totWact = lb.totWbck = 0;
  lb.fbck = null;
  for (const s of lb.servers) {
    if (!s.usable) continue;
    if (s.backup) {
      if (lb.srvBck === 0 && !lb.allBackups) lb.fbck = s;
      lb.srvBck++;
      s.cumulativeWeight = lb.totWbck;
      lb.totWbck += s.eweight;
    } else {
      lb.srvAct++;
      s.cumulativeWeight = lb.totWact;
      lb.totWact += s.eweight;
    }
  }
  updateBackendWeight(lb);
}

/**
 * The group in use: active servers if any, else the first backup alone, else all backups.
 * `totWeight` 0 means the backend has no usable server.
 */
export function updateBackendWeight(lb: LbParams): void {
  if (lb.srvAct > 0) {
    lb.totWeight = lb.totWact;
    lb.totUsed = lb.srvAct;
  } else if (lb.fbck !== null) {
    lb.totWeight = lb.fbck.eweight;
    lb.totUsed = 1;
  } else {
    lb.totWeight = lb.totWbck;
    lb.totUsed = lb.srvBck;
  }
}

/** Greatest common divisor of the non-zero user weights (map algorithms shrink their map by it). */
export function weightGcd(servers: readonly Server[]): number {
  let g = 0;
  for (const s of servers) {
    let w = s.uweight;
    if (w === 0) continue;
    if (g === 0) {
      g = w;
      continue;
    }
    while (w !== 0) {
      const t = g % w;
      g = w;
      w = t;
    }
    if (g === 1) break;
  }
  return g === 0 ? 1 : g;
}
