/**
 * Cookie persistence: `cookie NAME [insert|rewrite|prefix] [indirect] [nocache] [postonly]
 * [preserve] [httponly] [secure] [domain D]* [maxidle T] [maxlife T] [attr A]* [dynamic]` with
 * server `cookie VALUE`, as HAProxy 2.6 does it (reference §6), byte for byte.
 *
 * How the HTTP engine uses it, per transaction (HAProxy's order):
 *
 *   1. after the backend's http-request rules: `srv = p.request(txn, nowSec)`. It reads the
 *      persistence cookie, edits the request as it must be forwarded (insert+indirect: the
 *      cookie leaves; prefix: the server part leaves) and records the 3rd log letter. A non-null
 *      `srv` is a DIRECT assignment: use it without balancing (so roundrobin does not advance).
 *      It may be a DOWN (or maintenance) server when `option persist` is set: the engine tries
 *      it, and its retry logic (option redispatch) may move the request elsewhere.
 *   2. if a retry redispatches a direct request to another server (HAProxy clears SF_DIRECT):
 *      `p.redispatched(txn)` (a valid cookie is then logged as D), and the request is no longer
 *      direct for step 3. A server reaching its maxqueue with `option redispatch` does the same.
 *   3. once the server's final response head is in and the http-response rules ran (they may
 *      add a Set-Cookie that these rules then see): `p.response(txn, srv, direct, nowSec)`.
 *      It deletes/rewrites/prefixes the server's own cookie, inserts HAProxy's Set-Cookie, adds
 *      `cache-control: private` for `nocache`, and records the 4th log letter.
 *
 * Log letters live in txn.cookieState ('--' when the backend's cookie is passive, as in
 * HAProxy, whose letters require insert/rewrite/prefix/indirect). The dates a request's cookie
 * carried live in txn.cookieFirstDate / cookieLastDate between steps 1 and 3.
 */
import type { CookieConfig, ProxyConfig } from '../../lib/config/model.js';
import { HalyardError } from '../../lib/errors.js';
import type { HttpTxn } from '../../lib/http/txn.js';
import type { Backend } from '../backend.js';
import { SrvState, type Server } from '../server.js';
import { headerValues, scanRequestCookieLine, scanResponseCookieLine, type ResponseCookieAction } from './cookie-scan.js';
import { b64ToS30, s30ToB64 } from './dates.js';
import { dynamicCookie } from './dynamic.js';

// Request cookie states (HAProxy's TX_CK_*); the log letter is "NIDVEOU"[state >> 5]. The
// values are bit patterns on purpose: HAProxy tests them with `&` in one place (see below).
const CK_NONE = 0x00;
const CK_INVALID = 0x20;
const CK_DOWN = 0x40;
const CK_VALID = 0x60;
const CK_EXPIRED = 0x80;
const CK_OLD = 0xa0;
const CK_UNUSED = 0xc0;
const CK_LETTERS = 'NIDVEOU';

// Response cookie states (TX_SCK_*): "NPDIRU"[state]
const SCK_NONE = 0;
const SCK_FOUND = 1;
const SCK_DELETED = 2;
const SCK_INSERTED = 3;
const SCK_REPLACED = 4;
const SCK_UPDATED = 5;
const SCK_LETTERS = 'NPDIRU';

/** Statuses a cache may store by default (RFC 7231 §6.1), HAProxy's list. */
const CACHEABLE_STATUS: ReadonlySet<number> = new Set([200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501]);
/** Safe methods (RFC 7231 §4.2.1): only their responses start out cacheable. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

const KEEP: ResponseCookieAction = { kind: 'keep' };
const DELETE: ResponseCookieAction = { kind: 'delete' };

export interface CookieOptions {
  /** `option persist`: a cookie naming a DOWN server still designates it */
  readonly persist: boolean;
  /** `dynamic-cookie-key`, for `cookie ... dynamic` */
  readonly dynamicKey?: string | undefined;
}

