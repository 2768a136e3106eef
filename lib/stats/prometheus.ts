/**
 * Prometheus text exposition (format 0.0.4) with the metric names of HAProxy 2.6's exporter
 * (promex), so existing dashboards and alerts keep working: haproxy_process_*,
 * haproxy_frontend_*, haproxy_backend_*, haproxy_server_*. Each family is printed once with
 * its HELP and TYPE lines, then one sample per proxy (or server). Like promex, a field that is
 * empty in the CSV is NaN, check metrics are skipped for servers without a running check, and
 * HTTP-only families skip TCP proxies. Status metrics have one series per state label.
 */
import type { RuntimeSnapshot } from '../runtime/snapshot.js';
import { COLUMNS, valueOf, type Row, type Value } from './columns.js';
import type { ProcessInfo } from './info.js';
import { statRows } from './render.js';

type Kind = 'gauge' | 'counter';
type Scope = 'frontend' | 'backend' | 'server';

/** A sample value; null prints NaN, undefined skips the sample. */
type Sample = number | null | undefined;

interface Family {
  readonly name: string;
  readonly kind: Kind;
  readonly help: string;
  /** a stats column, scaled from ms to seconds when `ms` */
  readonly col?: string;
  readonly ms?: boolean;
  readonly http?: boolean;
  /** several series per object: [extra label, value] */
  readonly series?: (r: Row) => readonly (readonly [string, number])[] | undefined;
  /** only servers with a running check (promex skips the others) */
  readonly check?: boolean;
  /** series ordered label-major (every object's 1xx, then every object's 2xx...), as promex does */
  readonly labelMajor?: boolean;
}

const COL = new Map(COLUMNS.map((c) => [c.name, c]));
function col(r: Row, name: string): Value {
  const c = COL.get(name);
  return c === undefined ? null : valueOf(c, r);
}

const CODES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'];
const httpResponses = (r: Row): [string, number][] =>
  CODES.map((c, i) => [`code="${c}"`, Number(col(r, `hrsp_${i < 5 ? c : 'other'}`) ?? 0)]);

const SRV_STATES = ['DOWN', 'UP', 'MAINT', 'DRAIN', 'NOLB'] as const;
function serverState(r: Row): string {
  const s = r.sv;
  if (s === undefined) return 'DOWN';
  if ((s.admin & 0x23) !== 0) return 'MAINT';
  if ((s.admin & 0x18) !== 0) return 'DRAIN';
  if (s.opState === 0) return 'DOWN';
  return s.opState === 3 ? 'NOLB' : 'UP';
}
const CHECK_STATES = ['HANA', 'SOCKERR', 'L4OK', 'L4TOUT', 'L4CON', 'L6OK', 'L6TOUT', 'L6RSP', 'L7TOUT', 'L7RSP', 'L7OK', 'L7OKC', 'L7STS', 'PROCERR', 'PROCTOUT', 'PROCOK'];

const f = (name: string, kind: Kind, help: string, colName?: string, more: Partial<Family> = {}): Family =>
  ({ name, kind, help, ...(colName !== undefined ? { col: colName } : {}), ...more });

