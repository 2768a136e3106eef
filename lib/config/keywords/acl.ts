// ACL definitions and conditions (HAProxy's acl.c at the config level). An ACL criterion is a
// sample fetch (maybe an ACL-keyword alias such as path_beg = path -m beg) x a matching method,
// then patterns parsed for that method. Conditions are `if|unless` + DNF over ACL names.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { Loc } from '../diag.js';
import type { Word } from '../lexer.js';
import type { AclConfig, AclMatch, AclTest, AclValue, Condition, CondTerm, ProxyConfig } from '../model.js';
import type { ProxyKwContext } from '../parser.js';
import { unsupported } from './common.js';
import type { ProxyRows } from './proxy.js';
import { INT_OPS, MATCHERS, parsePattern, type IntOp } from './acl-patterns.js';
import { CKP, FETCHES, ckpName, parseSample, type SmpType } from './sample.js';

/** HAProxy's ACL keywords: criterion name -> [sample fetch, matching method]. */
const ACL_KEYWORDS: ReadonlyMap<string, readonly [string, AclMatch]> = (() => {
  const m = new Map<string, readonly [string, AclMatch]>();
  const fam = (prefix: string, fetch: string): void => {
    m.set(prefix, [fetch, 'str']);
    for (const s of ['beg', 'dir', 'dom', 'end', 'len', 'reg', 'sub'] as const) m.set(`${prefix}_${s}`, [fetch, s]);
  };
  fam('base', 'base'); fam('cook', 'req.cook'); fam('hdr', 'req.hdr'); fam('path', 'path'); fam('url', 'url');
  fam('urlp', 'urlp'); fam('scook', 'res.cook'); fam('shdr', 'res.hdr');
  m.set('method', ['method', 'str']);
  m.set('http_auth_group', ['http_auth_group', 'str']);
  m.set('req_ver', ['req.ver', 'str']);
  m.set('resp_ver', ['res.ver', 'str']);
  m.set('payload', ['req.payload', 'bin']);
  m.set('payload_lv', ['req.payload_lv', 'bin']);
  m.set('req.ssl_ver', ['req.ssl_ver', 'int']);
  m.set('req_ssl_ver', ['req.ssl_ver', 'int']);
  m.set('req_rdp_cookie', ['req.rdp_cookie', 'str']);
  m.set('req_rdp_cookie_cnt', ['req.rdp_cookie_cnt', 'int']);
  m.set('req_ssl_sni', ['req.ssl_sni', 'str']);
  m.set('ssl_fc_sni_end', ['ssl_fc_sni', 'end']);
  m.set('ssl_fc_sni_reg', ['ssl_fc_sni', 'reg']);
  return m;
})();

/** Predefined ACLs and their definitions (HAProxy's acl.c table). */
const PREDEFINED: Readonly<Record<string, readonly string[]>> = {
  TRUE: ['always_true'], FALSE: ['always_false'], HTTP: ['req.proto_http'],
  'HTTP_1.0': ['req.ver', '1.0'], 'HTTP_1.1': ['req.ver', '1.1'], 'HTTP_2.0': ['req.ver', '2.0'],
  HTTP_CONTENT: ['req.hdr_val(content-length)', 'gt', '0'], HTTP_URL_ABS: ['url_reg', '^[^/:]*://'],
  HTTP_URL_SLASH: ['url_beg', '/'], HTTP_URL_STAR: ['url', '*'], LOCALHOST: ['src', '127.0.0.1/8', '::1'],
  METH_CONNECT: ['method', 'CONNECT'], METH_DELETE: ['method', 'DELETE'], METH_GET: ['method', 'GET', 'HEAD'],
  METH_HEAD: ['method', 'HEAD'], METH_OPTIONS: ['method', 'OPTIONS'], METH_POST: ['method', 'POST'],
  METH_PUT: ['method', 'PUT'], METH_TRACE: ['method', 'TRACE'], RDP_COOKIE: ['req.rdp_cookie_cnt', 'gt', '0'],
  REQ_CONTENT: ['req.len', 'gt', '0'], WAIT_END: ['wait_end'],
};
export const PREDEFINED_ACLS: ReadonlySet<string> = new Set(Object.keys(PREDEFINED));

const ACL_NAME = /^[A-Za-z0-9_.:-]+$/;

function defaultMatch(t: SmpType): AclMatch | undefined {
  switch (t) {
    case 'bool': return 'bool';
    case 'sint': return 'int';
    case 'ipv4': case 'ipv6': case 'addr': return 'ip';
    case 'str': case 'meth': return 'str';
    default: return undefined;
  }
}

