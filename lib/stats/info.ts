/**
 * `show info`: the process block, in HAProxy 2.6's field order so scripts that read it by
 * name keep working. Name/Version say Halyard; fields about machinery Halyard does not have
 * (pools, pipes, SSL, compression, peers) are 0.
 */
import { hostname } from 'node:os';
import type { RuntimeSnapshot } from '../runtime/snapshot.js';
import { VERSION } from '../version.js';

export interface ProcessInfo {
  readonly name: string;
  readonly version: string;
  readonly releaseDate: string;
  readonly pid: number;
  readonly nbthread: number;
  /** unix ms */
  readonly startedAt: number;
  readonly now: number;
  readonly ulimitN: number;
  readonly maxsock: number;
  /** global maxconn (0 = none) */
  readonly maxconn: number;
  readonly currConns: number;
  readonly cumConns: number;
  readonly cumReq: number;
  readonly connRate: number;
  readonly maxConnRate: number;
  readonly sessRate: number;
  readonly maxSessRate: number;
  readonly node: string;
  readonly description: string;
  readonly stopping: boolean;
  readonly jobs: number;
  readonly listeners: number;
  readonly totalBytesOut: number;
  readonly memBytes: number;
}

export interface ProcessInfoExtra {
  readonly pid?: number;
  readonly node?: string;
  readonly description?: string;
  readonly stopping?: boolean;
  /** bound listening sockets (frontend binds and stats sockets) */
  readonly listeners?: number;
  readonly ulimitN?: number;
  readonly nbthread?: number;
  readonly now?: number;
}

/** The process figures from a snapshot (sums over frontends) plus what only the process knows. */
export function processInfo(snap: RuntimeSnapshot, extra: ProcessInfoExtra = {}): ProcessInfo {
  let cumConns = 0;
  let cumReq = 0;
  let rate = 0;
  let rateMax = 0;
  let bout = 0;
  for (const f of snap.frontends) {
    cumConns += f.stot;
    cumReq += f.req_tot;
    rate += f.rate;
    rateMax = Math.max(rateMax, f.rate_max);
    bout += f.bout;
  }
  const ulimit = extra.ulimitN ?? 0;
  return {
    name: 'Halyard',
    version: VERSION,
    releaseDate: '',
    pid: extra.pid ?? process.pid,
    nbthread: extra.nbthread ?? 1,
    startedAt: snap.startedAt,
    now: extra.now ?? snap.at,
    ulimitN: ulimit,
    maxsock: ulimit,
    maxconn: snap.maxconn,
    currConns: snap.actconn,
    cumConns,
    cumReq,
    connRate: rate,
    maxConnRate: rateMax,
    sessRate: rate,
    maxSessRate: rateMax,
    node: extra.node ?? hostname(),
    description: extra.description ?? '',
    stopping: extra.stopping ?? false,
    jobs: snap.actconn + (extra.listeners ?? 0),
    listeners: extra.listeners ?? 0,
    totalBytesOut: bout,
    memBytes: process.memoryUsage().rss,
  };
}