export class CookiePersistence {
  readonly name: string;
  /** whether the log shows the cookie letters (HAProxy's PR_CK_ANY) */
  readonly logsLetters: boolean;
  private readonly insert: boolean;
  private readonly rewrite: boolean;
  private readonly prefix: boolean;
  private readonly indirect: boolean;
  private readonly cfg: CookieConfig;
  private readonly persist: boolean;
  /** servers in declaration order with the value that designates them (null: none) */
  private readonly servers: readonly Server[];
  private readonly values: Map<Server, string | null>;
  /** `; domain=...; HttpOnly; Secure; attr...`, fixed at start-up */
  private readonly attrs: string;

  constructor(cfg: CookieConfig, be: Backend, opts: CookieOptions) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.insert = cfg.mode === 'insert';
    this.rewrite = cfg.mode === 'rewrite';
    this.prefix = cfg.mode === 'prefix';
    this.indirect = cfg.indirect;
    this.logsLetters = cfg.mode !== 'passive' || cfg.indirect;
    this.persist = opts.persist;
    this.servers = be.servers;
    this.values = new Map();
    for (const s of be.servers) {
      let v = s.cookie;
      // dynamic cookies only for servers without their own value, and only with a key
      if (v === null && cfg.dynamic && opts.dynamicKey !== undefined) v = dynamicCookie(opts.dynamicKey, s.address, s.port);
      this.values.set(s, v);
    }
    let a = '';
    if (cfg.domains.length > 0) a += `; domain=${cfg.domains.join('; domain=')}`;
    if (cfg.httponly) a += '; HttpOnly';
    if (cfg.secure) a += '; Secure';
    if (cfg.attrs.length > 0) a += `; ${cfg.attrs.join('; ')}`;
    this.attrs = a;
  }

  /** The value a server's cookie carries (its `cookie`, or the dynamic one), or null. */
  valueOf(srv: Server): string | null {
    return this.values.get(srv) ?? null;
  }

  /**
   * Step 1 (see the header): the server the request's cookie designates, or null to balance.
   * `assigned`: a `use-server` rule already chose the server (the cookie is then "unused").
   */
  request(txn: HttpTxn, nowSec: number, assigned = false): Server | null {
    txn.cookieFirstDate = 0;
    txn.cookieLastDate = 0;
    const lines = txn.reqHeaderLines('cookie');
    if (lines.length === 0) {
      if (this.logsLetters) txn.cookieState = 'NN';
      return null;
    }
    const st = new RequestScan(this, txn, nowSec, assigned);
    const deleteOurs = this.insert && this.indirect;
    let edited: (string | null)[] | null = null;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const out = scanRequestCookieLine(line, this.name, deleteOurs, st);
      if (out !== line) {
        if (edited === null) edited = lines.slice();
        edited[i] = out;
      }
    }
    if (edited !== null) replaceLines(txn, 'cookie', edited);
    if (this.logsLetters) txn.cookieState = `${CK_LETTERS[st.flag >> 5] ?? 'N'}N`;
    return st.target;
  }

  /** Step 2: a direct request left its server for another one on a retry. */
  redispatched(txn: HttpTxn): void {
    if (this.logsLetters && txn.cookieState[0] === 'V') txn.cookieState = `D${txn.cookieState[1] ?? 'N'}`;
  }

  /**
   * Step 3: the response head from `srv` (final, after the http-response rules). `direct`: the
   * request went to the server its cookie designated (step 1's answer, not redispatched since).
   */
  response(txn: HttpTxn, srv: Server, direct: boolean, nowSec: number): void {
    const c = this.cfg;
    const status = txn.status();
    // 1xx other than 101 are forwarded untouched (the engine does not call for them anyway)
    if (status < 200 && status !== 101) return;
    let sck = SCK_NONE;
    const value = this.valueOf(srv);

    // the server's own Set-Cookie lines with our name
    const action = (): ResponseCookieAction => {
      sck = SCK_FOUND;
      if (c.preserve) return KEEP;
      if (this.insert || (direct && this.indirect)) {
        sck = SCK_DELETED;
        return DELETE;
      }
      if (value !== null && this.rewrite) {
        sck = SCK_REPLACED;
        return { kind: 'replace', text: value };
      }
      if (value !== null && this.prefix) {
        sck = SCK_REPLACED;
        return { kind: 'prefix', text: value };
      }
      return KEEP;
    };
    for (const name of ['set-cookie', 'set-cookie2']) {
      const lines = txn.resHeaderLines(name);
      if (lines.length === 0) continue;
      let edited: (string | null)[] | null = null;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        const out = scanResponseCookieLine(line, name === 'set-cookie2', this.name, action);
        if (out !== line) {
          if (edited === null) edited = lines.slice();
          edited[i] = out;
        }
      }
      if (edited !== null) replaceLines(txn, name, edited, true);
    }

    const cacheable = c.nocache && this.cacheable(txn, status);
    const last = txn.cookieLastDate;
    const first = txn.cookieFirstDate;
    const dated = c.maxidle > 0 || last !== 0;
    if (this.insert
      && !((sck & SCK_FOUND) !== 0 && c.preserve)
      && (!direct || (dated && (last === 0 || last - nowSec < 0)) || (c.maxlife > 0 && first === 0) || (c.maxlife === 0 && first !== 0))
      && (!c.postonly || txn.method() === 'POST')) {
      let text: string;
      if (value === null) {
        // a server without a cookie value asks the client to drop the cookie
        text = `${this.name}=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/`;
      } else {
        text = `${this.name}=${value}`;
        if (c.maxidle > 0 || c.maxlife > 0) {
          const now4 = (nowSec + 3) >> 2;
          text += `|${s30ToB64(now4)}`;
          if (c.maxlife > 0) text += `|${s30ToB64(first !== 0 ? first >> 2 : now4)}`;
        }
        text += '; path=/';
      }
      const list = txn.editRes();
      list.add('set-cookie', text + this.attrs);
      sck = value !== null && direct ? SCK_UPDATED : SCK_INSERTED;
      if (cacheable) list.add('cache-control', 'private');
    }
    if (this.logsLetters) txn.cookieState = `${txn.cookieState[0] ?? 'N'}${SCK_LETTERS[sck] ?? 'N'}`;
  }

  /**
   * Whether a cache could store this response (HAProxy's TX_CACHEABLE as 2.6.12 computes it),
   * the condition for `nocache` to add `cache-control: private`.
   */
  private cacheable(txn: HttpTxn, status: number): boolean {
    let ok = SAFE_METHODS.has(txn.method());
    if (!CACHEABLE_STATUS.has(status)) ok = false;
    if (status < 200) return false;
    const pragma = txn.resHeaderLines('pragma')[0];
    if (pragma !== undefined && pragma.trim().toLowerCase() === 'no-cache') return false;
    let fresh = false;
    for (const v of headerValues(txn.resHeaderLines('cache-control'))) {
      const l = v.toLowerCase();
      if (l === 'public') {
        ok = true;
        continue;
      }
      if (l === 'private' || l === 'no-cache' || l === 'no-store' || l === 'max-age=0' || l === 's-maxage=0') {
        ok = false;
        continue;
      }
      if (l.startsWith('no-cache="set-cookie')) continue;
      if (l.startsWith('s-maxage') || l.startsWith('max-age')) fresh = true;
    }
    if (!fresh) fresh = txn.resHeaderLines('expires').length > 0;
    // neither an expiration time nor a validator: not stored (RFC 7234 §3)
    if (!fresh && txn.resHeaderLines('etag').length === 0 && txn.resHeaderLines('last-modified').length === 0) ok = false;
    return ok;
  }

  /** Step 1's server lookup for one occurrence of the cookie (shared with RequestScan). */
  matchServer(id: string, scan: RequestScan): boolean {
    for (const s of this.servers) {
      if (this.values.get(s) !== id) continue;
      if (s.state !== SrvState.STOPPED || this.persist) {
        scan.flag = s.state !== SrvState.STOPPED ? CK_VALID : CK_DOWN;
        scan.target = s;
        scan.assigned = true;
        return true;
      }
      // DOWN: remembered, and another server sharing the value may still take it
      scan.flag = CK_DOWN;
    }
    return false;
  }

  get maxidle(): number {
    return this.cfg.maxidle;
  }

  get maxlife(): number {
    return this.cfg.maxlife;
  }

  get isPrefix(): boolean {
    return this.prefix;
  }
}

