/**
 * What the stats page shows, computed from the runtime's counter snapshot plus the read-only
 * fields of servers and health checks (state, weights, last check). One row shape for the three
 * kinds HAProxy draws (frontend, server, backend), every value already formatted, so the HTML
 * template and the live updates (events.ts) print the same thing.
 */
import { hostname } from 'node:os';
import type { Server } from '../backends/server.js';
import { SrvState } from '../backends/server.js';
import { checkStatusRow, type HealthChecks } from '../backends/health/index.js';
import type { HalyardConfig, ProxyConfig } from '../lib/config/model.js';
import type { Runtime } from '../lib/runtime/runtime.js';
import type { BackendStats, FrontendStats, RuntimeSnapshot, ServerStats } from '../lib/runtime/snapshot.js';
import { VERSION } from '../lib/version.js';

/** Everything the stats app reads; it changes none of it except through admin.ts. */
export interface StatsSource {
  readonly runtime: Runtime;
  readonly checks: HealthChecks | null;
  readonly config: HalyardConfig;
  /** unix ms the process started serving */
  readonly startedAt: number;
}

export type RowKind = 'frontend' | 'server' | 'backend';

/** A cell with an optional tooltip (HAProxy's `<u>value<div class=tips>...`). */
export interface Cell {
  readonly v: string;
  /** tooltip lines: [label, value] pairs, or a single text */
  readonly tip?: readonly (readonly [string, string])[] | string;
}

export interface Row {
  /** `proxy/Frontend`, `proxy/<server>`, `proxy/Backend`: the anchor HAProxy uses, and the DOM id */
  readonly id: string;
  readonly kind: RowKind;
  readonly name: string;
  /** HAProxy's row class: frontend, backend, active_up, backup_down, maintain, ... */
  readonly cls: string;
  /** shown by the "problems only" filter */
  readonly problem: boolean;
  /** a server that is not up (hidden by `;up`) */
  readonly down: boolean;
  /** tooltip of the name cell (with `stats show-legends`) */
  readonly legend: string;
  readonly queue: readonly [string, string, string] | null;
  readonly rate: readonly [Cell, Cell, string];
  readonly sess: readonly [string, string, string, Cell, string, string];
  readonly bytes: readonly [string, string];
  readonly denied: readonly [string, string];
  readonly errors: readonly [string, string, Cell];
  readonly warnings: readonly [string, string];
  /** Status .. Dwntme; null for a frontend (its status spans the server columns) */
  readonly status: Cell;
  readonly server: { readonly lastChk: Cell; readonly wght: string; readonly act: string; readonly bck: string; readonly chk: Cell; readonly dwn: string; readonly dwntme: string } | null;
}

export interface ProxyView {
  readonly name: string;
  readonly id: number;
  /** frontend, backend or proxy (listen), as HAProxy's "cap:" legend */
  readonly cap: string;
  readonly mode: string;
  readonly rows: readonly Row[];
  /** servers can be selected for admin actions */
  readonly hasServers: boolean;
  readonly problem: boolean;
}

export interface InfoView {
  readonly pid: number;
  readonly uptime: string;
  readonly maxconn: string;
  readonly actconn: number;
  readonly node: string;
  readonly desc: string;
  readonly version: string;
  readonly time: string;
}