export interface AclEnv { readonly baseDir: string; readonly loc: Loc }

/** What parseAclExpr gives: a test and its use mask, or an error text (HAProxy's inner message). */
export type AclExprResult =
  | { readonly ok: true; readonly test: AclTest; readonly use: number; readonly warn?: Verdict }
  | { readonly ok: false; readonly msg: string }
  | { readonly ok: false; readonly verdict: Verdict };

/** Parse `<criterion>[,conv...] [flags] [operator] <patterns...>`. */
export function parseAclExpr(words: readonly string[], env: AclEnv): AclExprResult {
  const crit = words[0] ?? '';
  if (crit === '') return { ok: false, msg: `missing fetch method in ACL expression ''.` };
  const head = /^[^(,]*/.exec(crit)?.[0] ?? '';
  const alias = ACL_KEYWORDS.get(head);
  const aliasDef = alias === undefined ? undefined : FETCHES.get(alias[0]);
  const smp = parseSample(crit, { baseDir: env.baseDir, ...(aliasDef !== undefined ? { fetchDef: aliasDef } : {}) });
  if (!smp.ok) {
    const e = smp.err;
    if (alias !== undefined) {
      switch (e.kind) {
        case 'fetch-args': return { ok: false, msg: `ACL keyword '${head}' : ${e.msg}.` };
        case 'unknown-conv': return { ok: false, msg: `ACL keyword '${head}' : unknown converter '${e.name}'..` };
        case 'conv-arg': return { ok: false, msg: `ACL keyword '${head}' : ${e.msg}..` };
        case 'unsupported': return { ok: false, verdict: unsupported(`ACL criterion '${head}' (${e.what})`) };
        default: break;
      }
    }
    switch (e.kind) {
      case 'missing-fetch': return { ok: false, msg: `missing fetch method in ACL expression '${crit}'.` };
      case 'unknown-fetch': return { ok: false, msg: `unknown fetch method '${e.name}' in ACL expression '${e.name}'.` };
      case 'fetch-args': return { ok: false, msg: `fetch method '${e.name}' : ${e.msg} in ACL expression '${crit}'.` };
      case 'unknown-conv': return { ok: false, msg: `unknown converter '${e.name}' in ACL expression '${crit}'.` };
      case 'conv-arg': return { ok: false, msg: `${e.msg} in ACL expression '${crit}'.` };
      case 'unsupported': return { ok: false, verdict: unsupported(`ACL criterion '${head}' (${e.what})`) };
    }
  }
  let match: AclMatch | undefined = alias?.[1] ?? defaultMatch(smp.out);
  let ignoreCase = false;
  let noDns = false;
  let explicitEnd = false;
  const files: string[] = [];
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i] ?? '';
    if (!w.startsWith('-')) break;
    if (w === '--') { i++; explicitEnd = true; break; }
    if (w === '-i') { ignoreCase = true; continue; }
    if (w === '-n') { noDns = true; continue; }
    if (w === '-M') continue;
    if (w === '-u') {
      const id = words[i + 1];
      if (id !== undefined && !/^[0-9]+$/.test(id)) return { ok: false, msg: `the argument of -u must be an integer.` };
      i++;
      continue;
    }
    if (w === '-f') { files.push(words[++i] ?? ''); continue; }
    if (w === '-m') {
      if (files.length > 0) return { ok: false, msg: `'-m' must only be specified before patterns and files in parsing ACL expression.` };
      const m = words[++i] ?? '';
      if (!(MATCHERS as readonly string[]).includes(m)) return { ok: false, msg: `unknown matching method '${m}' when parsing ACL expression.` };
      match = m as AclMatch;
      continue;
    }
    return { ok: false, msg: `'${w}' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'.` };
  }
  if (match === undefined) {
    return { ok: false, msg: `matching method must be specified first (using '-m') when using a sample fetch of this type ('${smp.expr.fetch}').` };
  }
  const values: AclValue[] = [];
  let op: IntOp = 'eq';
  const intLike = match === 'int' || match === 'len';
  const add = (p: string): string | undefined => {
    if (match === 'found' || match === 'bool') return undefined; // HAProxy ignores patterns there
    const v = parsePattern(match as AclMatch, p, ignoreCase, noDns, op);
    if (typeof v === 'string') return v;
    values.push(v);
    return undefined;
  };
  const patternWords = words.slice(i);
  for (const p of patternWords) {
    if (intLike && INT_OPS.has(p)) { op = p as IntOp; continue; }
    const err = add(p);
    if (err !== undefined) return { ok: false, msg: err };
  }
  for (const f of files) {
    let text: string;
    try { text = readFileSync(resolve(env.baseDir, f), 'latin1'); } catch { return { ok: false, msg: `failed to open pattern file <${f}>.` }; }
    for (const raw of text.split('\n')) {
      const line = raw.replace(/\r$/, '').replace(/^[ \t]+/, '');
      if (line === '' || line.startsWith('#')) continue;
      const err = add(line);
      if (err !== undefined) return { ok: false, msg: err };
    }
  }
  const test: AclTest = { kw: crit, expr: smp.expr, match, ignoreCase, values, files, noDns, loc: env.loc };
  const r: AclExprResult = { ok: true, test, use: smp.use };
  if (patternWords.length === 0 && files.length === 0 && !explicitEnd && match !== 'found' && match !== 'bool') {
    return {
      ...r,
      warn: warning('HLY_CFG_BAD_ARG', `parsing acl keyword '${crit}' :`, {
        style: 'none',
        tail: [
          '  no pattern to match against were provided, so this ACL will never match.',
          `  If this is what you intended, please add '--' to get rid of this warning.`,
          `  If you intended to match only for existence, please use '-m found'.`,
          `  If you wanted to force an int to match as a bool, please use '-m bool'.`,
          '',
        ],
      }),
    };
  }
  return r;
}