/** The request-side walk over one transaction's Cookie lines (HAProxy keeps this in txn/stream flags). */
class RequestScan {
  flag = CK_NONE;
  target: Server | null = null;

  constructor(private readonly p: CookiePersistence, private readonly txn: HttpTxn, private readonly now: number, public assigned: boolean) {}

  /** One occurrence of the persistence cookie, `value` as the client sent it. */
  ours(value: string): number {
    const p = this.p;
    const txn = this.txn;
    let delim: number;
    if (p.isPrefix) {
      delim = value.indexOf('~');
      if (delim < 0) delim = value.length;
    } else {
      delim = value.length;
      // SRV|<last seen>|<first seen>: dates in 4-second units
      const bar = value.indexOf('|');
      if (bar >= 0) {
        delim = bar;
        const at = bar + 1;
        if (value.length - at >= 5) {
          const v = b64ToS30(value, at);
          if (v > 0) txn.cookieLastDate = v << 2;
        }
        const bar2 = value.indexOf('|', at);
        if (bar2 >= 0 && value.length - bar2 > 5) {
          const v = b64ToS30(value, bar2 + 1);
          if (v > 0) txn.cookieFirstDate = v << 2;
        }
      }
    }
    // too old, then idle for too long; dates more than a day ahead are ignored the same way
    const first = txn.cookieFirstDate;
    const last = txn.cookieLastDate;
    if (first !== 0 && p.maxlife > 0 && (((this.now - first) | 0) > p.maxlife || ((first - this.now) | 0) > 86400)) {
      this.flag = CK_OLD;
      delim = 0;
      txn.cookieFirstDate = 0;
      txn.cookieLastDate = 0;
    } else if (last !== 0 && p.maxidle > 0 && (((this.now - last) | 0) > p.maxidle || ((last - this.now) | 0) > 86400)) {
      this.flag = CK_EXPIRED;
      delim = 0;
      txn.cookieFirstDate = 0;
      txn.cookieLastDate = 0;
    }
    // an empty server part never matches (a cookie learnt from a cookie-less backup server)
    const found = delim !== 0 && !this.assigned && p.matchServer(value.slice(0, delim), this);
    // HAProxy tests the state with `&` against DOWN|EXPIRED|OLD, which covers every bit: a
    // cookie that designates nothing is only logged so when nothing was logged before it
    if (!found && this.flag === CK_NONE) this.flag = this.assigned ? CK_UNUSED : CK_INVALID;
    return p.isPrefix && delim !== value.length ? delim : -1;
  }
}

