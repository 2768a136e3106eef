/**
 * Sample converters (HAProxy's sample.c / map.c), compiled once: map files become a Map or an
 * ordered pattern list, regexes are built, integer arguments parsed. Each converter takes a value
 * and returns the converted value or null (the sample fails, as in HAProxy).
 */
import type { Loc } from '../config/diag.js';
import type { SampleConverter } from '../config/model.js';
import { compileRegex, parseIpPattern } from '../config/keywords/acl-patterns.js';
import { compileIpNet, ipInNet, type IpNet } from './ipnet.js';
import { badConfig, Ip, refuse, strToInt, toBool, toInt, toIp, toStr, type Val } from './value.js';

export type Conv = (v: Val) => Val | null;

const INT_ARG = /^[+-]?[0-9]+$/;

function intArg(c: SampleConverter, i: number, loc: Loc | undefined): number {
  const a = c.args[i] ?? '';
  if (!INT_ARG.test(a)) throw refuse(loc, `converter '${c.name}' with the variable argument '${a}'`);
  return parseInt(a, 10);
}

/** Field `index` (1-based, negative from the end) and `count` more (0 = to the end), HAProxy's field(). */
function field(s: string, delims: string, index: number, count: number, words: boolean): string | null {
  if (index === 0) return null;
  // field boundaries [start, end) in order
  const bounds: number[] = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || delims.includes(s[i] as string)) {
      if (!words || i > start) bounds.push(start, i);
      start = i + 1;
    }
  }
  const n = bounds.length / 2;
  let first: number;
  let last: number;
  if (index > 0) {
    first = index - 1;
    if (first >= n) return words ? null : null;
    last = count === 0 ? n - 1 : Math.min(n - 1, first + count - 1);
  } else {
    last = n + index;
    if (last < 0) return null;
    first = count === 0 ? 0 : Math.max(0, last - count + 1);
  }
  return s.slice(bounds[2 * first] as number, bounds[2 * last + 1] as number);
}

/** A regsub replacement: `\1`..`\9` are groups, other characters are literal. */
function substitute(m: RegExpExecArray, repl: string): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i] as string;
    if (c === '\\' && i + 1 < repl.length) {
      const d = repl.charCodeAt(i + 1) - 48;
      if (d >= 0 && d <= 9) { out += m[d] ?? ''; i++; continue; }
      out += repl[i + 1];
      i++;
      continue;
    }
    out += c;
  }
  return out;
}

function regsub(re: RegExp, repl: string, global: boolean): Conv {
  return (v) => {
    const s = toStr(v);
    let out = '';
    let last = 0;
    re.lastIndex = 0;
    for (;;) {
      const m = re.exec(s);
      if (m === null) break;
      out += s.slice(last, m.index) + substitute(m, repl);
      last = m.index + m[0].length;
      if (!global) break;
      if (m[0].length === 0) {
        if (last >= s.length) break;
        out += s[last];
        last++;
        re.lastIndex = last;
      }
    }
    return out + s.slice(last);
  };
}

function urlDecode(s: string, inForm: boolean): string | null {
  let out = '';
  let form = inForm;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '+') out += form ? ' ' : '+';
    else if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
      out += String.fromCharCode(parseInt(h, 16));
      i += 2;
    } else {
      if (c === '?') form = true;
      out += c;
    }
  }
  return out;
}

function hostOnly(s: string): string {
  if (s.startsWith('[')) {
    const e = s.indexOf(']');
    return e < 0 ? s : s.slice(0, e + 1);
  }
  const c = s.lastIndexOf(':');
  return c < 0 ? s : s.slice(0, c);
}

function portOnly(s: string): number | null {
  const b = s.startsWith('[') ? s.indexOf(']') : -1;
  const c = s.indexOf(':', b < 0 ? 0 : b);
  if (c < 0) return 0;
  return strToInt(s.slice(c + 1)) ?? 0;
}

type MapMatch = 'str' | 'beg' | 'sub' | 'dir' | 'dom' | 'end' | 'reg' | 'int' | 'ip';

