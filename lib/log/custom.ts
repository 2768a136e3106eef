// `log-format` lines: the format compiled once, at start-up, into a list of nodes (literal text,
// separators, variables read from the session record, log-time sample expressions); a log line
// is then one pass of string concatenation. The rules follow HAProxy 2.6's log-format, as
// observed on its 2.6.12 binary:
// - a run of spaces in the format is one separator, printed only after something that printed
//   (so %hr/%hs, which print nothing without captures, do not leave double spaces);
// - a missing value prints '-', or "" under +Q; numbers are never quoted;
// - +X prints %ci/%fi/%bi/%si as 8 hex digits, %cp/%fp/%bp/%sp/%pid/%rt as 4 and %Ts as 8; other
//   variables and samples ignore it (a sample is a string: +Q quotes it even when numeric);
// - +E escapes '"', '\' and ']' with a backslash; %{...}o sets the flags of all later nodes.
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { parseLogFormat } from '../config/keywords/logformat.js';
import type { LogFormat, ProxyConfig } from '../config/model.js';
import { compileSample } from '../acl/index.js';
import type { HttpTxn } from '../http/txn.js';
import { encodeRequestLine, requestDate } from './format.js';
import type { HttpRecord, SessionRecord } from './record.js';
import { gmtDate, logDate, msPart } from './time.js';

/** Compiled line builder: `http` says whether the record is an HttpRecord. */
export type LineBuilder = (rec: SessionRecord, http: boolean) => string;

interface Flags { q: boolean; x: boolean; e: boolean }

/** A value that is there but empty: printed as nothing (or "" under +Q), where null prints '-'. */
const EMPTY = '\0empty';

type Node =
  | { readonly k: 'sep' }
  | { readonly k: 'text'; readonly s: string }
  // a value: string (quotable, escapable), null = missing, undefined = prints nothing at all
  | { readonly k: 'str'; readonly f: (r: SessionRecord, http: boolean) => string | null | undefined; readonly fl: Flags }
  // printed as is: numbers, dates, state letters
  | { readonly k: 'raw'; readonly f: (r: SessionRecord, http: boolean) => string };

function parseFlags(opts: string | undefined, base: Flags): Flags {
  const fl = { ...base };
  for (const o of (opts ?? '').split(/[,]|(?=[+-])/)) {
    if (o.length < 2) continue;
    const on = o[0] === '+';
    if (o[0] !== '+' && o[0] !== '-') continue;
    // HAProxy ignores flags it does not know
    if (o[1] === 'Q') fl.q = on;
    else if (o[1] === 'X') fl.x = on;
    else if (o[1] === 'E') fl.e = on;
  }
  return fl;
}

function escape(s: string): string {
  let out = '';
  for (const c of s) out += c === '"' || c === '\\' || c === ']' ? '\\' + c : c;
  return out;
}

const hex = (n: number, w: number): string => (n >>> 0).toString(16).toUpperCase().padStart(w, '0');
function ipHex(ip: string): string | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
  if (m === null) return null;
  return hex(Number(m[1]), 2) + hex(Number(m[2]), 2) + hex(Number(m[3]), 2) + hex(Number(m[4]), 2);
}
const plainIp = (ip: string): string => (ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip);

const H = (r: SessionRecord): HttpRecord => r as HttpRecord;
const retries = (r: SessionRecord): string => (r.redispatched ? '+' + r.retries : '' + r.retries);

/** The request line as %r prints it, and its words for %HM %HU %HV. */
function reqLine(r: SessionRecord, http: boolean, uriMax: number): string | null {
  if (!http) return null;
  const l = H(r).requestLine;
  return l === '<BADREQ>' ? l : encodeRequestLine(l, uriMax);
}
function reqWord(r: SessionRecord, http: boolean, uriMax: number, i: number): string | null {
  const l = reqLine(r, http, uriMax);
  if (l === null) return null;
  // HAProxy reads its "<BADREQ>" marker as the method, the URI and the version alike
  if (l === '<BADREQ>') return l;
  return l.split(' ')[i] ?? null;
}

/**
 * Compile a parsed log-format (lib/config/keywords/logformat.ts) for one proxy. Every variable and
 * fetch reaching here was accepted by the post-parse checks (LOG_LINE_VARS, LOG_LINE_FETCHES).
 */
