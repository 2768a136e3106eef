/**
 * The ACL engine at run time: sample fetches, converters and matchers compiled once per
 * configuration into plain functions over an HttpTxn (HAProxy's acl.c / pattern.c / http_fetch.c
 * for the subset Halyard serves). Every ACL in a condition is compiled at start-up; anything the
 * engine cannot evaluate stops start-up with a HalyardError naming file:line, never a silent false.
 *
 * A fetch returns the list of values it produced (`hdr(x)` yields one per comma-separated element
 * of every x line, as HAProxy iterates them), or null when the sample does not exist. A test
 * matches when any value matches any pattern, as in HAProxy.
 */
import { BlockList, isIPv4 } from 'node:net';
import type { AclConfig, AclTest, Condition, LogFormat, ProxyConfig, SampleExpr } from '../config/model.js';
import { HalyardError } from '../errors.js';
import type { HttpTxn } from '../http/txn.js';
import type { BackendRuntime } from '../runtime/backend-runtime.js';

export interface AclEnv {
  readonly px: ProxyConfig;
  backend(name: string): BackendRuntime | undefined;
}

export type TxnPred = (txn: HttpTxn) => boolean;
type Fetch = (txn: HttpTxn) => string[] | null;

function refuse(loc: { file: string; line: number }, what: string): never {
  throw new HalyardError('HLY_CFG_UNSUPPORTED', `${loc.file}:${loc.line} : ${what} is not supported by Halyard yet.`);
}

/** HAProxy's hdr(): every comma-separated element of every line, trimmed. */
function splitValues(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l.indexOf(',') < 0) {
      out.push(l);
      continue;
    }
    for (const v of l.split(',')) out.push(v.trim());
  }
  return out;
}

/** `hdr(name[,occ])`: occ > 0 the occ-th value, < 0 counted from the end, absent: all. */
function occurrence(values: string[], occ: string | undefined): string[] | null {
  if (values.length === 0) return null;
  if (occ === undefined || occ === '') return values;
  const n = Number(occ);
  const v = n > 0 ? values[n - 1] : n < 0 ? values[values.length + n] : undefined;
  return v === undefined ? null : [v];
}

function urlParam(query: string | null, name: string): string[] | null {
  if (query === null) return null;
  const out: string[] = [];
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if ((eq < 0 ? part : part.slice(0, eq)) === name) out.push(eq < 0 ? '' : part.slice(eq + 1));
  }
  return out.length > 0 ? out : null;
}

/** The sample fetches Halyard evaluates; `loc` names the line for refusals. */
function compileFetch(expr: SampleExpr, env: AclEnv, loc: { file: string; line: number }): Fetch {
  const a = expr.args;
  switch (expr.fetch) {
    case 'path': return (t) => [t.path()];
    case 'url': return (t) => [t.uri()];
    case 'query': return (t) => { const q = t.query(); return q === null ? null : [q]; };
    case 'method': return (t) => [t.method()];
    case 'base': return (t) => { const h = t.reqHeaderLines('host')[0]; return [(h ?? '') + t.path()]; };
    case 'url_param': case 'urlp': {
      const name = a[0] ?? '';
      return (t) => urlParam(t.query(), name);
    }
    case 'hdr': case 'req.hdr': {
      const name = (a[0] ?? '').toLowerCase();
      const occ = a[1];
      if (name === '') return (t) => { const l = t.reqHeaderAll(); return l.length === 0 ? null : splitValues(l.values); };
      return (t) => occurrence(splitValues(t.reqHeaderLines(name)), occ);
    }
    case 'fhdr': case 'req.fhdr': {
      const name = (a[0] ?? '').toLowerCase();
      const occ = a[1];
      return (t) => occurrence(t.reqHeaderLines(name), occ);
    }
    case 'hdr_cnt': case 'req.hdr_cnt': {
      const name = (a[0] ?? '').toLowerCase();
      return (t) => [String(name === '' ? t.reqHeaderAll().length : splitValues(t.reqHeaderLines(name)).length)];
    }
    case 'hdr_val': case 'req.hdr_val': {
      const name = (a[0] ?? '').toLowerCase();
      return (t) => { const v = splitValues(t.reqHeaderLines(name)); return v.length === 0 ? null : v.map((x) => String(parseInt(x, 10) || 0)); };
    }
    case 'res.hdr': case 'shdr': {
      const name = (a[0] ?? '').toLowerCase();
      const occ = a[1];
      return (t) => occurrence(splitValues(t.resHeaderLines(name)), occ);
    }
    case 'res.fhdr': {
      const name = (a[0] ?? '').toLowerCase();
      return (t) => occurrence(t.resHeaderLines(name), a[1]);
    }
    case 'status': return (t) => (t.status() === 0 ? null : [String(t.status())]);
    case 'req.ver': return (t) => [t.reqVersion()];
    case 'req.proto_http': return () => ['1'];
    case 'src': return (t) => [t.conn.srcIp];
    case 'dst': return (t) => [t.conn.dstIp];
    case 'src_port': return (t) => [String(t.conn.srcPort)];
    case 'dst_port': return (t) => [String(t.conn.dstPort)];
    case 'always_true': return () => ['1'];
    case 'always_false': return () => ['0'];
    case 'fe_name': return (t) => [t.frontend];
    case 'be_name': return (t) => (t.backend === '' ? null : [t.backend]);
    case 'srv_name': return (t) => (t.server === '' ? null : [t.server]);
    case 'nbsrv': {
      const name = a[0];
      if (name === undefined || name === '') {
        return (t) => { const b = t.backend === '' ? undefined : env.backend(t.backend); return b === undefined ? null : [String(b.be.lb.srvAct || b.be.lb.srvBck)]; };
      }
      return () => { const b = env.backend(name); return b === undefined ? ['0'] : [String(b.be.lb.srvAct || b.be.lb.srvBck)]; };
    }
    case 'str': return () => [a[0] ?? ''];
    case 'int': return () => [a[0] ?? '0'];
    case 'req.cook': case 'cook': {
      const name = a[0] ?? '';
      return (t) => {
        const out: string[] = [];
        for (const line of t.reqHeaderLines('cookie')) {
          for (const part of line.split(';')) {
            const p = part.trim();
            const eq = p.indexOf('=');
            if (eq >= 0 && p.slice(0, eq) === name) out.push(p.slice(eq + 1));
          }
        }
        return out.length === 0 ? null : out;
      };
    }
    default:
      return refuse(loc, `the sample fetch '${expr.fetch}'`);
  }
}

