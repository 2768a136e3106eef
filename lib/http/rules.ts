/**
 * Routing (use_backend / default_backend) and http-request / http-response rules, compiled once
 * per proxy into the hooks the engine calls (frontends/http/hooks.ts). Reply bytes follow
 * HAProxy 2.6 (reference §8.4-8.6): lowercase header names, content-length first.
 */
import type { HttpReply, HttpRule, ProxyConfig, RedirectSpec, RegexSpec } from '../config/model.js';
import { HalyardError } from '../errors.js';
import { compileCondition, compileLogFormat, type AclEnv, type TxnPred } from '../acl/index.js';
import type { BackendRuntime } from '../runtime/backend-runtime.js';
import { NO_RULES, type ProxyRules, type Reply, type Router } from '../../frontends/http/hooks.js';
import { reasonOf } from '../../frontends/http/encode.js';
import type { HttpTxn } from './txn.js';

export interface RulesEnv extends AclEnv {
  errorPage(status: number): Buffer;
}

function refuse(loc: { file: string; line: number }, what: string): never {
  throw new HalyardError('HLY_CFG_UNSUPPORTED', `${loc.file}:${loc.line} : ${what} is not supported by Halyard yet.`);
}

export function compileRouting(px: ProxyConfig, env: RulesEnv, own: BackendRuntime | null): Router {
  const target = (name: string, loc: { file: string; line: number }): BackendRuntime => {
    const b = env.backend(name);
    if (b === undefined) throw new HalyardError('HLY_CFG_REFERENCE', `${loc.file}:${loc.line} : proxy '${px.name}': backend '${name}' is missing or disabled.`);
    return b;
  };
  const dflt = px.defaultBackend !== undefined ? target(px.defaultBackend.name, px.defaultBackend.loc) : own;
  const rules = px.useBackends.map((ub) => {
    const cond: TxnPred | null = ub.cond === undefined ? null : compileCondition(ub.cond, px, env);
    if (ub.dynamic) {
      const name = compileLogFormat(parseDynamicName(ub.name, px, ub.loc), env, ub.loc);
      return { cond, pick: (t: HttpTxn): BackendRuntime | null | undefined => env.backend(name(t)) ?? null };
    }
    const b = target(ub.name, ub.loc);
    return { cond, pick: (): BackendRuntime => b };
  });
  if (rules.length === 0) return () => dflt;
  return (t) => {
    for (const r of rules) {
      if (r.cond !== null && !r.cond(t)) continue;
      // a dynamic name naming no backend ends the search: default_backend applies (reference §7.5)
      return r.pick(t) ?? dflt;
    }
    return dflt;
  };
}

/** The config layer keeps a dynamic use_backend name as written; parse its %[...] parts. */
function parseDynamicName(text: string, px: ProxyConfig, loc: { file: string; line: number }): import('../config/model.js').LogFormat {
  const ub = px.useBackends.find((u) => u.name === text && u.dynamic);
  const fmt = (ub as unknown as { fmt?: import('../config/model.js').LogFormat } | undefined)?.fmt;
  if (fmt !== undefined) return fmt;
  // minimal parser: literal text and %[fetch(args),conv,...] expressions
  const parts: import('../config/model.js').LogFormatPart[] = [];
  let i = 0;
  while (i < text.length) {
    const j = text.indexOf('%[', i);
    if (j < 0) { parts.push({ lit: text.slice(i) }); break; }
    if (j > i) parts.push({ lit: text.slice(i, j) });
    const k = text.indexOf(']', j);
    if (k < 0) refuse(loc, `the dynamic backend name '${text}'`);
    const [head = '', ...convs] = text.slice(j + 2, k).split(',');
    const m = /^([a-z0-9._]+)(?:\((.*)\))?$/.exec(head);
    if (m === null) refuse(loc, `the dynamic backend name '${text}'`);
    parts.push({ expr: { fetch: m[1] as string, args: m[2] === undefined ? [] : m[2].split(','), converters: convs.map((c) => { const cm = /^([a-z0-9_]+)(?:\((.*)\))?$/.exec(c); return { name: cm?.[1] ?? c, args: cm?.[2] === undefined ? [] : cm[2].split(',') }; }) } });
    i = k + 1;
  }
  return { raw: text, parts };
}

// ---------------------------------------------------------------------------- replies

function replyBytes(status: number, reason: string, headers: [string, string][], body: string): Buffer {
  let s = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [n, v] of headers) s += `${n}: ${v}\r\n`;
  return Buffer.from(`${s}\r\n${body}`, 'latin1');
}

type ReplyFn = (t: HttpTxn) => Reply;

