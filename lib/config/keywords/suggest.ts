// "did you mean" as HAProxy 2.6 computes it (cfg_find_best_match / proxy_find_best_option): each word
// becomes a fingerprint of character presence plus character-class transitions, the distance is the
// sum of absolute differences, the first strictly-best candidate wins, and a candidate further than
// twice the length of either word is dropped. Matching HAProxy's algorithm (not a generic edit
// distance) makes our suggestions agree with its own on typos.

/** 0 = unused, 1..26 letters, 27 digits, 28 anything else and the word boundaries. */
function cls(c: number): number {
  if (c >= 0x61 && c <= 0x7a) return c - 0x60;
  if (c >= 0x41 && c <= 0x5a) return c - 0x40;
  if (c >= 0x30 && c <= 0x39) return 27;
  return 28;
}

function fingerprint(word: string): Map<number, number> {
  const fp = new Map<number, number>();
  let from = 28;
  for (let i = 0; i < word.length; i++) {
    const to = cls(word.charCodeAt(i));
    fp.set(to, 1); // presence row ("from" = 0)
    const k = 32 * from + to;
    fp.set(k, (fp.get(k) ?? 0) + 1);
    from = to;
  }
  const k = 32 * from + 28;
  fp.set(k, (fp.get(k) ?? 0) + 1);
  return fp;
}

function distance(a: Map<number, number>, b: Map<number, number>): number {
  let d = 0;
  for (const [k, v] of a) d += Math.abs(v - (b.get(k) ?? 0));
  for (const [k, v] of b) if (!a.has(k)) d += v;
  return d;
}

/** The candidate HAProxy would suggest for `word`, or undefined. `candidates` must be in HAProxy's order. */
export function haproxyBestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const w = fingerprint(word);
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(w, fingerprint(c));
    if (d < bestD) { bestD = d; best = c; }
  }
  if (best === undefined) return undefined;
  if (bestD > 2 * word.length || bestD > 2 * best.length) return undefined;
  return best;
}