type Conv = (v: string) => string | null;

function compileConverter(c: SampleExpr['converters'][number], loc: { file: string; line: number }): Conv {
  switch (c.name) {
    case 'lower': return (v) => v.toLowerCase();
    case 'upper': return (v) => v.toUpperCase();
    case 'length': return (v) => String(v.length);
    case 'map': case 'map_str': case 'map_beg': case 'map_end': case 'map_sub': {
      const entries = c.map?.entries ?? [];
      const dflt = c.args[1];
      const exact = new Map(entries);
      const kind = c.name;
      return (v) => {
        let hit: string | undefined;
        if (kind === 'map' || kind === 'map_str') hit = exact.get(v);
        else {
          for (const [k, val] of entries) {
            if (kind === 'map_beg' ? v.startsWith(k) : kind === 'map_end' ? v.endsWith(k) : v.includes(k)) { hit = val; break; }
          }
        }
        return hit ?? dflt ?? null;
      };
    }
    default:
      return refuse(loc, `the converter '${c.name}'`);
  }
}

/** A whole sample expression: fetch then converters; values that a converter drops go away. */
function compileExpr(expr: SampleExpr, env: AclEnv, loc: { file: string; line: number }): Fetch {
  const fetch = compileFetch(expr, env, loc);
  if (expr.converters.length === 0) return fetch;
  const convs = expr.converters.map((c) => compileConverter(c, loc));
  return (t) => {
    const vals = fetch(t);
    if (vals === null) return null;
    const out: string[] = [];
    for (let v of vals) {
      let ok = true;
      for (const c of convs) {
        const r = c(v);
        if (r === null) { ok = false; break; }
        v = r;
      }
      if (ok) out.push(v);
    }
    return out.length === 0 ? null : out;
  };
}

export function compileSample(expr: SampleExpr, env: AclEnv, loc: { file: string; line: number } = env.px.loc): (txn: HttpTxn) => string | null {
  const f = compileExpr(expr, env, loc);
  return (t) => { const v = f(t); return v === null ? null : (v[0] ?? null); };
}

/** One value against the test's patterns. */
type Matcher = (v: string) => boolean;

function compileMatcher(test: AclTest): Matcher {
  const ic = test.ignoreCase;
  const strs = test.values.filter((v) => v.kind === 'str').map((v) => (v as { str: string }).str);
  const norm = (s: string): string => (ic ? s.toLowerCase() : s);
  const pats = strs.map(norm);
  switch (test.match) {
    case 'found': return () => true;
    case 'str': {
      const set = new Set(pats);
      return (v) => set.has(norm(v));
    }
    case 'beg': return (v) => { const x = norm(v); return pats.some((p) => x.startsWith(p)); };
    case 'end': return (v) => { const x = norm(v); return pats.some((p) => x.endsWith(p)); };
    case 'sub': return (v) => { const x = norm(v); return pats.some((p) => x.includes(p)); };
    case 'dir': return (v) => { const parts = norm(v).split('/'); return pats.some((p) => { const pp = p.replace(/^\/+|\/+$/g, ''); return pp === '' ? true : containsSeq(parts, pp.split('/')); }); };
    case 'dom': return (v) => { const parts = norm(v).split(/[./]/); return pats.some((p) => { const pp = p.replace(/^\.+|\.+$/g, ''); return containsSeq(parts, pp.split('.')); }); };
    case 'len': {
      const ranges = test.values.map((v) => (v.kind === 'int' ? v : null)).filter((v) => v !== null);
      return (v) => ranges.some((r) => inRange(v.length, r));
    }
    case 'int': case 'bool': {
      const ranges = test.values.map((v) => (v.kind === 'int' ? v : null)).filter((v) => v !== null);
      if (test.match === 'bool') return (v) => Number(v) !== 0;
      return (v) => { const n = Number(v); return Number.isFinite(n) && ranges.some((r) => inRange(n, r)); };
    }
    case 'reg': {
      const res = test.values.map((v) => (v.kind === 'reg' ? new RegExp(v.re, v.flags) : null)).filter((v) => v !== null);
      return (v) => res.some((re) => re.test(v));
    }
    case 'ip': {
      const list = new BlockList();
      for (const v of test.values) {
        if (v.kind !== 'ip') continue;
        const type = v.family === 4 ? 'ipv4' : 'ipv6';
        if (v.prefix === (v.family === 4 ? 32 : 128)) list.addAddress(v.addr, type);
        else list.addSubnet(v.addr, v.prefix, type);
      }
      return (v) => v !== '' && list.check(v, isIPv4(v) ? 'ipv4' : 'ipv6');
    }
    default:
      return refuse(test.loc, `the matching method '-m ${test.match}'`);
  }
}

