/**
 * HAProxy 2.6's stats columns as one table: CSV name, the typed/JSON tags and value type, and
 * what each row kind (frontend, backend, server) puts there. CSV, `show stat typed`, JSON and
 * the stats page render from this table only (HAProxy's stat_fields[] in the same spirit).
 *
 * The 2.6.12 CSV header has 128 names: positions 0..102 are the stable fields, then a `-`
 * column that separates them from the module counters (ssl, h2, h1). In typed and JSON output
 * the `-` is not a field, so module fields are numbered from 103.
 *
 * A getter returning null leaves the field empty, as HAProxy does for what does not apply to
 * that object. Counters of features Halyard does not have (compression, cache, SSL, HTTP/2)
 * are 0, which is their true value; what Halyard does but does not measure (queue/connect/
 * response time averages, connection reuse, h1 mux counters) stays empty.
 */
import type { BackendStats, FrontendStats, ServerStats } from '../runtime/snapshot.js';

export type ObjKind = 'F' | 'B' | 'S';
export type FieldType = 'str' | 'u32' | 's32' | 'u64';
export type Value = string | number | null;

export interface Row {
  readonly kind: ObjKind;
  readonly pxname: string;
  readonly iid: number;
  readonly http: boolean;
  /** addr, cookie and algo are "legends": shown with `stats show-legends` / CLI level >= operator */
  readonly legends: boolean;
  readonly fe?: FrontendStats;
  readonly be?: BackendStats;
  readonly sv?: ServerStats;
}

export interface Column {
  readonly name: string;
  /** typed/JSON position (the `-` column has none) */
  readonly pos: number;
  /** origin, nature, scope letters as `show stat typed` prints them, per row kind */
  readonly tags: string | Readonly<Partial<Record<ObjKind, string>>>;
  readonly type: FieldType;
  readonly f?: (r: Row) => Value;
  readonly b?: (r: Row) => Value;
  readonly s?: (r: Row) => Value;
}

const fe = (r: Row): FrontendStats => r.fe as FrontendStats;
const be = (r: Row): BackendStats => r.be as BackendStats;
const sv = (r: Row): ServerStats => r.sv as ServerStats;
const zero = (): number => 0;
const httpZero = (r: Row): Value => (r.http ? 0 : null);
/** check fields are shown while the check is enabled and not paused by maintenance */
const liveCheck = (r: Row): ServerStats['check'] => {
  const c = sv(r).check;
  return c !== null && c.enabled && !c.paused ? c : null;
};
const enabledCheck = (r: Row): boolean => {
  const c = sv(r).check;
  return c !== null && c.enabled;
};

type Getter = (r: Row) => Value;
type Def = readonly [name: string, tags: Column['tags'], type: FieldType, f: Getter | 0, b: Getter | 0, s: Getter | 0];

const hrsp = (i: number): Def => [
  `hrsp_${i < 5 ? `${i + 1}xx` : 'other'}`, 'MCP', 'u64',
  (r) => (r.http ? (fe(r).hrsp[i] ?? 0) : null), (r) => (r.http ? (be(r).hrsp[i] ?? 0) : null), (r) => (r.http ? (sv(r).hrsp[i] ?? 0) : null),
];

