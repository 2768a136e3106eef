/**
 * The runtime: frontends, backends and servers built from a compiled configuration, as the
 * listeners (lib/net), the process shell (lib/process) and the stats page use them.
 *
 *   const rt = buildRuntime(config, { logger: (px) => myLogger(px) });
 *   for (const fe of rt.frontends) for (const b of fe.binds) listen(b, (sock, l) => fe.accept(sock, l));
 *   rt.snapshot()   // plain counters for the stats page
 *
 * Building refuses (throws a HalyardError naming file:line) what would otherwise be silently
 * wrong at run time: rules a TCP frontend cannot evaluate yet, dynamic backend names in TCP,
 * HTTP frontends when no HTTP engine is plugged in.
 */
import type { Backend } from '../../backends/backend.js';
import type { Server } from '../../backends/server.js';
import { TcpFrontend, type SwitchRule } from '../../frontends/tcp/frontend.js';
import { HalyardError } from '../errors.js';
import type { HalyardConfig, Mode, ProxyConfig } from '../config/model.js';
import type { SessionLogger } from '../log/record.js';
import { BackendRuntime } from './backend-runtime.js';
import { GlobalLimit, type Frontend } from './frontend.js';
import { compileL4Condition } from './l4cond.js';
import { acceptRules, contentRules, l4Cond } from './tcp-rules.js';
import { snapshotOf, type CheckLookup, type RuntimeSnapshot } from './snapshot.js';

export type { Frontend } from './frontend.js';
export type { RuntimeSnapshot, CheckLookup, CheckView } from './snapshot.js';

/** A proxy as the stats list it: configuration order, id, mode. */
export interface ProxyEntry {
  readonly name: string;
  readonly iid: number;
  readonly mode: Mode;
}
export { BackendRuntime } from './backend-runtime.js';

/** Builds the session logger of a frontend (lib/log plugs in here); default: logs nothing. */
export type LoggerFactory = (px: ProxyConfig, global: HalyardConfig['global']) => SessionLogger;

/** What a non-TCP frontend needs to be built by another module (the HTTP engine plugs in here). */
export interface FrontendContext {
  readonly px: ProxyConfig;
  readonly id: number;
  readonly global: GlobalLimit;
  readonly logger: SessionLogger;
  readonly backend: (name: string) => BackendRuntime | undefined;
  /** the frontend's own backend when it is a listen section with servers, else null */
  readonly own: BackendRuntime | null;
  /** the global section's tune.* settings a mode's parsers read (HTTP head limits) */
  readonly tune: Readonly<Record<string, string>>;
}
export type FrontendFactory = (ctx: FrontendContext) => Frontend;

export interface RuntimeOptions {
  readonly logger?: LoggerFactory;
  /** builders for modes other than tcp (tcp is built in) */
  readonly frontends?: Partial<Record<Mode, FrontendFactory>>;
}

export const NOOP_LOGGER: SessionLogger = {
  enabled: false,
  logsAccept: false,
  accept: () => undefined,
  connError: () => undefined,
  tcp: () => undefined,
  http: () => undefined,
  event: () => undefined,
};

export class Runtime {
  /** unix ms when built: the process uptime of `show info` */
  readonly startedAt = Date.now();
  /** the health checks' view of a server, once the serving runtime has attached them */
  checks: CheckLookup | null = null;

  constructor(
    readonly frontends: readonly Frontend[],
    /** every backend (and listen section) by name, as the balancing layer sees it */
    readonly backends: Map<string, Backend>,
    /** the same backends with their queues, targets and timeouts */
    readonly pools: Map<string, BackendRuntime>,
    readonly global: GlobalLimit,
    /** every enabled proxy in configuration order (stats row order) */
    readonly order: readonly ProxyEntry[] = [],
    /** backend names each frontend names statically (default_backend, use_backend, its own) */
    private readonly routes: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  ) {}

