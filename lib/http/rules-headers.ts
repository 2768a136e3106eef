/**
 * Header actions of http-request / http-response rules (HAProxy's http_act.c): set-header,
 * add-header, del-header [-m], replace-header (whole lines), replace-value (comma-separated
 * values). They edit the transaction's HeaderList of the rule's direction.
 */
import type { Loc } from '../config/diag.js';
import type { HttpAction, RegexSpec } from '../config/model.js';
import { compileLogFormat, type AclEnv, type Dir } from '../acl/index.js';
import type { HttpTxn, HeaderList } from './txn.js';

type Step = (txn: HttpTxn) => null;

/**
 * HAProxy's exp_replace: the whole subject becomes the replacement, where `\0`..`\9` stand for
 * the groups of the match (the matched text is not spliced into the original).
 */
export function expReplace(m: RegExpExecArray, repl: string): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl.charCodeAt(i);
    if (c === 0x5c && i + 1 < repl.length) {
      const d = repl.charCodeAt(i + 1) - 48;
      if (d >= 0 && d <= 9) { out += m[d] ?? ''; i++; continue; }
    }
    out += repl[i];
  }
  return out;
}

export function regexOf(r: RegexSpec): RegExp {
  return new RegExp(r.re, r.flags.replace('g', ''));
}

/** Splits a field value at commas outside quoted strings, keeping each raw segment. */
function segments(v: string): string[] {
  const out: string[] = [];
  let start = 0;
  let q = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (q) {
      if (c === 0x5c) i++;
      else if (c === 0x22) q = false;
    } else if (c === 0x22) q = true;
    else if (c === 0x2c) { out.push(v.slice(start, i)); start = i + 1; }
  }
  out.push(v.slice(start));
  return out;
}

export function editHeaders(a: HttpAction, env: AclEnv, dir: Dir, loc: Loc): Step {
  const list = dir === 'req' ? (txn: HttpTxn): HeaderList => txn.editReq() : (txn: HttpTxn): HeaderList => txn.editRes();
  switch (a.type) {
    case 'set-header': case 'add-header': {
      const value = compileLogFormat(a.value, env, loc, dir);
      const name = a.name;
      if (a.type === 'add-header') return (txn) => { const v = value(txn); list(txn).add(name, v); return null; };
      // the value is computed before the old lines go, so it may read them
      return (txn) => { const v = value(txn); list(txn).set(name, v); return null; };
    }
    case 'del-header': {
      const p = a.name.toLowerCase();
      let pred: (n: string) => boolean;
      switch (a.match) {
        case 'str': pred = (n) => n === p; break;
        case 'beg': pred = (n) => n.startsWith(p); break;
        case 'end': pred = (n) => n.endsWith(p); break;
        case 'sub': pred = (n) => n.includes(p); break;
        case 'reg': { const re = regexOf(a.regex as RegexSpec); pred = (n) => re.test(n); break; }
      }
      return (txn) => { list(txn).delNames(pred); return null; };
    }
    case 'replace-header': case 'replace-value': {
      const name = a.name.toLowerCase();
      const re = regexOf(a.regex);
      const repl = compileLogFormat(a.replace, env, loc, dir);
      const perValue = a.type === 'replace-value';
      return (txn) => {
        const h = list(txn);
        let r: string | null = null;
        for (let i = 0; i < h.names.length; i++) {
          if (h.names[i] !== name) continue;
          r ??= repl(txn);
          const v = h.values[i] as string;
          if (!perValue) {
            const m = re.exec(v);
            if (m !== null) h.values[i] = expReplace(m, r);
            continue;
          }
          // a replaced value loses the blanks around it; untouched ones keep theirs
          const segs = segments(v);
          let changed = false;
          for (let k = 0; k < segs.length; k++) {
            const m = re.exec((segs[k] as string).trim());
            if (m !== null) { segs[k] = expReplace(m, r); changed = true; }
          }
          if (changed) h.values[i] = segs.join(',');
        }
        return null;
      };
    }
    default:
      throw new Error(`editHeaders: ${a.type}`);
  }
}
