// HAProxy's "did you mean" for server and bind options (srv_find_best_kw / bind_find_best_kw):
// words are compared by their character-transition fingerprints, not by edit distance, so the
// suggestions (and the absence of one) match what haproxy prints.

function fingerprint(word: string): Uint8Array {
  const fp = new Uint8Array(1024);
  let from = 28;
  for (let i = 0; i < word.length; i++) {
    const c = word.toLowerCase().charCodeAt(i);
    const to = c >= 0x61 && c <= 0x7a ? c - 0x61 + 1 : c >= 0x30 && c <= 0x39 ? 27 : 28;
    fp[to] = 1;
    fp[32 * from + to] = ((fp[32 * from + to] ?? 0) + 1) & 0xff;
    from = to;
  }
  fp[32 * from + 28] = ((fp[32 * from + 28] ?? 0) + 1) & 0xff;
  return fp;
}

function distance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < 1024; i++) d += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return d;
}

export function haproxyBestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const w = fingerprint(word);
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(w, fingerprint(c));
    if (d < bestD) { bestD = d; best = c; }
  }
  if (best === undefined || bestD > 2 * word.length || bestD > 2 * best.length) return undefined;
  return best;
}
