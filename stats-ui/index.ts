/**
 * stats-ui: the stats page of every `stats enable` proxy (Fastify + @fastify/view + eta).
 *
 *   const apps = startStatsApps({ runtime, checks, config });   // after the runtime is built
 *   ...
 *   await apps.close();
 *
 * The HTTP engine routes each proxy's stats URI to its app (frontends/http/stats-gate.ts).
 */
import { HttpFrontend } from '../frontends/http/index.js';
import { startStatsApp, type StatsApp } from './app.js';
import type { StatsSource } from './model.js';

export type { StatsApp } from './app.js';
export type { StatsSource } from './model.js';

export interface StatsApps {
  readonly apps: readonly StatsApp[];
  close(): Promise<void>;
}

export function startStatsApps(src: StatsSource): StatsApps {
  const apps: StatsApp[] = [];
  for (const fe of src.runtime.frontends) {
    if (fe instanceof HttpFrontend && fe.stats !== null) apps.push(startStatsApp(fe.stats, src));
  }
  return {
    apps,
    async close() {
      await Promise.all(apps.map((a) => a.close()));
    },
  };
}
