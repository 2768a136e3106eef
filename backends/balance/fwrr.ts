/**
 * `balance roundrobin`: HAProxy's "fast weighted round robin" (lb_fwrr.c), rewritten.
 *
 * Not nginx's smooth WRR: servers are scheduled by a "next position" on a window of
 * sum(eweights) picks. Each group (active, backup) has three queues: `curr` (ordered by next
 * position), `init` (servers not placed yet, heaviest first) and `next` (servers whose next
 * position falls past the current window). When `curr` runs dry the windows switch. The
 * positions use the same unsigned 32-bit arithmetic as HAProxy, so the pick ORDER matches it,
 * e.g. 3:1 → a a a b and 5:3:2 → a b a c a b a b a c.
 */
import type { Server } from '../server.js';
import { dequeue, KeyQueue, type QueueNode } from './keyqueue.js';
import { BE_WEIGHT_SCALE, SRV_EWGHT_MAX } from './lbprm.js';
import type { Balancer, BalancerFactory, LbParams, PickContext } from './types.js';

/** HAProxy's SRV_UWGHT_RANGE: the position part of a `curr` key is npos * 256. */
const UWGHT_RANGE = 256;

class FwrrNode implements QueueNode {
  key = 0;
  queue: KeyQueue<QueueNode> | null = null;
  index = -1;
  /** HAProxy's lb_tree: the queue this server belongs to, kept while briefly dequeued */
  tree: KeyQueue<FwrrNode> | null = null;
  /** next and last positions, and the weight remainder: uint32 as in HAProxy */
  npos = 0;
  lpos = 0;
  rweight = 0;
  constructor(readonly srv: Server) {}
}

class FwrrGroup {
  readonly curr = new KeyQueue<FwrrNode>();
  init = new KeyQueue<FwrrNode>();
  next = new KeyQueue<FwrrNode>();
  currPos = 0;
  currWeight = 0;
  nextWeight = 0;

  reset(total: number): void {
    this.currPos = this.currWeight = this.nextWeight = total;
  }
}

/** Unsigned 32-bit view of a JS number, for HAProxy's `unsigned` position arithmetic. */
function u32(n: number): number {
  return n >>> 0;
}

export class FwrrBalancer implements Balancer {
  readonly dynamic = true;
  readonly handlesFbck = false;
  private readonly act = new FwrrGroup();
  private readonly bck = new FwrrGroup();
  private readonly nodes = new Map<Server, FwrrNode>();
  /** servers skipped during one pick (saturated or avoided), requeued at its end */
  private readonly full: FwrrNode[] = [];
  private fullLen = 0;

  constructor(private readonly lb: LbParams) {
    for (const s of lb.servers) this.nodes.set(s, new FwrrNode(s));
    this.act.reset(lb.totWact);
    this.bck.reset(lb.totWbck);
    for (const s of lb.servers) {
      if (!s.usable) continue;
      const grp = this.group(s);
      this.queueByWeight(grp.init, this.node(s));
    }
  }

  private node(s: Server): FwrrNode {
    return this.nodes.get(s) as FwrrNode;
  }

  private group(s: Server): FwrrGroup {
    return s.backup ? this.bck : this.act;
  }

  private groupTotal(s: Server): number {
    return s.backup ? this.lb.totWbck : this.lb.totWact;
  }

  /** Heaviest first: the init and next queues are keyed by the inverted weight. */
  private queueByWeight(q: KeyQueue<FwrrNode>, n: FwrrNode): void {
    n.key = SRV_EWGHT_MAX - n.srv.eweight;
    q.insert(n);
    n.tree = q;
  }

  /** Places a server by its next position: in `curr` if it fits this window, else in `next`. */
  private queueSrv(n: FwrrNode): void {
    const grp = this.group(n.srv);
    const ew = n.srv.eweight;
    if (!n.srv.usable) {
      n.tree = null;
    } else if (ew <= 0 || n.npos >= 2 * grp.currWeight || n.npos >= grp.currWeight + grp.nextWeight) {
      // Past the window: park it in `next`, position made relative to the next window.
      n.npos = u32(n.npos - grp.currWeight);
      this.queueByWeight(grp.next, n);
    } else {
      // Ties on position go to the heavier server (and to less accumulated remainder).
      n.key = u32(UWGHT_RANGE * n.npos + Math.floor(u32(SRV_EWGHT_MAX + n.rweight - ew) / BE_WEIGHT_SCALE));
      grp.curr.insert(n);
      n.tree = grp.curr;
    }
  }

  /** Prepares a server taken out of its queue, depending on which queue that was. */
  private getSrv(n: FwrrNode): void {
    const grp = this.group(n.srv);
    if (n.tree === grp.init) {
      n.npos = n.rweight = 0;
    } else if (n.tree === grp.next) {
      n.npos = u32(n.npos + grp.currWeight);
    } else if (n.tree === null) {
      n.npos = grp.currPos;
    }
  }