const FRONTEND: readonly Family[] = [
  f('current_sessions', 'gauge', 'Current sessions.', 'scur'),
  f('max_sessions', 'gauge', 'Highest number of concurrent sessions seen.', 'smax'),
  f('limit_sessions', 'gauge', 'Configured session limit (maxconn).', 'slim'),
  f('sessions_total', 'counter', 'Sessions since start.', 'stot'),
  f('bytes_in_total', 'counter', 'Bytes received from clients.', 'bin'),
  f('bytes_out_total', 'counter', 'Bytes sent to clients.', 'bout'),
  f('requests_denied_total', 'counter', 'Requests denied by rules.', 'dreq'),
  f('responses_denied_total', 'counter', 'Responses denied by rules.', 'dresp'),
  f('request_errors_total', 'counter', 'Invalid requests.', 'ereq'),
  f('status', 'gauge', 'Frontend status, one series per state.', undefined, { series: (r) => { const up = r.fe?.status === 'OPEN' ? 1 : 0; return [['state="DOWN"', 1 - up], ['state="UP"', up]]; } }),
  f('limit_session_rate', 'gauge', 'Configured session rate limit.', 'rate_lim'),
  f('max_session_rate', 'gauge', 'Highest session rate seen, per second.', 'rate_max'),
  f('http_responses_total', 'counter', 'HTTP responses by status class.', undefined, { http: true, labelMajor: true, series: httpResponses }),
  f('http_requests_rate_max', 'gauge', 'Highest HTTP request rate seen, per second.', 'req_rate_max', { http: true }),
  f('http_requests_total', 'counter', 'HTTP requests received.', 'req_tot', { http: true }),
  f('http_comp_bytes_in_total', 'counter', 'Bytes fed to the compressor.', 'comp_in', { http: true }),
  f('http_comp_bytes_out_total', 'counter', 'Bytes produced by the compressor.', 'comp_out', { http: true }),
  f('http_comp_bytes_bypassed_total', 'counter', 'Bytes that bypassed the compressor.', 'comp_byp', { http: true }),
  f('http_comp_responses_total', 'counter', 'Compressed HTTP responses.', 'comp_rsp', { http: true }),
  f('connections_rate_max', 'gauge', 'Highest connection rate seen, per second.', 'conn_rate_max'),
  f('connections_total', 'counter', 'Connections accepted.', 'conn_tot'),
  f('intercepted_requests_total', 'counter', 'Requests answered by the proxy itself.', 'intercepted', { http: true }),
  f('denied_connections_total', 'counter', 'Connections refused by tcp-request connection rules.', 'dcon'),
  f('denied_sessions_total', 'counter', 'Sessions refused by tcp-request session rules.', 'dses'),
  f('failed_header_rewriting_total', 'counter', 'Failed header rewrites.', 'wrew'),
  f('http_cache_lookups_total', 'counter', 'HTTP cache lookups.', 'cache_lookups', { http: true }),
  f('http_cache_hits_total', 'counter', 'HTTP cache hits.', 'cache_hits', { http: true }),
  f('internal_errors_total', 'counter', 'Internal errors.', 'eint'),
];

const COMMON_BS = (who: 'backend' | 'server'): Family[] => [
  f('current_queue', 'gauge', 'Requests waiting in the queue.', 'qcur'),
  f('max_queue', 'gauge', 'Highest queue length seen.', 'qmax'),
  f('current_sessions', 'gauge', 'Current sessions.', 'scur'),
  f('max_sessions', 'gauge', 'Highest number of concurrent sessions seen.', 'smax'),
  f('limit_sessions', 'gauge', who === 'backend' ? 'Configured fullconn.' : 'Configured maxconn.', 'slim'),
  f('sessions_total', 'counter', 'Sessions since start.', 'stot'),
  f('bytes_in_total', 'counter', 'Bytes received from clients.', 'bin'),
  f('bytes_out_total', 'counter', 'Bytes sent to clients.', 'bout'),
];

