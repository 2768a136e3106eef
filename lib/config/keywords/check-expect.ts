// `http-check expect` / `tcp-check expect`: one parser for both, with HAProxy 2.6's checks and
// messages (split from checks.ts, which builds the rule lists).
import type { Loc } from '../diag.js';
import type { CheckExpectRule, CheckStatusName, MatchMethod } from '../model.js';
import { atol } from '../values.js';

const OK_ST: Record<string, CheckStatusName> = { L7OK: 'L7OK', L7OKC: 'L7OKC', L6OK: 'L6OK', L4OK: 'L4OK' };
const ERR_ST: Record<string, CheckStatusName> = { L7RSP: 'L7RSP', L7STS: 'L7STS', L7OKC: 'L7OKC', L6RSP: 'L6RSP', L4CON: 'L4CON' };
const TOUT_ST: Record<string, CheckStatusName> = { L7TOUT: 'L7TOUT', L6TOUT: 'L6TOUT', L4TOUT: 'L4TOUT' };
const MATCHES = new Set<string>(['str', 'beg', 'end', 'sub', 'reg']);

function checkRegex(p: string): string | undefined {
  try { new RegExp(p); return undefined; } catch (e: unknown) {
    return `regex '${p}' is invalid (error=${e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : 'invalid'})`;
  }
}

