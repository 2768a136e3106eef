/**
 * Sample fetches (HAProxy's http_fetch.c / sample.c), compiled once per expression into closures
 * over an HttpTxn. A fetch gives its single value (`one`, what a sample in a log-format or a
 * use_backend name sees) and, for the fetches HAProxy iterates in ACLs (headers, cookies, URL
 * parameters), every value (`all`): an ACL matches when any of them matches.
 */
import { hostname } from 'node:os';
import type { Loc } from '../config/diag.js';
import type { ProxyConfig } from '../config/model.js';
import type { HttpTxn } from '../http/txn.js';
import type { BackendRuntime } from '../runtime/backend-runtime.js';
import { FETCHES } from '../config/keywords/sample.js';
import { Ip, parseIp, refuse, strToInt, type Val } from './value.js';

export interface AclEnv {
  readonly px: ProxyConfig;
  backend(name: string): BackendRuntime | undefined;
}

/** Which message `hdr()`-style direction-dependent fetches read. */
export type Dir = 'req' | 'res';

export interface Fetch {
  one(txn: HttpTxn): Val | null;
  /** every value, for ACL iteration; null when the fetch has one value */
  readonly all: ((txn: HttpTxn) => Val[]) | null;
}

/** HAProxy's http_find_header value splitting: commas outside quoted strings, values trimmed. */
export function splitValues(line: string, out: string[]): void {
  let start = 0;
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (q) {
      if (c === 0x5c) i++;
      else if (c === 0x22) q = false;
    } else if (c === 0x22) q = true;
    else if (c === 0x2c) {
      out.push(trim(line.slice(start, i)));
      start = i + 1;
    }
  }
  out.push(trim(line.slice(start)));
}

function trim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 0x20 || s.charCodeAt(a) === 0x09)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 0x20 || s.charCodeAt(b - 1) === 0x09)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

type Lines = (txn: HttpTxn, lower: string) => string[];
const reqLines: Lines = (txn, n) => txn.reqHeaderLines(n);
const resLines: Lines = (txn, n) => txn.resHeaderLines(n);
const reqAllLines = (txn: HttpTxn): string[] => txn.reqHeaderAll().values.slice();
const resAllLines = (txn: HttpTxn): string[] => txn.resHeaderAll().values.slice();

/** Header values: whole lines (`full`) or comma-split; an empty name means every header. */
function headerValues(lines: Lines, allLines: (txn: HttpTxn) => string[], name: string, full: boolean): (txn: HttpTxn) => string[] {
  const lower = name.toLowerCase();
  return (txn) => {
    const ls = lower === '' ? allLines(txn) : lines(txn, lower);
    if (full) return ls;
    const out: string[] = [];
    for (const l of ls) splitValues(l, out);
    return out;
  };
}

/** Picks occurrence `occ` (1-based, negative from the end, 0 = last for a single sample). */
function pick<T>(vals: T[], occ: number): T | null {
  if (occ > 0) return vals[occ - 1] ?? null;
  if (occ < 0) return vals[vals.length + occ] ?? null;
  return vals.length === 0 ? null : (vals[vals.length - 1] as T);
}

function multi<T extends Val>(values: (txn: HttpTxn) => T[], occArg: string | undefined, firstAsOne = false): Fetch {
  const occ = occArg === undefined || occArg === '' ? 0 : parseInt(occArg, 10);
  if (occ !== 0) return { one: (txn) => pick(values(txn), occ), all: null };
  return {
    one: firstAsOne ? (txn) => values(txn)[0] ?? null : (txn) => pick(values(txn), 0),
    all: values,
  };
}

function intsOf(values: (txn: HttpTxn) => string[]): (txn: HttpTxn) => number[] {
  return (txn) => values(txn).map((v) => strToInt(v) ?? 0);
}

function ipsOf(values: (txn: HttpTxn) => string[]): (txn: HttpTxn) => Ip[] {
  return (txn) => {
    const out: Ip[] = [];
    for (const v of values(txn)) {
      const ip = parseIp(v);
      if (ip !== null) out.push(ip);
    }
    return out;
  };
}

