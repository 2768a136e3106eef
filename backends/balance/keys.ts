/**
 * Hash keys for `balance source | uri | url_param | hdr` (HAProxy's get_server_sh/uh/ph/hh in
 * backend.c, rewritten), and the balancer that turns a key into a server through a map or a
 * consistent-hash ring. A missing key (no header, no parameter, TCP mode) falls back to round
 * robin on the same map or ring, as HAProxy does.
 *
 * Each extractor returns the 32-bit hash as a signed int32 (see hash.ts), or NO_KEY. They read
 * the frontend's bytes in place.
 */
import type { Server } from '../server.js';
import { ChashBased, useChashScale } from './chash.js';
import { fullHash, HASH_FUNCTIONS, type ByteHash } from './hash.js';
import { MapBased, useMapScale } from './map.js';
import type { BalanceSpec, Balancer, BalancerFactory, ByteSlice, LbParams, PickContext } from './types.js';

/** Outside the int32 range, so no hash can be mistaken for it. */
export const NO_KEY = 0x100000000;

const SLASH = 0x2f;
const QMARK = 0x3f;
const AMP = 0x26;
const EQUAL = 0x3d;
const COMMA = 0x2c;
const DQUOTE = 0x22;
const BSLASH = 0x5c;
const DOT = 0x2e;
const COLON = 0x3a;

