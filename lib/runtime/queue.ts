/**
 * Pending connections (HAProxy's pendconn): sessions waiting for a server slot. A session waits
 * in its server's queue when the server it was given is full, or in the backend's queue when
 * every server is full. When a server frees a slot it takes the oldest waiter of its own queue
 * and of the backend's (process_srv_queue). Lists are intrusive (the session is the node) so
 * leaving a queue on timeout or abort is O(1) and allocation-free.
 */
import type { Backend } from '../../backends/backend.js';
import type { Server } from '../../backends/server.js';

export interface PendNode {
  pendPrev: PendNode | null;
  pendNext: PendNode | null;
  pendList: PendList | null;
  /** arrival order across both queues of a backend, to take the oldest first */
  pendSeq: number;
  /** called when a slot on `srv` was reserved for this node (be.takeConn already done) */
  dequeued(srv: Server): void;
  /** its server went DOWN while it waited there: choose again (it already left the queue) */
  requeued(): void;
}

export class PendList {
  head: PendNode | null = null;
  tail: PendNode | null = null;
  length = 0;

  push(n: PendNode): void {
    n.pendList = this;
    n.pendPrev = this.tail;
    n.pendNext = null;
    if (this.tail === null) this.head = n;
    else this.tail.pendNext = n;
    this.tail = n;
    this.length++;
  }

  remove(n: PendNode): void {
    if (n.pendList !== this) return;
    if (n.pendPrev === null) this.head = n.pendNext;
    else n.pendPrev.pendNext = n.pendNext;
    if (n.pendNext === null) this.tail = n.pendPrev;
    else n.pendNext.pendPrev = n.pendPrev;
    n.pendPrev = n.pendNext = null;
    n.pendList = null;
    this.length--;
  }
}

/** The queues of one backend: its own and one per server (same order as `be.servers`). */
export class BackendQueues {
  readonly backend = new PendList();
  private readonly perServer = new Map<Server, PendList>();
  private seq = 0;

  constructor(private readonly be: Backend) {
    for (const s of be.servers) this.perServer.set(s, new PendList());
  }

  /** Queue `n` on `srv`'s queue, or on the backend's when `srv` is null. */
  add(n: PendNode, srv: Server | null): void {
    n.pendSeq = ++this.seq;
    if (srv === null) {
      this.backend.push(n);
      const c = this.be.counters;
      c.queueCur = this.backend.length;
      if (c.queueCur > c.maxQueue) c.maxQueue = c.queueCur;
      return;
    }
    const q = this.perServer.get(srv);
    if (q === undefined) throw new Error(`server ${srv.name} is not in backend ${this.be.name}`);
    q.push(n);
    srv.queueLength = q.length;
    if (q.length > srv.counters.maxQueue) srv.counters.maxQueue = q.length;
  }

  /** Leave whichever queue `n` is in (timeout, client abort). */
  remove(n: PendNode, srv: Server | null): void {
    const list = n.pendList;
    if (list === null) return;
    list.remove(n);
    if (list === this.backend) this.be.counters.queueCur = list.length;
    else if (srv !== null) srv.queueLength = list.length;
  }

  /**
   * `srv` went DOWN: everything waiting on it goes back to balancing, oldest first. Returns
   * how many.
   */
  redistribute(srv: Server): number {
    const own = this.perServer.get(srv);
    if (own === undefined) return 0;
    const moved: PendNode[] = [];
    for (let n = own.head; n !== null; n = own.head) {
      this.remove(n, srv);
      moved.push(n);
    }
    for (const n of moved) n.requeued();
    return moved.length;
  }

  /**
   * `srv` may have a free slot: hand it to the oldest waiters. Backups serve the backend queue
   * only when no active server is usable, and an unusable server serves only its own queue.
   */
  process(srv: Server): void {
    const max = srv.dynamicMaxconn();
    if (max === 0) return;
    const own = this.perServer.get(srv);
    if (own === undefined) return;
    while (srv.served < max) {
      const a = own.head;
      const takesShared = srv.usable && (!srv.backup || this.be.lb.srvAct === 0);
      const b = takesShared ? this.backend.head : null;
      const n = a !== null && (b === null || a.pendSeq < b.pendSeq) ? a : b;
      if (n === null) return;
      this.remove(n, srv);
      this.be.takeConn(srv);
      n.dequeued(srv);
    }
  }
}
