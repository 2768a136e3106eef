/**
 * The size and count limits of an HTTP/1 head, derived from the global tune.* keywords as
 * HAProxy 2.6 derives them (checked against its source and the 2.6.12 binary):
 *
 * - tune.bufsize (default 16384) is rounded up to a multiple of 16;
 * - tune.maxrewrite (default 1024) is lowered to bufsize / 2 when it reaches that;
 * - the raw head (start line to empty line) must fit in the input buffer less the HTX header
 *   and two block headers: bufsize - 64. Chunked trailers get the same room;
 * - the head's HTX copy must fit in bufsize - sizeof(struct htx) - maxrewrite, less the fixed
 *   part of the start line block: `htxCost` (see fields.ts) may not exceed bufsize - maxrewrite - 69;
 * - tune.http.maxhdr (default 101) slots hold the header fields plus the end marker: at most
 *   maxhdr - 1 fields are stored (lines HAProxy skips, see fields.ts, are not counted).
 *
 * One object per process; parsers copy what they need at construction, never per byte.
 */
export interface H1Limits {
  /** bytes of a raw head (and of chunked trailers) */
  readonly maxRawHead: number;
  /** largest accepted `htxCost` */
  readonly htxBudget: number;
  /** header fields stored */
  readonly maxFields: number;
}

export const DEFAULT_BUFSIZE = 16384;
export const DEFAULT_MAXREWRITE = 1024;
export const DEFAULT_MAXHDR = 101;
/** sizeof(struct htx) + 2 * sizeof(struct htx_blk) */
const HTX_ROOM_OVERHEAD = 64;
/** sizeof(struct htx) plus the fixed part of the start line that `htxCost` leaves out */
const HTX_HEAD_OVERHEAD = 69;

/** tune.* values as the config parser keeps them (strings of integers), absent = default. */
export type TuneSettings = Readonly<Record<string, string>>;

function num(tune: TuneSettings, kw: string, dflt: number): number {
  const v = tune[kw];
  return v === undefined ? dflt : Number(v);
}

export function h1Limits(tune: TuneSettings = {}): H1Limits {
  const bufsize = (num(tune, 'tune.bufsize', DEFAULT_BUFSIZE) + 15) & -16;
  let maxrewrite = num(tune, 'tune.maxrewrite', DEFAULT_MAXREWRITE);
  if (maxrewrite >= Math.trunc(bufsize / 2)) maxrewrite = Math.trunc(bufsize / 2);
  return {
    maxRawHead: Math.max(0, bufsize - HTX_ROOM_OVERHEAD),
    htxBudget: Math.max(0, bufsize - maxrewrite - HTX_HEAD_OVERHEAD),
    maxFields: num(tune, 'tune.http.maxhdr', DEFAULT_MAXHDR) - 1,
  };
}

export const DEFAULT_H1_LIMITS: H1Limits = h1Limits();

