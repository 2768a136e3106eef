// Value parsers shared by keyword parsers: times, integers, sizes. They return verdict-ready
// results; the wording of errors is the caller's, as in HAProxy where each keyword phrases its own.

export const TIMER_MAX_MS = 2147483647;

export type TimeParse =
  | { readonly ok: true; readonly ms: number; readonly trailing?: string }
  | { readonly ok: false; readonly kind: 'char'; readonly ch: string }
  | { readonly ok: false; readonly kind: 'overflow' };

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['us', 0.001], ['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000], ['d', 86_400_000],
];

/**
 * HAProxy's time syntax: an unsigned integer, then an optional lower-case unit (us ms s m h d).
 * A bare number is in `defUnitMs` (milliseconds for timeouts). Digits after a valid unit
 * ("1s500ms") are reported as `trailing`, which HAProxy 2.6 only warns about.
 */
export function parseTime(text: string, defUnitMs = 1): TimeParse {
  let i = 0;
  let v = 0;
  if (text.length === 0) return { ok: false, kind: 'char', ch: '' };
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    i++;
  }
  if (i === 0) return { ok: false, kind: 'char', ch: text[0] ?? '' };
  let mult = defUnitMs;
  if (i < text.length) {
    const rest = text.slice(i);
    let matched: readonly [string, number] | undefined;
    // longest unit first so that "ms" is not read as "m" followed by "s"
    for (const u of UNITS) if (rest.startsWith(u[0]) && (matched === undefined || u[0].length > matched[0].length)) matched = u;
    if (matched === undefined) return { ok: false, kind: 'char', ch: rest[0] ?? '' };
    mult = matched[1];
    i += matched[0].length;
  }
  const ms = mult < 1 ? Math.ceil(v * mult) : v * mult;
  if (ms > TIMER_MAX_MS) return { ok: false, kind: 'overflow' };
  if (i < text.length) {
    const rest = text.slice(i);
    const c = rest.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39) return { ok: true, ms, trailing: rest };
    return { ok: false, kind: 'char', ch: rest[0] ?? '' };
  }
  return { ok: true, ms };
}

/** C's atol(): leading blanks, optional sign, digits; anything else stops; no digits gives 0. */
export function atol(text: string): number {
  const m = /^[ \t]*([+-]?[0-9]+)/.exec(text);
  return m === null || m[1] === undefined ? 0 : parseInt(m[1], 10);
}

/** A strict unsigned decimal integer (no sign, no garbage). */
export function parseUint(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The closest candidate to `word` by HAProxy's own "did you mean" algorithm (keywords/suggest.ts). */
export { haproxyBestMatch as bestMatch } from './keywords/suggest.js';
