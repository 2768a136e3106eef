// The serving runtime as the process shell sees it: the runtime (frontends, backends), the log
// system and the health checks. One place where the pieces meet, so master.ts stays independent.
import type { HalyardConfig, ProxyConfig } from '../config/model.js';
import { LogSystem } from '../log/index.js';
import { buildRuntime } from '../runtime/runtime.js';
import { createHealthChecks } from '../../backends/health/index.js';
import { httpFrontendFactory } from '../../frontends/http/index.js';
import { stderrLine } from '../../backends/health/messages.js';
import { startStatsApps } from '../../stats-ui/index.js';
import type { CliContext } from '../stats/cli.js';
import { openStatsSockets, type StatsSocket } from '../stats/socket.js';
import type { ServeRuntime } from './types.js';

export function makeServeRuntime(cfg: HalyardConfig, quiet: boolean): ServeRuntime {
  const logs = new LogSystem(cfg.global, { pid: process.pid, quiet });
  const rt = buildRuntime(cfg, { logger: (px) => logs.forProxy(px), frontends: { http: httpFrontendFactory } });
  const pxByName = new Map<string, ProxyConfig>();
  for (const px of cfg.proxies) if (px.kind === 'backend' || px.kind === 'listen') pxByName.set(px.name, px);
  // Health checks run here, once, beside the listeners (DESIGN.md: in the master, never in workers);
  // their verdicts reach the backends through serverState().
  const { checks, problems } = createHealthChecks(cfg, rt.backends, {
    sink: (level, text, be) => {
      const px = pxByName.get(be.name);
      if (px !== undefined) logs.forProxy(px).event(level, text);
    },
    stderr: (line) => { if (!quiet) process.stderr.write(line); },
  });
  if (problems.length > 0) throw new Error(`health checks: ${problems.join('; ')}`);
  // What a state change does to sessions: requeue/redistribute, shutdown-sessions (DESIGN.md:
  // one event per change, which reaches the serving side through these hooks).
  for (const [name, checker] of checks.checkers) {
    const pool = rt.pools.get(name);
    if (pool === undefined) continue;
    checker.onMarkedDown((srv, _be, shutdown) => pool.markedDown(srv, shutdown));
    checker.onMarkedUp((srv, _be, shutdownBackups) => pool.markedUp(srv, shutdownBackups));
    checker.setQueueProbe((be) => be.counters.queueCur);
  }
  // stats (CSV, runtime API, stats page) read check results through the runtime's snapshot
  rt.checks = (srv) => checks.of(srv);
  checks.start();
  let sockets: StatsSocket[] = [];
  let stopping = false;
  // the runtime API's admin actions log as health-check state changes do
  const cli: CliContext = {
    runtime: rt,
    checkOf: (srv) => checks.of(srv),
    events: (be, level, text) => {
      const px = pxByName.get(be);
      if (px !== undefined) logs.forProxy(px).event(level, text);
      if (!quiet) process.stderr.write(stderrLine(level === 'alert' ? 'ALERT' : 'WARNING', process.pid, text));
    },
    info: () => ({
      listeners: cfg.proxies.reduce((n, px) => n + (px.disabled ? 0 : px.binds.length), 0) + sockets.length,
      stopping,
      ...(cfg.global.node !== undefined ? { node: cfg.global.node } : {}),
      ...(cfg.global.description !== undefined ? { description: cfg.global.description } : {}),
      ...(cfg.global.ulimitN !== undefined ? { ulimitN: cfg.global.ulimitN } : {}),
    }),
  };
  for (const sc of cfg.global.statsSockets) {
    if (sc.user !== undefined || sc.group !== undefined) {
      throw new Error(`${sc.loc.file}:${sc.loc.line} : 'stats socket' options 'user'/'group' are not supported by Halyard yet (use 'uid'/'gid').`);
    }
  }
  // the stats page of every `stats enable` proxy, behind its frontend; its admin form acts as the CLI does
  const stats = startStatsApps({ runtime: rt, checks, config: cfg, admin: cli, info: cli.info });
  return {
    runtime: rt,
    checks,
    cli,
    frontends: rt.frontends,
    backendSessions: (name) => rt.backends.get(name)?.counters.cumSess ?? 0,
    start: async () => {
      sockets = await openStatsSockets(cli, cfg.global.statsSockets, cfg.global.statsTimeout, cfg.global.statsMaxconn);
    },
    stopping: () => { stopping = true; },
    close: () => {
      checks.stop();
      void stats.close();
      logs.close();
      for (const s of sockets) void s.close();
      sockets = [];
    },
  };
}
