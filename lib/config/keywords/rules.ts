// http-request / http-response / http-after-response / redirect / errorfile. The action parsers
// live in rules-actions.ts; this file dispatches, parses conditions and emits HAProxy's ordering
// warnings.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { Condition, HttpRule, ProxyConfig } from '../model.js';
import { HAPROXY_HTTP_AFTER_RESPONSE, HAPROXY_HTTP_REQUEST, HAPROXY_HTTP_RESPONSE } from '../haproxy-keywords.js';
import { bestMatch } from '../values.js';
import { isVerdict, unsupported } from './common.js';
import { parseCondition, ruleWhere } from './acl.js';
import { FINAL_ACTIONS, parseAction, parseRedirectArgs } from './rules-actions.js';
import type { ProxyRows } from './proxy.js';

// HAProxy's action lists in its registration order, as its "expects ..." message prints them.
const REQ_LIST = `'wait-for-handshake', 'ot-group', 'set-log-level', 'set-nice', 'use-service', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'do-resolve(*)', 'cache-use', 'add-acl(*)', 'add-header', 'allow', 'auth', 'capture', 'del-acl(*)', 'del-header', 'del-map(*)', 'deny', 'disable-l7-retry', 'early-hint', 'normalize-uri', 'redirect', 'reject', 'replace-header', 'replace-path', 'replace-pathq', 'replace-uri', 'replace-value', 'return', 'set-header', 'set-map(*)', 'set-method', 'set-path', 'set-pathq', 'set-query', 'set-uri', 'strict-mode', 'tarpit', 'track-sc(*)', 'set-timeout', 'wait-for-body', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-dst', 'set-dst-port', 'set-mark', 'set-src', 'set-src-port', 'set-tos', 'silent-drop', 'set-priority-class', 'set-priority-offset', `;
const RES_LIST = `'ot-group', 'set-log-level', 'set-nice', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'cache-store', 'add-acl(*)', 'add-header', 'allow', 'capture', 'del-acl(*)', 'del-header', 'del-map(*)', 'deny', 'redirect', 'replace-header', 'replace-value', 'return', 'set-header', 'set-map(*)', 'set-status', 'strict-mode', 'track-sc(*)', 'wait-for-body', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-mark', 'set-tos', 'silent-drop', `;
const AFTER_LIST = `'ot-group', 'add-header', 'allow', 'capture', 'del-header', 'replace-header', 'replace-value', 'set-header', 'set-status', 'strict-mode', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', `;

const SUPPORTED_REQ = new Set(['allow', 'deny', 'redirect', 'return', 'set-header', 'add-header', 'del-header', 'replace-header', 'replace-value', 'set-path', 'set-pathq', 'set-query', 'replace-path', 'replace-pathq', 'set-uri', 'replace-uri', 'set-method', 'auth', 'tarpit', 'reject']);
const SUPPORTED_RES = new Set(['allow', 'deny', 'set-header', 'add-header', 'del-header', 'replace-header', 'replace-value', 'set-status', 'redirect', 'return']);
const SUPPORTED_AFTER = new Set(['allow', 'set-header', 'add-header', 'del-header', 'replace-header', 'replace-value', 'set-status']);

/** Actions HAProxy matches by prefix (`track-sc0`, `set-var(txn.x)`, `sc-inc-gpc0(1)`): its `(*)` entries. */
const PREFIX_ACTIONS: readonly string[] = [
  'sc-inc-gpc', 'sc-set-gpt', 'do-resolve', 'add-acl', 'del-acl', 'del-map', 'set-map', 'track-sc', 'set-var-fmt', 'set-var', 'unset-var',
];

type RuleList = 'httpRequest' | 'httpResponse' | 'httpAfterResponse';
const KW: Record<RuleList, string> = { httpRequest: 'http-request', httpResponse: 'http-response', httpAfterResponse: 'http-after-response' };

/** HAProxy's proxy_type_str(). */
function pxType(px: ProxyConfig): string {
  return px.kind === 'listen' ? 'proxy' : px.kind;
}