  private switchTrees(grp: FwrrGroup): void {
    const swap = grp.init;
    grp.init = grp.next;
    grp.next = swap;
    grp.currWeight = grp.nextWeight;
    grp.currPos = grp.currWeight;
  }

  /** The next due server in `curr`, or a not-yet-placed one from `init` if `curr` has a hole. */
  private fromGroup(grp: FwrrGroup): FwrrNode | null {
    const n1 = grp.curr.first();
    if (n1 !== null && n1.srv.curEweight !== 0 && n1.npos <= grp.currPos) return n1;
    const n2 = grp.init.first();
    if (n2 !== null && n2.srv.curEweight !== 0) {
      n2.npos = n2.rweight = 0;
      return n2;
    }
    return n1;
  }

  /** Advances a picked server by window/weight positions, carrying the remainder. */
  private updatePosition(grp: FwrrGroup, n: FwrrNode): void {
    const ew = n.srv.curEweight;
    if (ew === 0) return;
    if (n.npos === 0) n.npos = u32(grp.currPos);
    n.lpos = n.npos;
    n.npos = u32(n.npos + Math.floor(grp.nextWeight / ew));
    n.rweight = u32(n.rweight + (grp.nextWeight % ew));
    if (n.rweight >= ew) {
      n.rweight = u32(n.rweight - ew);
      n.npos = u32(n.npos + 1);
    }
  }

  private pushFull(n: FwrrNode): void {
    if (this.fullLen === this.full.length) this.full.push(n);
    else this.full[this.fullLen] = n;
    this.fullLen++;
  }

  pick(_ctx: PickContext, avoid: Server | null): Server | null {
    const grp = this.lb.srvAct > 0 ? this.act : this.bck;
    let switched = false;
    let avoided: FwrrNode | null = null;
    let n: FwrrNode | null = null;
    let take = true;
    this.fullLen = 0;
    for (;;) {
      if (grp.currWeight === 0) grp.currPos = grp.currWeight = grp.nextWeight;
      n = this.fromGroup(grp);
      while (n === null) {
        if (switched) break;
        switched = true;
        this.switchTrees(grp);
        n = this.fromGroup(grp);
      }
      if (n === null) {
        // Both windows are exhausted: fall back to the avoided server, if any.
        n = avoided;
        take = n !== null;
        break;
      }
      this.updatePosition(grp, n);
      dequeue(n);
      grp.currPos++;
      if (n.srv.hasRoom()) {
        if (n.srv !== avoid || avoided !== null) break;
        avoided = n;
      }
      this.pushFull(n);
    }
    if (take && n !== null) this.queueSrv(n);
    // Requeue the skipped servers: by weight into `init` if the window switched (their place
    // is lost), else as if they had been used, so they keep their turn order.
    for (let i = 0; i < this.fullLen; i++) {
      const f = this.full[i] as FwrrNode;
      if (f === n) continue;
      if (switched) this.queueByWeight(grp.init, f);
      else this.queueSrv(f);
    }
    this.fullLen = 0;
    return n === null ? null : n.srv;
  }

  serverUp(s: Server): void {
    const grp = this.group(s);
    const n = this.node(s);
    grp.nextWeight = this.groupTotal(s);
    this.getSrv(n);
    // Start it part-way into the window so it does not take a burst of picks at once.
    n.npos = u32(grp.currPos + Math.floor(u32(grp.nextWeight + grp.currWeight - grp.currPos) / s.eweight));
    this.queueSrv(n);
  }

  serverDown(s: Server): void {
    const grp = this.group(s);
    const n = this.node(s);
    grp.nextWeight = this.groupTotal(s);
    dequeue(n);
    n.tree = null;
  }

  weightChanged(s: Server): void {
    const grp = this.group(s);
    const n = this.node(s);
    grp.nextWeight = this.groupTotal(s);
    if (n.tree === grp.init) {
      dequeue(n);
      this.queueByWeight(grp.init, n);
    } else if (n.tree === null) {
      dequeue(n);
      this.getSrv(n);
      n.npos = u32(grp.currPos + Math.floor(u32(grp.nextWeight + grp.currWeight - grp.currPos) / s.eweight));
      this.queueSrv(n);
    } else {
      // Still scheduled: pull its next position closer for a heavier weight, never later.
      this.getSrv(n);
      if (s.eweight > 0) {
        const prevNext = n.npos;
        const step = Math.floor(grp.nextWeight / s.eweight);
        n.npos = u32(n.lpos + step);
        n.rweight = 0;
        if (n.npos > prevNext) n.npos = prevNext;
        if (n.npos < u32(grp.currPos + 2)) n.npos = u32(grp.currPos + step);
      } else {
        n.npos = u32(grp.currPos + grp.currWeight);
      }
      dequeue(n);
      this.queueSrv(n);
    }
  }
}

/** roundrobin works on uweight * 16 (finer steps for slowstart and `set weight N%`). */
export const createFwrr: BalancerFactory = (lb, _spec, rescale) => {
  lb.wdiv = BE_WEIGHT_SCALE;
  lb.wmult = 1;
  rescale();
  return new FwrrBalancer(lb);
};