const BACKEND: readonly Family[] = [
  ...COMMON_BS('backend'),
  f('requests_denied_total', 'counter', 'Requests denied by rules.', 'dreq'),
  f('responses_denied_total', 'counter', 'Responses denied by rules.', 'dresp'),
  f('connection_errors_total', 'counter', 'Failed connections to servers.', 'econ'),
  f('response_errors_total', 'counter', 'Invalid or aborted server responses.', 'eresp'),
  f('retry_warnings_total', 'counter', 'Connection retries.', 'wretr'),
  f('redispatch_warnings_total', 'counter', 'Redispatches to another server.', 'wredis'),
  f('status', 'gauge', 'Backend status, one series per state.', undefined, { series: (r) => { const up = r.be?.status === 'UP' ? 1 : 0; return [['state="DOWN"', 1 - up], ['state="UP"', up]]; } }),
  f('weight', 'gauge', 'Total effective weight of the servers taking traffic.', 'weight'),
  f('active_servers', 'gauge', 'Usable active servers.', 'act'),
  f('backup_servers', 'gauge', 'Usable backup servers.', 'bck'),
  f('check_up_down_total', 'counter', 'Transitions to no usable server.', 'chkdown'),
  f('check_last_change_seconds', 'gauge', 'Seconds since the last up/down transition.', 'lastchg'),
  f('downtime_seconds_total', 'counter', 'Seconds spent with no usable server.', 'downtime'),
  f('loadbalanced_total', 'counter', 'Times a server was picked by the balancing algorithm.', 'lbtot'),
  f('max_session_rate', 'gauge', 'Highest session rate seen, per second.', 'rate_max'),
  f('http_responses_total', 'counter', 'HTTP responses by status class.', undefined, { http: true, labelMajor: true, series: httpResponses }),
  f('http_requests_total', 'counter', 'HTTP requests.', 'req_tot', { http: true }),
  f('client_aborts_total', 'counter', 'Transfers aborted by the client.', 'cli_abrt'),
  f('server_aborts_total', 'counter', 'Transfers aborted by the server.', 'srv_abrt'),
  f('http_comp_bytes_in_total', 'counter', 'Bytes fed to the compressor.', 'comp_in', { http: true }),
  f('http_comp_bytes_out_total', 'counter', 'Bytes produced by the compressor.', 'comp_out', { http: true }),
  f('http_comp_bytes_bypassed_total', 'counter', 'Bytes that bypassed the compressor.', 'comp_byp', { http: true }),
  f('http_comp_responses_total', 'counter', 'Compressed HTTP responses.', 'comp_rsp', { http: true }),
  f('last_session_seconds', 'gauge', 'Seconds since the last session, -1 if none.', 'lastsess'),
  f('queue_time_average_seconds', 'gauge', 'Average queue time.', 'qtime', { ms: true }),
  f('connect_time_average_seconds', 'gauge', 'Average connect time.', 'ctime', { ms: true }),
  f('response_time_average_seconds', 'gauge', 'Average response time.', 'rtime', { ms: true }),
  f('total_time_average_seconds', 'gauge', 'Average total session time.', 'ttime', { ms: true }),
  f('failed_header_rewriting_total', 'counter', 'Failed header rewrites.', 'wrew'),
  f('connection_attempts_total', 'counter', 'Connection attempts to servers.', 'connect'),
  f('connection_reuses_total', 'counter', 'Reused server connections.', 'reuse'),
  f('http_cache_lookups_total', 'counter', 'HTTP cache lookups.', 'cache_lookups', { http: true }),
  f('http_cache_hits_total', 'counter', 'HTTP cache hits.', 'cache_hits', { http: true }),
  f('max_queue_time_seconds', 'gauge', 'Longest queue time seen.', 'qtime_max', { ms: true }),
  f('max_connect_time_seconds', 'gauge', 'Longest connect time seen.', 'ctime_max', { ms: true }),
  f('max_response_time_seconds', 'gauge', 'Longest response time seen.', 'rtime_max', { ms: true }),
  f('max_total_time_seconds', 'gauge', 'Longest total session time seen.', 'ttime_max', { ms: true }),
  f('internal_errors_total', 'counter', 'Internal errors.', 'eint'),
  f('uweight', 'gauge', 'Total user weight of the servers taking traffic.', 'uweight'),
  f('agg_server_status', 'gauge', 'Aggregated server status (always 0, as HAProxy 2.6).', 'agg_server_status'),
  f('agg_server_check_status', 'gauge', 'Aggregated server check status (always 0, as HAProxy 2.6).', 'agg_server_check_status'),
  f('agg_check_status', 'gauge', 'Aggregated check status (always 0, as HAProxy 2.6).', 'agg_check_status'),
];

