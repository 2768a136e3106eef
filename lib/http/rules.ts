/**
 * Routing (use_backend / default_backend) and http-request / http-response / redirect rules,
 * compiled once per proxy into the closures the engine calls (HAProxy's http_ana.c order,
 * reference §7.6): http-request rules, then `redirect` rules; on the response side the
 * proxy's http-response rules. Every action the model can hold and this module does not run
 * is refused at compile time with file:line.
 */
import { dirname } from 'node:path';
import type { Loc } from '../config/diag.js';
import type { HttpAction, HttpReply, HttpRule, LogFormat, ProxyConfig, RedirectSpec } from '../config/model.js';
import { parseLogFormat } from '../config/keywords/logformat.js';
import { HalyardError } from '../errors.js';
import { compileCondition, compileLogFormat, type AclEnv, type Dir, type TxnPred } from '../acl/index.js';
import { refuse } from '../acl/value.js';
import type { BackendRuntime } from '../runtime/backend-runtime.js';
import { editHeaders } from './rules-headers.js';
import { editUri } from './rules-uri.js';
import { builtinPage, errorfilePage, type Page, type Reply } from './reply.js';
import { httpReason, REDIRECT_REASONS } from './reasons.js';
import type { HttpTxn } from './txn.js';

export type { Reply } from './reply.js';

export interface RulesEnv extends AclEnv {
  errorPage(status: number): Buffer;
}

export interface ProxyRules {
  /** http-request rules then `redirect` rules of this proxy, in HAProxy's order; a Reply ends the request */
  request(txn: HttpTxn): Reply | null;
  /** http-response rules of this proxy; a Reply replaces the server's response */
  response(txn: HttpTxn): Reply | null;
  /** true when both are no-ops (the engine skips the calls) */
  readonly empty: boolean;
}

/** What running one action gives: continue (null), stop this rule list, or a reply. */
export const STOP = 1;
export type Outcome = Reply | typeof STOP | null;
export type Step = (txn: HttpTxn) => Outcome;

interface CompiledRule {
  readonly cond: TxnPred | null;
  readonly run: Step;
}

const at = (loc: Loc): string => `${loc.file}:${loc.line}`;

/** The page a reply without a payload uses: the proxy's errorfile, else HAProxy's built-in one. */
function errorPageFor(px: ProxyConfig, env: RulesEnv, status: number, loc: Loc): Page {
  const ef = px.errorfiles[String(status)];
  if (ef !== undefined) return errorfilePage(ef.raw);
  const b = builtinPage(status);
  if (b !== undefined) return b;
  const bytes = env.errorPage(status);
  if (bytes.length === 0) throw new HalyardError('HLY_CFG_BAD_ARG', `${at(loc)} : no error page for status ${status}.`);
  return { bytes, close: false };
}

/** deny / return replies (HAProxy's http_reply): an error page or a custom response. */
function compileReply(reply: HttpReply, isDeny: boolean, px: ProxyConfig, env: RulesEnv, dir: Dir, loc: Loc, term: string | undefined): Step {
  const status = reply.status;
  const body = reply.body;
  const withTerm = (r: { bytes: Buffer; close: boolean }): Reply => (term === undefined ? { status, ...r } : { status, ...r, term });
  if (body.kind === 'errorfile') {
    const r = withTerm(errorfilePage(body.raw));
    return () => r;
  }
  const usesPage = body.kind === 'none' && reply.headers.length === 0 && (isDeny || reply.defaultErrorfiles === true);
  if (usesPage) {
    const r = withTerm(errorPageFor(px, env, status, loc));
    return () => r;
  }
  const hdrs = reply.headers.map((h) => ({ name: h.name.toLowerCase(), value: compileLogFormat(h.value, env, loc, dir) }));
  let payload: ((txn: HttpTxn) => string) | null = null;
  if (body.kind === 'string' || body.kind === 'file') { const t = body.text; payload = () => t; }
  else if (body.kind === 'lf-string' || body.kind === 'lf-file') payload = compileLogFormat(body.fmt, env, loc, dir);
  const ctype = payload !== null && reply.contentType !== undefined ? `content-type: ${reply.contentType}\r\n` : '';
  const statusLine = `HTTP/1.1 ${status} ${httpReason(status)}\r\n`;
  const noLength = status === 204 || (status >= 100 && status < 200);
  const build = (txn: HttpTxn): Reply => {
    let head = statusLine;
    for (const h of hdrs) head += `${h.name}: ${h.value(txn)}\r\n`;
    const b = payload === null ? '' : payload(txn);
    if (!noLength) head += `content-length: ${Buffer.byteLength(b, 'latin1')}\r\n`;
    head += ctype + '\r\n';
    return withTerm({ bytes: Buffer.from(head + b, 'latin1'), close: false });
  };
  const dynamic = hdrs.length > 0 || body.kind === 'lf-string' || body.kind === 'lf-file';
  if (!dynamic) {
    const fixed = build(null as unknown as HttpTxn);
    return () => fixed;
  }
  return build;
}

