/**
 * A sorted queue of nodes keyed by a uint32, standing in for HAProxy's eb32 trees.
 *
 * What matters for matching HAProxy's pick order is how equal keys are ordered: an eb32 tree
 * keeps duplicates in insertion order, so a node re-inserted with the same key goes after its
 * peers. That is what makes leastconn round-robin among equally loaded servers. A sorted array
 * with "insert after equals" gives the same order. Server counts are small (HAProxy caps
 * roundrobin at 4095), so O(n) moves are cheaper than a tree here, and nothing is allocated once
 * the backing array has grown to the number of servers.
 */

export interface QueueNode {
  /** sort key, uint32 */
  key: number;
  /** the queue holding this node, or null */
  queue: KeyQueue<QueueNode> | null;
  /** position in that queue (maintained by the queue) */
  index: number;
}

export class KeyQueue<N extends QueueNode> {
  private readonly items: N[] = [];
  private len = 0;

  get size(): number {
    return this.len;
  }

  /** Smallest key, first inserted among equals; null when empty. */
  first(): N | null {
    return this.len > 0 ? (this.items[0] as N) : null;
  }

  /** The node after `n` in order, or null at the end. */
  next(n: N): N | null {
    const i = n.index + 1;
    return i < this.len ? (this.items[i] as N) : null;
  }

  /** Node at position `i` (0-based), for callers walking the queue by index. */
  at(i: number): N {
    return this.items[i] as N;
  }

  /** Inserts `n` after every node whose key is <= its key. */
  insert(n: N): void {
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.items[mid] as N).key <= n.key) lo = mid + 1;
      else hi = mid;
    }
    const items = this.items;
    // Grow by one (only allocates until the array reaches its working size), then shift.
    if (this.len === items.length) items.push(n);
    for (let i = this.len; i > lo; i--) {
      const m = items[i - 1] as N;
      items[i] = m;
      m.index = i;
    }
    items[lo] = n;
    n.index = lo;
    n.queue = this as unknown as KeyQueue<QueueNode>;
    this.len++;
  }

  /** Removes `n` if it is in this queue; otherwise does nothing (like eb32_delete on a free node). */
  remove(n: N): void {
    if (n.queue !== (this as unknown as KeyQueue<QueueNode>)) return;
    const items = this.items;
    for (let i = n.index; i < this.len - 1; i++) {
      const m = items[i + 1] as N;
      items[i] = m;
      m.index = i;
    }
    this.len--;
    n.queue = null;
    n.index = -1;
  }

  /** Empties the queue (nodes are detached). */
  clear(): void {
    for (let i = 0; i < this.len; i++) {
      const m = this.items[i] as N;
      m.queue = null;
      m.index = -1;
    }
    this.len = 0;
  }
}

/** Detaches `n` from whatever queue holds it. */
export function dequeue(n: QueueNode): void {
  if (n.queue !== null) n.queue.remove(n);
}
