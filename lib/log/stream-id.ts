// HAProxy's per-process stream counter (%rt in log formats, unique ids): one number per HTTP
// request and per TCP session, in the order they start, from 0.
let next = 0;

/** The next stream number. */
export function nextStreamId(): number {
  return next++;
}
