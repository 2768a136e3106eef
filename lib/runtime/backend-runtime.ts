/**
 * A backend as the frontends use it: the balancing `Backend` (backends/backend.ts) plus what a
 * session needs to reach its servers (address family, port offset, PROXY header), the queues,
 * and the backend's timeouts and retry policy taken once from the compiled config.
 */
import { Backend } from '../../backends/backend.js';
import { balanceSpec, hashType, type BalanceAlgo, type HashType } from '../../backends/balance/index.js';
import type { HashFunction } from '../../backends/balance/types.js';
import { SrvState, type Server, type ServerConfig as SrvRtConfig } from '../../backends/server.js';
import { HalyardError } from '../errors.js';
import type { Condition, ProxyConfig, ServerConfig } from '../config/model.js';
import { compileL4Condition, type L4Facts } from './l4cond.js';
import { contentRules, l4Cond, type L4Rule } from './tcp-rules.js';
import { BackendQueues } from './queue.js';
import { RateCounter } from './rate.js';

/** How to reach a server: fixed per server, looked up per connection attempt. */
export interface ServerTarget {
  /** host/IP, or the socket path for unix servers */
  readonly host: string;
  readonly unix: boolean;
  /** fixed port; 0 means "the port the client connected to" plus `portOffset` */
  readonly port: number;
  readonly portOffset: number;
  readonly sendProxy: 'v1' | 'v2' | null;
  /** `ipv4@` / `ipv6@` before a host name: resolve it in that family only (0: either) */
  readonly family: 0 | 4 | 6;
}

/** `use-server NAME if|unless COND`, compiled: where a request whose facts match goes. */
export interface UseServerRule<T> {
  readonly srv: Server;
  readonly cond: (x: T) => boolean;
}

/** A session holding a connection slot on a server, as the health-check hooks reach it. */
export interface ServerSession {
  /** `on-marked-down shutdown-sessions`: close both sides now, termination state 'D' */
  kill(): void;
}

/** Timeouts in ms; 0 = unset (infinite), as HAProxy. */
export interface BackendTimeouts {
  readonly connect: number;
  readonly server: number;
  readonly queue: number;
  readonly tunnel: number;
  readonly serverFin: number;
}

const HASH_ALGOS: ReadonlySet<string> = new Set(['source', 'uri', 'url_param', 'hdr']);
/** HAProxy's BE_LB_KIND_RR: the algorithms for which any server is as good as another. */
const RR_KIND: ReadonlySet<string> = new Set(['roundrobin', 'static-rr', 'random']);
/** Algorithms that send new arrivals to the backend queue while it is not empty (fairness). */
const QUEUE_FIRST: ReadonlySet<string> = new Set(['roundrobin', 'static-rr', 'first']);

export class BackendRuntime {
  readonly be: Backend;
  readonly name: string;
  readonly mode: 'tcp' | 'http';
  readonly targets: Map<Server, ServerTarget>;
  readonly queues: BackendQueues;
  readonly timeouts: BackendTimeouts;
  readonly retries: number;
  /** `option redispatch [interval]`: null = off; -1 = on the last retry */
  readonly redispatch: number | null;
  /** retries may go elsewhere at once (HAProxy's BE_LB_KIND_RR test in stream_choose_redispatch) */
  readonly rrKind: boolean;
  readonly queueFirst: boolean;
  /** the balancer reads the client address (source hashing): fill PickContext.src */
  readonly needsSrc: boolean;
  /** streams assigned to this backend now (%bc), queued ones included */
  beconn = 0;
  /** `option persist`: a cookie keeps its server even when DOWN, so queued requests stay */
  readonly persist: boolean;
  /**
   * Live sessions per server, kept only when a server may have to close them
   * (`on-marked-down shutdown-sessions`, `on-marked-up shutdown-backup-sessions`); else null
   * and sessions never register.
   */
  readonly live: Map<Server, Set<ServerSession>> | null;
  readonly rate = new RateCounter();

  private readonly l4UseServers: readonly UseServerRule<L4Facts>[];

