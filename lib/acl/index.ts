/**
 * The ACL engine: conditions, sample expressions and log-format strings of the compiled model
 * turned into closures over an HttpTxn, once at start-up (HAProxy's acl.c / sample.c / log.c).
 * Nothing is parsed per request. Whatever the model can express and this engine does not
 * evaluate is refused here with file:line, never ignored.
 */
import type { Loc } from '../config/diag.js';
import type { AclConfig, AclTest, Condition, LogFormat, ProxyConfig, SampleExpr } from '../config/model.js';
import { HalyardError } from '../errors.js';
import type { HttpTxn } from '../http/txn.js';
import { compileConverter, type Conv } from './convert.js';
import { compileFetch, PROCESS, type AclEnv, type Dir, type Fetch } from './fetch.js';
import { compileMatcher } from './match.js';
import { refuse, toStr, type Val } from './value.js';

export type { AclEnv, Dir } from './fetch.js';
export type TxnPred = (txn: HttpTxn) => boolean;

/** A fetch with its converters applied: one value, or all of them for ACL iteration. */
interface Chain {
  one(txn: HttpTxn): Val | null;
  all: ((txn: HttpTxn) => (Val | null)[]) | null;
}

function chain(f: Fetch, convs: Conv[]): Chain {
  if (convs.length === 0) return { one: f.one, all: f.all };
  const apply = (v: Val | null): Val | null => {
    for (let i = 0; i < convs.length && v !== null; i++) v = (convs[i] as Conv)(v);
    return v;
  };
  const all = f.all;
  return {
    one: (txn) => apply(f.one(txn)),
    all: all === null ? null : (txn) => all(txn).map(apply),
  };
}

function compileChain(expr: SampleExpr, env: AclEnv, dir: Dir, loc: Loc | undefined): Chain {
  const f = compileFetch(expr.fetch, expr.args, env, dir, loc);
  return chain(f, expr.converters.map((c) => compileConverter(c, loc)));
}

/** A sample expression as a string producer (use_backend names, log-format); null = no sample. */
export function compileSample(expr: SampleExpr, env: AclEnv, loc?: Loc, dir: Dir = 'req'): (txn: HttpTxn) => string | null {
  const c = compileChain(expr, env, dir, loc);
  return (txn) => {
    const v = c.one(txn);
    return v === null ? null : toStr(v);
  };
}

