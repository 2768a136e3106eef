/**
 * backends/health: active (and passive) health checks.
 *
 * The runtime builds them once, in the master, after the Backend objects:
 *
 *   const { checks, problems } = createHealthChecks(config, backendsByName, {
 *     sink: (level, text) => logger.event(level, text),    // proxy log targets
 *     stderr: (line) => process.stderr.write(line),         // "[WARNING]  (pid) : ..."
 *   });
 *   checks.start();                 // first runs spread over the smallest interval, as HAProxy
 *   checks.checker('be')?.onMarkedDown((srv, be, shutdown) => frontend.requeue(srv, shutdown));
 *   checks.of(srv)?.statusText()    // stats: "UP 1/3", check_status, code, duration, info
 *   checks.stop();                  // on reload / exit
 *
 * Results reach servers only through serverState() (backends/backend.ts).
 */
import { hostname } from 'node:os';
import type { HalyardConfig, ProxyConfig, ServerConfig as ModelServer } from '../../lib/config/model.js';
import type { Backend } from '../backend.js';
import type { Server } from '../server.js';
import { BackendChecker, type BackendCheckerOptions, type EventSink } from './backend-checker.js';
import type { CheckSettings, HealthCheck, OnError } from './health-check.js';
import { compileChecks } from './rules.js';
import { RealScheduler, type Scheduler } from './scheduler.js';

export { BackendChecker } from './backend-checker.js';
export type { EventSink, LogLevel, MarkedDownHook, MarkedUpHook, ObservedEvent } from './backend-checker.js';
export { HealthCheck } from './health-check.js';
export type { CheckSettings, OnError } from './health-check.js';
export { CHECK_STATUSES, CheckStatus, checkStatusRow } from './status.js';
export type { CheckOutcome, CheckStatusRow } from './status.js';
export { ManualScheduler, RealScheduler } from './scheduler.js';
export type { Scheduler } from './scheduler.js';
export { compileChecks } from './rules.js';

/** HAProxy ignores intervals below this when choosing the start-up spread (SRV_CHK_INTER_THRES). */
const SPREAD_THRESHOLD = 1000;

export interface HealthChecksOptions {
  readonly sched?: Scheduler;
  readonly sink?: EventSink;
  readonly stderr?: (line: string) => void;
  readonly pid?: number;
  /** global `node` (default: the host name) */
  readonly node?: string;
  /** replaces the socket probe (tests) */
  readonly runner?: BackendCheckerOptions['runner'];
}

export class HealthChecks {
  readonly checkers = new Map<string, BackendChecker>();
  private readonly byServer = new Map<Server, HealthCheck>();

  constructor(readonly sched: Scheduler) {}

  register(c: BackendChecker): void {
    this.checkers.set(c.be.name, c);
    for (const hc of c.checks) this.byServer.set(hc.srv, hc);
  }

  checker(backend: string): BackendChecker | undefined {
    return this.checkers.get(backend);
  }

  of(srv: Server): HealthCheck | undefined {
    return this.byServer.get(srv);
  }

  /** Every check, in declaration order. */
  all(): HealthCheck[] {
    return [...this.checkers.values()].flatMap((c) => c.checks);
  }

  /**
   * Starts every check. As HAProxy's start_checks: the smallest interval of at least 1s is
   * cut into as many slices as there are checks, and check number i starts after i slices,
   * so a thousand servers do not connect in the same millisecond.
   */
  start(): void {
    const all = this.all();
    let mininter = 0;
    for (const hc of all) {
      const iv = hc.interval();
      if (iv >= SPREAD_THRESHOLD && (mininter === 0 || iv < mininter)) mininter = iv;
    }
    all.forEach((hc, pos) => hc.start(Math.floor((mininter * pos) / all.length)));
  }

  stop(): void {
    for (const c of this.checkers.values()) c.stop();
    if (this.sched instanceof RealScheduler) this.sched.stop();
  }
}

export interface CreateResult {
  readonly checks: HealthChecks;
  /** configuration we could not honour (unsupported rule forms, servers without a check port) */
  readonly problems: readonly string[];
}

export function createHealthChecks(
  cfg: Pick<HalyardConfig, 'proxies' | 'global'>,
  backends: ReadonlyMap<string, Backend>,
  opts: HealthChecksOptions = {},
): CreateResult {
  const sched = opts.sched ?? new RealScheduler();
  const checks = new HealthChecks(sched);
  const problems: string[] = [];
  const spread = cfg.global.spreadChecks ?? 0;
  for (const px of cfg.proxies) {
    if (px.kind !== 'backend' && px.kind !== 'listen') continue;
    const be = backends.get(px.name);
    if (be === undefined || !px.servers.some((s) => s.check)) continue;
    const { program, problems: p } = compileChecks(px);
    problems.push(...p.map((m) => `backend '${px.name}': ${m}`));
    const checker = new BackendChecker({
      be, program, sched, listen: px.kind === 'listen', logHealthChecks: px.options.logHealthChecks,
      sink: opts.sink ?? (() => undefined), stderr: opts.stderr ?? ((l) => void process.stderr.write(l)),
      pid: opts.pid ?? process.pid, node: opts.node ?? cfg.global.node ?? hostname(),
      ...(opts.runner !== undefined ? { runner: opts.runner } : {}),
    });
    for (const sc of px.servers) {
      if (!sc.check) continue;
      const srv = be.findServer(sc.name);
      if (srv === undefined) continue;
      const settings = checkSettings(px, sc, srv, spread);
      if (settings === null) {
        problems.push(`server '${px.name}/${sc.name}' has neither service port nor check port; check disabled.`);
        continue;
      }
      checker.add(srv, settings);
    }
    checks.register(checker);
  }
  return { checks, problems };
}

const ON_ERROR = new Set<string>(['fastinter', 'fail-check', 'sudden-death', 'mark-down']);

/** The settings of one server's check, with HAProxy's defaults; null when there is no port to check. */
export function checkSettings(px: Pick<ProxyConfig, 'timeouts'>, sc: ModelServer, srv: Server, spread: number): CheckSettings | null {
  const port = sc.checkPort ?? srv.port;
  if (port === 0) return null;
  // A separate check port or address means the check does not reuse the traffic's encapsulation.
  const own = sc.checkPort === undefined && sc.checkAddr === undefined;
  // HAProxy's default on-error is fail-check (the config side fills it; kept for hand-made models)
  const onError = sc.onError !== undefined && ON_ERROR.has(sc.onError) ? (sc.onError as OnError) : 'fail-check';
  return {
    inter: sc.inter,
    fastinter: sc.fastinter ?? sc.inter,
    downinter: sc.downinter ?? sc.inter,
    rise: sc.rise,
    fall: sc.fall,
    timeouts: { inter: sc.inter, connect: px.timeouts.connect ?? 0, check: px.timeouts.check ?? 0 },
    // PROXY header on checks: the server's own send-proxy* when checks go to its address,
    // always with check-send-proxy (v2 only if the server says send-proxy-v2), as HAProxy
    target: { host: sc.checkAddr ?? srv.address, port, sendProxy: sc.checkSendProxy ? (sc.sendProxy ?? 'v1') : own ? (sc.sendProxy ?? null) : null },
    spread: Math.min(Math.max(spread, 0), 50),
    slowstart: sc.slowstart,
    observe: sc.observe === 'layer4' || sc.observe === 'layer7' ? sc.observe : null,
    errorLimit: sc.errorLimit ?? 10,
    onError,
    shutdownSessions: sc.onMarkedDown === 'shutdown-sessions',
    shutdownBackupSessions: sc.onMarkedUp === 'shutdown-backup-sessions',
  };
}
