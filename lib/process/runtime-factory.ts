// The serving runtime as the process shell sees it: the runtime (frontends, backends), the log
// system and the health checks. One place where the pieces meet, so master.ts stays independent.
import type { HalyardConfig, ProxyConfig } from '../config/model.js';
import { LogSystem } from '../log/index.js';
import { buildRuntime } from '../runtime/runtime.js';
import { createHealthChecks } from '../../backends/health/index.js';
import { httpFrontendFactory } from '../../frontends/http/index.js';
import { downMessage, noServerMessage, stderrLine, upMessage } from '../../backends/health/messages.js';
import { SrvState } from '../../backends/server.js';
import { startStatsApps } from '../../stats-ui/index.js';
import type { CliContext } from '../stats/cli.js';
import { openStatsSockets, type StatsSocket } from '../stats/socket.js';
import type { ServeRuntime } from './types.js';

export function makeServeRuntime(cfg: HalyardConfig, quiet: boolean): ServeRuntime {
  const logs = new LogSystem(cfg.global, { pid: process.pid, quiet });
  const rt = buildRuntime(cfg, { logger: (px) => logs.forProxy(px), frontends: { http: httpFrontendFactory } });
  const pxByName = new Map<string, ProxyConfig>();
  for (const px of cfg.proxies) if (px.kind === 'backend' || px.kind === 'listen') pxByName.set(px.name, px);
  // the backend lost its last usable server: an emergency in its logs, an ALERT on stderr
  const noServer = (be: string): void => {
    const px = pxByName.get(be);
    if (px === undefined) return;
    logs.forProxy(px).event('emerg', noServerMessage(be, px.kind === 'listen', false));
    if (!quiet) process.stderr.write(stderrLine('ALERT', process.pid, noServerMessage(be, px.kind === 'listen', true)));
  };
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
  // `track`: a tracker's state comes from its target (Backend propagates it); it gets what a
  // checked server's change gets here: sessions requeued, and the log lines, "via" the target
  for (const [name, pool] of rt.pools) {
    const px = pxByName.get(name);
    if (px === undefined || !pool.be.servers.some((s) => s.tracked !== null)) continue;
    pool.be.stateListener = (be, srv, prev, reason) => {
      if (srv.tracked === null) return;
      const counts = { active: be.lb.srvAct, backup: be.lb.srvBck };
      const emit = (level: 'alert' | 'notice', text: string): void => {
        logs.forProxy(px).event(level, text);
        if (!quiet) process.stderr.write(stderrLine('WARNING', process.pid, text));
      };
      const who = `${srv.backup ? 'Backup ' : ''}Server ${be.name}/${srv.name}`;
      if (reason.startsWith('maint via ')) {
        // maintenance inherited from the tracked server, worded as HAProxy's
        if (srv.inMaint && prev !== SrvState.STOPPED) {
          const requeued = pool.markedDown(srv, false);
          emit('alert', `${who} is going DOWN for maintenance via ${reason.slice(10)}. ${counts.active} active and ${counts.backup} backup servers left.${counts.active === 0 && counts.backup > 0 ? ' Running on backup.' : ''} ${srv.served} sessions active, ${requeued} requeued, ${srv.queueLength} remaining in queue.`);
          // it was usable unless drained: then it was the last one
          if (counts.active + counts.backup === 0 && srv.uweight > 0) noServer(be.name);
        } else if (!srv.inMaint) {
          pool.markedUp(srv, false);
          if (srv.draining) {
            emit('notice', `${who} is UP/DRAIN (leaving maintenance).`);
            emit('notice', `${who} remains in forced drain mode.`);
          } else {
            emit('notice', `${who} is UP/READY (leaving maintenance).`);
          }
        }
        return;
      }
      if (!reason.startsWith('via ')) return;
      const via = reason.slice(4);
      if (srv.state === SrvState.STOPPED && prev !== SrvState.STOPPED) {
        const requeued = pool.markedDown(srv, false);
        emit('alert', downMessage({ be: be.name, srv: srv.name, backup: srv.backup, outcome: null, counts, sessions: srv.served, requeued, queued: srv.queueLength, via }));
        if (counts.active + counts.backup === 0) noServer(be.name);
      } else if (prev === SrvState.STOPPED && srv.state !== SrvState.STOPPED) {
        const requeued = pool.markedUp(srv, false);
        emit('notice', upMessage({ be: be.name, srv: srv.name, backup: srv.backup, outcome: null, counts, requeued, totalQueued: srv.queueLength + be.counters.queueCur, via }));
      }
    };
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
      // server state lines are warnings on stderr whatever their log level (HAProxy's ha_warning)
      if (!quiet) process.stderr.write(stderrLine('WARNING', process.pid, text));
    },
    noServer,
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