  /** Whether frontend `fe` names backend `be` (for the default fullconn). */
  reaches(fe: string, be: string): boolean {
    return this.routes.get(fe)?.has(be) ?? false;
  }

  backend(name: string): BackendRuntime | undefined {
    return this.pools.get(name);
  }

  frontend(name: string): Frontend | undefined {
    return this.frontends.find((f) => f.name === name);
  }

  /** Plain counters, for the stats page, CSV and runtime API (one function, summable per worker). */
  snapshot(): RuntimeSnapshot {
    return snapshotOf(this);
  }

  /** SIGTTOU / SIGTTIN: hold new connections, or start them again. */
  pause(): void {
    for (const f of this.frontends) f.pause();
  }

  resume(): void {
    for (const f of this.frontends) f.resume();
  }

  /** Soft stop: accept nothing new, resolve when every accepted connection is done. */
  async stop(): Promise<void> {
    for (const f of this.frontends) f.stopAccepting();
    await Promise.all(this.frontends.map((f) => f.drain()));
  }
}

const isFrontend = (px: ProxyConfig): boolean => px.kind === 'frontend' || px.kind === 'listen';
const isBackend = (px: ProxyConfig): boolean => px.kind === 'backend' || px.kind === 'listen';

/**
 * `track [be/]srv`: each tracking server follows its target's state and maintenance from now
 * on (Backend propagates changes), starting from the target's current ones. -c has checked the
 * targets (they exist, end in a checked server, no loop).
 */
function linkTracking(pools: ReadonlyMap<string, BackendRuntime>): void {
  const links: { tb: Backend; target: Server }[] = [];
  for (const b of pools.values()) {
    b.px.servers.forEach((sc, i) => {
      const srv = b.be.servers[i];
      if (sc.track === undefined || srv === undefined) return;
      const slash = sc.track.indexOf('/');
      const tb = slash >= 0 ? pools.get(sc.track.slice(0, slash)) : b;
      const target = tb?.be.servers.find((x) => x.name === (slash >= 0 ? sc.track?.slice(slash + 1) : sc.track));
      if (tb === undefined || target === undefined) {
        throw new HalyardError('HLY_CFG_REFERENCE', `${sc.loc.file}:${sc.loc.line} : unable to find '${sc.track}' for tracking.`);
      }
      srv.tracked = { be: tb.be, srv: target };
      target.trackers.push({ be: b.be, srv });
      links.push({ tb: tb.be, target });
    });
  }
  // the starting state: a chain settles in as many passes as it is long
  for (let pass = 0; pass < links.length; pass++) {
    for (const { tb, target } of links) tb.syncTrackers(target);
  }
}

export function buildRuntime(config: HalyardConfig, opts: RuntimeOptions = {}): Runtime {
  const loggerOf = opts.logger ?? (() => NOOP_LOGGER);
  const global = new GlobalLimit(config.global.maxconn ?? 0);
  const ids = proxyIds(config);

  const pools = new Map<string, BackendRuntime>();
  for (const px of config.proxies) {
    if (!isBackend(px) || px.disabled || pools.has(px.name)) continue;
    pools.set(px.name, new BackendRuntime(px, ids.get(px) ?? 0));
  }
  const backends = new Map<string, Backend>();
  for (const [name, b] of pools) backends.set(name, b.be);
  linkTracking(pools);

  const frontends: Frontend[] = [];
  for (const px of config.proxies) {
    if (!isFrontend(px) || px.disabled) continue;
    const id = ids.get(px) ?? 0;
    const logger = loggerOf(px, config.global);
    const own = px.kind === 'listen' ? pools.get(px.name) ?? null : null;
    if (px.mode === 'tcp') {
      frontends.push(buildTcpFrontend(px, id, global, logger, pools, own));
      continue;
    }
    const factory = opts.frontends?.[px.mode];
    if (factory === undefined) {
      throw new HalyardError('HLY_CFG_UNSUPPORTED', `${px.loc.file}:${px.loc.line} : ${px.kind} '${px.name}' uses 'mode ${px.mode}', which this runtime cannot serve yet.`);
    }
    frontends.push(factory({ px, id, global, logger, backend: (n) => pools.get(n), own, tune: config.global.tune }));
  }
  const order: ProxyEntry[] = [];
  const routes = new Map<string, Set<string>>();
  for (const px of config.proxies) {
    if (px.kind === 'defaults' || px.disabled) continue;
    order.push({ name: px.name, iid: ids.get(px) ?? 0, mode: px.mode });
    if (!isFrontend(px)) continue;
    const r = new Set<string>();
    if (px.kind === 'listen') r.add(px.name);
    if (px.defaultBackend !== undefined) r.add(px.defaultBackend.name);
    for (const ub of px.useBackends) if (!ub.dynamic) r.add(ub.name);
    routes.set(px.name, r);
  }
  return new Runtime(frontends, backends, pools, global, order, routes);
}

