/**
 * A coarse seconds clock for counters on the hot path (HAProxy reads its cached `now` too).
 * `Date.now()` returns a heap-allocated double on every call; this reads a small integer that a
 * timer refreshes once per second. The timer is unref'd, so it never keeps the process alive.
 */
let sec = Math.floor(Date.now() / 1000);
let timer: NodeJS.Timeout | null = null;

/** Unix time in seconds, at most about a second stale once `startClock()` has run. */
export function nowSec(): number {
  return sec;
}

/** Starts the refresh timer (idempotent); Backend calls it when it is built. */
export function startClock(): void {
  if (timer !== null) return;
  timer = setInterval(() => {
    sec = Math.floor(Date.now() / 1000);
  }, 1000);
  timer.unref();
}