export function compileLogLine(fmt: LogFormat, px: ProxyConfig, pid: number, uriMax: number): LineBuilder {
  const nodes: Node[] = [];
  let base: Flags = { q: false, x: false, e: false };
  const host = hostname();
  for (const p of fmt.parts) {
    if ('lit' in p) {
      // runs of spaces are separators (HAProxy merges them in log lines)
      for (const piece of p.lit.split(/( +)/)) {
        if (piece === '') continue;
        if (piece[0] === ' ') { if (nodes.at(-1)?.k !== 'sep') nodes.push({ k: 'sep' }); } else nodes.push({ k: 'text', s: piece });
      }
      continue;
    }
    const fl = parseFlags(p.opts, base);
    if ('expr' in p) {
      const f = compileSample(p.expr, { px, backend: () => undefined });
      nodes.push({ k: 'str', fl, f: (r, http) => f(fakeTxn(r, http, uriMax)) });
      continue;
    }
    const str = (f: (r: SessionRecord, http: boolean) => string | null | undefined): void => { nodes.push({ k: 'str', f, fl }); };
    const raw = (f: (r: SessionRecord, http: boolean) => string): void => { nodes.push({ k: 'raw', f }); };
    // a port is a number (never quoted); no connection: '-', or "" under +Q
    const portVar = (get: (r: SessionRecord) => number | undefined): void => {
      const x = fl.x;
      const missing = fl.q ? '""' : '-';
      raw((r) => { const v = get(r); return v === undefined ? missing : x ? hex(v, 4) : '' + v; });
    };
    switch (p.var) {
      case 'o': base = fl; str(() => undefined); break;
      case 'ci': if (fl.x) str((r) => ipHex(r.clientIp) ?? plainIp(r.clientIp)); else str((r) => plainIp(r.clientIp)); break;
      case 'fi': if (fl.x) str((r) => ipHex(r.frontendIp) ?? plainIp(r.frontendIp)); else str((r) => plainIp(r.frontendIp)); break;
      case 'cp': raw(fl.x ? (r) => hex(r.clientPort, 4) : (r) => '' + r.clientPort); break;
      case 'fp': raw(fl.x ? (r) => hex(r.frontendPort, 4) : (r) => '' + r.frontendPort); break;
      case 'bi': if (fl.x) str((r) => (r.beIp === undefined ? null : ipHex(r.beIp) ?? plainIp(r.beIp))); else str((r) => (r.beIp === undefined ? null : plainIp(r.beIp))); break;
      case 'si': if (fl.x) str((r) => (r.srvIp === undefined ? null : ipHex(r.srvIp) ?? plainIp(r.srvIp))); else str((r) => (r.srvIp === undefined ? null : plainIp(r.srvIp))); break;
      case 'bp': portVar((r) => r.bePort); break;
      case 'sp': portVar((r) => r.srvPort); break;
      case 'f': case 'ft': str((r) => r.frontend); break;
      case 'b': str((r) => r.backend); break;
      case 's': str((r) => r.server); break;
      case 't': raw((r) => logDate(r.acceptDate)); break;
      case 'tr': raw((r) => logDate(requestDate(H(r)))); break;
      case 'trg': raw((r) => gmtDate(requestDate(H(r)))); break;
      case 'Ts': raw(fl.x ? (r) => hex(Math.floor(r.acceptDate / 1000), 8) : (r) => '' + Math.floor(r.acceptDate / 1000)); break;
      case 'ms': raw((r) => msPart(r.acceptDate)); break;
      case 'Th': raw((r, http) => '' + (http ? H(r).th : 0)); break;
      case 'Ti': raw((r) => '' + H(r).ti); break;
      case 'TR': raw((r) => '' + H(r).tr); break;
      case 'Tq': raw((r) => { const h = H(r); return '' + (h.tr < 0 ? -1 : h.th + h.ti + h.tr); }); break;
      case 'Tw': raw((r) => '' + r.tw); break;
      case 'Tc': raw((r) => '' + r.tc); break;
      case 'Tr': raw((r) => '' + H(r).trResp); break;
      case 'Ta': raw((r) => '' + H(r).ta); break;
      case 'Tt': raw((r) => '' + r.tt); break;
      case 'B': raw((r) => '' + r.bytesRead); break;
      case 'U': raw((r) => '' + r.bytesUploaded); break;
      case 'ST': raw((r, http) => '' + (http ? H(r).status : 0)); break;
      case 'ts': raw((r) => r.termState); break;
      case 'tsc': raw((r, http) => r.termState + (http ? H(r).cookieState : '--')); break;
      case 'ac': raw((r) => '' + r.actconn); break;
      case 'fc': raw((r) => '' + r.feconn); break;
      case 'bc': raw((r) => '' + r.beconn); break;
      case 'sc': raw((r) => '' + r.srvconn); break;
      case 'rc': raw(retries); break;
      case 'sq': raw((r) => '' + r.srvQueue); break;
      case 'bq': raw((r) => '' + r.backendQueue); break;
      // no captures, no unique id, no TLS in Halyard: HAProxy's "nothing captured" output
      case 'ID': {
        const uid = uniqueIdBuilder(px, pid, uriMax);
        if (uid === null) str(() => null); else str((r, http) => uid(r, http));
        break;
      }
      case 'CC': case 'CS': case 'sslv': case 'sslc': str(() => null); break;
      case 'hr': case 'hs': case 'hrl': case 'hsl': str(() => undefined); break;
      case 'rt': raw(fl.x ? (r) => hex(r.streamId ?? 0, 4) : (r) => '' + (r.streamId ?? 0)); break;
      case 'pid': raw(fl.x ? () => hex(pid, 4) : () => '' + pid); break;
      case 'H': str(() => host); break;
      case 'r': str((r, http) => reqLine(r, http, uriMax)); break;
      case 'HM': str((r, http) => reqWord(r, http, uriMax, 0)); break;
      case 'HU': str((r, http) => reqWord(r, http, uriMax, 1)); break;
      case 'HV': str((r, http) => reqWord(r, http, uriMax, 2)); break;
      case 'HP': case 'HPO': str((r, http) => { const u = reqWord(r, http, uriMax, 1); return u === null || u === '<BADREQ>' ? u : u.split('?')[0] ?? ''; }); break;
      // no query: printed empty (not '-'), as HAProxy
      case 'HQ': str((r, http) => { const u = reqWord(r, http, uriMax, 1); if (u === null || u === '<BADREQ>') return u; const q = u.indexOf('?'); return q < 0 ? EMPTY : u.slice(q); }); break;
      default: throw new Error(`log-format variable '%${p.var}' reached the log compiler`);
    }
  }
  return (rec, http) => {
    let out = '';
    let lastSpace = true;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i] as Node;
      switch (n.k) {
        case 'sep': if (!lastSpace) { out += ' '; lastSpace = true; } break;
        case 'text': out += n.s; lastSpace = false; break;
        case 'raw': out += n.f(rec, http); lastSpace = false; break;
        case 'str': {
          const v = n.f(rec, http);
          if (v === undefined) break;
          lastSpace = false;
          if (v === EMPTY) { if (n.fl.q) out += '""'; break; }
          if (v === null || v === '') { out += n.fl.q ? '""' : '-'; break; }
          const s = n.fl.e ? escape(v) : v;
          out += n.fl.q ? '"' + s + '"' : s;
        }
      }
    }
    return out;
  };
}

