// Sample expressions: `fetch(args),conv(args),...` as used by ACLs, %[...] in log-format strings and
// dynamic use_backend names. The fetch and converter signatures come from HAProxy's own keyword dump
// (sample-data.ts); Halyard's runtime implements the SUPPORTED subset, the rest is "not supported".
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MapFile, SampleConverter, SampleExpr } from '../model.js';
import { FETCH_DUMP } from './sample-data.js';
import { CONVERTER_DUMP } from './converter-data.js';

export type SmpType = 'bool' | 'sint' | 'ipv4' | 'ipv6' | 'addr' | 'str' | 'bin' | 'meth' | 'any';

interface ArgSpec { readonly types: readonly string[]; readonly min: number }

export interface FetchDef extends ArgSpec { readonly name: string; readonly out: SmpType; readonly use: number }
export interface ConvDef extends ArgSpec { readonly name: string; readonly in: SmpType; readonly out: SmpType }

/** `a,b[,c]` -> types [a,b,c], min 2 */
function argSpec(s: string | undefined): ArgSpec {
  if (s === undefined || s === '') return { types: [], min: 0 };
  const opt = s.indexOf('[');
  const req = (opt < 0 ? s : s.slice(0, opt)).split(',').filter((x) => x !== '');
  const all = s.replace(/[[\]]/g, '').split(',').filter((x) => x !== '');
  return { types: all, min: req.length };
}

