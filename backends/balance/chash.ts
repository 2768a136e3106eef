/**
 * Consistent hashing (HAProxy's lb_chash.c, rewritten): `hash-type consistent` and `random`.
 *
 * Each usable server owns eweight points (uweight * 16) on a 32-bit ring; point j of server
 * puid sits at fullHash(puid * 4096 + j), so a server keeps its points across restarts and
 * weight changes only add or remove its last points. A key goes to the nearer of the points
 * just before and just after it. Removing a server only moves the keys that were its own.
 *
 * The ring is a sorted array per group, rebuilt on state changes (cold); a lookup is a binary
 * search and allocates nothing.
 */
import type { Server } from '../server.js';
import { fullHash } from './hash.js';
import { BE_WEIGHT_SCALE, SRV_EWGHT_RANGE } from './lbprm.js';
import type { Balancer, BalancerFactory, LbParams, PickContext } from './types.js';

class Ring {
  keys = new Uint32Array(0);
  owners: Server[] = [];
  /** point number within its owner, to re-find the round-robin cursor after a rebuild */
  pointNo = new Int32Array(0);
  len = 0;

  rebuild(servers: readonly Server[], backup: boolean): void {
    const pts: { key: number; srv: Server; j: number }[] = [];
    for (const s of servers) {
      if (s.backup !== backup || !s.usable) continue;
      for (let j = 0; j < s.eweight; j++) pts.push({ key: fullHash(s.puid * SRV_EWGHT_RANGE + j) >>> 0, srv: s, j });
    }
    // Equal keys keep declaration order, like eb32 duplicates inserted at start-up.
    pts.sort((a, b) => a.key - b.key);
    this.len = pts.length;
    this.keys = new Uint32Array(this.len);
    this.pointNo = new Int32Array(this.len);
    this.owners = new Array<Server>(this.len);
    for (let i = 0; i < this.len; i++) {
      const p = pts[i] as { key: number; srv: Server; j: number };
      this.keys[i] = p.key;
      this.owners[i] = p.srv;
      this.pointNo[i] = p.j;
    }
  }

  /** First index whose key is >= hash, or len. */
  lowerBound(hash: number): number {
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.keys[mid] as number) < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class ChashTree {
  private readonly act = new Ring();
  private readonly bck = new Ring();
  /** round-robin cursor (HAProxy's chash.last): a point index in `lastRing`, -1 for none */
  private last = -1;
  private lastRing: Ring | null = null;

  constructor(private readonly lb: LbParams) {
    this.rebuild();
  }

  private ring(): Ring {
    return this.lb.srvAct > 0 ? this.act : this.bck;
  }

  /** Rebuilds both rings from the servers' pending state, keeping the round-robin cursor. */
  rebuild(): void {
    let cursor: { key: number; srv: Server; j: number } | null = null;
    const lr = this.lastRing;
    if (lr !== null && this.last >= 0 && this.last < lr.len) {
      cursor = { key: lr.keys[this.last] as number, srv: lr.owners[this.last] as Server, j: lr.pointNo[this.last] as number };
    }
    this.act.rebuild(this.lb.servers, false);
    this.bck.rebuild(this.lb.servers, true);
    this.last = -1;
    if (lr === null || cursor === null) return;
    // The cursor stays on its point if it survived, else moves to the next point (as HAProxy
    // moves chash.last off a node it deletes).
    let i = lr.lowerBound(cursor.key);
    while (i < lr.len && lr.keys[i] === cursor.key && !(lr.owners[i] === cursor.srv && lr.pointNo[i] === cursor.j)) i++;
    if (i < lr.len && lr.owners[i] === cursor.srv && lr.pointNo[i] === cursor.j) this.last = i;
    else if (lr.len > 0) this.last = lr.lowerBound(cursor.key + 1) % lr.len;
  }

  /**
   * Bounded loads (hash-balance-factor): may `s` take one more request? Its share of
   * (served + 1) * factor% slots is proportional to its weight, never below one.
   */
  private eligible(s: Server, factor: number): boolean {
    const lb = this.lb;
    const totSlots = Math.floor(((lb.served + 1) * factor + 99) / 100);
    const perWeight = Math.floor(totSlots / lb.totWeight);
    const remainder = totSlots % lb.totWeight;
    let slots = s.curEweight * perWeight;
    slots +=
      Math.floor(((s.cumulativeWeight + s.curEweight) * remainder) / lb.totWeight) -
      Math.floor((s.cumulativeWeight * remainder) / lb.totWeight);
    if (slots === 0) slots = 1;
    return s.served < slots;
  }

  /** The server nearest to `hash` on the ring, walking on past `avoid` and overloaded servers. */
  byHash(h: number, avoid: Server | null, balanceFactor: number): Server | null {
    const hash = h >>> 0; // callers pass int32 (see hash.ts)
    const r = this.ring();
    if (r.len === 0) return null;
    let next = r.lowerBound(hash);
    if (next === r.len) next = 0;
    const prev = next === 0 ? r.len - 1 : next - 1;
    const dp = (hash - (r.keys[prev] as number)) >>> 0;
    const dn = ((r.keys[next] as number) - hash) >>> 0;
    if (dp <= dn) next = prev;
    let srv = r.owners[next] as Server;
    let loop = 0;
    while (srv === avoid || (balanceFactor !== 0 && !this.eligible(srv, balanceFactor))) {
      next++;
      if (next === r.len) {
        next = 0;
        if (++loop > 1) break;
      }
      srv = r.owners[next] as Server;
    }
    return srv;
  }

  /** Round robin over the ring's points (the fallback when a hash key is missing). */
  roundRobin(avoid: Server | null): Server | null {
    const r = this.ring();
    if (this.lastRing !== r) {
      this.lastRing = r;
      this.last = -1;
    }
    let node = this.last;
    let stop = node;
    let avoided: Server | null = null;
    let avoidedNode = -1;
    do {
      node = node >= 0 && node + 1 < r.len ? node + 1 : 0;
      if (r.len === 0) {
        this.last = -1;
        return null;
      }
      this.last = node;
      if (stop < 0) stop = node;
      const s = r.owners[node] as Server;
      if (s.hasRoom()) {
        if (s !== avoid) return s;
        avoided = s;
        avoidedNode = node;
      }
    } while (node !== stop);
    this.last = avoidedNode;
    return avoided;
  }
}

/** Lifecycle shared by the chash-based balancers: every change rebuilds the rings. */
export abstract class ChashBased implements Balancer {
  readonly dynamic = true;
  readonly handlesFbck: boolean = false;
  readonly tree: ChashTree;

