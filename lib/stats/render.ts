/**
 * Renderers over the column table: CSV (`;csv`, `show stat`), typed (`show stat typed`) and
 * JSON (`;json`, `show stat json`), from one list of rows in HAProxy's order: per proxy in
 * configuration order, the FRONTEND row, each server, then the BACKEND row.
 */
import type { BackendStats, ProxyStats, RuntimeSnapshot, ServerStats } from '../runtime/snapshot.js';
import { COLUMNS, CSV_HEADER, MODULE_START, tagsOf, valueOf, type Column, type ObjKind, type Row, type Value } from './columns.js';

export interface StatsOptions {
  /** `;up` / `show stat up`: hide servers that are DOWN or in maintenance */
  readonly up?: boolean;
  /** `show stat no-maint`: hide servers in maintenance */
  readonly noMaint?: boolean;
  /** proxy names to list (`stats scope`); empty or absent = all */
  readonly scope?: readonly string[];
  /** `show stat <proxy> <type> <sid>`: a proxy name, `#iid` or iid; -1 / absent = all */
  readonly proxy?: string;
  /** bit mask: 1 frontends, 2 backends, 4 servers (default all) */
  readonly types?: number;
  /** a server id, -1 = all */
  readonly sid?: number;
  /** fill addr/cookie/algo (`stats show-legends`; CLI level operator and admin) */
  readonly legends?: boolean;
}

/** Whether `name` selects proxy `p` (name, `#iid` or bare iid as the CLI accepts). */
export function proxyMatches(p: Pick<ProxyStats, 'name' | 'iid'>, name: string): boolean {
  if (name === p.name) return true;
  const n = name.startsWith('#') ? name.slice(1) : name;
  return /^[0-9]+$/.test(n) && Number(n) === p.iid;
}

function serverShown(s: ServerStats, o: StatsOptions): boolean {
  const maint = (s.admin & 0x23) !== 0;
  if (o.up === true && (s.opState === 0 || maint)) return false;
  if (o.noMaint === true && maint) return false;
  return true;
}

/** "UP (3/5)" with `up`/`no-maint`: servers not stopped over all servers. */
function backendStatus(b: BackendStats, o: StatsOptions): string {
  if (o.up !== true && o.noMaint !== true) return b.status;
  const up = b.servers.filter((s) => s.opState !== 0).length;
  return `${b.status} (${up}/${b.servers.length})`;
}

/** The rows to print, in order. */
export function statRows(snap: RuntimeSnapshot, o: StatsOptions = {}): Row[] {
  const types = o.types === undefined || o.types < 0 ? 7 : o.types;
  const sid = o.sid ?? -1;
  const legends = o.legends ?? true;
  const rows: Row[] = [];
  for (const p of snap.proxies) {
    if (o.scope !== undefined && o.scope.length > 0 && !o.scope.includes(p.name)) continue;
    if (o.proxy !== undefined && o.proxy !== '-1' && !proxyMatches(p, o.proxy)) continue;
    const http = p.mode === 'http';
    const base = { pxname: p.name, iid: p.iid, http, legends };
    if (p.frontend !== null && (types & 1) !== 0) rows.push({ ...base, kind: 'F', fe: p.frontend });
    const b = p.backend;
    if (b === null) continue;
    if ((types & 4) !== 0) {
      for (const s of b.servers) {
        if (sid !== -1 && s.sid !== sid) continue;
        if (!serverShown(s, o)) continue;
        rows.push({ ...base, kind: 'S', be: b, sv: s });
      }
    }
    if ((types & 2) !== 0) {
      const be = o.up === true || o.noMaint === true ? { ...b, status: backendStatus(b, o) as BackendStats['status'] } : b;
      rows.push({ ...base, kind: 'B', be });
    }
  }
  return rows;
}

/** HAProxy's CSV quoting: only values holding a comma or a quote are quoted. */
function csvField(v: Value): string {
  if (v === null) return '';
  const s = String(v);
  return /[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (with the trailing comma and newline). */
export function csvLine(r: Row): string {
  let out = '';
  for (let i = 0; i < COLUMNS.length; i++) {
    if (i === MODULE_START) out += '-,';
    out += csvField(valueOf(COLUMNS[i] as Column, r)) + ',';
  }
  return `${out}\n`;
}

/** `show stat` / `;csv`: the header line, then one line per row. */
export function statsCsv(snap: RuntimeSnapshot, opts: StatsOptions = {}): string {
  let out = CSV_HEADER;
  for (const r of statRows(snap, opts)) out += csvLine(r);
  return out;
}

function sidOf(r: Row): number {
  return r.kind === 'S' ? (r.sv as ServerStats).sid : 0;
}

/** `show stat typed`: one `K.iid.sid.pos.name.1:TAGS:type:value` line per non-empty field. */
export function statsTyped(snap: RuntimeSnapshot, opts: StatsOptions = {}): string {
  let out = '';
  for (const r of statRows(snap, opts)) {
    const head = `${r.kind}.${r.iid}.${sidOf(r)}.`;
    for (const c of COLUMNS) {
      const v = valueOf(c, r);
      if (v === null) continue;
      out += `${head}${c.pos}.${c.name}.1:${tagsOf(c, r.kind)}:${c.type}:${v}\n`;
    }
  }
  return out;
}

const OBJ_TYPE: Readonly<Record<ObjKind, string>> = { F: 'Frontend', B: 'Backend', S: 'Server' };
const ORIGIN: Readonly<Record<string, string>> = { M: 'Metric', S: 'Status', K: 'Key', C: 'Config', P: 'Product' };
const NATURE: Readonly<Record<string, string>> = {
  A: 'Age', a: 'Avg', C: 'Counter', D: 'Duration', G: 'Gauge', L: 'Limit', M: 'Max', m: 'Min', N: 'Name', O: 'Output', R: 'Rate', T: 'Time',
};
const SCOPE: Readonly<Record<string, string>> = { P: 'Process', S: 'Service', s: 'System', C: 'Cluster' };

/** The JSON `tags` object for typed letters ("MGP" -> Metric/Gauge/Process). */
export function jsonTags(t: string): { origin: string; nature: string; scope: string } {
  return { origin: ORIGIN[t[0] ?? ''] ?? '', nature: NATURE[t[1] ?? ''] ?? '', scope: SCOPE[t[2] ?? ''] ?? '' };
}

export interface JsonField {
  readonly objType: string;
  readonly proxyId: number;
  readonly id: number;
  readonly field: { readonly pos: number; readonly name: string };
  readonly processNum: number;
  readonly tags: { readonly origin: string; readonly nature: string; readonly scope: string };
  readonly value: { readonly type: string; readonly value: string | number };
}

/** The `show stat json` structure: an array per row of its non-empty fields. */
export function statsJsonValue(snap: RuntimeSnapshot, opts: StatsOptions = {}): JsonField[][] {
  return statRows(snap, opts).map((r) => {
    const fields: JsonField[] = [];
    for (const c of COLUMNS) {
      const v = valueOf(c, r);
      if (v === null) continue;
      fields.push({
        objType: OBJ_TYPE[r.kind], proxyId: r.iid, id: sidOf(r), field: { pos: c.pos, name: c.name }, processNum: 1,
        tags: jsonTags(tagsOf(c, r.kind)), value: { type: c.type, value: v },
      });
    }
    return fields;
  });
}

/** `show stat json` / `;json` text (HAProxy prints it on one line). */
export function statsJson(snap: RuntimeSnapshot, opts: StatsOptions = {}): string {
  return `${JSON.stringify(statsJsonValue(snap, opts))}\n`;
}