function compileReply(rep: HttpReply, env: RulesEnv, loc: { file: string; line: number }, term: string, close: boolean): ReplyFn {
  const status = rep.status;
  const hdrs = rep.headers.map((h) => ({ name: h.name.toLowerCase(), value: compileLogFormat(h.value, env, loc) }));
  const b = rep.body;
  if (b.kind === 'none' || b.kind === 'errorfile') {
    const page = b.kind === 'errorfile' ? Buffer.from(b.raw, 'latin1') : env.errorPage(status);
    if (hdrs.length > 0) refuse(loc, "'hdr' on a reply without a body");
    return () => ({ status, bytes: page, close, term });
  }
  let body: (t: HttpTxn) => string;
  if ('fmt' in b) body = compileLogFormat(b.fmt, env, loc); else { const txt = b.text; body = () => txt; }
  const ctype = rep.contentType;
  return (t) => {
    const text = body(t);
    const headers: [string, string][] = [['content-length', String(Buffer.byteLength(text, 'latin1'))]];
    if (ctype !== undefined) headers.push(['content-type', ctype]);
    for (const h of hdrs) headers.push([h.name, h.value(t)]);
    return { status, bytes: replyBytes(status, reasonOf(status), headers, text), close, term };
  };
}

const NO_CACHE_CODES = new Set([302, 303, 307]);