const SERVER: readonly Family[] = [
  ...COMMON_BS('server'),
  f('responses_denied_total', 'counter', 'Responses denied by rules.', 'dresp'),
  f('connection_errors_total', 'counter', 'Failed connections.', 'econ'),
  f('response_errors_total', 'counter', 'Invalid or aborted responses.', 'eresp'),
  f('retry_warnings_total', 'counter', 'Connection retries.', 'wretr'),
  f('redispatch_warnings_total', 'counter', 'Redispatches away from this server.', 'wredis'),
  f('status', 'gauge', 'Server status, one series per state.', undefined, { series: (r) => { const st = serverState(r); return SRV_STATES.map((s) => [`state="${s}"`, s === st ? 1 : 0] as const); } }),
  f('weight', 'gauge', 'Effective weight.', 'weight'),
  f('check_failures_total', 'counter', 'Failed health checks.', 'chkfail'),
  f('check_up_down_total', 'counter', 'Transitions to DOWN.', 'chkdown'),
  f('check_last_change_seconds', 'gauge', 'Seconds since the last state change.', 'lastchg'),
  f('downtime_seconds_total', 'counter', 'Seconds spent DOWN.', 'downtime'),
  f('queue_limit', 'gauge', 'Configured maxqueue.', 'qlimit'),
  f('current_throttle', 'gauge', 'Slowstart warm-up percentage.', 'throttle'),
  f('loadbalanced_total', 'counter', 'Times picked by the balancing algorithm.', 'lbtot'),
  f('max_session_rate', 'gauge', 'Highest session rate seen, per second.', 'rate_max'),
  f('check_status', 'gauge', 'Last health check status, one series per status.', undefined, {
    check: true,
    series: (r) => { const st = String(col(r, 'check_status') ?? '').replace(/^\* /, ''); return CHECK_STATES.map((s) => [`state="${s}"`, s === st ? 1 : 0] as const); },
  }),
  f('check_code', 'gauge', 'HTTP status of the last layer-7 check, 0 otherwise.', undefined, { check: true }),
  f('check_duration_seconds', 'gauge', 'Duration of the last health check.', 'check_duration', { check: true, ms: true }),
  f('http_responses_total', 'counter', 'HTTP responses by status class.', undefined, { http: true, labelMajor: true, series: httpResponses }),
  f('client_aborts_total', 'counter', 'Transfers aborted by the client.', 'cli_abrt'),
  f('server_aborts_total', 'counter', 'Transfers aborted by the server.', 'srv_abrt'),
  f('last_session_seconds', 'gauge', 'Seconds since the last session, -1 if none.', 'lastsess'),
  f('queue_time_average_seconds', 'gauge', 'Average queue time.', 'qtime', { ms: true }),
  f('connect_time_average_seconds', 'gauge', 'Average connect time.', 'ctime', { ms: true }),
  f('response_time_average_seconds', 'gauge', 'Average response time.', 'rtime', { ms: true }),
  f('total_time_average_seconds', 'gauge', 'Average total session time.', 'ttime', { ms: true }),
  f('failed_header_rewriting_total', 'counter', 'Failed header rewrites.', 'wrew'),
  f('connection_attempts_total', 'counter', 'Connection attempts.', 'connect'),
  f('connection_reuses_total', 'counter', 'Reused connections.', 'reuse'),
  f('idle_connections_current', 'gauge', 'Idle connections.', 'srv_icur'),
  f('idle_connections_limit', 'gauge', 'Idle connection limit.', 'src_ilim'),
  f('max_queue_time_seconds', 'gauge', 'Longest queue time seen.', 'qtime_max', { ms: true }),
  f('max_connect_time_seconds', 'gauge', 'Longest connect time seen.', 'ctime_max', { ms: true }),
  f('max_response_time_seconds', 'gauge', 'Longest response time seen.', 'rtime_max', { ms: true }),
  f('max_total_time_seconds', 'gauge', 'Longest total session time seen.', 'ttime_max', { ms: true }),
  f('internal_errors_total', 'counter', 'Internal errors.', 'eint'),
  f('unsafe_idle_connections_current', 'gauge', 'Idle connections not safe for reuse.', 'idle_conn_cur'),
  f('safe_idle_connections_current', 'gauge', 'Idle connections safe for reuse.', 'safe_conn_cur'),
  f('used_connections_current', 'gauge', 'Connections in use.', 'used_conn_cur'),
  f('need_connections_current', 'gauge', 'Estimated connections needed.', 'need_conn_est'),
  f('uweight', 'gauge', 'User weight.', 'uweight'),
];