  /** This backend's `use-server` rules, their conditions compiled by `compile` (HTTP or L4). */
  compileUseServers<T>(compile: (cond: Condition) => (x: T) => boolean): UseServerRule<T>[] {
    return this.px.useServers.map((us) => {
      const srv = this.be.servers.find((x) => x.name === us.name);
      // -c has already refused an unknown name and a rule without its condition
      if (srv === undefined || us.cond === undefined) throw new HalyardError('HLY_CFG_REFERENCE', `${us.loc.file}:${us.loc.line} : unable to find server '${us.name}' referenced in a 'use-server' rule.`);
      return { srv, cond: compile(us.cond) };
    });
  }

  /**
   * The first `use-server` rule that matches and names a server that is not DOWN (any server
   * under `option persist`), as HAProxy's process_server_rules; null to balance.
   */
  pickUseServer<T>(rules: readonly UseServerRule<T>[], x: T): Server | null {
    for (const r of rules) {
      if (r.cond(x) && (r.srv.state !== SrvState.STOPPED || this.px.options.persist)) return r.srv;
    }
    return null;
  }

  /** TCP mode's `use-server` (the facts are read only when there are rules). */
  useServerL4(facts: () => L4Facts): Server | null {
    return this.l4UseServers.length === 0 ? null : this.pickUseServer(this.l4UseServers, facts());
  }

  /** the backend's `tcp-request content` rules (null: none); a listen's own sessions run them once, as its frontend's */
  readonly tcpContent: readonly L4Rule[] | null;

  constructor(readonly px: ProxyConfig, id: number) {
    this.name = px.name;
    // HTTP backends compile theirs on the request, per frontend (frontends/http/index.ts)
    this.tcpContent = px.kind !== 'frontend' && px.mode === 'tcp' ? contentRules(px, l4Cond(px)) : null;
    this.mode = px.mode;
    const algo = toAlgo(px);
    this.be = new Backend({
      name: px.name,
      id,
      balance: balanceSpec(algo, {
        hashType: toHashType(px),
        allBackups: px.options.allbackups,
        ...(algo === 'hdr' || algo === 'url_param' ? { argName: px.balance.args[0] ?? '' } : {}),
        ...(algo === 'random' ? { draws: Number(px.balance.args[0] ?? 2) } : {}),
      }),
      servers: px.servers.map(toServerConfig),
    });
    this.targets = new Map();
    px.servers.forEach((sc, i) => {
      const srv = this.be.servers[i];
      if (srv !== undefined) this.targets.set(srv, toTarget(sc));
    });
    this.queues = new BackendQueues(this.be);
    // TCP mode's `use-server` rules (the HTTP engine compiles its own, on the request)
    this.l4UseServers = px.mode !== 'tcp' ? [] : this.compileUseServers((c) => compileL4Condition(c, px.acls));
    const t = px.timeouts;
    this.timeouts = {
      connect: t.connect ?? 0, server: t.server ?? 0, queue: t.queue ?? t.connect ?? 0, tunnel: t.tunnel ?? 0,
      serverFin: t['server-fin'] ?? 0,
    };
    this.retries = px.retries;
    this.redispatch = px.options.redispatch === undefined || px.options.redispatch.interval === 0 ? null : px.options.redispatch.interval;
    this.rrKind = RR_KIND.has(algo);
    this.queueFirst = QUEUE_FIRST.has(algo);
    this.needsSrc = algo === 'source';
    this.persist = px.options.persist;
    this.live = px.servers.some((sc) => sc.onMarkedDown !== undefined || sc.onMarkedUp !== undefined) ? new Map() : null;
  }

  attach(srv: Server, s: ServerSession): void {
    const live = this.live;
    if (live === null) return;
    let set = live.get(srv);
    if (set === undefined) live.set(srv, (set = new Set()));
    set.add(s);
  }

  detach(srv: Server, s: ServerSession): void {
    this.live?.get(srv)?.delete(s);
  }

