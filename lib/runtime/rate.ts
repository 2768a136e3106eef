/**
 * Events per second, HAProxy's freq_ctr: the count of the current second plus the previous
 * second's count weighted by how much of it still lies within the last 1000 ms. `hit()` is on
 * the hot path, so it reads the coarse clock (backends/clock.ts) and only rotates on a new second.
 */
import { nowSec } from '../../backends/clock.js';

export class RateCounter {
  private sec = 0;
  private cur = 0;
  private prev = 0;
  /** highest rate seen: stats `rate_max` */
  max = 0;

  hit(): void {
    const s = nowSec();
    if (s !== this.sec) this.rotate(s);
    this.cur++;
    const r = this.cur + this.prev;
    if (r > this.max) this.max = r;
  }

  private rotate(s: number): void {
    this.prev = s === this.sec + 1 ? this.cur : 0;
    this.cur = 0;
    this.sec = s;
  }

  /** The rate over the last second (stats `rate`), read when a snapshot is taken. */
  read(nowMs = Date.now()): number {
    const s = Math.floor(nowMs / 1000);
    if (s !== this.sec) this.rotate(s);
    const past = 1 - (nowMs % 1000) / 1000;
    return this.cur + Math.round(this.prev * past);
  }
}
