/**
 * The admin form's actions (`stats admin`), applied through the servers' public methods:
 * Backend.setAdmin / setWeight for state and weight, serverState() and HealthCheck start/stop
 * for the health actions. Results use HAProxy's `;st=` codes.
 */
import { serverState } from '../backends/backend.js';
import { SrvAdmin, SrvState, type Server } from '../backends/server.js';
import type { StatsSource } from './model.js';

export type AdminStatus = 'DONE' | 'PART' | 'NONE' | 'ERRP' | 'DENY' | 'EXCD' | 'UNKN';

export const ADMIN_MESSAGES: Record<AdminStatus, { ok: boolean; text: string }> = {
  DONE: { ok: true, text: 'Done: the action was applied to every selected server.' },
  PART: { ok: false, text: 'Partly done: some selected servers could not take this action.' },
  NONE: { ok: false, text: 'Nothing done: no selected server could take this action (or none was selected).' },
  ERRP: { ok: false, text: 'Refused: the action or its parameters are invalid.' },
  DENY: { ok: false, text: 'Refused: administration is not allowed for this request.' },
  EXCD: { ok: false, text: 'Refused: the request was too large.' },
  UNKN: { ok: false, text: 'Unexpected result.' },
};

const ACTIONS = new Set(['ready', 'drain', 'maint', 'dhlth', 'ehlth', 'hrunn', 'hnolb', 'hdown', 'dagent', 'eagent', 'arunn', 'adown', 'weight']);

/**
 * Applies `action` to servers `names` of backend `backend` (a name, or HAProxy's `#<id>`), which
 * must be one of `allowed`. `weight` is the value for the weight action (N or N%).
 */
export function applyAdmin(src: StatsSource, allowed: ReadonlySet<string>, backend: string, names: readonly string[], action: string, weight: string): AdminStatus {
  if (!ACTIONS.has(action)) return 'ERRP';
  let pool = src.runtime.pools.get(backend);
  if (pool === undefined && backend.startsWith('#')) {
    const id = Number(backend.slice(1));
    pool = [...src.runtime.pools.values()].find((p) => p.be.id === id);
  }
  if (pool === undefined || !allowed.has(pool.name)) return 'ERRP';
  if (action === 'weight' && !/^\d+%?$/.test(weight.trim())) return 'ERRP';
  const be = pool.be;
  let done = 0;
  let skipped = 0;
  for (const name of names) {
    const srv = be.findServer(name);
    if (srv === undefined) { skipped++; continue; }
    if (apply(src, be, srv, action, weight.trim())) done++;
    else skipped++;
  }
  if (done === 0) return 'NONE';
  return skipped > 0 ? 'PART' : 'DONE';
}

type Be = NonNullable<ReturnType<StatsSource['runtime']['pools']['get']>>['be'];

function apply(src: StatsSource, be: Be, srv: Server, action: string, weight: string): boolean {
  const hc = src.checks?.of(srv);
  switch (action) {
    case 'ready':
      be.setAdmin(srv, SrvAdmin.FMAINT, false, 'stats page');
      be.setAdmin(srv, SrvAdmin.FDRAIN, false, 'stats page');
      hc?.syncMaint();
      return true;
    case 'drain':
      be.setAdmin(srv, SrvAdmin.FMAINT, false, 'stats page');
      be.setAdmin(srv, SrvAdmin.FDRAIN, true, 'stats page');
      hc?.syncMaint();
      return true;
    case 'maint':
      be.setAdmin(srv, SrvAdmin.FMAINT, true, 'stats page');
      hc?.syncMaint();
      return true;
    case 'weight':
      return be.setWeight(srv, weight) === null;
    case 'dhlth':
      if (hc === undefined) return false;
      // runs stop, the server keeps its state and shows "no check" (HAProxy's `disable health`)
      hc.setAdminEnabled(false);
      return true;
    case 'ehlth':
      if (hc === undefined) return false;
      hc.setAdminEnabled(true);
      return true;
    case 'hrunn':
      if (hc === undefined) return false;
      hc.forceHealth(hc.rise + hc.fall - 1);
      serverState(be, srv, SrvState.RUNNING, 'health forced UP from the stats page');
      return true;
    case 'hnolb':
      if (hc === undefined) return false;
      hc.forceHealth(hc.rise + hc.fall - 1);
      serverState(be, srv, SrvState.STOPPING, 'health forced NOLB from the stats page');
      return true;
    case 'hdown':
      if (hc === undefined) return false;
      hc.forceHealth(0);
      serverState(be, srv, SrvState.STOPPED, 'health forced DOWN from the stats page');
      return true;
    default:
      // agent checks: Halyard has none (`agent-check` is refused by the config), so nothing applies
      return false;
  }
}