/** One ACL test: the fetch (iterated where HAProxy iterates), converters, the matcher. */
export function compileTest(t: AclTest, env: AclEnv, dir: Dir = 'req'): TxnPred {
  // `hdr_*` ACL keywords follow the rule's direction in HAProxy; the model names them req.hdr
  const kwHead = /^[^(,]*/.exec(t.kw)?.[0] ?? '';
  const fetch = dir === 'res' && kwHead.startsWith('hdr') && t.expr.fetch === 'req.hdr' ? 'hdr' : t.expr.fetch;
  const c = compileChain({ ...t.expr, fetch }, env, dir, t.loc);
  const m = compileMatcher(t);
  if (c.all !== null) {
    const all = c.all;
    return (txn) => {
      for (const v of all(txn)) if (v !== null && m(v)) return true;
      return false;
    };
  }
  const one = c.one;
  return (txn) => {
    const v = one(txn);
    return v !== null && m(v);
  };
}

function findAcl(px: ProxyConfig, name: string, scope: string): AclConfig | undefined {
  return px.acls.find((a) => a.name === name && a.scope === scope) ?? px.acls.find((a) => a.name === name);
}

/**
 * A condition as a predicate: DNF over ACLs (each ACL the OR of its tests), `unless` inverted.
 * `dir` is 'res' for http-response rules (hdr() then reads the response).
 */
export function compileCondition(cond: Condition, px: ProxyConfig, env: AclEnv, dir: Dir = 'req'): TxnPred {
  const cache = new Map<string, TxnPred>();
  const acl = (name: string, scope: string): TxnPred => {
    const key = `${scope}\0${name}`;
    let p = cache.get(key);
    if (p !== undefined) return p;
    const a = findAcl(px, name, scope);
    if (a === undefined) throw new HalyardError('HLY_CFG_REFERENCE', `${cond.loc.file}:${cond.loc.line} : no such ACL : '${name}'.`);
    const tests = a.tests.map((t) => compileTest(t, env, dir));
    p = tests.length === 1 ? (tests[0] as TxnPred) : (txn) => tests.some((t) => t(txn));
    cache.set(key, p);
    return p;
  };
  const ors: TxnPred[] = cond.or.map((and) => {
    const terms = and.map((t) => {
      const p = acl(t.acl, t.scope);
      return t.negate ? (txn: HttpTxn) => !p(txn) : p;
    });
    if (terms.length === 1) return terms[0] as TxnPred;
    return (txn: HttpTxn) => {
      for (const t of terms) if (!t(txn)) return false;
      return true;
    };
  });
  let p: TxnPred;
  if (ors.length === 0) p = () => false;
  else if (ors.length === 1) p = ors[0] as TxnPred;
  else p = (txn) => ors.some((o) => o(txn));
  if (cond.polarity === 'unless') {
    const q = p;
    return (txn) => !q(txn);
  }
  return p;
}

type Piece = string | ((txn: HttpTxn) => string);

/** Log-format option flags HAProxy applies to one node: +Q quotes, +X hexadecimal numbers. */
function withOpts(f: (txn: HttpTxn) => Val | null, opts: string | undefined, loc: Loc | undefined, what: string): (txn: HttpTxn) => string {
  let quote = false;
  let hex = false;
  for (const o of (opts ?? '').split(/(?=[+-])/)) {
    if (o === '') continue;
    const on = o[0] === '+';
    const name = o.slice(1);
    if (name === 'Q') quote = on;
    else if (name === 'X') hex = on;
    else throw refuse(loc, `log-format option '${o}' on ${what}`);
  }
  return (txn) => {
    const v = f(txn);
    // in rule arguments a missing sample is empty, quoted or not (observed on 2.6.12)
    if (v === null) return '';
    const s = hex && typeof v === 'number' ? v.toString(16).toUpperCase() : toStr(v);
    if (s === '') return quote ? '""' : '';
    return quote ? `"${s}"` : s;
  };
}

function compileVar(name: string, env: AclEnv, loc: Loc | undefined): ((txn: HttpTxn) => Val | null) {
  switch (name) {
    // a unix socket client is `unix` and its listener's id, as in the log
    case 'ci': return (txn) => txn.conn.logIp;
    case 'cp': return (txn) => txn.conn.logPort;
    case 'fi': return (txn) => txn.conn.dstIp;
    case 'fp': return (txn) => txn.conn.dstPort;
    case 'f': case 'ft': return (txn) => (txn.frontend === '' ? env.px.name : txn.frontend);
    case 'b': return (txn) => (txn.backend === '' ? null : txn.backend);
    case 's': return (txn) => (txn.server === '' ? null : txn.server);
    case 'H': return () => PROCESS.hostname;
    case 'pid': return () => PROCESS.pid;
    case 'r': return (txn) => `${txn.method()} ${txn.uri()} HTTP/${txn.reqVersion()}`;
    case 'ST': return (txn) => (txn.res === null ? null : txn.status());
    default: throw refuse(loc, `log-format variable '%${name}'`);
  }
}

/** A log-format string as a string producer (header values, redirect locations, reply bodies). */
export function compileLogFormat(fmt: LogFormat, env: AclEnv, loc?: Loc, dir: Dir = 'req'): (txn: HttpTxn) => string {
  const pieces: Piece[] = [];
  for (const p of fmt.parts) {
    if ('lit' in p) pieces.push(p.lit);
    else if ('expr' in p) {
      const c = compileChain(p.expr, env, dir, loc);
      pieces.push(withOpts(c.one, p.opts, loc, `%[${p.expr.fetch}]`));
    } else pieces.push(withOpts(compileVar(p.var, env, loc), p.opts, loc, `%${p.var}`));
  }
  if (pieces.length === 0) return () => '';
  if (pieces.length === 1) {
    const only = pieces[0] as Piece;
    if (typeof only === 'string') return () => only;
    return only;
  }
  return (txn) => {
    let s = '';
    for (const p of pieces) s += typeof p === 'string' ? p : p(txn);
    return s;
  };
}
