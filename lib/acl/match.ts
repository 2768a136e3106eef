/**
 * ACL matching methods (HAProxy's pat_match_* family), compiled once per test from the parsed
 * patterns: exact strings go into a Set, regexes are built, IP networks turned into bytes.
 */
import type { AclTest, AclValue } from '../config/model.js';
import { DIR_DELIMS, DOM_DELIMS, matchWord } from './convert.js';
import { compileIpNet, ipInNet } from './ipnet.js';
import { toBool, toInt, toIp, toStr, type Val } from './value.js';

export type Matcher = (v: Val) => boolean;

type IntRange = Extract<AclValue, { kind: 'int' }>;

function inRanges(ranges: readonly IntRange[], n: number): boolean {
  for (const r of ranges) if ((r.min === undefined || n >= r.min) && (r.max === undefined || n <= r.max)) return true;
  return false;
}

function strs(t: AclTest): string[] {
  const out: string[] = [];
  for (const v of t.values) if (v.kind === 'str') out.push(t.ignoreCase ? v.str.toLowerCase() : v.str);
  return out;
}

export function compileMatcher(t: AclTest): Matcher {
  const ic = t.ignoreCase;
  const norm = ic ? (v: Val): string => toStr(v).toLowerCase() : toStr;
  switch (t.match) {
    case 'found': return () => true;
    case 'bool': return (v) => toBool(v) === true;
    case 'int': {
      const ranges = t.values.filter((v): v is IntRange => v.kind === 'int');
      return (v) => { const n = toInt(v); return n !== null && inRanges(ranges, n); };
    }
    case 'len': {
      const ranges = t.values.filter((v): v is IntRange => v.kind === 'int');
      return (v) => inRanges(ranges, toStr(v).length);
    }
    case 'ip': {
      const nets = t.values.flatMap((v) => (v.kind === 'ip' ? [compileIpNet(v)] : []));
      return (v) => {
        const ip = toIp(v);
        if (ip === null) return false;
        for (const n of nets) if (ipInNet(ip, n)) return true;
        return false;
      };
    }
    case 'bin': {
      const set = new Set(t.values.flatMap((v) => (v.kind === 'bin' ? [v.hex] : [])));
      return (v) => set.has(Buffer.from(toStr(v), 'latin1').toString('hex'));
    }
    case 'str': {
      const set = new Set(strs(t));
      return (v) => set.has(norm(v));
    }
    case 'beg': { const p = strs(t); return (v) => { const s = norm(v); return p.some((x) => s.startsWith(x)); }; }
    case 'end': { const p = strs(t); return (v) => { const s = norm(v); return p.some((x) => s.endsWith(x)); }; }
    case 'sub': { const p = strs(t); return (v) => { const s = norm(v); return p.some((x) => s.includes(x)); }; }
    case 'dir': { const p = strs(t); return (v) => { const s = norm(v); return p.some((x) => matchWord(s, x, DIR_DELIMS)); }; }
    case 'dom': { const p = strs(t); return (v) => { const s = norm(v); return p.some((x) => matchWord(s, x, DOM_DELIMS)); }; }
    case 'reg': {
      const res = t.values.flatMap((v) => (v.kind === 'reg' ? [new RegExp(v.re, v.flags)] : []));
      return (v) => { const s = toStr(v); return res.some((r) => r.test(s)); };
    }
  }
}
