// ACL definitions and conditions. (Minimal first version: names, anonymous ACLs, predefined ACLs.
// The fetch x matcher tables and pattern validation are filled in by the ACL work.)
import { alert, type ParseResult, type Verdict } from '../diag.js';
import type { Word } from '../lexer.js';
import type { AclConfig, Condition, CondTerm } from '../model.js';
import type { ProxyKwContext } from '../parser.js';
import type { ProxyRows } from './proxy.js';

export const PREDEFINED_ACLS: ReadonlySet<string> = new Set([
  'TRUE', 'FALSE', 'HTTP', 'HTTP_1.0', 'HTTP_1.1', 'HTTP_2.0', 'HTTP_CONTENT', 'HTTP_URL_ABS', 'HTTP_URL_SLASH',
  'HTTP_URL_STAR', 'LOCALHOST', 'METH_CONNECT', 'METH_DELETE', 'METH_GET', 'METH_HEAD', 'METH_OPTIONS', 'METH_POST',
  'METH_PUT', 'METH_TRACE', 'RDP_COOKIE', 'REQ_CONTENT', 'WAIT_END',
]);

const ACL_NAME = /^[A-Za-z0-9_.:-]+$/;

/** Parse `<criterion> [flags] [values]` into an ACL named `name`. */
export function parseAclBody(name: string, words: readonly string[], c: ProxyKwContext): AclConfig | Verdict {
  const crit = words[0];
  if (crit === undefined) return alert('HLY_CFG_BAD_ARG', `missing ACL criterion`);
  const m = /^([a-z0-9_.]+)(?:\(([^)]*)\))?(.*)$/.exec(crit);
  const fetch = m?.[1] ?? crit;
  const fetchArgs = m?.[2] !== undefined && m[2] !== '' ? m[2].split(',') : [];
  let i = 1;
  let ignoreCase = false;
  let match = 'str';
  const files: string[] = [];
  for (; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w === '--') { i++; break; }
    if (!w.startsWith('-') || w.length === 1) break;
    if (w === '-i') { ignoreCase = true; continue; }
    if (w === '-n') continue;
    if (w === '-m') { match = words[++i] ?? ''; continue; }
    if (w === '-f') { files.push(words[++i] ?? ''); continue; }
    if (w === '-u' || w === '-M') { i++; continue; }
    return alert('HLY_CFG_BAD_ARG', `error detected while parsing ACL '${name}' : '${w}' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'.`);
  }
  return {
    name, fetch, fetchArgs, converters: [], match, ignoreCase, patterns: words.slice(i).map(String), files,
    noDns: false, loc: c.loc,
  };
}

function parseAcl(c: ProxyKwContext): ParseResult {
  const name = c.a[1];
  if (name === undefined || name === '') return alert('HLY_CFG_BAD_ARG', `'acl' expects an ACL name.`);
  if (!ACL_NAME.test(name)) {
    const bad = [...name].find((ch) => !ACL_NAME.test(ch)) ?? '';
    return alert('HLY_CFG_BAD_ARG', `character '${bad}' is not permitted in acl name '${name}'.`);
  }
  if (PREDEFINED_ACLS.has(name)) return alert('HLY_CFG_BAD_ARG', `'acl' : cannot redefine predefined ACL '${name}'.`);
  const acl = parseAclBody(name, c.a.slice(2), c);
  if ('severity' in acl) return acl;
  c.px.acls.push(acl);
  return undefined;
}

let anonCounter = 0;

/**
 * Parse `if|unless <cond>` starting at words[0]. `what` names the rule in error messages
 * ("switching rule", "an 'http-request deny' condition", ...).
 */
export function parseCondition(c: ProxyKwContext, words: readonly Word[], what: string): Condition | Verdict {
  const pol = words[0]?.text;
  if (pol !== 'if' && pol !== 'unless') {
    return alert('HLY_CFG_BAD_ARG', `error detected while parsing ${what} : expects 'if' or 'unless' followed by a condition but found '${pol ?? ''}'.`);
  }
  const or: CondTerm[][] = [[]];
  for (let i = 1; i < words.length; i++) {
    let t = words[i]?.text ?? '';
    if (t === 'or' || t === '||') { or.push([]); continue; }
    let negate = false;
    if (t.startsWith('!')) { negate = true; t = t.slice(1); if (t === '') { t = words[++i]?.text ?? ''; } }
    if (t === '{') {
      const close = words.findIndex((w, k) => k > i && w.text === '}');
      if (close < 0) return alert('HLY_CFG_BAD_ARG', `error detected while parsing ${what} : missing closing '}' in condition.`);
      const body = words.slice(i + 1, close).map((w) => w.text);
      const name = `{anon-${++anonCounter}}`;
      const acl = parseAclBody(name, body, c);
      if ('severity' in acl) return acl;
      c.px.acls.push(acl);
      (or[or.length - 1] ?? []).push({ acl: name, negate });
      i = close;
      continue;
    }
    if (!PREDEFINED_ACLS.has(t) && !c.px.acls.some((a) => a.name === t)) {
      return alert('HLY_CFG_REFERENCE', `error detected while parsing ${what} : no such ACL : '${t}'.`);
    }
    (or[or.length - 1] ?? []).push({ acl: t, negate });
  }
  return { polarity: pol, or, loc: c.loc };
}

export const aclRows: ProxyRows = [
  { name: 'acl', cap: 'any', defaults: 'named', parse: parseAcl },
];
