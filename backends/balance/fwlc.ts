/**
 * `balance leastconn`: HAProxy's "fast weighted least connections" (lb_fwlc.c), rewritten.
 *
 * Servers are ordered by (inflight + 1) * 4096 / eweight, where inflight = served + queued,
 * and an idle server has key 0 so that light loads spread over every server instead of piling
 * onto the heaviest. Equal keys keep their insertion order and a server is re-inserted each
 * time it takes or drops a connection, which is what rotates picks among equally loaded
 * servers. So sequential short connections go a, b, c, a, b, c whatever the weights.
 */
import type { Server } from '../server.js';
import { dequeue, KeyQueue, type QueueNode } from './keyqueue.js';
import { BE_WEIGHT_SCALE, SRV_EWGHT_MAX } from './lbprm.js';
import type { Balancer, BalancerFactory, LbParams, PickContext } from './types.js';

class LcNode implements QueueNode {
  key = 0;
  queue: KeyQueue<QueueNode> | null = null;
  index = -1;
  /** the group queue this server is placed in while usable (HAProxy's lb_tree) */
  tree: KeyQueue<LcNode> | null = null;
  constructor(readonly srv: Server) {}
}

function lcKey(s: Server, eweight: number): number {
  const inflight = s.served + s.queueLength;
  return inflight === 0 ? 0 : Math.floor(((inflight + 1) * SRV_EWGHT_MAX) / (eweight === 0 ? 1 : eweight)) >>> 0;
}

export class FwlcBalancer implements Balancer {
  readonly dynamic = true;
  readonly handlesFbck = false;
  private readonly act = new KeyQueue<LcNode>();
  private readonly bck = new KeyQueue<LcNode>();
  /** node per server (a Server carries no balancer-specific slot) */
  private readonly nodes = new Map<Server, LcNode>();

  constructor(private readonly lb: LbParams) {
    for (const s of lb.servers) {
      const n = new LcNode(s);
      this.nodes.set(s, n);
      if (s.usable) this.place(n, s.eweight);
    }
  }

  private place(n: LcNode, eweight: number): void {
    n.tree = n.srv.backup ? this.bck : this.act;
    n.key = lcKey(n.srv, eweight);
    n.tree.insert(n);
  }

  pick(_ctx: PickContext, avoid: Server | null): Server | null {
    const q = this.lb.srvAct > 0 ? this.act : this.bck;
    let avoided: Server | null = null;
    for (let n = q.first(); n !== null; n = q.next(n)) {
      const s = n.srv;
      // leastconn lets a server take requests up to maxconn + maxqueue before skipping it.
      if (s.maxconn === 0 || s.served + s.queueLength < s.dynamicMaxconn() + s.maxqueue) {
        if (s !== avoid) return s;
        avoided = s;
      }
    }
    return avoided;
  }

  /** Moves a server to its new place after its load changed (to the end of its equals). */
  private reposition(s: Server): void {
    const n = this.nodes.get(s);
    if (n === undefined || n.tree === null) return;
    const key = lcKey(s, s.curEweight);
    // Unchanged key: leave it where it is, as HAProxy does, so it keeps its turn.
    if (n.queue !== null && s.curEweight !== 0 && n.key === key) return;
    dequeue(n);
    n.key = key;
    n.tree.insert(n);
  }

  takeConn(s: Server): void {
    this.reposition(s);
  }

  dropConn(s: Server): void {
    this.reposition(s);
  }

  serverUp(s: Server): void {
    this.place(this.nodes.get(s) as LcNode, s.eweight);
  }

  serverDown(s: Server): void {
    const n = this.nodes.get(s) as LcNode;
    dequeue(n);
    n.tree = null;
  }

  weightChanged(s: Server): void {
    const n = this.nodes.get(s) as LcNode;
    dequeue(n);
    this.place(n, s.eweight);
  }
}

export const createFwlc: BalancerFactory = (lb, _spec, rescale) => {
  lb.wdiv = BE_WEIGHT_SCALE;
  lb.wmult = 1;
  rescale();
  return new FwlcBalancer(lb);
};