/** The part of the target after scheme://authority, as HAProxy's redirect uses it. */
function pathAndQuery(uri: string): string {
  if (uri.charCodeAt(0) === 0x2f) return uri;
  const s = uri.indexOf('://');
  if (s <= 0) return uri;
  const p = uri.indexOf('/', s + 3);
  return p < 0 ? '' : uri.slice(p);
}

/** redirect rules (both the `redirect` keyword and `http-request redirect`). */
function compileRedirect(spec: RedirectSpec, env: RulesEnv, dir: Dir, loc: Loc, term: string | undefined): Step {
  const code = spec.code;
  const value = compileLogFormat(spec.value, env, loc, dir);
  const startLine = `HTTP/1.1 ${code} ${REDIRECT_REASONS[code] ?? httpReason(code)}\r\ncontent-length: 0\r\nlocation: `;
  let tail = '\r\n';
  if (code === 302 || code === 303 || code === 307) tail += 'cache-control: no-cache\r\n';
  if (spec.setCookie !== undefined) tail += `set-cookie: ${spec.setCookie}; path=/;\r\n`;
  else if (spec.clearCookie !== undefined) tail += `set-cookie: ${spec.clearCookie}; path=/; Max-Age=0;\r\n`;
  tail += '\r\n';
  const uriPart = (txn: HttpTxn): string => {
    let p = pathAndQuery(txn.uri());
    if (spec.dropQuery) {
      const q = p.indexOf('?');
      if (q >= 0) p = p.slice(0, q);
    }
    if (spec.appendSlash && !p.endsWith('/')) p += '/';
    return p;
  };
  return (txn) => {
    const v = value(txn);
    if (v === '' && spec.ignoreEmpty) return null;
    let loc2: string;
    if (spec.type === 'location') loc2 = v;
    else if (spec.type === 'prefix') loc2 = v === '/' ? uriPart(txn) : v + uriPart(txn);
    else loc2 = `${v}://${txn.reqHeaderLines('host')[0] ?? ''}${uriPart(txn)}`;
    const r: Reply = { status: code, bytes: Buffer.from(startLine + loc2 + tail, 'latin1'), close: false };
    return term === undefined ? r : { ...r, term };
  };
}

function compileAction(rule: HttpRule, px: ProxyConfig, env: RulesEnv, dir: Dir, kw: string): Step {
  const a: HttpAction | undefined = rule.params;
  const loc = rule.loc;
  if (a === undefined) throw refuse(loc, `'${kw} ${rule.action}'`);
  const req = dir === 'req';
  switch (a.type) {
    case 'allow': return () => STOP;
    case 'deny': return compileReply(a.reply, true, px, env, dir, loc, req ? 'PR' : undefined);
    case 'return': return compileReply(a.reply, false, px, env, dir, loc, req ? 'LR' : undefined);
    case 'redirect': return compileRedirect(a.redirect, env, dir, loc, req ? 'LR' : undefined);
    case 'set-header': case 'add-header': case 'del-header': case 'replace-header': case 'replace-value':
      return editHeaders(a, env, dir, loc);
    case 'set-path': case 'set-pathq': case 'set-query': case 'set-uri': case 'set-method':
    case 'replace-path': case 'replace-pathq': case 'replace-uri':
      if (!req) throw refuse(loc, `'${kw} ${rule.action}'`);
      return editUri(a, env, loc);
    case 'set-status': {
      if (req) throw refuse(loc, `'${kw} ${rule.action}'`);
      const status = a.status;
      const reason = a.reason ?? httpReason(status);
      return (txn) => {
        txn.resStatus = status;
        txn.resReason = reason;
        return null;
      };
    }
    default:
      // reject, tarpit, auth: they need the engine (close without reply, delay, credentials)
      throw refuse(loc, `'${kw} ${rule.action}'`);
  }
}