/** [name, type, help, value] of the process families, in HAProxy's order. */
function processFamilies(i: ProcessInfo): readonly (readonly [string, Kind, string, number | string])[] {
  const up = Math.max(0, Math.floor((i.now - i.startedAt) / 1000));
  return [
    ['nbthread', 'gauge', 'Threads serving traffic.', i.nbthread],
    ['nbproc', 'gauge', 'Worker processes (always 1).', 1],
    ['relative_process_id', 'gauge', 'Relative process number (1).', 1],
    ['uptime_seconds', 'gauge', 'Seconds since the process started.', up],
    ['pool_failures_total', 'counter', 'Failed pool allocations.', 0],
    ['max_fds', 'gauge', 'File descriptor limit.', i.ulimitN],
    ['max_sockets', 'gauge', 'Socket limit.', i.maxsock],
    ['max_connections', 'gauge', 'Global maxconn.', i.maxconn],
    ['hard_max_connections', 'gauge', 'Hard connection limit.', i.maxconn],
    ['current_connections', 'gauge', 'Current connections.', i.currConns],
    ['connections_total', 'counter', 'Connections accepted since start.', i.cumConns],
    ['requests_total', 'counter', 'HTTP requests since start.', i.cumReq],
    ['max_ssl_connections', 'gauge', 'SSL connection limit.', 0],
    ['current_ssl_connections', 'gauge', 'Current SSL connections.', 0],
    ['ssl_connections_total', 'counter', 'SSL connections since start.', 0],
    ['max_pipes', 'gauge', 'Pipe limit.', 0],
    ['pipes_used_total', 'counter', 'Pipes in use.', 0],
    ['pipes_free_total', 'counter', 'Free pipes.', 0],
    ['current_connection_rate', 'gauge', 'Connections per second.', i.connRate],
    ['limit_connection_rate', 'gauge', 'Connection rate limit.', 0],
    ['max_connection_rate', 'gauge', 'Highest connection rate seen.', i.maxConnRate],
    ['current_session_rate', 'gauge', 'Sessions per second.', i.sessRate],
    ['limit_session_rate', 'gauge', 'Session rate limit.', 0],
    ['max_session_rate', 'gauge', 'Highest session rate seen.', i.maxSessRate],
    ['current_ssl_rate', 'gauge', 'SSL sessions per second.', 0],
    ['limit_ssl_rate', 'gauge', 'SSL session rate limit.', 0],
    ['max_ssl_rate', 'gauge', 'Highest SSL session rate seen.', 0],
    ['current_frontend_ssl_key_rate', 'gauge', 'Frontend SSL key computations per second.', 0],
    ['max_frontend_ssl_key_rate', 'gauge', 'Highest frontend SSL key rate seen.', 0],
    ['frontend_ssl_reuse', 'gauge', 'Frontend SSL session reuse percentage.', 0],
    ['current_backend_ssl_key_rate', 'gauge', 'Backend SSL key computations per second.', 0],
    ['max_backend_ssl_key_rate', 'gauge', 'Highest backend SSL key rate seen.', 0],
    ['ssl_cache_lookups_total', 'counter', 'SSL session cache lookups.', 0],
    ['ssl_cache_misses_total', 'counter', 'SSL session cache misses.', 0],
    ['http_comp_bytes_in_total', 'counter', 'Bytes fed to the compressor.', 0],
    ['http_comp_bytes_out_total', 'counter', 'Bytes produced by the compressor.', 0],
    ['limit_http_comp', 'gauge', 'Compression rate limit.', 0],
    ['current_zlib_memory', 'gauge', 'Memory used by zlib.', 0],
    ['max_zlib_memory', 'gauge', 'zlib memory limit.', 0],
    ['current_tasks', 'gauge', 'Tasks.', 0],
    ['current_run_queue', 'gauge', 'Tasks in the run queue.', 0],
    ['idle_time_percent', 'gauge', 'Idle time percentage.', 100],
    ['stopping', 'gauge', '1 while soft-stopping.', i.stopping ? 1 : 0],
    ['jobs', 'gauge', 'Active jobs (connections and listeners).', i.jobs],
    ['unstoppable_jobs', 'gauge', 'Jobs that block a stop.', 0],
    ['listeners', 'gauge', 'Listening sockets.', i.listeners],
    ['active_peers', 'gauge', 'Active peers.', 0],
    ['connected_peers', 'gauge', 'Connected peers.', 0],
    ['dropped_logs_total', 'counter', 'Dropped log messages.', 0],
    ['busy_polling_enabled', 'gauge', '1 when busy polling is on.', 0],
    ['failed_resolutions', 'counter', 'Failed DNS resolutions.', 0],
    ['bytes_out_total', 'counter', 'Bytes sent to clients.', i.totalBytesOut],
    ['spliced_bytes_out_total', 'counter', 'Bytes sent by splicing.', 0],
    ['bytes_out_rate', 'gauge', 'Bytes sent per second.', 0],
    ['recv_logs_total', 'counter', 'Log messages received.', 0],
    ['build_info', 'gauge', 'Build information, in the version label.', 1],
    ['max_memory_bytes', 'gauge', 'Memory limit.', 0],
    ['pool_allocated_bytes', 'gauge', 'Memory allocated.', i.memBytes],
    ['pool_used_bytes', 'gauge', 'Memory in use.', i.memBytes],
    ['start_time_seconds', 'gauge', 'Start time, in seconds since the epoch.', Math.floor(i.startedAt / 1000)],
  ];
}