/** The path part of a request target (HAProxy's http_get_path), null when there is none. */
export function pathOf(uri: string): string | null {
  let u = uri;
  if (u.charCodeAt(0) !== 0x2f) {
    const s = u.indexOf('://');
    if (s <= 0) return null;
    const p = u.indexOf('/', s + 3);
    if (p < 0) return null;
    u = u.slice(p);
  }
  return u;
}

function pathNoQuery(txn: HttpTxn): string | null {
  const p = pathOf(txn.uri());
  if (p === null) return null;
  const q = p.indexOf('?');
  return q < 0 ? p : p.slice(0, q);
}

/** Cookie values named `name` in Cookie lines (request) or Set-Cookie lines (response). */
function cookieValues(lines: Lines, name: string, isReq: boolean): (txn: HttpTxn) => string[] {
  return (txn) => {
    const out: string[] = [];
    for (const line of lines(txn, isReq ? 'cookie' : 'set-cookie')) {
      const parts = isReq ? line.split(/[;,]/) : [line.split(';')[0] as string];
      for (const part of parts) {
        const eq = part.indexOf('=');
        if (eq < 0) continue;
        const n = trim(part.slice(0, eq));
        if (name === '' || n === name) {
          out.push(trim(part.slice(eq + 1)));
          if (name === '') return out;
        }
      }
    }
    return out;
  };
}

function cookieCount(lines: Lines, name: string): (txn: HttpTxn) => number {
  const vals = cookieValues(lines, name, true);
  return (txn) => vals(txn).length;
}

/** URL parameters named `name` (any when empty) in the query string, split at `delim` (default '&'). */
function urlParams(name: string, delim: string): (txn: HttpTxn) => string[] {
  const d = delim === '' ? '&' : delim;
  return (txn) => {
    const u = txn.uri();
    const q = u.indexOf('?');
    const out: string[] = [];
    if (q < 0) return out;
    let i = q + 1;
    while (i <= u.length) {
      let e = u.indexOf(d, i);
      if (e < 0) e = u.length;
      const part = u.slice(i, e);
      const eq = part.indexOf('=');
      const n = eq < 0 ? part : part.slice(0, eq);
      if (eq >= 0 && (name === '' || n === name)) out.push(part.slice(eq + 1));
      i = e + d.length;
    }
    return out;
  };
}

function one(f: (txn: HttpTxn) => Val | null): Fetch {
  return { one: f, all: null };
}

function nbsrv(b: BackendRuntime): number {
  const lb = b.be.lb;
  if (lb.srvAct > 0) return lb.srvAct;
  return lb.fbck !== null ? 1 : lb.srvBck;
}

const HOST = hostname();
/** FE_HRS_HDR and BE_HRS_HDR in a fetch's use mask. */
const RESPONSE_CKP = (1 << 16) | (1 << 12);

