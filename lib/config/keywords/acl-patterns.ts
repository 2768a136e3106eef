// ACL pattern parsers, one per matching method (HAProxy's pat_parse_* family): each turns a pattern
// word into the value the runtime matcher compiles once. Messages are HAProxy's.
import type { AclMatch, AclValue } from '../model.js';

export const MATCHERS: readonly AclMatch[] = ['found', 'bool', 'int', 'ip', 'bin', 'len', 'str', 'sub', 'reg', 'beg', 'end', 'dir', 'dom'];

/**
 * Validate a PCRE pattern with JS RegExp. Returns the JS source and flags to use at runtime, or
 * HAProxy's error text. Translated PCRE-only spellings: (?i) at the start, \A, \z, \Z, (?P<n>.
 * Patterns relying on PCRE features JS lacks (possessive quantifiers, atomic groups, recursion)
 * fail here with a message that names the difference.
 */
export function compileRegex(src: string, icase: boolean): { re: string; flags: string } | { err: string } {
  let s = src;
  let flags = icase ? 'i' : '';
  if (s.startsWith('(?i)')) { s = s.slice(4); flags = 'i'; }
  s = s.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$').replace(/\(\?P</g, '(?<');
  // PCRE2's messages for the two mistakes users make most, with its offsets.
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\') { i++; continue; }
    if (inClass) { if (ch === ']') inClass = false; continue; }
    if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') {
      if (depth === 0) return { err: `regex '${src}' is invalid (error=unmatched closing parenthesis, erroffset=${i})` };
      depth--;
    }
  }
  if (inClass) return { err: `regex '${src}' is invalid (error=missing terminating ] for character class, erroffset=${src.length})` };
  if (depth > 0) return { err: `regex '${src}' is invalid (error=missing closing parenthesis, erroffset=${src.length})` };
  if (/^[*+?]/.test(src)) return { err: `regex '${src}' is invalid (error=quantifier does not follow a repeatable item, erroffset=0)` };
  if (/\(\?>|[*+?}]\+|\(\?R\)|\(\?[0-9]/.test(s)) {
    return { err: `regex '${src}' uses PCRE features (atomic groups, possessive quantifiers or recursion) that Halyard's regex engine lacks` };
  }
  try {
    new RegExp(s, flags);
  } catch (e: unknown) {
    return { err: `regex '${src}' is invalid (error=${e instanceof Error ? e.message : String(e)})` };
  }
  return { re: s, flags };
}

const INT = /^[+-]?[0-9]+$/;

export type IntOp = 'eq' | 'ge' | 'gt' | 'le' | 'lt';
export const INT_OPS: ReadonlySet<string> = new Set(['eq', 'ge', 'gt', 'le', 'lt']);

/** An integer pattern: `N`, `A:B`, `A:`, `:B`, under the operator in force. */
export function parseIntPattern(w: string, op: IntOp): AclValue | string {
  if (w.includes(':')) {
    const [a = '', b = ''] = w.split(':', 2);
    if ((a !== '' && !INT.test(a)) || (b !== '' && !INT.test(b)) || w.split(':').length > 2) return `'${w}' is not a valid number range.`;
    const lo = a === '' ? undefined : parseInt(a, 10);
    const hi = b === '' ? undefined : parseInt(b, 10);
    if (lo !== undefined && hi !== undefined && lo > hi) return `'${w}' is not a valid number range.`;
    return { kind: 'int', ...(lo !== undefined ? { min: lo } : {}), ...(hi !== undefined ? { max: hi } : {}) };
  }
  if (!INT.test(w)) return `'${w}' is not a number.`;
  const n = parseInt(w, 10);
  switch (op) {
    case 'eq': return { kind: 'int', min: n, max: n };
    case 'ge': return { kind: 'int', min: n };
    case 'gt': return { kind: 'int', min: n + 1 };
    case 'le': return { kind: 'int', max: n };
    case 'lt': return { kind: 'int', max: n - 1 };
  }
}

/** IPv4 with HAProxy's abbreviations: `10.12` is 10.12.0.0; a missing mask means /32. */
function parseV4(s: string): string | undefined {
  const parts = s.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = parseInt(p, 10);
    if (n > 255) return undefined;
    out.push(n);
  }
  while (out.length < 4) out.push(0);
  return out.join('.');
}

function v4MaskBits(m: string): number | undefined {
  if (/^[0-9]{1,2}$/.test(m)) { const n = parseInt(m, 10); return n <= 32 ? n : undefined; }
  const a = parseV4(m);
  if (a === undefined || m.split('.').length !== 4) return undefined;
  const bits = a.split('.').reduce((acc, x) => acc * 256 + parseInt(x, 10), 0);
  let n = 0;
  while (n < 32 && (bits & (0x80000000 >>> n)) !== 0) n++;
  // the mask must be contiguous
  const expect = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return bits >>> 0 === expect ? n : undefined;
}

function validV6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false;
  try { new URL(`http://[${s}]/`); return true; } catch { return false; }
}

/** An IP pattern: v4 (masks as bits or dotted, abbreviations), v6 (bit count), or `localhost` (resolved). */
export function parseIpPattern(w: string, noDns: boolean): AclValue | string {
  const bad = `'${w}' is not a valid IPv4 or IPv6 address.`;
  const slash = w.indexOf('/');
  const host = slash < 0 ? w : w.slice(0, slash);
  const mask = slash < 0 ? undefined : w.slice(slash + 1);
  const v4 = parseV4(host);
  if (v4 !== undefined) {
    const bits = mask === undefined ? 32 : v4MaskBits(mask);
    if (bits === undefined) return bad;
    return { kind: 'ip', family: 4, addr: v4, prefix: bits };
  }
  if (validV6(host)) {
    const bits = mask === undefined ? 128 : /^[0-9]{1,3}$/.test(mask) ? parseInt(mask, 10) : undefined;
    if (bits === undefined || bits > 128) return bad;
    return { kind: 'ip', family: 6, addr: host.toLowerCase(), prefix: bits };
  }
  // HAProxy resolves host names at load time unless -n; Halyard knows only localhost without DNS.
  if (!noDns && host === 'localhost' && mask === undefined) return { kind: 'ip', family: 4, addr: '127.0.0.1', prefix: 32 };
  return bad;
}

export function parseBinPattern(w: string): AclValue | string {
  for (const ch of w) if (!/[0-9a-fA-F]/.test(ch)) return `an hex digit is expected (found '${ch}').`;
  return { kind: 'bin', hex: w.toLowerCase() };
}

/** One pattern for matcher `m`. `op` is the integer operator in force. */
export function parsePattern(m: AclMatch, w: string, icase: boolean, noDns: boolean, op: IntOp): AclValue | string {
  switch (m) {
    case 'int': case 'len': return parseIntPattern(w, op);
    case 'ip': return parseIpPattern(w, noDns);
    case 'bin': return parseBinPattern(w);
    case 'reg': {
      const r = compileRegex(w, icase);
      return 'err' in r ? `${r.err}.` : { kind: 'reg', re: r.re, flags: r.flags };
    }
    case 'found': case 'bool': return { kind: 'str', str: w }; // HAProxy ignores them; kept for the record
    default: return { kind: 'str', str: w };
  }
}
