/** `;csv`, `;json` and the Prometheus text: rendered by lib/stats from the same snapshot. */
import type { ProxyConfig } from '../lib/config/model.js';
import type { StatsSource } from './model.js';

export interface ExportOut {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

export function exportStats(_src: StatsSource, _px: ProxyConfig, _o: { csv: boolean; json: boolean; typed: boolean; metrics: boolean; up: boolean }): ExportOut {
  return { status: 501, type: 'text/plain', body: 'exports are not wired yet\n' };
}