export const FETCHES: ReadonlyMap<string, FetchDef> = new Map(FETCH_DUMP.split('\n').filter((l) => l !== '').map((l) => {
  const m = /^([Y.]{22}) ([^(:]+)(?:\((.*)\))?: (\w+)$/.exec(l);
  if (m === null) throw new Error(`bad fetch dump line ${l}`);
  let use = 0;
  for (let i = 0; i < 22; i++) if (m[1]?.[i] === 'Y') use |= 1 << i;
  const name = m[2] ?? '';
  return [name, { name, ...argSpec(m[3]), out: m[4] as SmpType, use }];
}));

export const CONVERTERS: ReadonlyMap<string, ConvDef> = new Map(CONVERTER_DUMP.split('\n').filter((l) => l !== '').map((l) => {
  const m = /^([^(:]+)(?:\((.*)\))?: (\w+) => (\w+)$/.exec(l);
  if (m === null) throw new Error(`bad converter dump line ${l}`);
  const name = m[1] ?? '';
  return [name, { name, ...argSpec(m[2]), in: m[3] as SmpType, out: m[4] as SmpType }];
}));

/** HAProxy's rule checkpoints (bit numbers in FetchDef.use) and their names in its warnings. */
export const CKP = {
  FE_HRQ_HDR: 3, FE_SET_BCK: 5, BE_HRQ_HDR: 7, BE_SET_SRV: 9, BE_HRS_HDR: 12, FE_HRS_HDR: 16, FE_LOG_END: 18,
} as const;
export const CKP_NAMES: Readonly<Record<number, string>> = {
  0: 'frontend tcp-request connection rule', 1: 'frontend tcp-request session rule', 2: 'frontend tcp-request content rule',
  6: 'backend tcp-request content rule',
  3: 'frontend http-request header rule', 5: 'frontend use-backend rule', 7: 'backend http-request header rule',
  9: 'backend use-server, balance or stick-match rule', 12: 'backend http-response header rule',
  16: 'frontend http-response header rule', 18: 'logs',
};

/** Fetches Halyard's runtime evaluates. Others HAProxy knows are "not supported by Halyard". */
export const SUPPORTED_FETCHES: ReadonlySet<string> = new Set([
  'always_true', 'always_false', 'base', 'baseq', 'path', 'pathq', 'query', 'url', 'url_param', 'urlp', 'urlp_val',
  'hdr', 'req.hdr', 'req.fhdr', 'hdr_cnt', 'req.hdr_cnt', 'req.fhdr_cnt', 'hdr_val', 'req.hdr_val', 'hdr_ip', 'req.hdr_ip',
  'cook', 'req.cook', 'cook_cnt', 'req.cook_cnt', 'cook_val', 'req.cook_val', 'method', 'req.ver', 'req_ver',
  'req.proto_http', 'src', 'src_port', 'dst', 'dst_port', 'nbsrv', 'status', 'res.hdr', 'res.fhdr', 'res.hdr_cnt',
  'res.fhdr_cnt', 'res.hdr_val', 'res.cook', 'res.ver', 'str', 'int', 'env', 'be_name', 'fe_name', 'srv_name',
  'url_port',
]);

/** Converters Halyard's runtime applies. */
export const SUPPORTED_CONVERTERS: ReadonlySet<string> = new Set([
  'lower', 'upper', 'map', 'map_str', 'map_beg', 'map_sub', 'map_dir', 'map_dom', 'map_end', 'map_reg', 'map_int',
  'map_ip', 'map_str_int', 'map_beg_int', 'map_sub_int', 'map_dir_int', 'map_dom_int', 'map_end_int', 'map_reg_int',
  'field', 'word', 'regsub', 'host_only', 'port_only', 'length', 'ltrim', 'rtrim', 'url_dec', 'hex', 'base64',
  'bool', 'not', 'neg', 'add', 'sub', 'mul', 'div', 'mod', 'even', 'odd',
]);

/** Where a failure is: in the fetch, a converter, or the expression itself. Callers word it. */
export type SampleError =
  | { readonly kind: 'missing-fetch' }
  | { readonly kind: 'unknown-fetch'; readonly name: string }
  | { readonly kind: 'fetch-args'; readonly name: string; readonly msg: string }
  | { readonly kind: 'unknown-conv'; readonly name: string }
  | { readonly kind: 'conv-arg'; readonly name: string; readonly msg: string }
  | { readonly kind: 'unsupported'; readonly what: string };

export type SampleResult =
  | { readonly ok: true; readonly expr: SampleExpr; readonly out: SmpType; readonly use: number }
  | { readonly ok: false; readonly err: SampleError };

/**
 * Check `inner` (what is between the parentheses, or undefined when there are none) against a
 * signature; returns the arguments or HAProxy's message (without its prefix) and the argument number.
 */
export function parseArgs(spec: ArgSpec, inner: string | undefined, closed: boolean): string[] | { msg: string; argn?: number } {
  if (inner === undefined) {
    if (spec.min > 0) return { msg: `missing arguments (got 0/${spec.min}), type '${spec.types[0] ?? ''}' expected`, argn: 1 };
    return [];
  }
  if (!closed) return { msg: `expected ')'` };
  const args = inner === '' ? [] : inner.split(',');
  // HAProxy converts the arguments in order, so a bad type is reported before a surplus argument.
  for (let i = 0; i < Math.min(args.length, spec.types.length); i++) {
    const t = spec.types[i];
    const a = args[i] ?? '';
    if (t === 'integer' && !/^[+-]?[0-9]+$/.test(a)) return { msg: `failed to parse '${a}' as type 'integer' at position ${i + 1}`, argn: i + 1 };
  }
  if (args.length > spec.types.length) {
    const keep = args.slice(0, spec.types.length).join(',');
    const before = inner.slice(spec.types.length === 0 ? 0 : keep.length) + ')';
    return { msg: `expected ')' before '${before}'`, argn: spec.types.length + 1 };
  }
  if (args.length < spec.min) {
    return { msg: `missing arguments (got ${args.length}/${spec.min}), type '${spec.types[args.length] ?? ''}' expected`, argn: args.length + 1 };
  }
  return args;
}

/** Split `name(args)` at the start of `s`: the name, the inner text, whether ')' was found, the end index. */
function splitCall(s: string, from: number): { name: string; inner: string | undefined; closed: boolean; end: number } {
  let i = from;
  while (i < s.length && s[i] !== '(' && s[i] !== ',' && s[i] !== ']') i++;
  const name = s.slice(from, i);
  if (s[i] !== '(') return { name, inner: undefined, closed: true, end: i };
  const close = s.indexOf(')', i + 1);
  if (close < 0) return { name, inner: s.slice(i + 1), closed: false, end: s.length };
  return { name, inner: s.slice(i + 1, close), closed: true, end: close + 1 };
}

export interface SampleOptions {
  /** directory relative map files are read from */
  readonly baseDir: string;
  /** the fetch name was already resolved (ACL keyword alias): use this definition for it */
  readonly fetchDef?: FetchDef;
}

/** Read a map file HAProxy's way: one `key value` per line, '#' comments and blank lines skipped. */
export function readMapFile(file: string, baseDir: string): MapFile | undefined {
  let text: string;
  try { text = readFileSync(resolve(baseDir, file), 'latin1'); } catch { return undefined; }
  const entries: [string, string][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/^[ \t]+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)(?:[ \t]+(.*))?$/.exec(line);
    if (m !== null) entries.push([m[1] ?? '', (m[2] ?? '').replace(/[ \t]+$/, '')]);
  }
  return { file, entries };
}

/**
 * Parse a sample expression from `s` (a whole ACL criterion word, or the text after `%[` up to `]`).
 * Stops at the end of the string or at an unbalanced ']'.
 */
export function parseSample(s: string, opts: SampleOptions): SampleResult & { end?: number } {
  const call = splitCall(s, 0);
  if (call.name === '') return { ok: false, err: { kind: 'missing-fetch' } };
  const def = opts.fetchDef ?? FETCHES.get(call.name);
  if (def === undefined) return { ok: false, err: { kind: 'unknown-fetch', name: call.name } };
  const args = parseArgs(def, call.inner, call.closed);
  if (!Array.isArray(args)) return { ok: false, err: { kind: 'fetch-args', name: call.name, msg: args.msg } };
  if (!SUPPORTED_FETCHES.has(def.name)) return { ok: false, err: { kind: 'unsupported', what: `sample fetch '${call.name}'` } };
  let out: SmpType = def.out;
  const converters: SampleConverter[] = [];
  let i = call.end;
  while (s[i] === ',') {
    const cv = splitCall(s, i + 1);
    i = cv.end;
    if (cv.name === '') continue; // HAProxy tolerates an empty converter (`path,lower,`)
    const cdef = CONVERTERS.get(cv.name);
    if (cdef === undefined) return { ok: false, err: { kind: 'unknown-conv', name: cv.name } };
    const cargs = parseArgs(cdef, cv.inner, cv.closed);
    if (!Array.isArray(cargs)) {
      return { ok: false, err: { kind: 'conv-arg', name: cv.name, msg: `invalid arg ${cargs.argn ?? 1} in converter '${cv.name}' : ${cargs.msg}` } };
    }
    if (!SUPPORTED_CONVERTERS.has(cv.name)) return { ok: false, err: { kind: 'unsupported', what: `converter '${cv.name}'` } };
    const conv: { name: string; args: string[]; map?: MapFile } = { name: cv.name, args: cargs };
    if (cv.name.startsWith('map')) {
      const map = readMapFile(cargs[0] ?? '', opts.baseDir);
      if (map === undefined) return { ok: false, err: { kind: 'conv-arg', name: cv.name, msg: `invalid args in converter '${cv.name}' : failed to open pattern file <${cargs[0] ?? ''}>` } };
      conv.map = map;
    }
    converters.push(conv);
    out = cdef.out;
  }
  return { ok: true, expr: { fetch: def.name, args, converters }, out, use: def.use, end: i };
}

/** The first checkpoint name among `where` (HAProxy names the lowest bit). */
export function ckpName(where: number): string {
  for (let b = 0; b < 22; b++) if ((where & (1 << b)) !== 0) return CKP_NAMES[b] ?? 'rule';
  return 'rule';
}