function isLws(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isSchemeChar(c: number): boolean {
  return isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === DOT;
}

/**
 * Where the path starts in a request target (HAProxy's http_parse_path): the whole target in
 * origin form, after "scheme://authority" in absolute form, nowhere (-1) for `*`, an
 * authority-only target or an absolute URI without a path. The path runs to the end, query
 * included.
 */
export function pathStart(buf: Uint8Array, start: number, end: number): number {
  if (start >= end) return -1;
  const c0 = buf[start] as number;
  if (c0 === SLASH) return start;
  if (c0 === 0x2a || !isAlpha(c0)) return -1;
  let p = start + 1;
  while (p < end && isSchemeChar(buf[p] as number)) p++;
  if (p + 3 > end || buf[p] !== COLON || buf[p + 1] !== SLASH || buf[p + 2] !== SLASH) return -1;
  p += 3;
  while (p < end && buf[p] !== SLASH) p++;
  return p < end ? p : -1;
}

/** Hashes request keys the way one backend is configured to. */
export class KeyHasher {
  private readonly fn: ByteHash;
  private readonly avalanche: boolean;
  /** `depth N` stored as the position of the ending slash (N + 1), 0 for none */
  private readonly depthSlash: number;
  private readonly param: Uint8Array;
  private readonly headerLower: string;
  private readonly hdr: ByteSlice = { buf: new Uint8Array(0), start: 0, end: 0 };

  constructor(
    private readonly lb: LbParams,
    private readonly spec: BalanceSpec,
  ) {
    this.fn = HASH_FUNCTIONS[spec.hashType.fn];
    this.avalanche = spec.hashType.avalanche;
    this.depthSlash = spec.uriDepth > 0 ? spec.uriDepth + 1 : 0;
    this.param = new TextEncoder().encode(spec.argName);
    this.headerLower = spec.argName.toLowerCase();
  }

  private finish(h: number): number {
    return this.avalanche ? fullHash(h) : h;
  }

  /** `source`: the client address as big-endian 32-bit words XOR-ed together. */
  source(ctx: PickContext): number {
    const src = ctx.src;
    if (src === null) return NO_KEY;
    // With a single server left there is nothing to spread: HAProxy skips hashing.
    if (this.lb.totUsed === 1) return 0;
    let h = 0;
    for (let l = 0; l + 4 <= src.length; l += 4) {
      h ^= ((src[l] as number) << 24) | ((src[l + 1] as number) << 16) | ((src[l + 2] as number) << 8) | (src[l + 3] as number);
    }
    return this.finish(h);
  }

  /** `uri [len N] [depth N] [whole] [path-only]`: the target up to `?`, limited as configured. */
  uri(ctx: PickContext): number {
    const u = ctx.uri;
    if (u === null) return NO_KEY;
    if (this.lb.totUsed === 1) return 0;
    const buf = u.buf;
    let start = u.start;
    let end = u.end;
    if (this.spec.uriPathOnly) {
      const p = pathStart(buf, start, end);
      if (p < 0) end = start;
      else start = p;
    }
    let left = end - start;
    if (this.spec.uriLen > 0 && this.spec.uriLen < left) left = this.spec.uriLen;
    let e = start;
    let slashes = 0;
    while (left-- > 0) {
      const c = buf[e] as number;
      if (c === SLASH) {
        slashes++;
        if (slashes === this.depthSlash) break;
      } else if (c === QMARK && !this.spec.uriWhole) {
        break;
      }
      e++;
    }
    return this.finish(this.fn(buf, start, e));
  }

  /** `url_param <name>`: the value of the first `name=` in the query string. */
  urlParam(ctx: PickContext): number {
    const u = ctx.uri;
    if (u === null) return NO_KEY;
    const buf = u.buf;
    const q = buf.indexOf(QMARK, u.start);
    if (q < 0 || q >= u.end) return NO_KEY;
    const name = this.param;
    const plen = name.length;
    let params = q + 1;
    let left = u.end - params;
    // Same scan as HAProxy: a parameter matches when its name is followed by '='.
    while (left > plen) {
      if (buf[params + plen] === EQUAL && this.nameAt(buf, params)) {
        const start = params + plen + 1;
        let e = start;
        let rest = left - plen - 1;
        while (rest > 0 && buf[e] !== AMP) {
          rest--;
          e++;
        }
        return this.finish(this.fn(buf, start, e));
      }
      const amp = buf.indexOf(AMP, params);
      if (amp < 0 || amp >= params + left) return NO_KEY;
      left -= amp + 1 - params;
      params = amp + 1;
    }
    return NO_KEY;
  }

  private nameAt(buf: Uint8Array, at: number): boolean {
    const name = this.param;
    for (let i = 0; i < name.length; i++) if (buf[at + i] !== name[i]) return false;
    return true;
  }

  /** `hdr(<name>) [use_domain_only]`: the first value of the first such header. */
  header(ctx: PickContext): number {
    // Outside HTTP (no request target) HAProxy does not look at headers at all.
    if (ctx.uri === null) return NO_KEY;
    // Checked before the lookup, as HAProxy does: one server left means hash 0.
    if (this.lb.totUsed === 1) return 0;
    const v = this.hdr;
    if (!ctx.findHeader(this.headerLower, v)) return NO_KEY;
    const buf = v.buf;
    let start = v.start;
    while (start < v.end && isLws(buf[start] as number)) start++;
    // The first comma-separated element (commas inside quoted strings do not count).
    let end = start;
    let quoted = false;
    while (end < v.end) {
      const c = buf[end] as number;
      if (quoted) {
        if (c === BSLASH) end++;
        else if (c === DQUOTE) quoted = false;
      } else if (c === DQUOTE) {
        quoted = true;
      } else if (c === COMMA) {
        break;
      }
      end++;
    }
    if (end > v.end) end = v.end;
    while (end > start && isLws(buf[end - 1] as number)) end--;
    if (end === start) return NO_KEY;
    if (!this.spec.useDomainOnly) return this.finish(this.fn(buf, start, end));
    return this.finish(this.domainHash(buf, start, end));
  }

  /**
   * use_domain_only: hash only the label before the last dot ("example" in
   * "www.example.com"), or the whole value when it has no dot.
   */
  private domainHash(buf: Uint8Array, start: number, end: number): number {
    let len = end - start;
    let p = end;
    let dend = end;
    let inDomain = false;
    while (len > 0) {
      if (inDomain) {
        if (buf[p - 1] === DOT) break;
      } else if (p < end && buf[p] === DOT) {
        dend = p;
        inDomain = true;
      }
      p--;
      len--;
    }
    return this.fn(buf, p, dend);
  }
}

type Extract = (this: KeyHasher, ctx: PickContext) => number;

function extractorFor(spec: BalanceSpec): Extract {
  switch (spec.algo) {
    case 'source':
      return KeyHasher.prototype.source;
    case 'uri':
      return KeyHasher.prototype.uri;
    case 'url_param':
      return KeyHasher.prototype.urlParam;
    case 'hdr':
      return KeyHasher.prototype.header;
    default:
      throw new Error(`balance ${spec.algo} is not a hash algorithm`);
  }
}

/** Hash key + map. */
export class MapHashBalancer extends MapBased {
  private readonly keys: KeyHasher;
  private readonly extract: Extract;
  constructor(lb: LbParams, spec: BalanceSpec) {
    super(lb);
    this.keys = new KeyHasher(lb, spec);
    this.extract = extractorFor(spec);
  }
  pick(ctx: PickContext, avoid: Server | null): Server | null {
    const h = this.extract.call(this.keys, ctx);
    const s = h === NO_KEY ? null : this.map.byHash(h);
    return s ?? this.map.roundRobin(avoid);
  }
}

/** Hash key + consistent-hash ring (`hash-type consistent`). */
export class ChashHashBalancer extends ChashBased {
  private readonly keys: KeyHasher;
  private readonly extract: Extract;
  private readonly factor: number;
  constructor(lb: LbParams, spec: BalanceSpec) {
    super(lb);
    this.keys = new KeyHasher(lb, spec);
    this.extract = extractorFor(spec);
    this.factor = spec.hashBalanceFactor;
  }
  pick(ctx: PickContext, avoid: Server | null): Server | null {
    const h = this.extract.call(this.keys, ctx);
    const s = h === NO_KEY ? null : this.tree.byHash(h, avoid, this.factor);
    return s ?? this.tree.roundRobin(avoid);
  }
}

export const createHash: BalancerFactory = (lb, spec, rescale): Balancer => {
  if (spec.hashType.method === 'consistent') {
    useChashScale(lb, rescale);
    return new ChashHashBalancer(lb, spec);
  }
  useMapScale(lb, rescale);
  return new MapHashBalancer(lb, spec);
};