/** The ordering warnings (HAProxy's warnif_misplaced_*): rules run in a fixed order, not as written. */
function misplaced(px: ProxyConfig, kw: 'http-request' | 'redirect'): Verdict | undefined {
  const w = (after: string): Verdict => warning('HLY_CFG_PLACEMENT', `a '${kw}' rule placed after a '${after}' rule will still be processed before.`);
  if (kw === 'http-request' && px.redirects.length > 0) return w('redirect');
  if (px.useBackends.length > 0) return w('use_backend');
  if (px.useServers.length > 0) return w('use-server');
  return undefined;
}

function condAt(a: readonly string[], from: number): number {
  return a.findIndex((w, i) => i >= from && (w === 'if' || w === 'unless'));
}

/**
 * A failed http-request/http-response/http-after-response line makes HAProxy stop reading the file
 * (ERR_ABORT: no "Fatal errors found" line follows), unlike acl or redirect errors. Halyard's own
 * "not supported" verdicts do not abort, so that -c lists all of them.
 */
function aborting(r: ParseResult): ParseResult {
  if (r === undefined || Array.isArray(r)) return r;
  const v = r as Verdict;
  return v.severity === 'alert' && v.code !== 'HLY_CFG_UNSUPPORTED' ? { ...v, abort: true } : v;
}

function httpRule(list: RuleList, known: ReadonlySet<string>, supported: ReadonlySet<string>, names: string) {
  const parse = httpRuleParser(list, known, supported, names);
  return (c: ProxyKwContext): ParseResult => aborting(parse(c));
}