/** Seconds as HAProxy's human_time: the two largest units, e.g. "5s", "3m12s", "2h5m", "1d3h". */
export function humanTime(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '?';
  let t = Math.floor(sec);
  if (t === 0) return '0s';
  const parts: string[] = [];
  for (const [n, u] of [[86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']] as const) {
    if (t >= n) { parts.push(`${Math.floor(t / n)}${u}`); t %= n; } else if (parts.length > 0) parts.push('');
    if (parts.length === 2) break;
  }
  return parts.join('');
}

/** HAProxy's uptime format: "0d 0h03m12s". */
export function uptime(sec: number): string {
  const t = Math.floor(sec);
  const d = Math.floor(t / 86400);
  const h = Math.floor((t % 86400) / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  return `${d}d ${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
}

const n = (x: number): string => String(x);
const lim = (x: number): string => (x > 0 ? String(x) : '-');

export function infoView(src: StatsSource, px: ProxyConfig, snap: RuntimeSnapshot): InfoView {
  const g = src.config.global;
  return {
    pid: process.pid,
    uptime: uptime((snap.at - src.startedAt) / 1000),
    maxconn: snap.maxconn > 0 ? String(snap.maxconn) : 'unlimited',
    actconn: snap.actconn,
    node: px.stats.showNode !== undefined && px.stats.showNode !== '' ? px.stats.showNode : g.node ?? hostname(),
    desc: px.stats.showDesc !== undefined && px.stats.showDesc !== '' ? px.stats.showDesc : g.description ?? '',
    version: px.stats.hideVersion ? '' : VERSION,
    time: new Date(snap.at).toISOString().replace('T', ' ').slice(0, 19),
  };
}

/** The proxies this page shows (`stats scope`, '.' meaning the stats proxy itself), in config order. */
export function visibleProxies(src: StatsSource, self: ProxyConfig): ProxyConfig[] {
  const scope = self.stats.scope.map((s) => (s === '.' ? self.name : s));
  return src.config.proxies.filter((px) => px.kind !== 'defaults' && !px.disabled && (scope.length === 0 || scope.includes(px.name)));
}

export function proxyViews(src: StatsSource, self: ProxyConfig, snap: RuntimeSnapshot): ProxyView[] {
  const fes = new Map<string, FrontendStats>(snap.frontends.map((f) => [f.pxname, f]));
  const bes = new Map<string, BackendStats>(snap.backends.map((b) => [b.pxname, b]));
  const now = snap.at;
  const out: ProxyView[] = [];
  for (const px of visibleProxies(src, self)) {
    const rows: Row[] = [];
    const f = fes.get(px.name);
    if (f !== undefined) rows.push(frontendRow(px.name, f));
    const b = bes.get(px.name);
    const pool = src.runtime.pools.get(px.name);
    if (b !== undefined && pool !== undefined) {
      b.servers.forEach((ss, i) => {
        const srv = pool.be.servers[i];
        if (srv !== undefined) rows.push(serverRow(px.name, ss, srv, src, now));
      });
      rows.push(backendRow(px, b, pool.be.servers, src, now));
    }
    if (rows.length === 0) continue;
    out.push({
      name: px.name, id: f?.iid ?? b?.iid ?? 0,
      cap: px.kind === 'listen' ? 'proxy' : px.kind, mode: px.mode,
      rows, hasServers: b !== undefined && b.servers.length > 0, problem: rows.some((r) => r.problem),
    });
  }
  return out;
}

function hrspTip(label: string, total: number, hrsp: readonly number[], req: number): (readonly [string, string])[] {
  const tip: [string, string][] = [[label, n(total)]];
  if (req >= 0) tip.push(['Cum. HTTP requests:', n(req)]);
  ['1xx', '2xx', '3xx', '4xx', '5xx'].forEach((c, i) => tip.push([`- HTTP ${c} responses:`, n(hrsp[i] ?? 0)]));
  tip.push(['- other responses:', n(hrsp[5] ?? 0)]);
  return tip;
}

function frontendRow(px: string, f: FrontendStats): Row {
  return {
    id: `${px}/Frontend`, kind: 'frontend', name: 'Frontend', cls: 'frontend',
    problem: f.status !== 'OPEN', down: false, legend: '',
    queue: null,
    rate: [{ v: n(f.rate), tip: [['Current session rate:', `${f.rate}/s`]] }, { v: n(f.rate_max), tip: [['Max session rate:', `${f.rate_max}/s`]] }, '-'],
    sess: [n(f.scur), n(f.smax), lim(f.slim), { v: n(f.stot), tip: hrspTip('Cum. sessions:', f.stot, f.hrsp, f.req_tot) }, '', ''],
    bytes: [n(f.bin), n(f.bout)],
    denied: [n(f.dreq), '0'],
    errors: [n(f.ereq), '', { v: '' }],
    warnings: ['', ''],
    status: { v: f.status },
    server: null,
  };
}

/** HAProxy's row colour for a server: maintenance, draining, check progress, backup or active. */
function serverClass(srv: Server, health: number, rise: number, fall: number, checked: boolean): string {
  if (srv.inMaint) return 'maintain';
  const who = srv.backup ? 'backup' : 'active';
  if (srv.draining) return `${who}_draining`;
  if (!checked) return srv.isUp ? `${who}_no_check` : `${who}_down`;
  if (srv.state === SrvState.STOPPING) return `${who}_nolb`;
  if (srv.isUp) return health < rise + fall - 1 ? `${who}_going_down` : `${who}_up`;
  return health > 0 ? `${who}_going_up` : `${who}_down`;
}

function serverRow(px: string, s: ServerStats, srv: Server, src: StatsSource, now: number): Row {
  const hc = src.checks?.of(srv);
  const checked = hc !== undefined;
  const cls = serverClass(srv, hc?.health ?? 0, hc?.rise ?? 0, hc?.fall ?? 0, checked);
  const word = checked ? hc.statusText() : srv.inMaint ? 'MAINT' : srv.draining ? 'DRAIN' : srv.isUp ? 'no check' : 'DOWN';
  const since = humanTime((now - (srv.lastChange > 0 ? srv.lastChange : src.startedAt)) / 1000);
  let lastChk: Cell = { v: '' };
  if (hc !== undefined && !srv.inMaint) {
    const row = checkStatusRow(hc.status);
    const code = row.hasCode && hc.code > 0 ? `/${hc.code}` : '';
    const dur = hc.duration >= 0 ? ` in ${hc.duration}ms` : '';
    lastChk = { v: `${hc.statusCode}${code}${dur}`, tip: `${row.description}${hc.info !== '' ? `: ${hc.info}` : ''}` };
  }
  const eff = srv.state === SrvState.STARTING && srv.warmPercent < 100 ? Math.floor((srv.uweight * srv.warmPercent) / 100) : srv.uweight;
  const last = srv.counters.lastSess > 0 ? humanTime(now / 1000 - srv.counters.lastSess) : '';
  return {
    id: `${px}/${s.svname}`, kind: 'server', name: s.svname, cls,
    problem: cls !== 'active_up' && cls !== 'backup_up' && !cls.endsWith('_no_check'),
    down: !srv.isUp,
    legend: `${srv.address.startsWith('\0') ? 'unix' : srv.address.includes(':') ? 'IPv6' : 'IPv4'}: ${srv.address}${srv.port > 0 ? `:${srv.port}` : ''}, id: ${s.sid}`,
    queue: [n(s.qcur), n(s.qmax), lim(s.qlimit)],
    rate: [{ v: '' }, { v: '' }, ''],
    sess: [n(s.scur), n(s.smax), lim(s.slim), { v: n(s.stot), tip: hrspTip('Cum. sessions:', s.stot, s.hrsp, -1) }, n(s.lbtot), last],
    bytes: [n(s.bin), n(s.bout)],
    denied: ['', '0'],
    errors: ['', n(s.econ), { v: n(s.eresp), tip: `Connection resets during transfers: ${s.cli_abrt} client, ${s.srv_abrt} server` }],
    warnings: [n(s.wretr), n(s.wredis)],
    status: { v: `${since} ${word}` },
    server: {
      lastChk, wght: `${eff}/${srv.uweight}`, act: srv.backup ? '-' : 'Y', bck: srv.backup ? 'Y' : '-',
      chk: checked ? { v: '', tip: 'Failed Health Checks' } : { v: '' },
      dwn: checked ? n(srv.counters.downTrans) : '', dwntme: '',
    },
  };
}

function backendRow(px: ProxyConfig, b: BackendStats, servers: readonly Server[], src: StatsSource, now: number): Row {
  const up = b.act + b.bck > 0;
  let lastChange = 0;
  let weight = 0;
  for (const s of servers) {
    lastChange = Math.max(lastChange, s.lastChange);
    if (s.usable && (b.act > 0 ? !s.backup : s.backup)) weight += s.uweight;
  }
  const since = humanTime((now - (lastChange > 0 ? lastChange : src.startedAt)) / 1000);
  return {
    id: `${px.name}/Backend`, kind: 'backend', name: 'Backend', cls: 'backend',
    problem: !up && servers.length > 0, down: false, legend: `balancing: ${px.balance.algo}`,
    queue: [n(b.qcur), n(b.qmax), ''],
    rate: [{ v: n(b.rate) }, { v: n(b.rate_max) }, ''],
    sess: [n(b.scur), n(b.smax), lim(px.fullconn), { v: n(b.stot), tip: hrspTip('Cum. sessions:', b.stot, b.hrsp, b.req_tot) }, n(b.lbtot), ''],
    bytes: [n(b.bin), n(b.bout)],
    denied: ['0', '0'],
    errors: ['', n(b.econ), { v: n(b.eresp), tip: `Connection resets during transfers: ${b.cli_abrt} client, ${b.srv_abrt} server` }],
    warnings: [n(b.wretr), n(b.wredis)],
    status: { v: `${since} ${up ? 'UP' : 'DOWN'}` },
    server: { lastChk: { v: '' }, wght: `${weight}/${weight}`, act: n(b.act), bck: n(b.bck), chk: { v: '' }, dwn: '', dwntme: '' },
  };
}