/** "0d 0h00m12s" */
export function uptimeText(sec: number): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return `${d}d ${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
}

export type InfoType = 'str' | 'u32' | 'u64';
/** [name, typed tags, type, value] in HAProxy's order */
export type InfoField = readonly [string, string, InfoType, string | number];

export function infoFields(i: ProcessInfo): InfoField[] {
  const up = Math.max(0, Math.floor((i.now - i.startedAt) / 1000));
  const mb = Math.floor(i.memBytes / 1048576);
  const f: InfoField[] = [
    ['Name', 'POS', 'str', i.name], ['Version', 'POS', 'str', i.version], ['Release_date', 'POS', 'str', i.releaseDate],
    ['Nbthread', 'CGS', 'u32', i.nbthread], ['Nbproc', 'CGS', 'u32', 1], ['Process_num', 'KGP', 'u32', 1],
    ['Pid', 'SGP', 'u32', i.pid], ['Uptime', 'MDP', 'str', uptimeText(up)], ['Uptime_sec', 'MDP', 'u32', up],
    ['Memmax_MB', 'CLP', 'u32', 0], ['PoolAlloc_MB', 'MGP', 'u32', mb], ['PoolUsed_MB', 'MGP', 'u32', mb], ['PoolFailed', 'MCP', 'u32', 0],
    ['Ulimit-n', 'CLP', 'u32', i.ulimitN], ['Maxsock', 'CLP', 'u32', i.maxsock], ['Maxconn', 'CLP', 'u32', i.maxconn],
    ['Hard_maxconn', 'CLP', 'u32', i.maxconn], ['CurrConns', 'MGP', 'u32', i.currConns], ['CumConns', 'MCP', 'u32', i.cumConns],
    ['CumReq', 'MCP', 'u32', i.cumReq], ['MaxSslConns', 'MMP', 'u32', 0], ['CurrSslConns', 'MGP', 'u32', 0], ['CumSslConns', 'MCP', 'u32', 0],
    ['Maxpipes', 'CLP', 'u32', 0], ['PipesUsed', 'MGP', 'u32', 0], ['PipesFree', 'MGP', 'u32', 0],
    ['ConnRate', 'MRP', 'u32', i.connRate], ['ConnRateLimit', 'CLP', 'u32', 0], ['MaxConnRate', 'MMP', 'u32', i.maxConnRate],
    ['SessRate', 'MRP', 'u32', i.sessRate], ['SessRateLimit', 'CLP', 'u32', 0], ['MaxSessRate', 'MRP', 'u32', i.maxSessRate],
    ['SslRate', 'MRP', 'u32', 0], ['SslRateLimit', 'CLP', 'u32', 0], ['MaxSslRate', 'MMP', 'u32', 0],
    ['SslFrontendKeyRate', 'MGP', 'u32', 0], ['SslFrontendMaxKeyRate', 'MMP', 'u32', 0], ['SslFrontendSessionReuse_pct', 'MGP', 'u32', 0],
    ['SslBackendKeyRate', 'MRP', 'u32', 0], ['SslBackendMaxKeyRate', 'MMP', 'u32', 0], ['SslCacheLookups', 'MCP', 'u32', 0],
    ['SslCacheMisses', 'MCP', 'u32', 0], ['CompressBpsIn', 'MRP', 'u32', 0], ['CompressBpsOut', 'MRP', 'u32', 0],
    ['CompressBpsRateLim', 'CLP', 'u32', 0], ['Tasks', 'MGP', 'u32', 0], ['Run_queue', 'MGP', 'u32', 0], ['Idle_pct', 'MaP', 'u32', 100],
    ['node', 'COS', 'str', i.node],
  ];
  if (i.description !== '') f.push(['description', 'COS', 'str', i.description]);
  f.push(
    ['Stopping', 'MGP', 'u32', i.stopping ? 1 : 0], ['Jobs', 'MGP', 'u32', i.jobs], ['Unstoppable Jobs', 'MGP', 'u32', 0],
    ['Listeners', 'MGP', 'u32', i.listeners], ['ActivePeers', 'MGP', 'u32', 0], ['ConnectedPeers', 'MGP', 'u32', 0],
    ['DroppedLogs', 'MGP', 'u32', 0], ['BusyPolling', 'MGP', 'u32', 0], ['FailedResolutions', 'MGP', 'u32', 0],
    ['TotalBytesOut', 'MGP', 'u64', i.totalBytesOut], ['TotalSplicdedBytesOut', 'MGP', 'u64', 0], ['BytesOutRate', 'MRP', 'u64', 0],
    ['DebugCommandsIssued', 'MGP', 'u32', 0], ['CumRecvLogs', 'MCP', 'u32', 0], ['Build info', 'POS', 'str', i.version],
    ['Memmax_bytes', 'CLP', 'u32', 0], ['PoolAlloc_bytes', 'MGP', 'u64', i.memBytes], ['PoolUsed_bytes', 'MGP', 'u64', i.memBytes],
    ['Start_time_sec', 'MDP', 'u32', Math.floor(i.startedAt / 1000)], ['Tainted', 'SGP', 'str', 0],
  );
  return f;
}

/** `show info` text: "Key: value" lines. */
export function showInfo(i: ProcessInfo): string {
  return infoFields(i).map(([k, , , v]) => `${k}: ${v}\n`).join('');
}

/**
 * HAProxy's field positions: 45-46 are the zlib memory fields (not built in Debian's haproxy,
 * never printed) and 51 is `description`, printed only when set.
 */
function infoPos(name: string, index: number, hasDesc: boolean): number {
  if (index < 45) return index;
  if (name === 'description') return 51;
  const p = index + 2;
  return p >= 51 && !hasDesc ? p + 1 : p;
}

/** `show info typed`: "pos.Name.1:TAGS:type:value" lines. */
export function showInfoTyped(i: ProcessInfo): string {
  const hasDesc = i.description !== '';
  return infoFields(i).map(([k, t, ty, v], idx) => `${infoPos(k, idx, hasDesc)}.${k}.1:${t}:${ty}:${v}\n`).join('');
}