/** Label values escaped as the exposition format requires. */
function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function num(v: number | null, ms: boolean): string {
  if (v === null || Number.isNaN(v)) return 'NaN';
  return ms ? (v / 1000).toFixed(6) : String(v);
}

export interface PrometheusOptions {
  /** `?scope=global|frontend|backend|server` (repeatable); absent or empty = all */
  readonly scope?: readonly string[];
}

function familyText(scope: Scope, fam: Family, rows: readonly Row[]): string {
  let body = '';
  const major: string[][] = [];
  for (const r of rows) {
    if (fam.http === true && !r.http) continue;
    const labels = scope === 'server' ? `proxy="${esc(r.pxname)}",server="${esc(r.sv?.svname ?? '')}"` : `proxy="${esc(r.pxname)}"`;
    if (fam.check === true) {
      const c = r.sv?.check;
      if (c === null || c === undefined || !c.enabled || c.paused) continue;
    }
    if (fam.series !== undefined) {
      (fam.series(r) ?? []).forEach(([l, v], i) => {
        const line = `haproxy_${scope}_${fam.name}{${labels},${l}} ${v}\n`;
        if (fam.labelMajor !== true) body += line;
        else (major[i] ??= []).push(line);
      });
      continue;
    }
    let v: Sample;
    if (fam.name === 'check_code') v = r.sv?.check?.code ?? 0;
    else {
      const x = fam.col !== undefined ? col(r, fam.col) : null;
      v = x === null ? null : Number(x);
    }
    if (v === undefined) continue;
    body += `haproxy_${scope}_${fam.name}{${labels}} ${num(v, fam.ms === true)}\n`;
  }
  for (const lines of major) body += lines.join('');
  if (body === '') return '';
  return `# HELP haproxy_${scope}_${fam.name} ${fam.help}\n# TYPE haproxy_${scope}_${fam.name} ${fam.kind}\n${body}`;
}

/** The exporter's whole text (content type `text/plain; version=0.0.4`). */
export function prometheusText(snap: RuntimeSnapshot, info: ProcessInfo, opts: PrometheusOptions = {}): string {
  const want = (s: string): boolean => opts.scope === undefined || opts.scope.length === 0 || opts.scope.includes(s);
  let out = '';
  if (want('global')) {
    for (const [name, kind, help, v] of processFamilies(info)) {
      const labels = name === 'build_info' ? `{version="${esc(info.version)}"}` : '';
      out += `# HELP haproxy_process_${name} ${help}\n# TYPE haproxy_process_${name} ${kind}\nhaproxy_process_${name}${labels} ${v}\n`;
    }
  }
  const rows = statRows(snap, { legends: false });
  const sets: [Scope, readonly Family[], 'F' | 'B' | 'S'][] = [['frontend', FRONTEND, 'F'], ['backend', BACKEND, 'B'], ['server', SERVER, 'S']];
  for (const [scope, fams, kind] of sets) {
    if (!want(scope)) continue;
    const rs = rows.filter((r) => r.kind === kind);
    for (const fam of fams) out += familyText(scope, fam, rs);
  }
  return out;
}

/** The content type of the exporter's reply. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4';