  /** `s` gives back its connection slot on `srv`: the oldest waiter for `srv` may take it. */
  freeSlot(srv: Server, s: ServerSession): void {
    this.detach(srv, s);
    this.be.releaseConn(srv);
    this.queues.process(srv);
  }

  /**
   * Counts a pick made again after a failed attempt on `prev`: a redispatch when balancing chose
   * another server, else a retry of the same one. True for a redispatch.
   */
  countRepick(prev: Server, srv: Server): boolean {
    if (srv !== prev) {
      prev.counters.redispatches++;
      this.be.counters.redispatches++;
      return true;
    }
    this.countRetry(prev);
    return false;
  }

  /** Another attempt on `srv` after a failed one (stats wretr). */
  countRetry(srv: Server): void {
    srv.counters.retries++;
    this.be.counters.retries++;
  }

  /**
   * Whether retry number `retry` after a failed connect to `srv` goes through balancing again
   * (HAProxy's stream_choose_redispatch): only with `option redispatch`; then when `srv` is no
   * longer running, on every `interval`-th retry (a negative interval counts from the last
   * one), or at once when any server is as good as another and others are up, unless the
   * request must stay on `srv` (`direct`: its persistence cookie named it).
   */
  redispatchOnRetry(srv: Server, retry: number, direct: boolean): boolean {
    const iv = this.redispatch;
    return iv !== null && (srv.state !== SrvState.RUNNING
      || (iv > 0 ? retry % iv === 0 : this.retries + 1 + iv > 0 && retry % (this.retries + 1 + iv) === 0)
      || (!direct && this.be.lb.srvAct > 1 && this.rrKind));
  }

  /**
   * How long a retry waits after a failed connect (the turnaround), 0 for at once: after a
   * refusal min(timeout connect, 1s), unless it goes to another server at once; after
   * `timeout connect` no wait.
   */
  retryDelay(timeout: boolean, redisp: boolean): number {
    if (timeout || (redisp && this.rrKind && this.be.lb.srvAct > 1)) return 0;
    const c = this.timeouts.connect;
    return c > 0 && c < 1000 ? c : 1000;
  }

  /**
   * A health check took `srv` DOWN. With `shutdown`, its live sessions are closed. Its queued
   * requests go back to balancing when `option redispatch` is set without `option persist`
   * (HAProxy's pendconn_redistribute); returns how many did, for the "N requeued" message.
   */
  markedDown(srv: Server, shutdown: boolean): number {
    if (shutdown) this.killAll(srv);
    if (this.redispatch === null || this.persist) return 0;
    return this.queues.redistribute(srv);
  }

  /**
   * `srv` came UP: it takes what waits in the backend queue (pendconn_grab_from_px); with
   * `shutdownBackups` the backup servers' sessions are closed. Returns how many it took.
   */
  markedUp(srv: Server, shutdownBackups: boolean): number {
    if (shutdownBackups && !srv.backup) for (const s of this.be.servers) if (s.backup) this.killAll(s);
    if (!srv.usable || (srv.backup && this.be.lb.srvAct > 0)) return 0;
    const before = this.queues.backend.length;
    this.queues.process(srv);
    return before - this.queues.backend.length;
  }

  /**
   * `set server <b>/<s> addr IP [port P]`: new connections go to the new address; connections
   * already open stay where they are (HAProxy does the same). A port of 0 keeps the client's
   * destination port, as on the server line.
   */
  setServerAddr(srv: Server, host: string, port: number): void {
    const t = this.targets.get(srv);
    if (t === undefined) return;
    srv.address = host;
    srv.port = port;
    this.targets.set(srv, { ...t, host, port });
  }

  /** `set maxconn server`: a higher limit lets queued requests in at once. */
  setServerMaxconn(srv: Server, maxconn: number): void {
    srv.maxconn = maxconn;
    this.queues.process(srv);
  }

  private killAll(srv: Server): void {
    const set = this.live?.get(srv);
    if (set === undefined) return;
    for (const s of [...set]) s.kill();
  }
}