/** Word matching (dir/dom): the key must be a whole delimited part of the sample. */
export function matchWord(s: string, pat: string, delims: string): boolean {
  let p = pat;
  if (p.length > 0 && delims.includes(p[0] as string)) p = p.slice(1);
  if (p.length > 0 && delims.includes(p[p.length - 1] as string)) p = p.slice(0, -1);
  if (p.length === 0) return true;
  let from = 0;
  for (;;) {
    const i = s.indexOf(p, from);
    if (i < 0) return false;
    const before = i === 0 || delims.includes(s[i - 1] as string);
    const e = i + p.length;
    const after = e === s.length || delims.includes(s[e] as string);
    if (before && after) return true;
    from = i + 1;
  }
}

export const DIR_DELIMS = '/?';
export const DOM_DELIMS = '/?.:';

function compileMap(c: SampleConverter, loc: Loc | undefined): Conv {
  const m = /^map(?:_(str|beg|sub|dir|dom|end|reg|int|ip))?(?:_(int|str|ip))?$/.exec(c.name);
  if (m === null || c.map === undefined) throw refuse(loc, `converter '${c.name}'`);
  const match = (m[1] ?? 'str') as MapMatch;
  const outType = m[2] ?? 'str';
  const entries = c.map.entries;
  const outVal = (v: string): Val => {
    if (outType === 'str') return v;
    if (outType === 'int') {
      if (!INT_ARG.test(v)) throw badConfig(loc, `converter '${c.name}': map file '${c.map?.file ?? ''}' value '${v}' is not an integer.`);
      return parseInt(v, 10);
    }
    const ip = toIp(v);
    if (ip === null) throw badConfig(loc, `converter '${c.name}': map file '${c.map?.file ?? ''}' value '${v}' is not an IP address.`);
    return ip;
  };
  const dflt = c.args[1] === undefined ? null : outVal(c.args[1]);
  const values = entries.map(([, v]) => outVal(v));
  switch (match) {
    case 'str': {
      const map = new Map<string, Val>();
      entries.forEach(([k], i) => { if (!map.has(k)) map.set(k, values[i] as Val); });
      return (v) => map.get(toStr(v)) ?? dflt;
    }
    case 'int': {
      const keys = entries.map(([k]) => {
        if (!INT_ARG.test(k)) throw badConfig(loc, `converter '${c.name}': '${k}' is not a number in map file '${c.map?.file ?? ''}'.`);
        return parseInt(k, 10);
      });
      return (v) => {
        const n = toInt(v);
        if (n === null) return dflt;
        const i = keys.indexOf(n);
        return i < 0 ? dflt : (values[i] as Val);
      };
    }
    case 'ip': {
      const nets: { net: IpNet; val: Val }[] = entries.map(([k], i) => {
        const p = parseIpPattern(k, true);
        if (typeof p === 'string' || p.kind !== 'ip') throw badConfig(loc, `converter '${c.name}': ${typeof p === 'string' ? p : k} in map file '${c.map?.file ?? ''}'.`);
        return { net: compileIpNet(p), val: values[i] as Val };
      });
      // longest prefix first, as HAProxy's tree lookup
      nets.sort((a, b) => b.net.prefix - a.net.prefix);
      return (v) => {
        const ip = toIp(v);
        if (ip === null) return dflt;
        for (const n of nets) if (ipInNet(ip, n.net)) return n.val;
        return dflt;
      };
    }
    case 'reg': {
      const res = entries.map(([k]) => {
        const r = compileRegex(k, false);
        if ('err' in r) throw badConfig(loc, `converter '${c.name}': ${r.err} in map file '${c.map?.file ?? ''}'.`);
        return new RegExp(r.re, r.flags);
      });
      return (v) => {
        const s = toStr(v);
        for (let i = 0; i < res.length; i++) if ((res[i] as RegExp).test(s)) return values[i] as Val;
        return dflt;
      };
    }
    default: {
      const keys = entries.map(([k]) => k);
      const test: (s: string, k: string) => boolean =
        match === 'beg' ? (s, k) => s.startsWith(k)
          : match === 'end' ? (s, k) => s.endsWith(k)
            : match === 'sub' ? (s, k) => s.includes(k)
              : match === 'dir' ? (s, k) => matchWord(s, k, DIR_DELIMS)
                : (s, k) => matchWord(s, k, DOM_DELIMS);
      return (v) => {
        const s = toStr(v);
        for (let i = 0; i < keys.length; i++) if (test(s, keys[i] as string)) return values[i] as Val;
        return dflt;
      };
    }
  }
}

