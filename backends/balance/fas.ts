/**
 * `balance first`: the first server by id with a free slot (HAProxy's lb_fas.c, rewritten).
 * Weights are ignored; without `maxconn` every request goes to the lowest id. Servers are kept
 * sorted by puid; the queue is re-sorted only on state changes.
 */
import type { Server } from '../server.js';
import { dequeue, KeyQueue, type QueueNode } from './keyqueue.js';
import { BE_WEIGHT_SCALE } from './lbprm.js';
import type { Balancer, BalancerFactory, LbParams, PickContext } from './types.js';

class FasNode implements QueueNode {
  key: number;
  queue: KeyQueue<QueueNode> | null = null;
  index = -1;
  constructor(readonly srv: Server) {
    this.key = srv.puid;
  }
}

export class FasBalancer implements Balancer {
  readonly dynamic = true;
  readonly handlesFbck = false;
  private readonly act = new KeyQueue<FasNode>();
  private readonly bck = new KeyQueue<FasNode>();
  private readonly nodes = new Map<Server, FasNode>();

  constructor(private readonly lb: LbParams) {
    for (const s of lb.servers) {
      const n = new FasNode(s);
      this.nodes.set(s, n);
      if (s.usable) this.serverUp(s);
    }
  }

  pick(_ctx: PickContext, avoid: Server | null): Server | null {
    const q = this.lb.srvAct > 0 ? this.act : this.bck;
    let avoided: Server | null = null;
    for (let n = q.first(); n !== null; n = q.next(n)) {
      if (n.srv.hasRoom()) {
        if (n.srv !== avoid) return n.srv;
        avoided = n.srv;
      }
    }
    return avoided;
  }

  serverUp(s: Server): void {
    (s.backup ? this.bck : this.act).insert(this.nodes.get(s) as FasNode);
  }

  serverDown(s: Server): void {
    dequeue(this.nodes.get(s) as FasNode);
  }

  // The order depends on ids only: nothing to do when a weight changes or a connection moves
  // (HAProxy re-inserts at the same key, which changes nothing since ids are unique).
  weightChanged(): void {}
}

export const createFas: BalancerFactory = (lb, _spec, rescale) => {
  lb.wdiv = BE_WEIGHT_SCALE;
  lb.wmult = 1;
  rescale();
  return new FasBalancer(lb);
};