function containsSeq(parts: string[], seq: string[]): boolean {
  for (let i = 0; i + seq.length <= parts.length; i++) {
    let ok = true;
    for (let j = 0; j < seq.length; j++) if (parts[i + j] !== seq[j]) { ok = false; break; }
    if (ok) return true;
  }
  return false;
}

function inRange(n: number, r: { min?: number; max?: number }): boolean {
  return (r.min === undefined || n >= r.min) && (r.max === undefined || n <= r.max);
}

function compileTest(test: AclTest, env: AclEnv): TxnPred {
  const fetch = compileExpr(test.expr, env, test.loc);
  const f0 = test.expr.fetch;
  // boolean fetches (always_true, always_false) match on their own value
  if (f0 === 'always_true') return () => true;
  if (f0 === 'always_false') return () => false;
  if (test.match === 'found') return (t) => fetch(t) !== null;
  const m = compileMatcher(test);
  return (t) => {
    const vals = fetch(t);
    if (vals === null) return false;
    for (const v of vals) if (m(v)) return true;
    return false;
  };
}

function compileAcl(defs: AclConfig[], env: AclEnv): TxnPred {
  const preds = defs.flatMap((d) => d.tests.map((t) => compileTest(t, env)));
  if (preds.length === 1) return preds[0] as TxnPred;
  return (t) => { for (const p of preds) if (p(t)) return true; return false; };
}

/** `if|unless` followed by ORed groups of ANDed, maybe negated, ACL names. */
export function compileCondition(cond: Condition, px: ProxyConfig, env: AclEnv): TxnPred {
  const byName = (name: string, scope: string): TxnPred => {
    let defs = px.acls.filter((a) => a.name === name && a.scope === scope);
    if (defs.length === 0) defs = px.acls.filter((a) => a.name === name);
    if (defs.length === 0) return refuse(cond.loc, `the ACL '${name}'`);
    return compileAcl(defs, env);
  };
  const or = cond.or.map((and) => and.map((t) => ({ pred: byName(t.acl, t.scope), negate: t.negate })));
  const unless = cond.polarity === 'unless';
  return (txn) => {
    let v = false;
    for (const and of or) {
      let all = true;
      for (const t of and) {
        if (t.pred(txn) === t.negate) { all = false; break; }
      }
      if (all) { v = true; break; }
    }
    return v !== unless;
  };
}

/** Log-format variables Halyard can compute at request time. */
function compileVar(name: string, loc: { file: string; line: number }): (t: HttpTxn) => string {
  switch (name) {
    case 'ci': return (t) => t.conn.srcIp;
    case 'cp': return (t) => String(t.conn.srcPort);
    case 'fi': return (t) => t.conn.dstIp;
    case 'fp': return (t) => String(t.conn.dstPort);
    case 'f': case 'ft': return (t) => t.frontend;
    case 'b': return (t) => t.backend;
    case 's': return (t) => t.server;
    case 'HM': return (t) => t.method();
    case 'HU': return (t) => t.uri();
    case 'HP': return (t) => t.path();
    case 'HQ': return (t) => { const q = t.query(); return q === null ? '' : `?${q}`; };
    case 'HV': return (t) => `HTTP/${t.reqVersion()}`;
    case 'pid': return () => String(process.pid);
    case 'ST': return (t) => String(t.status());
    default: return refuse(loc, `the log-format variable '%${name}'`);
  }
}

export function compileLogFormat(fmt: LogFormat, env: AclEnv, loc: { file: string; line: number } = env.px.loc): (txn: HttpTxn) => string {
  const parts = fmt.parts.map((p): ((t: HttpTxn) => string) => {
    if ('lit' in p) { const s = p.lit; return () => s; }
    if ('expr' in p) {
      const f = compileSample(p.expr, env, loc);
      // an absent sample prints '-' unless it sits inside quotes/other text (HAProxy prints nothing then)
      return (t) => f(t) ?? '';
    }
    return compileVar(p.var, loc);
  });
  if (parts.length === 1) return parts[0] as (t: HttpTxn) => string;
  return (t) => { let s = ''; for (const p of parts) s += p(t); return s; };
}