function compileRedirect(r: RedirectSpec, env: RulesEnv, loc: { file: string; line: number }): (t: HttpTxn) => Reply | null {
  const value = compileLogFormat(r.value, env, loc);
  const reason = { 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect' }[r.code];
  return (t) => {
    const v = value(t);
    if (r.ignoreEmpty && v === '') return null;
    let path = t.path();
    const q = t.query();
    if (r.appendSlash && !path.endsWith('/')) path += '/';
    const pq = path + (r.dropQuery || q === null ? '' : `?${q}`);
    let location: string;
    if (r.type === 'location') location = v;
    else if (r.type === 'prefix') location = v === '/' ? pq : v + pq;
    else location = `${v}://${t.reqHeaderLines('host')[0] ?? ''}${pq}`;
    const headers: [string, string][] = [['content-length', '0'], ['location', location]];
    if (NO_CACHE_CODES.has(r.code)) headers.push(['cache-control', 'no-cache']);
    if (r.setCookie !== undefined) headers.push(['set-cookie', `${r.setCookie.includes('=') ? r.setCookie : `${r.setCookie}=`}; path=/`]);
    if (r.clearCookie !== undefined) headers.push(['set-cookie', `${r.clearCookie.replace(/=$/, '')}=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/`]);
    return { status: r.code, bytes: replyBytes(r.code, reason, headers, ''), close: false, term: 'LR' };
  };
}

// ---------------------------------------------------------------------------- rules

/** What a compiled rule does: null = continue, 'stop' = stop this section's rules, or a reply. */
type Action = (t: HttpTxn, res: boolean) => Reply | null | 'stop';

function regexOf(r: RegexSpec, global: boolean): RegExp {
  return new RegExp(r.re, r.flags + (global ? 'g' : ''));
}

/** `\1`-style references in a replacement as JS `$1`. */
function jsReplacement(s: string): string {
  return s.replace(/\$/g, '$$$$').replace(/\\([0-9])/g, '$$$1');
}

function compileAction(rule: HttpRule, env: RulesEnv, res: boolean): Action {
  const p = rule.params;
  const loc = rule.loc;
  if (p === undefined) return refuse(loc, `'${res ? 'http-response' : 'http-request'} ${rule.action}'`);
  const hdrs = (t: HttpTxn) => (res ? t.editRes() : t.editReq());
  switch (p.type) {
    case 'allow': return () => 'stop';
    case 'reject': return () => ({ status: 0, bytes: Buffer.alloc(0), close: true, term: 'PR' });
    case 'deny': {
      if (rule.action === 'tarpit') return refuse(loc, "'tarpit'");
      // a denied response is replaced by a 502 unless a status says otherwise (http-response deny)
      const fn = compileReply(p.reply, env, loc, res ? 'PH' : 'PR', false);
      return (t) => fn(t);
    }
    case 'tarpit': return refuse(loc, "'tarpit'");
    case 'return': {
      const fn = compileReply(p.reply, env, loc, 'LR', false);
      return (t) => fn(t);
    }
    case 'auth': return refuse(loc, "'http-request auth' (userlists)");
    case 'redirect': {
      const fn = compileRedirect(p.redirect, env, loc);
      return (t) => fn(t);
    }
    case 'set-header': case 'add-header': {
      const name = p.name;
      const lower = name.toLowerCase();
      const value = compileLogFormat(p.value, env, loc);
      const set = p.type === 'set-header';
      return (t) => {
        const v = value(t); // computed before the removal: it may read the old value
        const l = hdrs(t);
        if (set) l.del(lower);
        l.add(lower, v);
        return null;
      };
    }
    case 'del-header': {
      const lower = p.name.toLowerCase();
      const m = p.match;
      if (m === 'str') return (t) => { hdrs(t).del(lower); return null; };
      const re = p.regex !== undefined ? regexOf(p.regex, false) : null;
      const l = lower;
      return (t) => {
        const list = hdrs(t);
        for (let i = list.names.length - 1; i >= 0; i--) {
          const n = list.names[i] as string;
          const hit = m === 'beg' ? n.startsWith(l) : m === 'end' ? n.endsWith(l) : m === 'sub' ? n.includes(l) : re !== null && re.test(n);
          if (hit) { list.names.splice(i, 1); list.values.splice(i, 1); }
        }
        return null;
      };
    }
    case 'replace-header': case 'replace-value': {
      const lower = p.name.toLowerCase();
      const re = regexOf(p.regex, false);
      const repl = compileLogFormat(p.replace, env, loc);
      const perValue = p.type === 'replace-value';
      return (t) => {
        const list = hdrs(t);
        const r = jsReplacement(repl(t));
        for (let i = 0; i < list.names.length; i++) {
          if (list.names[i] !== lower) continue;
          const v = list.values[i] as string;
          list.values[i] = perValue
            ? v.split(',').map((x) => { const y = x.trim(); return re.test(y) ? y.replace(re, r) : y; }).join(', ')
            : re.test(v) ? v.replace(re, r) : v;
        }
        return null;
      };
    }
    case 'set-path': case 'set-pathq': case 'set-query': case 'set-uri': case 'set-method': {
      const value = compileLogFormat(p.value, env, loc);
      const type = p.type;
      return (t) => {
        const v = value(t);
        const q = t.query();
        if (type === 'set-method') t.reqMethod = v;
        else if (type === 'set-uri') t.reqUri = v;
        else if (type === 'set-pathq') t.reqUri = v;
        else if (type === 'set-path') t.reqUri = v + (q === null ? '' : `?${q}`);
        else t.reqUri = t.path() + (v === '' ? '' : `?${v.replace(/^\?/, '')}`);
        return null;
      };
    }
    case 'replace-path': case 'replace-pathq': case 'replace-uri': {
      const re = regexOf(p.regex, false);
      const repl = compileLogFormat(p.replace, env, loc);
      const type = p.type;
      return (t) => {
        const r = jsReplacement(repl(t));
        if (type === 'replace-uri' || type === 'replace-pathq') {
          const u = t.uri();
          if (re.test(u)) t.reqUri = u.replace(re, r);
        } else {
          const path = t.path();
          const q = t.query();
          if (re.test(path)) t.reqUri = path.replace(re, r) + (q === null ? '' : `?${q}`);
        }
        return null;
      };
    }
    case 'set-status': {
      const status = p.status;
      const reason = p.reason;
      return (t) => {
        t.resStatus = status;
        t.resReason = reason ?? reasonOf(status);
        return null;
      };
    }
    default:
      return refuse(loc, `'${rule.action}'`);
  }
}

function compileList(rules: HttpRule[], px: ProxyConfig, env: RulesEnv, res: boolean): ((t: HttpTxn) => Reply | null) | null {
  if (rules.length === 0) return null;
  const list = rules.map((r) => ({ cond: r.cond === undefined ? null : compileCondition(r.cond, px, env), act: compileAction(r, env, res) }));
  return (t) => {
    for (const r of list) {
      if (r.cond !== null && !r.cond(t)) continue;
      const out = r.act(t, res);
      if (out === 'stop') return null;
      if (out !== null) return out;
    }
    return null;
  };
}

export function compileProxyRules(px: ProxyConfig, env: RulesEnv): ProxyRules {
  for (const r of px.httpAfterResponse) refuse(r.loc, "'http-after-response' rules");
  const req = compileList(px.httpRequest, px, env, false);
  const redirects = compileList(px.redirects, px, env, false);
  const resp = compileList(px.httpResponse, px, env, true);
  if (req === null && redirects === null && resp === null) return NO_RULES;
  return {
    empty: false,
    request: (t) => {
      if (req !== null) { const r = req(t); if (r !== null) return r; }
      return redirects !== null ? redirects(t) : null;
    },
    response: (t) => (resp !== null ? resp(t) : null),
  };
}
