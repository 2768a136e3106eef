/**
 * `;csv`, `;json` (`;typed`) and the Prometheus text, rendered by lib/stats from the same
 * snapshot as the runtime API's `show stat`, limited to the proxies the page may show.
 */
import type { ProxyConfig } from '../lib/config/model.js';
import { PROMETHEUS_CONTENT_TYPE, processInfo, prometheusText, statsCsv, statsJson, statsTyped, type StatsOptions } from '../lib/stats/index.js';
import { visibleProxies, type StatsSource } from './model.js';

export interface ExportOut {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

export function exportStats(src: StatsSource, px: ProxyConfig, o: { csv: boolean; json: boolean; typed: boolean; metrics: boolean; up: boolean }): ExportOut {
  const snap = src.runtime.snapshot();
  if (o.metrics) return { status: 200, type: PROMETHEUS_CONTENT_TYPE, body: prometheusText(snap, processInfo(snap, src.info?.() ?? {})) };
  const opts: StatsOptions = {
    up: o.up,
    legends: px.stats.showLegends,
    ...(px.stats.scope.length > 0 ? { scope: visibleProxies(src, px).map((p) => p.name) } : {}),
  };
  if (o.json) return { status: 200, type: 'application/json', body: statsJson(snap, opts) };
  if (o.typed) return { status: 200, type: 'text/plain', body: statsTyped(snap, opts) };
  return { status: 200, type: 'text/plain', body: statsCsv(snap, opts) };
}
