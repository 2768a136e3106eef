/**
 * What the stats page shows, computed from the runtime's snapshot (lib/runtime/snapshot.ts). One row shape for the three
 * kinds HAProxy draws (frontend, server, backend), every value already formatted, so the HTML
 * template and the live updates (events.ts) print the same thing.
 */
import { hostname } from 'node:os';
import type { HealthChecks } from '../backends/health/index.js';
import type { HalyardConfig, ProxyConfig } from '../lib/config/model.js';
import type { AdminContext } from '../lib/stats/admin.js';
import type { ProcessInfoExtra } from '../lib/stats/info.js';
import type { Runtime } from '../lib/runtime/runtime.js';
import type { BackendStats, FrontendStats, RuntimeSnapshot, ServerStats } from '../lib/runtime/snapshot.js';
import { VERSION } from '../lib/version.js';

/** Everything the stats app reads; it changes none of it except through admin.ts. */
export interface StatsSource {
  readonly runtime: Runtime;
  readonly checks: HealthChecks | null;
  readonly config: HalyardConfig;
  /** how admin actions reach servers and where they log (shared with the runtime API) */
  readonly admin: AdminContext;
  /** what only the process knows, for the Prometheus process metrics */
  readonly info?: (() => ProcessInfoExtra) | undefined;
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
    uptime: uptime((snap.at - snap.startedAt) / 1000),
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
  const visible = new Map(visibleProxies(src, self).map((px) => [px.name, px]));
  const out: ProxyView[] = [];
  for (const p of snap.proxies) {
    const px = visible.get(p.name);
    if (px === undefined) continue;
    const rows: Row[] = [];
    if (p.frontend !== null) rows.push(frontendRow(p.name, p.frontend));
    const b = p.backend;
    if (b !== null) {
      for (const ss of b.servers) rows.push(serverRow(p.name, ss));
      rows.push(backendRow(b));
    }
    out.push({
      name: p.name, id: p.iid, cap: px.kind === 'listen' ? 'proxy' : px.kind, mode: p.mode,
      rows, hasServers: b !== null && b.servers.length > 0, problem: rows.some((r) => r.problem),
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
    rate: [
      { v: n(f.rate), tip: [['Current connection rate:', `${f.conn_rate}/s`], ['Current session rate:', `${f.rate}/s`], ['Current request rate:', `${f.req_rate}/s`]] },
      { v: n(f.rate_max), tip: [['Max connection rate:', `${f.conn_rate_max}/s`], ['Max session rate:', `${f.rate_max}/s`], ['Max request rate:', `${f.req_rate_max}/s`]] },
      lim(f.rate_lim),
    ],
    sess: [n(f.scur), n(f.smax), lim(f.slim), { v: n(f.stot), tip: hrspTip('Cum. connections:', f.conn_tot, f.hrsp, f.req_tot) }, '', ''],
    bytes: [n(f.bin), n(f.bout)],
    denied: [n(f.dreq), n(f.dresp)],
    errors: [n(f.ereq), '', { v: '' }],
    warnings: ['', ''],
    status: { v: f.status },
    server: null,
  };
}

const MAINT = 0x23;
const DRAIN = 0x18;

/** HAProxy's row colour for a server: maintenance, draining, check progress, backup or active. */
export function serverClass(s: ServerStats): string {
  if ((s.admin & MAINT) !== 0) return 'maintain';
  const who = s.backup ? 'backup' : 'active';
  const up = s.opState !== 0;
  if ((s.admin & DRAIN) !== 0) return `${who}_draining`;
  const c = s.check;
  if (c === null || !c.enabled) return up ? `${who}_no_check` : `${who}_down`;
  if (s.opState === 3) return `${who}_nolb`;
  if (up) return c.health < c.rise + c.fall - 1 ? `${who}_going_down` : `${who}_up`;
  return c.health > 0 ? `${who}_going_up` : `${who}_down`;
}

function serverRow(px: string, s: ServerStats): Row {
  const cls = serverClass(s);
  const c = s.check;
  let lastChk: Cell = { v: '' };
  if (c !== null && c.enabled && (s.admin & MAINT) === 0) {
    const code = c.code !== null ? `/${c.code}` : '';
    const dur = c.duration !== null ? ` in ${c.duration}ms` : '';
    lastChk = { v: `${c.status}${code}${dur}`, tip: `${c.desc}${c.info !== '' ? `: ${c.info}` : ''}` };
  }
  const checked = c !== null && c.enabled;
  return {
    id: `${px}/${s.svname}`, kind: 'server', name: s.svname, cls,
    problem: cls !== 'active_up' && cls !== 'backup_up' && !cls.endsWith('_no_check'),
    down: s.opState === 0,
    legend: `${s.address.includes(':') ? 'IPv6' : s.address.startsWith('/') || s.address.startsWith('\0') ? 'unix' : 'IPv4'}: ${s.addr}, id: ${s.sid}`,
    queue: [n(s.qcur), n(s.qmax), s.qlimit === null ? '-' : n(s.qlimit)],
    rate: [{ v: n(s.rate) }, { v: n(s.rate_max) }, ''],
    sess: [n(s.scur), n(s.smax), s.slim === null ? '-' : n(s.slim), { v: n(s.stot), tip: hrspTip('Cum. sessions:', s.stot, s.hrsp, s.req_tot) }, n(s.lbtot), s.lastsess >= 0 ? humanTime(s.lastsess) : ''],
    bytes: [n(s.bin), n(s.bout)],
    denied: ['', '0'],
    errors: ['', n(s.econ), { v: n(s.eresp), tip: `Connection resets during transfers: ${s.cli_abrt} client, ${s.srv_abrt} server` }],
    warnings: [n(s.wretr), n(s.wredis)],
    status: { v: `${humanTime(s.lastchg)} ${s.status}` },
    server: {
      lastChk, wght: `${s.weight}/${s.uweight}`, act: s.backup ? '-' : 'Y', bck: s.backup ? 'Y' : '-',
      chk: checked ? { v: n(c.failed), tip: 'Failed Health Checks' } : { v: '' },
      dwn: s.chkdown === null ? '' : n(s.chkdown), dwntme: s.downtime === null ? '' : humanTime(s.downtime),
    },
  };
}

function backendRow(b: BackendStats): Row {
  return {
    id: `${b.pxname}/Backend`, kind: 'backend', name: 'Backend', cls: 'backend',
    problem: b.status !== 'UP', down: false, legend: `balancing: ${b.algo}`,
    queue: [n(b.qcur), n(b.qmax), ''],
    rate: [{ v: n(b.rate) }, { v: n(b.rate_max) }, ''],
    sess: [n(b.scur), n(b.smax), n(b.slim), { v: n(b.stot), tip: hrspTip('Cum. sessions:', b.stot, b.hrsp, b.req_tot) }, n(b.lbtot), b.lastsess >= 0 ? humanTime(b.lastsess) : ''],
    bytes: [n(b.bin), n(b.bout)],
    denied: ['0', '0'],
    errors: ['', n(b.econ), { v: n(b.eresp), tip: `Connection resets during transfers: ${b.cli_abrt} client, ${b.srv_abrt} server` }],
    warnings: [n(b.wretr), n(b.wredis)],
    status: { v: `${humanTime(b.lastchg)} ${b.status}` },
    server: { lastChk: { v: '' }, wght: `${b.weight}/${b.uweight}`, act: n(b.act), bck: n(b.bck), chk: { v: '' }, dwn: n(b.chkdown), dwntme: humanTime(b.downtime) },
  };
}