export function scopeOf(px: ProxyConfig): string {
  return `${px.kind} ${px.name}`;
}

/** Use masks of the ACLs of each proxy, kept beside the model (masks are parse-time data only). */
const useMasks = new WeakMap<AclConfig, number>();

function addTest(px: ProxyConfig, name: string, test: AclTest, use: number, extra: { anonymous: boolean; predefined: boolean }): AclConfig {
  const scope = scopeOf(px);
  let acl = px.acls.find((a) => a.name === name && a.scope === scope);
  if (acl === undefined) {
    acl = { name, scope, tests: [], anonymous: extra.anonymous, predefined: extra.predefined, loc: test.loc };
    px.acls.push(acl);
  }
  acl.tests.push(test);
  useMasks.set(acl, (useMasks.get(acl) ?? 0) | use);
  return acl;
}

function parseAcl(c: ProxyKwContext): ParseResult {
  const name = c.a[1];
  if (name === undefined || name === '') return alert('HLY_CFG_BAD_ARG', `character '' is not permitted in acl name ''.`);
  if (!ACL_NAME.test(name)) {
    const bad = [...name].find((ch) => !ACL_NAME.test(ch)) ?? '';
    return alert('HLY_CFG_BAD_ARG', `character '${bad}' is not permitted in acl name '${name}'.`);
  }
  const r = parseAclExpr(c.a.slice(2), { baseDir: c.parser.opts.baseDir, loc: c.loc });
  if (!r.ok) return 'verdict' in r ? r.verdict : alert('HLY_CFG_BAD_ARG', `error detected while parsing ACL '${name}' : ${r.msg}`);
  addTest(c.px, name, r.test, r.use, { anonymous: false, predefined: false });
  return r.warn;
}

/** The checkpoints a rule runs at, from the proxy's capabilities (HAProxy's `where`). */
export function ruleWhere(px: ProxyConfig, kind: 'http-request' | 'http-response' | 'switching' | 'use-server'): number {
  const fe = px.kind !== 'backend';
  const be = px.kind !== 'frontend';
  const bit = (b: number): number => 1 << b;
  switch (kind) {
    case 'http-request': return (fe ? bit(CKP.FE_HRQ_HDR) : 0) | (be ? bit(CKP.BE_HRQ_HDR) : 0);
    case 'http-response': return (fe ? bit(CKP.FE_HRS_HDR) : 0) | (be ? bit(CKP.BE_HRS_HDR) : 0);
    case 'switching': return bit(CKP.FE_SET_BCK);
    case 'use-server': return bit(CKP.BE_SET_SRV);
  }
}

export interface CondOptions {
  /** replaces `error detected while parsing <what> : ` (redirect's wording differs) */
  readonly prefix?: string;
  /** checkpoints the rule runs at, for HAProxy's "will never match" warnings */
  readonly where?: number;
  /** tcp-request rules: the warnings name the rule (`will never match in 'tcp-request content'`)
   *  and "no such ACL" has no final period, as HAProxy's tcp-rules parser words them */
  readonly rule?: string;
}

