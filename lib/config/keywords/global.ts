// The `global` section's keyword table: one row per keyword (HAProxy's cfg_kws habit).
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { GlobalKwContext } from '../parser.js';
import { HAPROXY_GLOBAL } from '../haproxy-keywords.js';
import { atol, bestMatch } from '../values.js';
import { isVerdict, noEffect, timeArg, tooManyArgs, unsupported } from './common.js';
import { parseLogTarget } from './log.js';
import { parseStatsSocket } from './stats-socket.js';

export interface GlobalKeyword {
  readonly name: string;
  readonly parse: (c: GlobalKwContext) => ParseResult;
}

const intArg = (c: GlobalKwContext, set: (n: number) => void): ParseResult => {
  const v = c.a[1];
  if (v === undefined || v === '') return alert('HLY_CFG_BAD_ARG', `'${c.a[0] ?? ''}' expects an integer argument.`);
  set(atol(v));
  return tooManyArgs(c, 1);
};
const strArg = (c: GlobalKwContext, set: (s: string) => void): ParseResult => {
  const v = c.a[1];
  if (v === undefined || v === '') return alert('HLY_CFG_BAD_ARG', `'${c.a[0] ?? ''}' expects a string argument.`);
  set(v);
  return tooManyArgs(c, 1);
};
const flag = (set: (c: GlobalKwContext) => void) => (c: GlobalKwContext): ParseResult => { set(c); return tooManyArgs(c, 0); };
const noop = (why?: string) => (c: GlobalKwContext): ParseResult => noEffect(`'${c.a[0] ?? ''}'`, why);
const notSupported = (why?: string) => (c: GlobalKwContext): ParseResult => unsupported(`'${c.a[0] ?? ''}'`, why);

const REMOVED: Readonly<Record<string, string>> = {
  nbproc: 'nbproc is not supported any more since HAProxy 2.5. Threads will automatically be used on multi-processor machines if available.',
};

function parseGlobalLog(c: GlobalKwContext): ParseResult {
  if (c.inverse === 'no') { c.global.logs.length = 0; return undefined; }
  if (c.a[1] === 'global') return alert('HLY_CFG_BAD_ARG', `'log global' is not permitted in the 'global' section.`);
  const t = parseLogTarget(c.a, c.loc);
  if (isVerdict(t)) return t;
  c.global.logs.push(t);
  return undefined;
}

function parseStats(c: GlobalKwContext): ParseResult {
  const sub = c.a[1];
  switch (sub) {
    case 'socket': {
      const s = parseStatsSocket(c.a.slice(2), c.loc);
      if (isVerdict(s)) return s;
      c.global.statsSockets.push(s);
      return undefined;
    }
    case 'timeout': {
      const t = timeArg(c.a[2], 'stats timeout');
      if (isVerdict(t)) return t;
      c.global.statsTimeout = t.ms;
      return t.warn;
    }
    case 'maxconn': {
      const n = atol(c.a[2] ?? '');
      if (n <= 0) return alert('HLY_CFG_BAD_ARG', `'stats maxconn' expects a positive value`);
      c.global.statsMaxconn = n;
      return undefined;
    }
    case 'bind-process':
      return noEffect(`'stats bind-process'`);
    default:
      return alert('HLY_CFG_BAD_ARG', `'stats' only supports 'socket', 'maxconn', 'bind-process' and 'timeout' (got '${sub ?? ''}').`);
  }
}

const TUNE_NO_EFFECT = /^tune\.(ssl|h2|lua|vars|zlib|comp|pattern|fd|sched|pool|listener|idle-pool|peers|fail-alloc|runqueue-depth|maxpollevents|maxaccept|chksize|recv_enough|buffers|idletimer|rcvbuf|sndbuf|pipesize|http\.logurilen)/;