/**
 * Proxy ids as HAProxy numbers them (stats `iid`, `show servers state` be_id): explicit `id`s
 * first, then the first free id upwards in declaration order. With a `stats socket`, the CLI's
 * own proxy (GLOBAL) is declared first and takes id 1.
 */
export function proxyIds(config: Pick<HalyardConfig, 'proxies' | 'global'>): Map<ProxyConfig, number> {
  const ids = new Map<ProxyConfig, number>();
  const used = new Set<number>();
  for (const px of config.proxies) if (px.id !== undefined) used.add(px.id);
  let next = 1;
  const take = (): number => {
    while (used.has(next)) next++;
    used.add(next);
    return next++;
  };
  if (config.global.statsSockets.length > 0) take();
  for (const px of config.proxies) ids.set(px, px.id ?? take());
  return ids;
}

function buildTcpFrontend(
  px: ProxyConfig, id: number, global: GlobalLimit, logger: SessionLogger,
  pools: Map<string, BackendRuntime>, own: BackendRuntime | null,
): TcpFrontend {
  const target = (name: string, loc: { file: string; line: number }): BackendRuntime => {
    const b = pools.get(name);
    if (b === undefined) throw new HalyardError('HLY_CFG_REFERENCE', `${loc.file}:${loc.line} : proxy '${px.name}': backend '${name}' is missing or disabled.`);
    if (b.mode === 'http' && b.name !== px.name) {
      throw new HalyardError('HLY_CFG_UNSUPPORTED', `${loc.file}:${loc.line} : TCP frontend '${px.name}' using HTTP backend '${name}' (TCP to HTTP upgrade) is not supported by Halyard yet.`);
    }
    return b;
  };
  const rules: SwitchRule[] = px.useBackends.map((ub) => {
    if (ub.dynamic) {
      throw new HalyardError('HLY_CFG_UNSUPPORTED', `${ub.loc.file}:${ub.loc.line} : a dynamic backend name ('use_backend ${ub.name}') is not supported by Halyard yet in a TCP frontend.`);
    }
    return { cond: ub.cond === undefined ? null : compileL4Condition(ub.cond, px.acls), backend: target(ub.name, ub.loc) };
  });
  // default_backend takes precedence over a listen section's own servers (HAProxy warns so).
  const dflt = px.defaultBackend !== undefined ? target(px.defaultBackend.name, px.defaultBackend.loc) : own;
  const fe = new TcpFrontend({
    name: px.name, id, binds: px.binds,
    maxconn: px.maxconn > 0 ? px.maxconn : global.max,
    rules, defaultBackend: dflt,
    timeoutClient: px.timeouts.client ?? 0,
    timeoutClientFin: px.timeouts['client-fin'] ?? 0,
    logger,
    tcpContent: contentRules(px, l4Cond(px)),
  }, global);
  fe.tcpAccept = acceptRules(px);
  return fe;
}