/**
 * Parse `if|unless <cond>` starting at words[0]. `what` names the rule in error messages
 * ("switching rule", "an 'http-request deny' condition", "'stats admin' rule").
 */
export function parseCondition(c: ProxyKwContext, words: readonly Word[], what: string, opts: CondOptions = {}): Condition | Verdict {
  const px = c.px;
  const pol = words[0]?.text;
  if (pol !== 'if' && pol !== 'unless') {
    if (what === "'stats admin' rule") return alert('HLY_CFG_BAD_ARG', `'stats admin' requires either 'if' or 'unless' followed by a condition.`);
    if (what === 'switching rule') return alert('HLY_CFG_BAD_ARG', `unexpected keyword '${pol ?? ''}' after switching rule, only 'if' and 'unless' are allowed.`);
    return alert('HLY_CFG_BAD_ARG', `'${what}' expects either 'if' or 'unless' followed by a condition but found '${pol ?? ''}'.`, { style: 'parsing-tight' });
  }
  // stats.ts passes "'stats admin' rule": HAProxy says "a 'stats admin' rule".
  const prefix = opts.prefix ?? `error detected while parsing ${what.startsWith("'") ? `a ${what}` : what} : `;
  const where = opts.where ?? (what === 'switching rule'
    ? ruleWhere(px, px.kind === 'backend' ? 'use-server' : 'switching')
    : ruleWhere(px, 'http-request'));
  const scope = scopeOf(px);
  const inRule = opts.rule !== undefined ? ` in '${opts.rule}'` : '';
  const or: CondTerm[][] = [];
  let suite: CondTerm[] | undefined;
  let negate = false;
  const push = (t: CondTerm): void => {
    if (suite === undefined) { suite = []; or.push(suite); }
    suite.push(t);
    negate = false;
  };
  for (let i = 1; i < words.length; i++) {
    let t = words[i]?.text ?? '';
    if (t.toLowerCase() === 'or' || t === '||') { suite = undefined; negate = false; continue; }
    while (t.startsWith('!')) { negate = !negate; t = t.slice(1); }
    if (t === '') continue; // a lone '!' applies to the next word
    if (t === '{') {
      const close = words.findIndex((w, k) => k > i && w.text === '}');
      if (close < 0) return alert('HLY_CFG_BAD_ARG', `${prefix}missing closing '}' in condition.`);
      const body = words.slice(i + 1, close).map((w) => w.text);
      const r = parseAclExpr(body, { baseDir: c.parser.opts.baseDir, loc: c.loc });
      if (!r.ok) return 'verdict' in r ? r.verdict : alert('HLY_CFG_BAD_ARG', `${prefix}${r.msg}`);
      if (r.warn !== undefined) c.parser.report(c.loc, r.warn);
      const name = `{anon-${px.acls.length}}`;
      addTest(px, name, r.test, r.use, { anonymous: true, predefined: false });
      if ((r.use & where) === 0) {
        c.parser.report(c.loc, warning('HLY_CFG_PLACEMENT', `anonymous acl will never match${inRule} because it uses keyword '${/^[^(,]*/.exec(body[0] ?? '')?.[0] ?? ''}' which is incompatible with '${ckpName(where)}'`));
      }
      push({ acl: name, negate, scope });
      i = close;
      continue;
    }
    let acl = px.acls.find((a) => a.name === t && a.scope === scope);
    if (acl === undefined) {
      const def = PREDEFINED[t];
      if (def === undefined) return alert('HLY_CFG_REFERENCE', `${prefix}no such ACL : '${t}'${opts.rule !== undefined ? '' : '.'}`);
      const r = parseAclExpr(def, { baseDir: c.parser.opts.baseDir, loc: c.loc });
      if (!r.ok) return 'verdict' in r ? unsupported(`predefined ACL '${t}'`) : alert('HLY_CFG_BAD_ARG', `${prefix}${r.msg}`);
      acl = addTest(px, t, r.test, r.use, { anonymous: false, predefined: true });
    }
    if (((useMasks.get(acl) ?? 0) & where) === 0) {
      c.parser.report(c.loc, warning('HLY_CFG_PLACEMENT', `acl '${t}' will never match${inRule} because it only involves keywords that are incompatible with '${ckpName(where)}'`));
    }
    push({ acl: t, negate, scope });
  }
  return { polarity: pol, or, loc: c.loc };
}

export const aclRows: ProxyRows = [
  { name: 'acl', cap: 'any', defaults: 'named', parse: parseAcl },
];