function httpRuleParser(list: RuleList, known: ReadonlySet<string>, supported: ReadonlySet<string>, names: string) {
  const kw = KW[list];
  return (c: ProxyKwContext): ParseResult => {
    const px = c.px;
    const action = c.a[1] ?? '';
    const base = action.replace(/\(.*$/, '');
    if (action === '') return alert('HLY_CFG_BAD_ARG', `'${kw}' expects ${names}but got '' (missing argument).`, { style: 'parsing-tight' });
    if (!supported.has(action)) {
      if (known.has(base) || PREFIX_ACTIONS.some((p) => known.has(p) && action.startsWith(p))) return unsupported(`'${kw} ${action}'`);
      if (action.startsWith('lua.')) return unsupported(`'${kw} ${action}'`, 'no Lua engine');
      const near = bestMatch(action, [...known]);
      return alert('HLY_CFG_UNKNOWN_KEYWORD', `'${kw}' expects ${names}but got '${action}'.${near !== undefined ? ` Did you mean '${near}' maybe ?` : ''}`, { style: 'parsing-tight' });
    }
    const out: Verdict[] = [];
    const where = ruleWhere(px, list === 'httpRequest' ? 'http-request' : 'http-response');
    const args = c.a.slice(2);
    const r = parseAction(action, args, { where, baseDir: c.parser.opts.baseDir });
    if (!r.ok) {
      if ('unsupported' in r) return unsupported(`${r.unsupported} in '${kw} ${action}'`);
      return alert('HLY_CFG_BAD_ARG', `error detected in ${pxType(px)} '${px.name}' while parsing '${kw} ${action}' rule : ${r.msg}`);
    }
    const rest = args.slice(r.next);
    let cond: Condition | undefined;
    if (rest.length > 0) {
      if (rest[0] !== 'if' && rest[0] !== 'unless') {
        return alert('HLY_CFG_BAD_ARG', `'${kw} ${action}' expects either 'if' or 'unless' followed by a condition but found '${rest[0] ?? ''}'.`, { style: 'parsing-tight' });
      }
      const cv = parseCondition(c, c.args.slice(2 + r.next), `an '${kw} ${action}' condition`, { where });
      if (isVerdict(cv)) return cv;
      cond = cv;
    }
    const rules = px[list];
    const prev = rules[rules.length - 1];
    if (prev !== undefined && prev.cond === undefined && FINAL_ACTIONS.has(prev.action)) {
      out.push(warning('HLY_CFG_PLACEMENT', `previous '${kw}' action is final and has no condition attached, further entries are NOOP.`, { style: 'parsing-tight' }));
    }
    if (list === 'httpRequest' && px.kind !== 'defaults') {
      const m = misplaced(px, 'http-request');
      if (m !== undefined) out.push(m);
    }
    const rule: HttpRule = {
      action, args: args.slice(0, r.next), params: r.action, loc: c.loc, ...(cond !== undefined ? { cond } : {}),
    };
    rules.push(rule);
    return out;
  };
}

function parseRedirect(c: ProxyKwContext): ParseResult {
  const px = c.px;
  const prefix = `error detected in ${pxType(px)} '${px.name}' while parsing redirect rule : `;
  const args = c.a.slice(1);
  const where = ruleWhere(px, 'http-request');
  const r = parseRedirectArgs(args, { where, baseDir: c.parser.opts.baseDir });
  if ('ok' in r) {
    if ('unsupported' in r) return unsupported(`${r.unsupported} in 'redirect'`);
    return alert('HLY_CFG_BAD_ARG', `${prefix}${r.msg}`);
  }
  let cond: Condition | undefined;
  if (condAt(args, r.next) === r.next) {
    const cv = parseCondition(c, c.args.slice(1 + r.next), 'redirect rule', { prefix: `${prefix}error in condition: `, where });
    if (isVerdict(cv)) return cv;
    cond = cv;
  }
  const w = misplaced(px, 'redirect');
  px.redirects.push({
    action: 'redirect', args: args.slice(0, r.next), params: { type: 'redirect', redirect: r.redirect }, loc: c.loc,
    ...(cond !== undefined ? { cond } : {}),
  });
  return w;
}

const ERRORFILE_CODES = new Set([200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504]);

/**
 * errorfile CODE FILE: the file is read and its head checked at load, as HAProxy does. An empty
 * file is accepted (it sends nothing: the `errorfile 408 /dev/null` trick).
 */
function parseErrorfile(c: ProxyKwContext): ParseResult {
  const codeText = c.a[1];
  const file = c.a[2];
  if (codeText === undefined || file === undefined) {
    return alert('HLY_CFG_BAD_ARG', `errorfile : expects <status_code> and <file> as arguments.`, { tail: [''] });
  }
  const code = /^[0-9]+/.exec(codeText) === null ? 0 : parseInt(codeText, 10);
  if (!ERRORFILE_CODES.has(code)) return alert('HLY_CFG_BAD_ARG', `errorfile : status code '${code}' not handled.`);
  let raw: string;
  try { raw = readFileSync(resolve(c.parser.opts.baseDir, file), 'latin1'); } catch {
    return alert('HLY_CFG_REFERENCE', `errorfile : error opening file '${file}'.`);
  }
  if (raw !== '' && !/^HTTP\/[0-9]\.[0-9] [0-9]{3}( [^\r\n]*)?\r?\n/.test(raw)) {
    return alert('HLY_CFG_BAD_ARG', `errorfile : '${file}': unable to parse headers (error offset: 0)`);
  }
  c.px.errorfiles[String(code)] = { file, raw, loc: c.loc };
  return undefined;
}

export const ruleRows: ProxyRows = [
  { name: 'http-request', cap: 'any', defaults: 'named', parse: httpRule('httpRequest', HAPROXY_HTTP_REQUEST, SUPPORTED_REQ, REQ_LIST) },
  { name: 'http-response', cap: 'any', defaults: 'named', parse: httpRule('httpResponse', HAPROXY_HTTP_RESPONSE, SUPPORTED_RES, RES_LIST) },
  { name: 'http-after-response', cap: 'any', defaults: 'named', parse: httpRule('httpAfterResponse', HAPROXY_HTTP_AFTER_RESPONSE, SUPPORTED_AFTER, AFTER_LIST) },
  { name: 'redirect', cap: 'any', defaults: 'no', parse: parseRedirect },
  { name: 'errorfile', cap: 'any', defaults: 'yes', parse: parseErrorfile },
];