/** `balance` as the balancers know it. In TCP mode the layer-7 hashes fall back to roundrobin, as HAProxy warns. */
function toAlgo(px: ProxyConfig): BalanceAlgo {
  const a = px.balance.algo;
  if (px.mode === 'tcp' && HASH_ALGOS.has(a) && a !== 'source') return 'roundrobin';
  switch (a) {
    case 'roundrobin': case 'static-rr': case 'leastconn': case 'first': case 'source': case 'uri':
    case 'url_param': case 'hdr': case 'random':
      return a;
    default:
      throw new HalyardError('HLY_CFG_UNSUPPORTED', `${px.loc.file}:${px.loc.line} : 'balance ${a}' in '${px.name}' is not supported by Halyard yet.`);
  }
}

function toHashType(px: ProxyConfig): HashType {
  const h = px.hashType;
  if (h.fn === 'none') throw new HalyardError('HLY_CFG_UNSUPPORTED', `${px.loc.file}:${px.loc.line} : 'hash-type ${h.method} none' in '${px.name}' is not supported by Halyard yet.`);
  // The model cannot tell a bare `hash-type consistent` (HAProxy: sdbm with avalanche) from an
  // explicit `consistent sdbm`; the bare form is by far the common one.
  if (h.method === 'consistent' && h.fn === 'sdbm' && !h.avalanche) return hashType('consistent');
  return hashType(h.method, h.fn as HashFunction, h.avalanche);
}

function toServerConfig(s: ServerConfig): SrvRtConfig {
  return {
    name: s.name,
    ...(s.id !== undefined ? { id: s.id } : {}),
    // stats show no address for a server init-addr left without one; with ipv4@/ipv6@ it has a
    // family, and HAProxy shows that family's any-address (which `set server addr` may change)
    address: s.initAddrResult === 'none' ? (s.resolveFamily === 6 ? '::' : s.resolveFamily === 4 ? '0.0.0.0' : '')
      : s.initAddrResult !== undefined ? s.initAddrResult : s.host,
    port: s.port ?? 0,
    weight: s.weight,
    backup: s.backup,
    disabled: s.disabled,
    maxconn: s.maxconn,
    maxqueue: s.maxqueue,
    ...(s.cookie !== undefined ? { cookie: s.cookie } : {}),
    slowstart: s.slowstart,
    ...(s.poolMaxConn !== undefined ? { poolMaxConn: s.poolMaxConn } : {}),
    ...(s.poolPurgeDelay !== undefined ? { poolPurgeDelay: s.poolPurgeDelay } : {}),
    ...(s.poolLowConn !== undefined ? { poolLowConn: s.poolLowConn } : {}),
    ...(s.initAddrResult === 'none' ? { unresolved: true } : {}),
    ...(s.family === 'host' ? { fqdn: s.host } : {}),
    ...(s.family === 'unix' ? { unix: true } : {}),
  };
}

function toTarget(s: ServerConfig): ServerTarget {
  if (s.host === '' && s.family !== 'unix') {
    throw new HalyardError('HLY_CFG_UNSUPPORTED', `${s.loc.file}:${s.loc.line} : server '${s.name}' has no address (transparent mode, 0.0.0.0 or *), which is not supported by Halyard yet.`);
  }
  const unix = s.family === 'unix';
  if (unix && s.host.startsWith('abns@')) {
    throw new HalyardError('HLY_CFG_UNSUPPORTED', `${s.loc.file}:${s.loc.line} : server '${s.name}' uses an abstract socket (abns@), which is not supported by Halyard yet.`);
  }
  return {
    // init-addr settled on an IP literal (configured fallback): that is the address
    host: unix && s.host.startsWith('unix@') ? s.host.slice(5) : s.initAddrResult !== undefined && s.initAddrResult !== 'none' ? s.initAddrResult : s.host,
    unix,
    port: s.port ?? 0,
    portOffset: s.portOffset ?? 0,
    sendProxy: s.sendProxy ?? null,
    family: s.resolveFamily ?? 0,
  };
}
