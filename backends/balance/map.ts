/**
 * `balance static-rr` and map-based hashing: HAProxy's weighted server map (lb_map.c), rewritten.
 *
 * On every state change the map is rebuilt: one slot per unit of weight (weights are divided
 * by their GCD first), filled by a "highest accumulated score wins, earliest server on ties"
 * pass. static-rr walks the map cyclically; a hash picks `map[hash % totalWeight]`. Weights
 * are static: runtime weight changes other than 0%/100% are refused (`dynamic = false`).
 *
 * Backups are baked into the map like HAProxy does: when no active server is usable the map
 * is built over ALL usable backups but only `totWeight` slots long, which is the first backup's
 * weight unless `allbackups` is set. With equal backup weights that is "first backup only".
 */
import type { Server } from '../server.js';
import { weightGcd } from './lbprm.js';
import type { Balancer, BalancerFactory, LbParams, PickContext } from './types.js';

export class ServerMap {
  /** slots; only the first `lb.totWeight` are meaningful */
  private slots: (Server | null)[] = [];
  /** next static-rr slot */
  private rrIdx = 0;

  constructor(private readonly lb: LbParams) {
    this.rebuild();
  }

  /** Recomputes the map from the usable servers of the group in use (after a recount). */
  rebuild(): void {
    const lb = this.lb;
    if (lb.totUsed === 0) return;
    const tot = lb.totWeight;
    if (this.slots.length < tot) this.slots = new Array<Server | null>(tot).fill(null);
    const backup = lb.srvAct === 0;
    for (const s of lb.servers) s.wscore = 0;
    for (let o = 0; o < tot; o++) {
      let max = 0;
      let best: Server | null = null;
      for (const cur of lb.servers) {
        if (cur.backup !== backup || !cur.usable) continue;
        if (tot === 1) {
          // A single slot: the first server, without the score arithmetic overflowing.
          best = cur;
          break;
        }
        // Scores are unsigned in HAProxy; keep the same wrap-around.
        cur.wscore = (cur.wscore + cur.eweight) >>> 0;
        const v = Math.floor(((cur.wscore + tot) >>> 0) / tot);
        if (best === null || v > max) {
          max = v;
          best = cur;
        }
      }
      this.slots[o] = best;
      if (best !== null) best.wscore = (best.wscore - tot) >>> 0;
    }
  }

  /** Next server with room in map order; `avoid` only if nothing else has room. */
  roundRobin(avoid: Server | null): Server | null {
    const tot = this.lb.totWeight;
    if (tot === 0) return null;
    if (this.rrIdx < 0 || this.rrIdx >= tot) this.rrIdx = 0;
    const startIdx = this.rrIdx;
    let idx = startIdx;
    let avoided: Server | null = null;
    let avoidedIdx = 0;
    do {
      const srv = this.slots[idx++] as Server;
      if (srv.hasRoom()) {
        avoided = srv;
        avoidedIdx = idx;
        if (srv !== avoid) {
          this.rrIdx = idx;
          return srv;
        }
      }
      if (idx === tot) idx = 0;
    } while (idx !== startIdx);
    if (avoided !== null) this.rrIdx = avoidedIdx;
    return avoided;
  }

  /** The server owning `hash` (int32, read unsigned); no room check: it queues on its server. */
  byHash(hash: number): Server | null {
    const tot = this.lb.totWeight;
    return tot === 0 ? null : (this.slots[(hash >>> 0) % tot] ?? null);
  }

  /** The current map, for tests and the stats page (copies: cold). */
  snapshot(): (Server | null)[] {
    return this.slots.slice(0, this.lb.totWeight);
  }
}

/** The map-based mapper's lifecycle: any change rebuilds the map. */
export abstract class MapBased implements Balancer {
  readonly dynamic = false;
  readonly handlesFbck = true;
  readonly map: ServerMap;

  constructor(lb: LbParams) {
    this.map = new ServerMap(lb);
  }

  abstract pick(ctx: PickContext, avoid: Server | null): Server | null;

  serverUp(): void {
    this.map.rebuild();
  }
  serverDown(): void {
    this.map.rebuild();
  }
  weightChanged(): void {
    this.map.rebuild();
  }
}

export class StaticRrBalancer extends MapBased {
  pick(_ctx: PickContext, avoid: Server | null): Server | null {
    return this.map.roundRobin(avoid);
  }
}

/** Map algorithms divide the user weights by their GCD, so 80/10/10 is an 8:1:1 map. */
export function useMapScale(lb: LbParams, rescale: () => void): void {
  lb.wdiv = 1;
  lb.wmult = weightGcd(lb.servers);
  rescale();
}

export const createStaticRr: BalancerFactory = (lb, _spec, rescale) => {
  useMapScale(lb, rescale);
  return new StaticRrBalancer(lb);
};
