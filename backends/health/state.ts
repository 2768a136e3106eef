/**
 * The rise/fall state machine as HAProxy keeps it: one integer `health` in 0..rise+fall-1, the
 * server counting as up while health >= rise. Pure functions over a small record, so the
 * counting rules (start at rise = "UP 1/3"; one failure from there is DOWN; a failure while
 * going up resets to 0) are tested without sockets or time.
 */
import type { CheckResult } from './status.js';

export interface HealthCounter {
  health: number;
  readonly rise: number;
  readonly fall: number;
}

/** The top of the counter: fully up. */
export function healthMax(h: HealthCounter): number {
  return h.rise + h.fall - 1;
}

/** Counts as up (health >= rise). */
export function healthUp(h: HealthCounter): boolean {
  return h.health >= h.rise;
}

/**
 * Applies one check result; returns true when the counter moved ("report" in HAProxy, the
 * condition for a log-health-checks line). A failure from any up value below the maximum
 * falls to 0 as soon as it goes under rise; a pass from any down value jumps to the maximum
 * as soon as it reaches rise.
 */
export function applyResult(h: HealthCounter, result: CheckResult): boolean {
  if (result === 'failed') {
    if (h.health <= 0) return false;
    h.health--;
    if (h.health < h.rise) h.health = 0;
    return true;
  }
  if (result === 'passed' || result === 'condpass') {
    const max = healthMax(h);
    if (h.health >= max) return false;
    h.health++;
    if (h.health >= h.rise) h.health = max;
    return true;
  }
  return false;
}

/**
 * "x/y" as stats and log-health-checks show it: (health-rise+1)/fall while up,
 * health/rise while down.
 */
export function healthFraction(h: HealthCounter): string {
  return healthUp(h) ? `${h.health - h.rise + 1}/${h.fall}` : `${h.health}/${h.rise}`;
}

/** Where in the machine the counter is: fully up / going down / fully down / going up. */
export type Trend = 'up' | 'going-down' | 'down' | 'going-up';

export function healthTrend(h: HealthCounter): Trend {
  if (h.health >= healthMax(h)) return 'up';
  if (h.health >= h.rise) return 'going-down';
  return h.health === 0 ? 'down' : 'going-up';
}

/**
 * The interval before the next check (HAProxy's srv_getinter): `inter` when fully up,
 * `downinter` when fully down, `fastinter` in every transition (including the start, when the
 * server is UP at health = rise without having been checked).
 */
export function nextInterval(h: HealthCounter, isDown: boolean, inter: number, fastinter: number, downinter: number): number {
  if (h.health >= healthMax(h)) return inter;
  if (isDown && h.health === 0) return downinter;
  return fastinter;
}
