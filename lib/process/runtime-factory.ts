// The serving runtime as the process shell sees it: the runtime (frontends, backends) with the
// log system plugged in. One place where the pieces meet, so master.ts stays independent of them.
import type { HalyardConfig } from '../config/model.js';
import { LogSystem } from '../log/index.js';
import { buildRuntime } from '../runtime/runtime.js';
import type { ServeRuntime } from './types.js';

export function makeServeRuntime(cfg: HalyardConfig, quiet: boolean): ServeRuntime {
  const logs = new LogSystem(cfg.global, { pid: process.pid, quiet });
  const rt = buildRuntime(cfg, { logger: (px) => logs.forProxy(px) });
  return {
    frontends: rt.frontends,
    backendSessions: (name) => rt.backends.get(name)?.counters.cumSess ?? 0,
    close: () => { logs.close(); },
  };
}