/** [name, tags, type, frontend, backend, server]; 0 = the field is empty for that kind. */
const DEFS: readonly Def[] = [
  ['pxname', 'KNS', 'str', (r) => r.pxname, (r) => r.pxname, (r) => r.pxname],
  ['svname', 'KNS', 'str', () => 'FRONTEND', () => 'BACKEND', (r) => sv(r).svname],
  ['qcur', 'MGP', 'u32', 0, (r) => be(r).qcur, (r) => sv(r).qcur],
  ['qmax', 'MMP', 'u32', 0, (r) => be(r).qmax, (r) => sv(r).qmax],
  ['scur', 'MGP', 'u32', (r) => fe(r).scur, (r) => be(r).scur, (r) => sv(r).scur],
  ['smax', 'MMP', 'u32', (r) => fe(r).smax, (r) => be(r).smax, (r) => sv(r).smax],
  ['slim', 'CLP', 'u32', (r) => fe(r).slim, (r) => be(r).slim, (r) => sv(r).slim],
  ['stot', 'MCP', 'u64', (r) => fe(r).stot, (r) => be(r).stot, (r) => sv(r).stot],
  ['bin', 'MCP', 'u64', (r) => fe(r).bin, (r) => be(r).bin, (r) => sv(r).bin],
  ['bout', 'MCP', 'u64', (r) => fe(r).bout, (r) => be(r).bout, (r) => sv(r).bout],
  ['dreq', 'MCP', 'u64', (r) => fe(r).dreq, zero, 0],
  ['dresp', 'MCP', 'u64', (r) => fe(r).dresp, zero, zero],
  ['ereq', 'MCP', 'u64', (r) => fe(r).ereq, 0, 0],
  ['econ', 'MCP', 'u64', 0, (r) => be(r).econ, (r) => sv(r).econ],
  ['eresp', 'MCP', 'u64', 0, (r) => be(r).eresp, (r) => sv(r).eresp],
  ['wretr', 'MCP', 'u64', 0, (r) => be(r).wretr, (r) => sv(r).wretr],
  ['wredis', 'MCP', 'u64', 0, (r) => be(r).wredis, (r) => sv(r).wredis],
  ['status', 'SGP', 'str', (r) => fe(r).status, (r) => be(r).status, (r) => sv(r).status],
  ['weight', 'MaP', 'u32', 0, (r) => be(r).weight, (r) => sv(r).weight],
  ['act', { B: 'MGP', S: 'SGP' }, 'u32', 0, (r) => be(r).act, (r) => (sv(r).backup ? 0 : 1)],
  ['bck', { B: 'MGP', S: 'SGP' }, 'u32', 0, (r) => be(r).bck, (r) => (sv(r).backup ? 1 : 0)],
  ['chkfail', 'MCP', 'u64', 0, 0, (r) => (enabledCheck(r) ? (sv(r).check?.failed ?? 0) : null)],
  ['chkdown', 'MCP', 'u64', 0, (r) => be(r).chkdown, (r) => sv(r).chkdown],
  ['lastchg', 'MAP', 'u32', 0, (r) => be(r).lastchg, (r) => sv(r).lastchg],
  ['downtime', 'MCP', 'u32', 0, (r) => be(r).downtime, (r) => sv(r).downtime],
  ['qlimit', 'CLP', 'u32', 0, 0, (r) => sv(r).qlimit],
  ['pid', 'KGP', 'u32', () => 1, () => 1, () => 1],
  ['iid', 'KGS', 'u32', (r) => r.iid, (r) => r.iid, (r) => r.iid],
  ['sid', 'KGS', 'u32', zero, zero, (r) => sv(r).sid],
  ['throttle', 'MaP', 'u32', 0, 0, (r) => sv(r).throttle],
  ['lbtot', 'MCP', 'u64', 0, (r) => be(r).lbtot, (r) => sv(r).lbtot],
  ['tracked', 'CNS', 'str', 0, 0, (r) => sv(r).tracked],
  ['type', 'CGS', 'u32', () => 0, () => 1, () => 2],
  ['rate', { F: 'MRP', B: 'MGP', S: 'MRP' }, 'u32', (r) => fe(r).rate, (r) => be(r).rate, (r) => sv(r).rate],
  ['rate_lim', 'CLP', 'u32', (r) => fe(r).rate_lim, 0, 0],
  ['rate_max', { F: 'MMP', B: 'MGP', S: 'MMP' }, 'u32', (r) => fe(r).rate_max, (r) => be(r).rate_max, (r) => sv(r).rate_max],
  ['check_status', 'MOP', 'str', 0, 0, (r) => liveCheck(r)?.status ?? null],
  ['check_code', 'MOP', 'u32', 0, 0, (r) => liveCheck(r)?.code ?? null],
  ['check_duration', 'MDP', 'u64', 0, 0, (r) => liveCheck(r)?.duration ?? null],
  hrsp(0), hrsp(1), hrsp(2), hrsp(3), hrsp(4), hrsp(5),
  ['hanafail', 'MCP', 'u64', 0, 0, 0],
  ['req_rate', 'MRP', 'u32', (r) => fe(r).req_rate, 0, 0],
  ['req_rate_max', 'MMP', 'u32', (r) => fe(r).req_rate_max, 0, 0],
  ['req_tot', 'MCP', 'u64', (r) => fe(r).req_tot, (r) => (r.http ? be(r).req_tot : null), (r) => (r.http ? sv(r).req_tot : null)],
  ['cli_abrt', 'MCP', 'u64', 0, (r) => be(r).cli_abrt, (r) => sv(r).cli_abrt],
  ['srv_abrt', 'MCP', 'u64', 0, (r) => be(r).srv_abrt, (r) => sv(r).srv_abrt],
  ['comp_in', 'MCP', 'u64', zero, zero, 0],
  ['comp_out', 'MCP', 'u64', zero, zero, 0],
  ['comp_byp', 'MCP', 'u64', zero, zero, 0],
  ['comp_rsp', 'MCP', 'u64', zero, zero, 0],
  ['lastsess', 'MAP', 's32', 0, (r) => be(r).lastsess, (r) => sv(r).lastsess],
  ['last_chk', 'MOP', 'str', 0, 0, (r) => liveCheck(r)?.info ?? null],
  ['last_agt', 'MOP', 'str', 0, 0, 0],
  ['qtime', 'MaP', 'u32', 0, 0, 0],
  ['ctime', 'MaP', 'u32', 0, 0, 0],
  ['rtime', 'MaP', 'u32', 0, 0, 0],
  ['ttime', 'MaP', 'u32', 0, 0, 0],
  ['agent_status', 'MOP', 'str', 0, 0, 0],
  ['agent_code', 'MOP', 'u32', 0, 0, 0],
  ['agent_duration', 'MDP', 'u64', 0, 0, 0],
  ['check_desc', 'MOP', 'str', 0, 0, (r) => liveCheck(r)?.desc ?? null],
  ['agent_desc', 'MOP', 'str', 0, 0, 0],
  ['check_rise', 'CGS', 'u32', 0, 0, (r) => liveCheck(r)?.rise ?? null],
  ['check_fall', 'CGS', 'u32', 0, 0, (r) => liveCheck(r)?.fall ?? null],
  ['check_health', 'CGS', 'u32', 0, 0, (r) => liveCheck(r)?.health ?? null],
  ['agent_rise', 'MaS', 'u32', 0, 0, 0],
  ['agent_fall', 'MaS', 'u32', 0, 0, 0],
  ['agent_health', 'MaS', 'u32', 0, 0, 0],
  ['addr', 'CGS', 'str', 0, 0, (r) => (r.legends ? sv(r).addr : null)],
  ['cookie', 'CGS', 'str', 0, (r) => (r.legends ? be(r).cookie : null), (r) => (r.legends ? sv(r).cookie : null)],
  ['mode', 'CGS', 'str', (r) => fe(r).mode, (r) => be(r).mode, (r) => sv(r).mode],
  ['algo', 'CGS', 'str', 0, (r) => (r.legends ? be(r).algo : null), 0],
  ['conn_rate', 'MRP', 'u32', (r) => fe(r).conn_rate, 0, 0],
  ['conn_rate_max', 'MMP', 'u32', (r) => fe(r).conn_rate_max, 0, 0],
  ['conn_tot', 'MCP', 'u64', (r) => fe(r).conn_tot, 0, 0],
  ['intercepted', 'MCP', 'u64', (r) => (r.http ? fe(r).intercepted : null), 0, 0],
  ['dcon', 'MCP', 'u64', (r) => fe(r).dcon, 0, 0],
  ['dses', 'MCP', 'u64', (r) => fe(r).dses, 0, 0],
  ['wrew', 'MCP', 'u64', zero, zero, zero],
  ['connect', 'MCP', 'u64', 0, 0, 0],
  ['reuse', 'MCP', 'u64', 0, 0, 0],
  ['cache_lookups', 'MCP', 'u64', httpZero, httpZero, 0],
  ['cache_hits', 'MCP', 'u64', httpZero, httpZero, 0],
  ['srv_icur', 'MGP', 'u32', 0, 0, (r) => sv(r).icur],
  ['src_ilim', 'CLP', 'u32', 0, 0, (r) => sv(r).ilim],
  ['qtime_max', 'MMP', 'u32', 0, 0, 0],
  ['ctime_max', 'MMP', 'u32', 0, 0, 0],
  ['rtime_max', 'MMP', 'u32', 0, 0, 0],
  ['ttime_max', 'MMP', 'u32', 0, 0, 0],
  ['eint', 'MCP', 'u64', zero, zero, zero],
  ['idle_conn_cur', 'MGP', 'u32', 0, 0, (r) => sv(r).idleCur],
  ['safe_conn_cur', 'MGP', 'u32', 0, 0, (r) => sv(r).safeCur],
  ['used_conn_cur', 'MGP', 'u32', 0, 0, (r) => sv(r).usedCur],
  ['need_conn_est', 'MGP', 'u32', 0, 0, (r) => sv(r).needEst],
  ['uweight', 'MaP', 'u32', 0, (r) => be(r).uweight, (r) => sv(r).uweight],
  // new in 2.6 and always 0 there
  ['agg_server_status', 'MGP', 'u32', 0, zero, 0],
  ['agg_server_check_status', 'MGP', 'u32', 0, zero, 0],
  ['agg_check_status', 'MGP', 'u32', 0, zero, 0],
  // module counters (after the `-` separator)
  ['ssl_sess', 'MCP', 'u64', zero, zero, zero],
  ['ssl_reused_sess', 'MCP', 'u64', zero, zero, zero],
  ['ssl_failed_handshake', 'MCP', 'u64', zero, zero, zero],
  ...['h2_headers_rcvd', 'h2_data_rcvd', 'h2_settings_rcvd', 'h2_rst_stream_rcvd', 'h2_goaway_rcvd',
    'h2_detected_conn_protocol_errors', 'h2_detected_strm_protocol_errors', 'h2_rst_stream_resp', 'h2_goaway_resp']
    .map((n): Def => [n, 'MCP', 'u64', zero, zero, 0]),
  ['h2_open_connections', 'MGP', 'u64', zero, zero, 0],
  ['h2_backend_open_streams', 'MGP', 'u64', zero, zero, 0],
  ['h2_total_connections', 'MCP', 'u64', zero, zero, 0],
  ['h2_backend_total_streams', 'MCP', 'u64', zero, zero, 0],
  ['h1_open_connections', 'MGP', 'u64', 0, 0, 0],
  ['h1_open_streams', 'MGP', 'u64', 0, 0, 0],
  ['h1_total_connections', 'MCP', 'u64', 0, 0, 0],
  ['h1_total_streams', 'MCP', 'u64', 0, 0, 0],
  ['h1_bytes_in', 'MCP', 'u64', 0, 0, 0],
  ['h1_bytes_out', 'MCP', 'u64', 0, 0, 0],
  ['h1_spliced_bytes_in', 'MCP', 'u64', 0, 0, 0],
  ['h1_spliced_bytes_out', 'MCP', 'u64', 0, 0, 0],
];

/** Position of the first module field; the CSV prints `-` before it. */
export const MODULE_START = 103;

export const COLUMNS: readonly Column[] = DEFS.map(([name, tags, type, f, b, s], pos) => ({
  name, pos, tags, type,
  ...(f !== 0 ? { f } : {}), ...(b !== 0 ? { b } : {}), ...(s !== 0 ? { s } : {}),
}));

/** The CSV header line as HAProxy 2.6.12 prints it (with the `-` separator and trailing comma). */
export const CSV_HEADER = `# ${[...COLUMNS.slice(0, MODULE_START).map((c) => c.name), '-', ...COLUMNS.slice(MODULE_START).map((c) => c.name)].join(',')},\n`;

/** A column's value for a row (null: empty). */
export function valueOf(c: Column, r: Row): Value {
  const g = r.kind === 'F' ? c.f : r.kind === 'B' ? c.b : c.s;
  return g === undefined ? null : g(r);
}

/** The typed tags of a column for a row kind ("MGP"). */
export function tagsOf(c: Column, kind: ObjKind): string {
  return typeof c.tags === 'string' ? c.tags : (c.tags[kind] ?? 'MGP');
}
