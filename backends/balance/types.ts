/**
 * The seam between a Backend and its load-balancing algorithm, modelled on HAProxy's lbprm:
 * one `Balancer` interface, shared weight bookkeeping in `LbParams`, and per-request inputs in a
 * `PickContext` that the frontend fills in and reuses.
 */
import type { Server } from '../server.js';

/** The `balance` algorithms we implement. */
export type BalanceAlgo =
  | 'roundrobin'
  | 'static-rr'
  | 'leastconn'
  | 'first'
  | 'source'
  | 'uri'
  | 'url_param'
  | 'hdr'
  | 'random';

export type HashMethod = 'map-based' | 'consistent';
export type HashFunction = 'sdbm' | 'djb2' | 'wt6' | 'crc32';

/** `hash-type <method> <function> [avalanche]`; HAProxy's default is map-based sdbm. */
export interface HashType {
  readonly method: HashMethod;
  readonly fn: HashFunction;
  readonly avalanche: boolean;
}

export const DEFAULT_HASH_TYPE: HashType = { method: 'map-based', fn: 'sdbm', avalanche: false };

/**
 * `hash-type <method> [<function> [avalanche]]` as HAProxy reads it: a bare `consistent`
 * means sdbm WITH avalanche (a bare `map-based` means sdbm without).
 */
export function hashType(method: HashMethod, fn?: HashFunction, avalanche = false): HashType {
  if (fn === undefined) return { method, fn: 'sdbm', avalanche: method === 'consistent' };
  return { method, fn, avalanche };
}

/** `balance` plus the backend options the balancers need, as the config compiler produces them. */
export interface BalanceSpec {
  readonly algo: BalanceAlgo;
  readonly hashType: HashType;
  /** `option allbackups` */
  readonly allBackups: boolean;
  /** `uri` options: `len N` (0 = none), `depth N` (0 = none), `whole`, `path-only` */
  readonly uriLen: number;
  readonly uriDepth: number;
  readonly uriWhole: boolean;
  readonly uriPathOnly: boolean;
  /** `url_param <name>` or `hdr(<name>)`: the parameter or header name (header: any case) */
  readonly argName: string;
  /** `hdr(<name>) use_domain_only` */
  readonly useDomainOnly: boolean;
  /** `random(<draws>)`, default 2 */
  readonly draws: number;
  /** `hash-balance-factor` (percent, 0 = off): bounded loads for consistent hashing */
  readonly hashBalanceFactor: number;
}

/** A spec with HAProxy's defaults, for tests and for the config compiler to spread over. */
export function balanceSpec(algo: BalanceAlgo, over: Partial<BalanceSpec> = {}): BalanceSpec {
  return {
    algo,
    hashType: DEFAULT_HASH_TYPE,
    allBackups: false,
    uriLen: 0,
    uriDepth: 0,
    uriWhole: false,
    uriPathOnly: false,
    argName: '',
    useDomainOnly: false,
    draws: 2,
    hashBalanceFactor: 0,
    ...over,
  };
}

/**
 * A byte range the frontend points into its own buffers: nothing is copied to pick a server.
 * Mutable on purpose: one instance is reused for every request of a connection.
 */
export interface ByteSlice {
  buf: Uint8Array;
  start: number;
  end: number;
}

/**
 * Per-request inputs. The frontend owns one per connection and refills it; the hash algorithms
 * read only what they need, so a TCP frontend leaves `uri` null and `findHeader` returning false.
 */
export interface PickContext {
  /** Client IP in network byte order: 4 bytes (IPv4) or 16 (IPv6); null when unknown. */
  src: Uint8Array | null;
  /** The request target as on the request line; null outside HTTP mode. */
  uri: ByteSlice | null;
  /**
   * Fills `out` with the value of the first `<name>` header (name given lowercase) and returns
   * true; returns false when there is none or outside HTTP mode. The value may hold several
   * comma-separated elements: the balancer takes the first, as HAProxy does.
   */
  findHeader(nameLower: string, out: ByteSlice): boolean;
}

/**
 * Shared bookkeeping, HAProxy's `struct lbprm` fields that every algorithm reads. Recomputed by
 * the Backend (cold path) before it notifies the balancer of a change.
 */
export interface LbParams {
  /** all servers, in declaration order */
  readonly servers: readonly Server[];
  readonly allBackups: boolean;
  /** usable active / backup servers */
  srvAct: number;
  srvBck: number;
  /** sum of the usable active / backup eweights */
  totWact: number;
  totWbck: number;
  /** weight of the group in use (active, first backup, or all backups) */
  totWeight: number;
  /** servers in the group in use */
  totUsed: number;
  /** first usable backup when `allbackups` is off and no active server is usable, else null */
  fbck: Server | null;
  /** eweight = ceil(uweight * wdiv / wmult) */
  wmult: number;
  wdiv: number;
  /** sessions being served on the whole backend (for bounded-load consistent hashing) */
  served: number;
}

/**
 * One load-balancing algorithm. `pick` runs per request and must not allocate; the rest run on
 * state changes and may rebuild whatever they like.
 *
 * The Backend calls `pick` only when the backend has usable weight, and resolves the
 * "first backup only" case itself (returns `lb.fbck`) unless `handlesFbck` is true: the map
 * algorithms bake the backup choice into their map, quirks included, and `random` still
 * refuses a saturated first backup.
 */
export interface Balancer {
  /** true when runtime weight changes apply (HAProxy's BE_LB_PROP_DYN) */
  readonly dynamic: boolean;
  /** true when `pick` handles the "first backup only" case itself */
  readonly handlesFbck: boolean;
  /**
   * A server for this request, or null when every candidate is saturated (the request then
   * queues on the backend). `avoid` is the server a retry wants to leave; it is still returned
   * when nothing else has room, as HAProxy does.
   */
  pick(ctx: PickContext, avoid: Server | null): Server | null;
  /** `s` became usable (its eweight is in `s.eweight`; `s.curUsable` is still false). */
  serverUp(s: Server): void;
  /** `s` stopped being usable (`s.curEweight` is the weight it had). */
  serverDown(s: Server): void;
  /** `s` stays usable with a new eweight (`s.curEweight` old, `s.eweight` new). */
  weightChanged(s: Server): void;
  /** `s.served` or `s.queueLength` just changed (leastconn and first keep their order by it). */
  takeConn?(s: Server): void;
  dropConn?(s: Server): void;
}

/** Builds a balancer for a backend; it may set `lb.wmult`/`lb.wdiv` and must then call `rescale`. */
export type BalancerFactory = (lb: LbParams, spec: BalanceSpec, rescale: () => void) => Balancer;