/** HAProxy's LLONG_MAX for a division by zero; a string, as JS numbers cannot hold it exactly. */
const MAX_SINT = '9223372036854775807';

function arith(c: SampleConverter, loc: Loc | undefined, op: (a: number, b: number) => Val): Conv {
  const b = intArg(c, 0, loc);
  return (v) => {
    const a = toInt(v);
    return a === null ? null : op(a, b);
  };
}

function str(f: (s: string) => Val | null): Conv {
  return (v) => f(toStr(v));
}

/** Compile one converter. Anything not implemented is refused with file:line. */
export function compileConverter(c: SampleConverter, loc: Loc | undefined): Conv {
  switch (c.name) {
    case 'lower': return str((s) => s.toLowerCase());
    case 'upper': return str((s) => s.toUpperCase());
    case 'length': return str((s) => s.length);
    case 'ltrim': { const set = c.args[0] ?? ''; return str((s) => { let i = 0; while (i < s.length && set.includes(s[i] as string)) i++; return s.slice(i); }); }
    case 'rtrim': { const set = c.args[0] ?? ''; return str((s) => { let i = s.length; while (i > 0 && set.includes(s[i - 1] as string)) i--; return s.slice(0, i); }); }
    case 'field': case 'word': {
      const index = intArg(c, 0, loc);
      const count = c.args[2] === undefined ? 1 : intArg(c, 2, loc);
      const delims = c.args[1] ?? '';
      const words = c.name === 'word';
      return str((s) => field(s, delims, index, count, words));
    }
    case 'regsub': {
      const r = compileRegex(c.args[0] ?? '', (c.args[2] ?? '').includes('i'));
      if ('err' in r) throw badConfig(loc, `converter 'regsub': ${r.err}.`);
      const global = (c.args[2] ?? '').includes('g');
      return regsub(new RegExp(r.re, r.flags + 'g'), c.args[1] ?? '', global);
    }
    case 'host_only': return str(hostOnly);
    case 'port_only': return str(portOnly);
    case 'url_dec': {
      const inForm = c.args[0] !== undefined && c.args[0] !== '' && parseInt(c.args[0], 10) !== 0;
      return str((s) => urlDecode(s, inForm));
    }
    case 'hex': return str((s) => Buffer.from(s, 'latin1').toString('hex').toUpperCase());
    case 'base64': return str((s) => Buffer.from(s, 'latin1').toString('base64'));
    case 'bool': return (v) => toBool(v);
    case 'not': return (v) => { const b = toBool(v); return b === null ? null : !b; };
    case 'even': return (v) => { const n = toInt(v); return n === null ? null : n % 2 === 0; };
    case 'odd': return (v) => { const n = toInt(v); return n === null ? null : n % 2 !== 0; };
    case 'neg': return (v) => { const n = toInt(v); return n === null ? null : -n; };
    case 'add': return arith(c, loc, (a, b) => a + b);
    case 'sub': return arith(c, loc, (a, b) => a - b);
    case 'mul': return arith(c, loc, (a, b) => a * b);
    case 'div': return arith(c, loc, (a, b) => (b === 0 ? MAX_SINT : Math.trunc(a / b)));
    case 'mod': return arith(c, loc, (a, b) => (b === 0 ? 0 : a % b));
    default:
      if (c.name.startsWith('map')) return compileMap(c, loc);
      throw refuse(loc, `converter '${c.name}'`);
  }
}

export { Ip };