/**
 * Replaces the lines named `lower` by `lines` (same count and order; null removes one). The
 * request or response head is materialized for editing only when something changed.
 */
function replaceLines(txn: HttpTxn, lower: string, lines: readonly (string | null)[], response = false): void {
  const list = response ? txn.editRes() : txn.editReq();
  let k = 0;
  for (let i = 0; i < list.names.length; i++) {
    if (list.names[i] !== lower) continue;
    const v = lines[k++];
    if (v === undefined) break;
    if (v === null) {
      list.names.splice(i, 1);
      list.values.splice(i, 1);
      i--;
    } else {
      list.values[i] = v;
    }
  }
}

/**
 * The persistence the HTTP engine builds for a backend with a `cookie` line. A `dynamic`
 * cookie needs an IP literal per server (HAProxy hashes the resolved address; Halyard keeps
 * host names unresolved), so a host name there is refused with the server line's location.
 */
export function cookiePersistence(px: ProxyConfig, be: Backend): CookiePersistence {
  const c = px.cookie as CookieConfig;
  if (c.dynamic && px.dynamicCookieKey !== undefined) {
    for (const s of px.servers) {
      if (s.cookie === undefined && s.family === 'host') {
        throw new HalyardError('HLY_CFG_UNSUPPORTED', `${s.loc.file}:${s.loc.line} : server '${px.name}/${s.name}' : 'cookie ${c.name} dynamic' needs an IP address: Halyard does not resolve '${s.host}' to derive the cookie.`);
      }
    }
  }
  return new CookiePersistence(c, be, { persist: px.options.persist, dynamicKey: px.dynamicCookieKey });
}