/** Compile fetch `name(args)`; `dir` picks request or response headers for `hdr()`-style names. */
export function compileFetch(name: string, args: readonly string[], env: AclEnv, dir: Dir, loc: Loc | undefined): Fetch {
  const a0 = args[0] ?? '';
  const a1 = args[1];
  const resDir = dir === 'res';
  // A fetch HAProxy cannot use at the response checkpoints (the request is gone by then, the
  // config check warns "will never match") gives no sample there.
  const def = FETCHES.get(name);
  if (resDir && def !== undefined && (def.use & RESPONSE_CKP) === 0) return one(() => null);
  switch (name) {
    case 'always_true': return one(() => true);
    case 'always_false': return one(() => false);
    case 'str': return one(() => a0);
    case 'int': return one(() => strToInt(a0) ?? 0);
    case 'env': return one(() => process.env[a0] ?? null);
    case 'path': return one(pathNoQuery);
    case 'pathq': return one((txn) => pathOf(txn.uri()));
    case 'query': return one((txn) => txn.query());
    case 'url': return one((txn) => txn.uri());
    case 'base': case 'baseq': {
      const withQuery = name === 'baseq';
      return one((txn) => {
        const host = txn.reqHeaderLines('host')[0];
        const full = pathOf(txn.uri());
        if (full === null) return null;
        const q = full.indexOf('?');
        const p = withQuery || q < 0 ? full : full.slice(0, q);
        return host === undefined || host === '' ? p : host + p;
      });
    }
    case 'url_port': return one((txn) => {
      const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/:?]*)(?::([0-9]+))?/.exec(txn.uri());
      if (m === null || parseIp(m[1] ?? '')?.family !== 4) return null;
      return m[2] === undefined ? 80 : parseInt(m[2], 10);
    });
    case 'url_param': case 'urlp':
      return multi(urlParams(a0, a1 ?? ''), undefined, true);
    case 'urlp_val':
      return multi(intsOf(urlParams(a0, a1 ?? '')), undefined, true);
    case 'method': return one((txn) => txn.method());
    case 'req.ver': case 'req_ver': return one((txn) => txn.reqVersion());
    case 'res.ver': return one((txn) => (txn.res === null ? null : txn.res.version === 10 ? '1.0' : '1.1'));
    case 'req.proto_http': return one(() => true);
    case 'src': return one((txn) => parseIp(txn.conn.srcIp));
    case 'dst': return one((txn) => parseIp(txn.conn.dstIp));
    case 'src_port': return one((txn) => txn.conn.srcPort);
    case 'dst_port': return one((txn) => txn.conn.dstPort);
    case 'nbsrv': {
      const b = env.backend(a0);
      if (b === undefined) throw refuse(loc, `nbsrv(${a0}) on a backend that does not exist or is not running`);
      return one(() => nbsrv(b));
    }
    case 'be_name': return one((txn) => (txn.backend === '' ? null : txn.backend));
    case 'fe_name': return one((txn) => (txn.frontend === '' ? env.px.name : txn.frontend));
    case 'srv_name': return one((txn) => (txn.server === '' ? null : txn.server));
    case 'status': return one((txn) => (txn.res === null ? null : txn.status()));
    // headers: hdr() follows the rule's direction, req.*/res.* are fixed
    case 'hdr': case 'req.hdr': case 'res.hdr': case 'req.fhdr': case 'res.fhdr': {
      const res = name === 'res.hdr' || name === 'res.fhdr' || (name === 'hdr' && resDir);
      const full = name.endsWith('fhdr');
      return multi(headerValues(res ? resLines : reqLines, res ? resAllLines : reqAllLines, a0, full), a1);
    }
    case 'hdr_cnt': case 'req.hdr_cnt': case 'res.hdr_cnt': case 'req.fhdr_cnt': case 'res.fhdr_cnt': {
      const res = name.startsWith('res.') || (name === 'hdr_cnt' && resDir);
      const vals = headerValues(res ? resLines : reqLines, res ? resAllLines : reqAllLines, a0, name.includes('fhdr'));
      return one((txn) => vals(txn).length);
    }
    case 'hdr_val': case 'req.hdr_val': case 'res.hdr_val': {
      const res = name === 'res.hdr_val' || (name === 'hdr_val' && resDir);
      return multi(intsOf(headerValues(res ? resLines : reqLines, res ? resAllLines : reqAllLines, a0, false)), a1);
    }
    case 'hdr_ip': case 'req.hdr_ip': {
      const res = name === 'hdr_ip' && resDir;
      return multi(ipsOf(headerValues(res ? resLines : reqLines, res ? resAllLines : reqAllLines, a0, false)), a1);
    }
    case 'cook': case 'req.cook':
      return multi(cookieValues(reqLines, a0, true), undefined);
    case 'res.cook':
      return multi(cookieValues(resLines, a0, false), undefined);
    case 'cook_cnt': case 'req.cook_cnt':
      return one(cookieCount(reqLines, a0));
    case 'cook_val': case 'req.cook_val':
      return multi(intsOf(cookieValues(reqLines, a0, true)), undefined);
    default:
      throw refuse(loc, `sample fetch '${name}'`);
  }
}

/** Things the log-format variables read that are process-wide. */
export const PROCESS = { hostname: HOST, pid: process.pid };
