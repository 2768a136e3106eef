/**
 * Time for health checks: one clock and one timer queue for every check of the process.
 *
 * A thousand servers with `inter 1s` must not mean a thousand Node timers re-armed every
 * second: all check starts and check timeouts sit in one binary heap keyed on their due time,
 * and a single `setTimeout` is armed for the earliest one (HAProxy keeps its tasks in one
 * wait-queue tree the same way). The clock is injectable, so the rise/fall state machine and
 * the interval choice are tested with `ManualScheduler` and no real sleep.
 */

/** Something that can be scheduled; the queue owns `due` and `slot`. */
export interface Timed {
  /** when it fires, in `Scheduler.now()` milliseconds (valid while queued) */
  due: number;
  /** heap position, -1 when not queued */
  slot: number;
  fire(): void;
}

export interface Scheduler {
  /** monotonic milliseconds */
  now(): number;
  /** queues (or moves) `t` to fire at `due` */
  schedule(t: Timed, due: number): void;
  /** removes `t` if queued */
  cancel(t: Timed): void;
}

/** A min-heap of Timed by (due, insertion order): equal due times fire in the order queued. */
export class TimerHeap {
  private readonly items: Timed[] = [];
  private readonly seqs: number[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  /** the earliest due time, or Infinity */
  get next(): number {
    const top = this.items[0];
    return top === undefined ? Infinity : top.due;
  }

  push(t: Timed, due: number): void {
    if (t.slot >= 0) this.remove(t);
    t.due = due;
    t.slot = this.items.length;
    this.items.push(t);
    this.seqs.push(this.seq++);
    this.up(t.slot);
  }

  remove(t: Timed): void {
    const i = t.slot;
    if (i < 0) return;
    const last = this.items.length - 1;
    t.slot = -1;
    if (i !== last) {
      this.move(last, i);
      this.items.pop();
      this.seqs.pop();
      this.down(i);
      this.up(i);
    } else {
      this.items.pop();
      this.seqs.pop();
    }
  }

  /** Removes and returns the earliest item if it is due at or before `now`. */
  popDue(now: number): Timed | null {
    const top = this.items[0];
    if (top === undefined || top.due > now) return null;
    this.remove(top);
    return top;
  }

  private less(a: number, b: number): boolean {
    const da = (this.items[a] as Timed).due;
    const db = (this.items[b] as Timed).due;
    return da < db || (da === db && (this.seqs[a] as number) < (this.seqs[b] as number));
  }

  private move(from: number, to: number): void {
    const t = this.items[from] as Timed;
    this.items[to] = t;
    this.seqs[to] = this.seqs[from] as number;
    t.slot = to;
  }

  private swap(a: number, b: number): void {
    const ta = this.items[a] as Timed;
    const sa = this.seqs[a] as number;
    this.move(b, a);
    this.items[b] = ta;
    this.seqs[b] = sa;
    ta.slot = b;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const c = r < n && this.less(r, l) ? r : l;
      if (!this.less(c, i)) return;
      this.swap(i, c);
      i = c;
    }
  }
}

/** The production scheduler: performance.now() and one Node timer for the whole heap. */
export class RealScheduler implements Scheduler {
  private readonly heap = new TimerHeap();
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;
  private readonly onTimer = (): void => this.run();

  now(): number {
    return performance.now();
  }

  schedule(t: Timed, due: number): void {
    this.heap.push(t, due);
    this.arm();
  }

  cancel(t: Timed): void {
    this.heap.remove(t);
    // An early wake-up with nothing due is harmless; no need to re-arm on cancel.
  }

  /** Stops the timer; queued items stay queued (schedule() re-arms). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  private arm(): void {
    const next = this.heap.next;
    if (next === Infinity || next >= this.armedFor) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.armedFor = next;
    this.timer = setTimeout(this.onTimer, Math.max(0, Math.ceil(next - this.now())));
  }

  private run(): void {
    this.timer = null;
    this.armedFor = Infinity;
    // Node timers have 1ms granularity: treat anything due within the next millisecond as due,
    // so a timer that fires a fraction early does not spin.
    const now = this.now() + 1;
    let t: Timed | null;
    while ((t = this.heap.popDue(now)) !== null) t.fire();
    this.arm();
  }
}

/** A scheduler whose time moves only when told (tests). */
export class ManualScheduler implements Scheduler {
  private readonly heap = new TimerHeap();
  private time: number;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(t: Timed, due: number): void {
    this.heap.push(t, due);
  }

  cancel(t: Timed): void {
    this.heap.remove(t);
  }

  /** queued items */
  get pending(): number {
    return this.heap.size;
  }

  /** the earliest due time, or Infinity */
  get nextDue(): number {
    return this.heap.next;
  }

  /** Moves time forward by `ms`, firing everything that falls due, in order, at its own time. */
  advance(ms: number): void {
    const end = this.time + ms;
    let t: Timed | null;
    while ((t = this.heap.popDue(end)) !== null) {
      this.time = Math.max(this.time, t.due);
      t.fire();
    }
    this.time = end;
  }
}