/** parse_tcpcheck_expect(): `a` holds the words after `expect`. */
export function parseExpect(a: readonly string[], http: boolean, loc: Loc, raw: string[]): CheckExpectRule | string {
  if ((a[0] ?? '') === '') return 'expects at least a matching pattern as arguments';
  let type: CheckExpectRule['type'] | undefined;
  let pattern = '';
  let negate = false;
  let minRecv = -1;
  let header: CheckExpectRule['header'];
  const r: { comment?: string; okStatus?: CheckStatusName; errorStatus?: CheckStatusName; toutStatus?: CheckStatusName; onSuccess?: string; onError?: string; statusCode?: string } = {};
  const badKw = (w: string): string => http
    ? `'only supports min-recv, [!]string', '[!]rstring', '[!]string-lf', '[!]status', '[!]rstatus', [!]hdr, [!]fhdr or comment but got '${w}' as argument.`
    : `'only supports min-recv, '[!]binary', '[!]string', '[!]rstring', '[!]string-lf''[!]rbinary', '[!]binary-lf' or comment but got '${w}' as argument.`;
  for (let i = 0; i < a.length; i++) {
    let w = a[i] ?? '';
    let inPattern = false;
    if (w.startsWith('!')) {
      inPattern = true;
      while (w.startsWith('!')) { negate = !negate; w = w.slice(1); }
      if (w === '') { i++; w = a[i] ?? ''; }
    }
    const next = a[i + 1] ?? '';
    const noBang = (): string | undefined => (inPattern ? `[!] not supported with '${w}'` : undefined);
    const setPattern = (t: CheckExpectRule['type']): string | undefined => {
      if (type !== undefined) return 'only on pattern expected';
      if (next === '') return `'${w}' expects a <pattern> as argument`;
      type = t; pattern = next; i++;
      return undefined;
    };
    let err: string | undefined;
    switch (w) {
      case 'min-recv':
        err = noBang();
        if (err === undefined && next === '') err = `'${w}' expects a integer as argument`;
        if (err === undefined) {
          minRecv = atol(next); i++;
          if (minRecv < -1 || minRecv > 2147483647) err = `'min-recv' expects -1 or an integer from 0 to INT_MAX`;
        }
        break;
      case 'string': case 'rstring': err = setPattern(w); break;
      case 'binary': case 'rbinary': err = http ? badKw(w) : setPattern(w); break;
      case 'string-lf': err = setPattern(w); break;
      case 'binary-lf': err = http ? badKw(w) : setPattern(w); break;
      case 'status': case 'rstatus': err = http ? setPattern(w) : badKw(w); break;
      case 'custom': err = noBang() ?? (type !== undefined ? 'only on pattern expected' : `'custom' expect rules are not supported by Halyard`); break;
      case 'hdr': case 'fhdr': {
        if (!http) { err = badKw(w); break; }
        if (type !== undefined) { err = 'only on pattern expected'; break; }
        type = w;
        if (next === '' || (a[i + 2] ?? '') === '' || (next !== 'name' && next !== 'name-lf')) {
          err = `'${w}' expects at the name keyword as first argument followed by a pattern`; break;
        }
        const h = { name: '', nameMatch: 'str' as MatchMethod, nameLf: next === 'name-lf', valueMatch: 'str' as MatchMethod, valueLf: false } as { name: string; nameMatch: MatchMethod; nameLf: boolean; value?: string; valueMatch: MatchMethod; valueLf: boolean };
        i += 2;
        if (a[i] === '-m') {
          const m = a[i + 1] ?? '';
          if (m === '') { err = `'${w}' : '-m' expects at a matching pattern ('str', 'beg', 'end', 'sub' or 'reg')`; break; }
          if (!MATCHES.has(m)) { err = `'${w}' : '-m' only supports 'str', 'beg', 'end', 'sub' or 'reg' (got '${m}')`; break; }
          if (m === 'reg' && h.nameLf) { err = `'${w}': log-format string is not supported with a regex matching method`; break; }
          h.nameMatch = m as MatchMethod; i += 2;
        }
        h.name = a[i] ?? '';
        const v = a[i + 1] ?? '';
        if (v === 'value' || v === 'value-lf') {
          h.valueLf = v === 'value-lf';
          if (a[i + 2] === '-m') {
            i += 2;
            const m = a[i + 1] ?? '';
            if (m === '') { err = `'${w}' : '-m' expects at a matching pattern ('str', 'beg', 'end', 'sub' or 'reg')`; break; }
            if (!MATCHES.has(m)) { err = `'${w}' : '-m' only supports 'str', 'beg', 'end', 'sub' or 'reg' (got '${m}')`; break; }
            if (m === 'reg' && h.valueLf) { err = `'${w}': log-format string is not supported with a regex matching method`; break; }
            h.valueMatch = m as MatchMethod;
          }
          if ((a[i + 2] ?? '') === '') { err = `'${w}' expect a pattern with the value keyword`; break; }
          h.value = a[i + 2] ?? ''; i += 2;
        }
        header = h;
        if (h.nameMatch === 'reg') err = checkRegex(h.name);
        if (err === undefined && h.value !== undefined && h.valueMatch === 'reg') err = checkRegex(h.value);
        break;
      }
      case 'comment': case 'on-success': case 'on-error':
        err = noBang();
        if (err === undefined && next === '') err = `'${w}' expects a string as argument`;
        if (err === undefined) { if (w === 'comment') r.comment = next; else if (w === 'on-success') r.onSuccess = next; else r.onError = next; i++; }
        break;
      case 'ok-status': case 'error-status': case 'tout-status': {
        err = noBang();
        if (err === undefined && next === '') err = `'${w}' expects a string as argument`;
        if (err !== undefined) break;
        const u = next.toUpperCase();
        if (w === 'ok-status') { const s = OK_ST[u]; if (s === undefined) err = `'${w}' only supports 'L4OK', 'L6OK', 'L7OK' or 'L7OKC' status (got '${next}').`; else r.okStatus = s; }
        else if (w === 'error-status') { const s = ERR_ST[u]; if (s === undefined) err = `'${w}' only supports 'L4CON', 'L6RSP', 'L7RSP' or 'L7STS' status (got '${next}').`; else r.errorStatus = s; }
        else { const s = TOUT_ST[u]; if (s === undefined) err = `'${w}' only supports 'L4TOUT', 'L6TOUT' or 'L7TOUT' status (got '${next}').`; else r.toutStatus = s; }
        i++;
        break;
      }
      case 'status-code':
        err = noBang();
        if (err === undefined && next === '') err = `'${w}' expects an expression as argument`;
        if (err === undefined) { r.statusCode = next; i++; }
        break;
      default:
        err = badKw(w);
    }
    if (err !== undefined) return err;
  }
  if (type === undefined) return 'pattern not found';
  let codes: [number, number][] | undefined;
  if (type === 'status') {
    codes = [];
    let p = 0;
    const readUint = (): number => { let v = 0; while (p < pattern.length && pattern[p]! >= '0' && pattern[p]! <= '9') { v = v * 10 + pattern.charCodeAt(p) - 48; p++; } return v; };
    for (;;) {
      const c1 = readUint();
      let c2 = c1;
      if (pattern[p] === '-') { p++; c2 = readUint(); }
      if (c1 > c2) return `invalid range of status codes '${pattern}'`;
      codes.push([c1, c2]);
      if (p >= pattern.length) break;
      if (pattern[p] !== ',') return `invalid character '${pattern[p] ?? ''}' in the list of status codes`;
      p++;
    }
  } else if (type === 'binary' && !/^([0-9a-fA-F]{2})*$/.test(pattern)) {
    return 'invalid binary string (an even number of hex digit is expected)';
  } else if (type === 'rstring' || type === 'rbinary' || type === 'rstatus') {
    const e = checkRegex(pattern);
    if (e !== undefined) return e;
  }
  return {
    kind: 'expect', args: raw, loc, type, pattern, negate, minRecv, implicit: false,
    ...(codes !== undefined ? { codes } : {}), ...(header !== undefined ? { header } : {}), ...r,
  };
}
