// Thousands of random mutations of the real-world corpus: `-c` must always answer with clean
// diagnostics (an exit code, every alert a message) and never throw. The generator is seeded, so a
// failure names a reproducible case.
import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/load.js';
import { formatDiag } from '../../lib/config/diag.js';
import { hasShared, sharedDir, skipNoShared } from '../helpers/shared.js';

const MUTATIONS = 3000;

/** xorshift32: small, seeded, good enough to pick mutations */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}

const NASTY = ['"', "'", '\\', '#', '$', '{', '}', '${', '"${X', '\\x', '\\x4', ':', '[', ']', '::', '-', '0', '99999999999', '\n', '\r', '\t', ' ', '.if', '.endif', '.else', 'if', 'unless', '!', '||', '{ ', ' }', '%[', '\u0000', '\u00ff', 'server', 'bind', 'backend', 'defaults', 'from'];

function mutate(text: string, r: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  let s = text;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * (s.length + 1));
    switch (Math.floor(r() * 7)) {
      case 0: s = s.slice(0, at) + pick(NASTY) + s.slice(at); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 8)); break;
      case 2: { // duplicate a line elsewhere
        const lines = s.split('\n');
        const l = pick(lines);
        lines.splice(Math.floor(r() * lines.length), 0, l);
        s = lines.join('\n'); break;
      }
      case 3: { // swap two words on a line
        const lines = s.split('\n');
        const i = Math.floor(r() * lines.length);
        const w = (lines[i] ?? '').split(' ');
        const a = Math.floor(r() * w.length);
        const b = Math.floor(r() * w.length);
        [w[a], w[b]] = [w[b] ?? '', w[a] ?? ''];
        lines[i] = w.join(' ');
        s = lines.join('\n'); break;
      }
      case 4: s = s.slice(0, at); break; // truncation
      case 5: s = s.slice(0, at) + String.fromCharCode(Math.floor(r() * 256)) + s.slice(at); break;
      default: { // replace a number with an extreme one
        s = s.replace(/\b\d+\b/, pick(['0', '-1', '65536', '4294967296', '1e9', '']));
      }
    }
  }
  return s;
}

t.test('random mutations of the corpus never crash the checker', { skip: skipNoShared }, async (t) => {
  if (!hasShared) return;
  const dir = join(sharedDir, 'corpus', 'haproxy-configs');
  const sources = readdirSync(dir).filter((f) => f.endsWith('.cfg')).map((f) => readFileSync(join(dir, f), 'latin1'));
  const tmp = mkdtempSync(join(tmpdir(), 'halyard-fuzz-'));
  const r = rng(0x4a11a4d);
  let invalid = 0;
  let crashes = 0;
  for (let i = 0; i < MUTATIONS; i++) {
    const text = mutate(sources[i % sources.length] ?? '', r);
    const f = join(tmp, `m${i % 50}.cfg`);
    writeFileSync(f, text, 'latin1');
    try {
      const res = await loadConfig([f], { env: { HOME: '/root' }, noResolve: true });
      if (res.verdict === 'invalid') invalid++;
      for (const d of res.diags) {
        if (d.message.length === 0 || formatDiag(d, 1).length === 0) throw new Error('empty diagnostic');
        if (d.loc !== undefined && d.loc.line < 1) throw new Error(`bad line ${d.loc.line}`);
      }
    } catch (e: unknown) {
      crashes++;
      if (crashes <= 5) t.fail(`mutation ${i} crashed: ${(e as Error).stack ?? String(e)}\n--- input ---\n${text.slice(0, 2000)}`);
    }
  }
  t.comment(`${MUTATIONS} mutations: ${invalid} rejected with diagnostics, ${MUTATIONS - invalid - crashes} still valid, ${crashes} crashes`);
  t.equal(crashes, 0, 'no mutation makes the checker throw');
});