  constructor(protected readonly lb: LbParams) {
    this.tree = new ChashTree(lb);
  }

  abstract pick(ctx: PickContext, avoid: Server | null): Server | null;

  serverUp(): void {
    this.tree.rebuild();
  }
  serverDown(): void {
    this.tree.rebuild();
  }
  weightChanged(): void {
    this.tree.rebuild();
  }
}

/** A small xorshift32 generator returning int32: fast, allocation-free, seedable for tests. */
export function xorshift32(seed: number): () => number {
  let x = seed | 0 || 0x9e3779b9 | 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x | 0;
  };
}

/**
 * `balance random(<draws>)`: draw `draws` random points and keep the least loaded server
 * (served per weight), then refuse a saturated winner so the request queues on the backend.
 */
export class RandomBalancer extends ChashBased {
  override readonly handlesFbck: boolean = true;
  rng: () => number = xorshift32((Math.random() * 0x100000000) >>> 0);

  constructor(
    lb: LbParams,
    private readonly draws: number,
    private readonly balanceFactor: number,
  ) {
    super(lb);
  }

  pick(_ctx: PickContext, avoid: Server | null): Server | null {
    let curr: Server | null = null;
    let draws = this.draws;
    do {
      const prev: Server | null = curr;
      // With a first backup only, HAProxy's ring lookup returns it without hashing.
      curr = this.lb.srvAct === 0 && this.lb.fbck !== null ? this.lb.fbck : this.tree.byHash(this.rng(), avoid, this.balanceFactor);
      if (curr === null) break;
      if (prev !== null && prev !== curr && curr.served * prev.curEweight > prev.served * curr.curEweight) curr = prev;
    } while (--draws > 0);
    if (curr !== null && (curr.queueLength > 0 || (curr.maxconn !== 0 && curr.served >= curr.dynamicMaxconn()))) return null;
    return curr;
  }
}

/** Consistent hashing works on uweight * 16 points per server. */
export function useChashScale(lb: LbParams, rescale: () => void): void {
  lb.wdiv = BE_WEIGHT_SCALE;
  lb.wmult = 1;
  rescale();
}

export const createRandom: BalancerFactory = (lb, spec, rescale) => {
  useChashScale(lb, rescale);
  return new RandomBalancer(lb, spec.draws > 0 ? spec.draws : 2, spec.hashBalanceFactor);
};
