/**
 * lib/stats: HAProxy 2.6's statistics formats over a RuntimeSnapshot, for the stats page
 * (stats-ui/) and the runtime API (lib/stats/cli). All of them read one column table
 * (columns.ts), so the CSV, typed, JSON and Prometheus outputs always agree.
 *
 *   const snap = runtime.snapshot();
 *   statsCsv(snap, { up: true, scope: ['be'] })     // `;csv;up`, `show stat`
 *   statsJson(snap)                                  // `;json`, `show stat json`
 *   statsTyped(snap)                                 // `show stat typed`
 *   const info = processInfo(snap, { listeners: 3 });
 *   showInfo(info)                                   // `show info`
 *   prometheusText(snap, info)                       // /metrics
 *   setServerState(runtime, checks, 'be', 's1', 'maint')   // admin actions (CLI and stats page)
 */
export { COLUMNS, CSV_HEADER, MODULE_START, tagsOf, valueOf } from './columns.js';
export type { Column, FieldType, ObjKind, Row, Value } from './columns.js';
export { csvLine, jsonTags, proxyMatches, statRows, statsCsv, statsJson, statsJsonValue, statsTyped } from './render.js';
export type { JsonField, StatsOptions } from './render.js';
export { infoFields, processInfo, showInfo, showInfoTyped, uptimeText } from './info.js';
export type { InfoField, ProcessInfo, ProcessInfoExtra } from './info.js';
export { PROMETHEUS_CONTENT_TYPE, prometheusText } from './prometheus.js';
export type { PrometheusOptions } from './prometheus.js';
export {
  getServerWeight, lookupBackend, lookupServer, setServerAddr, setServerAdminState, setServerHealthEnabled,
  setServerMaxconn, setServerWeight,
} from './admin.js';
export type { AdminContext, AdminEvents, AdminState, ServerTarget } from './admin.js';
export { CliSession, splitCommands } from './cli.js';
export type { CliContext, CliLevel, LineResult } from './cli.js';
export { openStatsSocket, openStatsSockets } from './socket.js';
export type { StatsSocket } from './socket.js';