const ROWS: readonly GlobalKeyword[] = [
  { name: 'ca-base', parse: noop('paths for TLS files; Halyard has no TLS') },
  { name: 'chroot', parse: (c) => strArg(c, (s) => { c.global.chroot = s; }) },
  { name: 'cpu-map', parse: noop('the OS schedules Node threads') },
  { name: 'crt-base', parse: noop('paths for TLS files; Halyard has no TLS') },
  { name: 'daemon', parse: flag((c) => { c.global.daemon = true; }) },
  { name: 'description', parse: (c) => { c.global.description = c.a.slice(1).join(' '); return undefined; } },
  { name: 'external-check', parse: notSupported() },
  { name: 'gid', parse: (c) => intArg(c, (n) => { c.global.gid = n; }) },
  { name: 'group', parse: (c) => strArg(c, (s) => { c.global.group = s; }) },
  {
    name: 'hard-stop-after', parse: (c) => {
      const t = timeArg(c.a[1], 'hard-stop-after');
      if (isVerdict(t)) return t;
      c.global.hardStopAfter = t.ms;
      return t.warn;
    },
  },
  { name: 'log', parse: parseGlobalLog },
  { name: 'log-send-hostname', parse: noop() },
  { name: 'log-tag', parse: (c) => strArg(c, () => undefined) },
  { name: 'lua-load', parse: notSupported('no Lua engine') },
  { name: 'lua-load-per-thread', parse: notSupported('no Lua engine') },
  { name: 'lua-prepend-path', parse: notSupported('no Lua engine') },
  { name: 'master-worker', parse: flag((c) => { c.global.masterWorker = true; }) },
  { name: 'maxconn', parse: (c) => intArg(c, (n) => { c.global.maxconn = n; }) },
  { name: 'maxconnrate', parse: notSupported() },
  { name: 'maxsessrate', parse: notSupported() },
  { name: 'maxsslconn', parse: noop('Halyard has no TLS') },
  { name: 'maxpipes', parse: noop() },
  { name: 'maxzlibmem', parse: noop() },
  { name: 'nbthread', parse: (c) => intArg(c, (n) => { c.global.nbthread = n; }) },
  { name: 'node', parse: (c) => strArg(c, (s) => { c.global.node = s; }) },
  { name: 'noepoll', parse: noop() }, { name: 'nopoll', parse: noop() }, { name: 'nosplice', parse: noop() },
  { name: 'nogetaddrinfo', parse: noop() }, { name: 'noreuseport', parse: noop() },
  { name: 'pidfile', parse: (c) => strArg(c, (s) => { c.global.pidfile = s; }) },
  { name: 'presetenv', parse: (c) => setenv(c, false) },
  { name: 'quiet', parse: flag((c) => { c.global.quiet = true; }) },
  { name: 'setenv', parse: (c) => setenv(c, true) },
  {
    name: 'spread-checks', parse: (c) => intArg(c, (n) => { c.global.spreadChecks = n; }),
  },
  { name: 'ssl-default-bind-ciphers', parse: noop('Halyard has no TLS') },
  { name: 'ssl-default-bind-ciphersuites', parse: noop('Halyard has no TLS') },
  { name: 'ssl-default-bind-curves', parse: noop('Halyard has no TLS') },
  { name: 'ssl-default-bind-options', parse: noop('Halyard has no TLS') },
  { name: 'ssl-default-server-ciphers', parse: noop('Halyard has no TLS') },
  { name: 'ssl-default-server-ciphersuites', parse: noop('Halyard has no TLS') },
  { name: 'ssl-default-server-options', parse: noop('Halyard has no TLS') },
  { name: 'ssl-dh-param-file', parse: noop('Halyard has no TLS') },
  { name: 'ssl-server-verify', parse: noop('Halyard has no TLS') },
  { name: 'stats', parse: parseStats },
  { name: 'uid', parse: (c) => intArg(c, (n) => { c.global.uid = n; }) },
  { name: 'ulimit-n', parse: (c) => intArg(c, (n) => { c.global.ulimitN = n; }) },
  { name: 'user', parse: (c) => strArg(c, (s) => { c.global.user = s; }) },
  { name: 'zero-warning', parse: flag((c) => { c.global.zeroWarning = true; }) },
];

function setenv(c: GlobalKwContext, overwrite: boolean): ParseResult {
  const name = c.a[1];
  const value = c.a[2];
  if (name === undefined || value === undefined) return alert('HLY_CFG_BAD_ARG', `'${c.a[0] ?? ''}' expects a name and a value.`);
  if (overwrite || c.global.setenv[name] === undefined) c.global.setenv[name] = value;
  return tooManyArgs(c, 2);
}

export const globalKeywordIndex: ReadonlyMap<string, GlobalKeyword> = new Map(ROWS.map((r) => [r.name, r]));

/** A keyword with no row: removed, an internal tuning knob (warned), known to HAProxy (unsupported) or unknown. */
export function unknownGlobal(kw: string): Verdict {
  const removed = REMOVED[kw];
  if (removed !== undefined) return alert('HLY_CFG_REMOVED', removed);
  if (TUNE_NO_EFFECT.test(kw)) return warning('HLY_CFG_NO_EFFECT', `'${kw}' tunes HAProxy internals and has no effect in Halyard; ignored.`);
  if (HAPROXY_GLOBAL.has(kw)) return unsupported(`'${kw}' keyword in 'global' section`);
  const near = bestMatch(kw, [...globalKeywordIndex.keys(), ...HAPROXY_GLOBAL]);
  return alert('HLY_CFG_UNKNOWN_KEYWORD', `unknown keyword '${kw}' in 'global' section${near !== undefined ? `; did you mean '${near}' maybe ?` : ''}`);
}