/**
 * The proxy's `unique-id-format` as a builder (null without one). It only uses values fixed for
 * the whole stream (UNIQUE_ID_VARS), so the header sent at request time and %ID at log time agree.
 */
export function uniqueIdBuilder(px: ProxyConfig, pid: number, uriMax: number = 1023): LineBuilder | null {
  const u = px.options.uniqueIdFormat;
  if (u === undefined) return null;
  const parsed = parseLogFormat(u.raw, 1 << 3, dirname(u.loc.file), { tcp: px.mode !== 'http' });
  if (!('parts' in parsed)) throw new Error(`${u.loc.file}:${u.loc.line}: unique-id-format reached the runtime unchecked`);
  // (no recursion: %ID is not among UNIQUE_ID_VARS)
  return compileLogLine(parsed, px, pid, uriMax);
}

/**
 * What the log-time fetches read (src, dst, fe_name, be_name, srv_name, method: LOG_LINE_FETCHES),
 * taken from the record: HAProxy has released the request by then, and so does this.
 */
function fakeTxn(r: SessionRecord, http: boolean, uriMax: number): HttpTxn {
  return {
    conn: { srcIp: plainIp(r.clientIp), srcPort: r.clientPort, dstIp: plainIp(r.frontendIp), dstPort: r.frontendPort },
    frontend: r.frontend,
    backend: r.backend,
    server: r.server === '<NOSRV>' ? '' : r.server,
    method: () => reqWord(r, http, uriMax, 0),
  } as unknown as HttpTxn;
}
