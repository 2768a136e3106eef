/**
 * The admin form's actions (`stats admin`). State, weight and check switches go through
 * lib/stats/admin.ts, as the runtime API's do (same rules, same log lines); forcing a check
 * result uses the check's counter and serverState(). Results use HAProxy's `;st=` codes.
 */
import { serverState } from '../backends/backend.js';
import { SrvState } from '../backends/server.js';
import { lookupBackend, setServerAdminState, setServerHealthEnabled, setServerWeight, type AdminContext, type ServerTarget } from '../lib/stats/admin.js';
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
  const brt = lookupBackend(src.runtime, backend);
  if (brt === undefined || !allowed.has(brt.name)) return 'ERRP';
  if (action === 'weight' && !/^\d+%?$/.test(weight.trim())) return 'ERRP';
  const ctx = src.admin;
  let done = 0;
  let skipped = 0;
  for (const name of names) {
    const srv = brt.be.findServer(name);
    if (srv === undefined) { skipped++; continue; }
    if (apply(ctx, { brt, srv }, action, weight.trim())) done++;
    else skipped++;
  }
  if (done === 0) return 'NONE';
  return skipped > 0 ? 'PART' : 'DONE';
}

/** One server, one action; false when it does not apply to this server. */
function apply(ctx: AdminContext, t: ServerTarget, action: string, weight: string): boolean {
  const hc = ctx.checkOf?.(t.srv);
  const be = t.brt.be;
  switch (action) {
    case 'ready': case 'drain': case 'maint':
      setServerAdminState(ctx, t, action);
      return true;
    case 'weight':
      return setServerWeight(ctx, t, weight) === null;
    case 'dhlth': case 'ehlth':
      if (hc === undefined) return false;
      return setServerHealthEnabled(ctx, t, action === 'ehlth') === null;
    case 'hrunn': case 'hnolb': case 'hdown': {
      // forcing the health counter: as if the last checks had all passed (or failed)
      if (hc === undefined || t.srv.inMaint) return false;
      hc.forceHealth(action === 'hdown' ? 0 : hc.rise + hc.fall - 1);
      const state = action === 'hrunn' ? SrvState.RUNNING : action === 'hnolb' ? SrvState.STOPPING : SrvState.STOPPED;
      if (serverState(be, t.srv, state, 'forced from the stats page')) {
        if (state === SrvState.STOPPED) t.brt.markedDown(t.srv, false);
        else t.brt.markedUp(t.srv, false);
      }
      return true;
    }
    default:
      // agent checks: Halyard has none (`agent-check` is refused by the config), so nothing applies
      return false;
  }
}
