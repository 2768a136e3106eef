// Conditional blocks (.if/.elif/.else/.endif) and `-cc`: HAProxy 2.6's expression language.
// Grammar (as the 2.6 binary accepts it): expr := and ('||' and)* ; and := term ('&&' term)* ;
// term := '!' term | '(' expr ')' | INTEGER | predicate '(' args ')'. An empty expression is false.
// Predicate arguments are raw text between commas, blanks included: streq(a , a) is false.

/** The HAProxy version Halyard's configuration language matches, for version_atleast/version_before. */
export const COMPAT_VERSION = '2.6.12';

/**
 * Build features Halyard reports through feature(). Only what Halyard really does: a config that
 * tests feature(OPENSSL) before using TLS takes its non-TLS branch, as it would on an HAProxy
 * built without OpenSSL.
 */
export const FEATURES: ReadonlySet<string> = new Set(['LINUX_SPLICE', 'GETADDRINFO', 'PROMEX']);

export interface CondEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** On error, `pos` is the 1-based position in the expression text (HAProxy's "at position N"). */
export type CondResult = { ok: true; value: boolean } | { ok: false; error: string; pos: number };

type Arity = { n: number; name: string };
const PREDICATES: Readonly<Record<string, Arity>> = {
  defined: { n: 1, name: 'defined' },
  feature: { n: 1, name: 'feature' },
  streq: { n: 2, name: 'streq' },
  strneq: { n: 2, name: 'strneq' },
  version_atleast: { n: 1, name: 'version_atleast' },
  version_before: { n: 1, name: 'version_before' },
};

/** Compare dotted versions numerically, HAProxy-style ("2.6" < "2.6.1"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10));
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    const xn = Number.isNaN(x) ? 0 : x;
    const yn = Number.isNaN(y) ? 0 : y;
    if (xn !== yn) return xn < yn ? -1 : 1;
  }
  return 0;
}

class Parser {
  private i = 0;
  constructor(private readonly s: string, private readonly cenv: CondEnv) {}

  private ws(): void {
    while (this.i < this.s.length && (this.s[this.i] === ' ' || this.s[this.i] === '\t')) this.i++;
  }

  parse(): CondResult {
    this.ws();
    if (this.i >= this.s.length) return { ok: true, value: false };
    const r = this.expr();
    if (!r.ok) return r;
    this.ws();
    if (this.i < this.s.length) {
      return { ok: false, error: `unexpected character '${this.s[this.i] ?? ''}' at the end of conditional expression '${this.s}'`, pos: this.i + 1 };
    }
    return r;
  }

  private unparsable(): CondResult {
    return { ok: false, error: `unparsable conditional expression '${this.s.slice(this.i)}'`, pos: this.i + 1 };
  }

  private expr(): CondResult {
    let left = this.and();
    if (!left.ok) return left;
    for (;;) {
      this.ws();
      if (!this.s.startsWith('||', this.i)) return left;
      this.i += 2;
      const right = this.and();
      if (!right.ok) return right;
      left = { ok: true, value: left.value || right.value };
    }
  }

  private and(): CondResult {
    let left = this.term();
    if (!left.ok) return left;
    for (;;) {
      this.ws();
      if (!this.s.startsWith('&&', this.i)) return left;
      this.i += 2;
      const right = this.term();
      if (!right.ok) return right;
      left = { ok: true, value: left.value && right.value };
    }
  }

  private term(): CondResult {
    this.ws();
    const c = this.s[this.i];
    if (c === '!') {
      this.i++;
      const r = this.term();
      return r.ok ? { ok: true, value: !r.value } : r;
    }
    if (c === '(') {
      this.i++;
      const r = this.expr();
      if (!r.ok) return r;
      this.ws();
      if (this.s[this.i] !== ')') return { ok: false, error: `expected ')' in conditional expression '${this.s}'`, pos: this.i + 1 };
      this.i++;
      return r;
    }
    const at = this.i;
    const m = /^-?[0-9]+/.exec(this.s.slice(this.i));
    if (m !== null) {
      this.i += m[0].length;
      return { ok: true, value: parseInt(m[0], 10) !== 0 };
    }
    const name = /^[a-z_]+\(/.exec(this.s.slice(this.i));
    const pred = name === null ? undefined : PREDICATES[name[0].slice(0, -1)];
    if (name === null || pred === undefined) return this.unparsable();
    const close = this.s.indexOf(')', this.i);
    if (close < 0) {
      return { ok: false, error: `expected ')' in argument 1 of predicate '${pred.name}' used in conditional expression`, pos: this.s.length + 1 };
    }
    const inner = this.s.slice(this.i + name[0].length, close);
    this.i = close + 1;
    const args = inner.length === 0 ? [] : inner.split(',');
    if (args.length < pred.n) {
      return { ok: false, error: `missing arguments (got ${args.length}/${pred.n}), type 'string' expected in argument ${args.length} of predicate '${pred.name}' used in conditional expression`, pos: close + 2 };
    }
    if (args.length > pred.n) {
      return { ok: false, error: `too many arguments for predicate '${pred.name}' in conditional expression`, pos: at + 1 };
    }
    const a0 = args[0] ?? '';
    const a1 = args[1] ?? '';
    switch (pred.name) {
      case 'defined': return { ok: true, value: this.cenv.env[a0] !== undefined };
      case 'feature': return { ok: true, value: FEATURES.has(a0) };
      case 'streq': return { ok: true, value: a0 === a1 };
      case 'strneq': return { ok: true, value: a0 !== a1 };
      case 'version_atleast': return { ok: true, value: compareVersions(COMPAT_VERSION, a0) >= 0 };
      case 'version_before': return { ok: true, value: compareVersions(COMPAT_VERSION, a0) < 0 };
      default: return this.unparsable();
    }
  }
}

/** Evaluate a condition given as the words after `.if`/`.elif` (or the single `-cc` argument). */
export function evalCondition(words: readonly string[], cenv: CondEnv): CondResult {
  return new Parser(words.join(' '), cenv).parse();
}