function compileList(rules: readonly HttpRule[], px: ProxyConfig, env: RulesEnv, dir: Dir, kw: string): CompiledRule[] {
  return rules.map((r) => ({
    cond: r.cond === undefined ? null : compileCondition(r.cond, px, env, dir),
    run: compileAction(r, px, env, dir, kw),
  }));
}

function runList(list: readonly CompiledRule[], txn: HttpTxn): Outcome {
  for (let i = 0; i < list.length; i++) {
    const r = list[i] as CompiledRule;
    if (r.cond !== null && !r.cond(txn)) continue;
    const o = r.run(txn);
    if (o !== null) return o;
  }
  return null;
}

export function compileProxyRules(px: ProxyConfig, env: RulesEnv): ProxyRules {
  const after = px.httpAfterResponse[0];
  if (after !== undefined) throw refuse(after.loc, `'http-after-response ${after.action}'`);
  const reqRules = compileList(px.httpRequest, px, env, 'req', 'http-request');
  const redirects = compileList(px.redirects, px, env, 'req', 'redirect');
  const resRules = compileList(px.httpResponse, px, env, 'res', 'http-response');
  const empty = reqRules.length === 0 && redirects.length === 0 && resRules.length === 0;
  return {
    empty,
    request(txn) {
      const o = runList(reqRules, txn);
      if (o !== null && o !== STOP) return o;
      const r = runList(redirects, txn);
      return r === STOP ? null : r;
    },
    response(txn) {
      const o = runList(resRules, txn);
      return o === STOP ? null : o;
    },
  };
}

/**
 * use_backend rules in order (static names and dynamic `%[...]` names), then default_backend,
 * then a listen's own servers (`own` when the caller has it); null = no backend (the engine's 503).
 */
export function compileRouting(px: ProxyConfig, env: RulesEnv, own?: BackendRuntime | null): (txn: HttpTxn) => BackendRuntime | null {
  const target = (name: string, loc: Loc): BackendRuntime => {
    const b = env.backend(name);
    if (b === undefined) throw new HalyardError('HLY_CFG_REFERENCE', `${at(loc)} : proxy '${px.name}': backend '${name}' is missing or disabled.`);
    return b;
  };
  type Rule = { cond: TxnPred | null; fixed: BackendRuntime | null; name: ((txn: HttpTxn) => string) | null };
  const rules: Rule[] = px.useBackends.map((ub) => {
    const cond = ub.cond === undefined ? null : compileCondition(ub.cond, px, env);
    if (!ub.dynamic) return { cond, fixed: target(ub.name, ub.loc), name: null };
    const lf = parseLogFormat(ub.name, 1 << 5, dirname(ub.loc.file));
    if ('err' in lf) throw new HalyardError('HLY_CFG_BAD_ARG', `${at(ub.loc)} : failed to parse use_backend rule '${ub.name}' : ${lf.err}`);
    if ('unsupported' in lf) throw refuse(ub.loc, `${lf.unsupported} in use_backend rule '${ub.name}'`);
    return { cond, fixed: null, name: compileLogFormat(lf as LogFormat, env, ub.loc) };
  });
  const dflt = px.defaultBackend !== undefined
    ? target(px.defaultBackend.name, px.defaultBackend.loc)
    : own !== undefined ? own : px.kind === 'listen' ? env.backend(px.name) ?? null : null;
  if (rules.length === 0) return () => dflt;
  return (txn) => {
    for (const r of rules) {
      if (r.cond !== null && !r.cond(txn)) continue;
      if (r.fixed !== null) return r.fixed;
      // a dynamic name that names no backend ends the rules: default_backend applies
      return env.backend((r.name as (txn: HttpTxn) => string)(txn)) ?? dflt;
    }
    return dflt;
  };
}
