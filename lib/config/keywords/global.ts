// The `global` section's keyword table: one row per keyword (HAProxy's cfg_kws habit). Messages follow
// haproxy 2.6.12 `-c` word for word; see test/lib/config/global.test.ts.
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { GlobalKwContext } from '../parser.js';
import { HAPROXY_GLOBAL } from '../haproxy-keywords.js';
import { atol, parseTime } from '../values.js';
import { isVerdict, noEffect, tooManyArgs, unsupported } from './common.js';
import { REMOVED_GLOBAL } from './removed.js';
import { parseLogTarget } from './log.js';
import { parseStatsSocket } from './stats-socket.js';
import { haproxyBestMatch } from './suggest.js';
import { lookupGroup, lookupUser } from './sysdb.js';

export interface GlobalKeyword {
  readonly name: string;
  readonly parse: (c: GlobalKwContext) => ParseResult;
}

/** HAProxy's Debian build has MAX_THREADS = 64. */
const MAX_THREADS = 64;

const kw0 = (c: GlobalKwContext): string => c.a[0] ?? '';
/**
 * HAProxy prints "'x' already specified. Continuing." as an ALERT that is not fatal (ERR_ALERT without
 * ERR_FATAL): same level, same exit code 0.
 */
const already = (msg: string, style: 'parsing' | 'parsing-tight' = 'parsing'): Verdict => alert('HLY_CFG_DUPLICATE', msg, { style, nonFatal: true });

const flag = (set: (c: GlobalKwContext) => void) => (c: GlobalKwContext): ParseResult => {
  const t = tooManyArgs(c, 0);
  if (t !== undefined) return t;
  set(c);
  return undefined;
};
const noop = (why?: string) => (c: GlobalKwContext): ParseResult => noEffect(`'${kw0(c)}'`, why);
const notSupported = (why?: string) => (c: GlobalKwContext): ParseResult => unsupported(`'${kw0(c)}'`, why);

/** An integer keyword that may be given once (maxconn, ulimit-n...): atol(), as HAProxy. */
const onceInt = (get: (c: GlobalKwContext) => number | undefined, set: (c: GlobalKwContext, n: number) => void) =>
  (c: GlobalKwContext): ParseResult => {
    const t = tooManyArgs(c, 1);
    if (t !== undefined) return t;
    if (get(c) !== undefined) return already(`'${kw0(c)}' already specified. Continuing.`);
    const v = c.a[1];
    if (v === undefined || v === '') return alert('HLY_CFG_BAD_ARG', `'${kw0(c)}' expects an integer argument.`);
    set(c, atol(v));
    return undefined;
  };

function parseNbthread(c: GlobalKwContext): ParseResult {
  const t = tooManyArgs(c, 1);
  if (t !== undefined) return t;
  const v = c.a[1] ?? '';
  if (!/^[+-]?[0-9]+$/.test(v)) return alert('HLY_CFG_BAD_ARG', `'nbthread' passed a missing or unparsable integer value in '${v}'`);
  const n = parseInt(v, 10);
  if (n < 1 || n > MAX_THREADS) return alert('HLY_CFG_BAD_ARG', `'nbthread' value must be between 1 and ${MAX_THREADS} (was ${n})`);
  c.global.nbthread = n;
  return undefined;
}

function parseUser(c: GlobalKwContext, group: boolean): ParseResult {
  const t = tooManyArgs(c, 1);
  if (t !== undefined) return t;
  const g = c.global;
  if (group ? g.gid !== undefined && g.gid !== 0 : g.uid !== undefined && g.uid !== 0) {
    return already(group ? 'gid/group was already specified. Continuing.' : 'user/uid already specified. Continuing.');
  }
  const name = c.a[1] ?? '';
  // -c resolves the name (getpwnam/getgrnam): an unknown user or group is fatal, as in HAProxy.
  const id = group ? lookupGroup(name) : lookupUser(name);
  if (id === undefined) return alert('HLY_CFG_BAD_ARG', `cannot find ${group ? 'group' : 'user'} id for '${name}' (0:Success)`);
  if (group) { g.group = name; g.gid = id; } else { g.user = name; g.uid = id; }
  return undefined;
}

function parseUidGid(c: GlobalKwContext, gid: boolean): ParseResult {
  const t = tooManyArgs(c, 1);
  if (t !== undefined) return t;
  const g = c.global;
  if (gid ? g.gid !== undefined && g.gid !== 0 : g.uid !== undefined && g.uid !== 0) {
    return already(gid ? 'group/gid already specified. Continuing.' : 'user/uid already specified. Continuing.');
  }
  const v = c.a[1];
  if (v === undefined || v === '') return alert('HLY_CFG_BAD_ARG', `'${kw0(c)}' expects an integer argument.`);
  if (!/^[0-9]+$/.test(v)) {
    return warning('HLY_CFG_BAD_ARG', ` ${gid ? 'gid' : 'uid'}: string '${v}' is not a number.`, {
      more: [`You might want to use the '${gid ? 'group' : 'user'}' parameter to use a system ${gid ? 'group' : 'user'} name.`],
    });
  }
  if (gid) g.gid = Number(v); else g.uid = Number(v);
  return undefined;
}

function parseHardStopAfter(c: GlobalKwContext): ParseResult {
  const v = c.a[1];
  if (v === undefined || v === '') return alert('HLY_CFG_BAD_ARG', `'hard-stop-after' expects <time> as argument.`);
  const r = parseTime(v);
  if (!r.ok) {
    if (r.kind === 'overflow') return alert('HLY_CFG_BAD_ARG', `timer overflow in argument '${v}' to 'hard-stop-after' (maximum value is 2147483647 ms or ~24.8 days)`);
    return alert('HLY_CFG_BAD_ARG', `unexpected character '${r.ch}' in argument to <hard-stop-after>.`);
  }
  if (r.trailing !== undefined) return alert('HLY_CFG_BAD_ARG', `unexpected character '${r.trailing[0] ?? ''}' in argument to <hard-stop-after>.`);
  c.global.hardStopAfter = r.ms;
  return undefined;
}

function parseSpreadChecks(c: GlobalKwContext): ParseResult {
  const t = tooManyArgs(c, 1);
  if (t !== undefined) return t;
  if (c.global.spreadChecks !== undefined && c.global.spreadChecks !== 0) return already('spread-checks already specified. Continuing.', 'parsing-tight');
  const v = c.a[1];
  if (v === undefined || v === '') return alert('HLY_CFG_BAD_ARG', `'spread-checks' expects an integer argument (0..50).`, { style: 'parsing-tight' });
  const n = atol(v);
  c.global.spreadChecks = n;
  if (n < 0 || n > 50) return alert('HLY_CFG_BAD_ARG', `'spread-checks' needs a positive value in range 0..50.`, { style: 'parsing-tight' });
  return undefined;
}

function parseGlobalLog(c: GlobalKwContext): ParseResult {
  if (c.inverse === 'no') {
    if (c.a[1] !== undefined) return alert('HLY_CFG_BAD_ARG', `log : 'no log' does not expect arguments`);
    c.global.logs.length = 0;
    return undefined;
  }
  if (c.a[1] === 'global' && c.a.length === 2) return alert('HLY_CFG_BAD_ARG', `log : 'global' is not supported for a global syslog server`);
  const t = parseLogTarget(c.a, c.loc, true);
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
      const v = c.a[2] ?? '';
      const r = parseTime(v);
      if (!r.ok) {
        if (r.kind === 'overflow') return alert('HLY_CFG_BAD_ARG', `timer overflow in argument '${v}' to 'stats timeout' (maximum value is 2147483647 ms or ~24.8 days)`);
        return alert('HLY_CFG_BAD_ARG', `'stats timeout' : unexpected character '${r.ch}'`);
      }
      if (r.trailing !== undefined) return alert('HLY_CFG_BAD_ARG', `'stats timeout' : unexpected character '${r.trailing[0] ?? ''}'`);
      if (r.ms === 0) return alert('HLY_CFG_BAD_ARG', `'stats timeout' expects a positive value`);
      c.global.statsTimeout = r.ms;
      return undefined;
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
      return alert('HLY_CFG_BAD_ARG', `'stats' only supports 'socket', 'maxconn', 'bind-process' and 'timeout' (got '${sub ?? ''}')`);
  }
}

function setenv(c: GlobalKwContext, overwrite: boolean): ParseResult {
  const t = tooManyArgs(c, 2);
  if (t !== undefined) return t;
  const name = c.a[1] ?? '';
  const value = c.a[2];
  if (value === undefined || value === '') return alert('HLY_CFG_BAD_ARG', `'${kw0(c)}' expects a name and a value.`, { style: 'parsing-tight' });
  const env = envOf(c);
  if (overwrite || env[name] === undefined) { env[name] = value; c.global.setenv[name] = value; }
  return undefined;
}

/**
 * HAProxy changes its own environment while parsing, so "${VAR}" on later lines sees the new value.
 * The parser's env is that environment (process.env for the CLI), so it is changed in place.
 */
function envOf(c: GlobalKwContext): Record<string, string | undefined> {
  return c.parser.opts.env as Record<string, string | undefined>;
}

function unsetenv(c: GlobalKwContext): ParseResult {
  if (c.a[1] === undefined || c.a[1] === '') return alert('HLY_CFG_BAD_ARG', `'unsetenv' expects at least one variable name.`, { style: 'parsing-tight' });
  const env = envOf(c);
  for (const n of c.a.slice(1)) { delete env[n]; delete c.global.setenv[n]; }
  return undefined;
}

function resetenv(c: GlobalKwContext): ParseResult {
  const keep = new Set(c.a.slice(1));
  const env = envOf(c);
  for (const n of Object.keys(env)) if (!keep.has(n)) delete env[n];
  for (const n of Object.keys(c.global.setenv)) if (!keep.has(n)) delete c.global.setenv[n];
  return undefined;
}

function parseNode(c: GlobalKwContext): ParseResult {
  const t = tooManyArgs(c, 1);
  if (t !== undefined) return t;
  const v = c.a[1] ?? '';
  if (!/^[A-Za-z0-9_.-]+$/.test(v)) {
    return alert('HLY_CFG_BAD_ARG', `'node' requires valid node name - non-empty string with digits(0-9), letters(A-Z, a-z), dot(.), hyphen(-) or underscode(_).`, { style: 'parsing-tight' });
  }
  c.global.node = v;
  return undefined;
}

/** A path-like string given once (chroot, pidfile). */
const oncePath = (what: string, get: (c: GlobalKwContext) => string | undefined, set: (c: GlobalKwContext, s: string) => void) =>
  (c: GlobalKwContext): ParseResult => {
    const t = tooManyArgs(c, 1);
    if (t !== undefined) return t;
    if (get(c) !== undefined) return already(`'${kw0(c)}' already specified. Continuing.`);
    const v = c.a[1];
    if (v === undefined || v === '') return alert('HLY_CFG_BAD_ARG', `'${kw0(c)}' expects ${what} as an argument.`);
    set(c, v);
    return undefined;
  };

/** tune.* knobs whose value changes what a client can observe (header size and count limits): kept. */
const TUNE_KEPT = new Set(['tune.bufsize', 'tune.maxrewrite', 'tune.http.maxhdr', 'tune.http.cookielen', 'tune.http.logurilen']);
const tuneKept = (c: GlobalKwContext): ParseResult => {
  const t = tooManyArgs(c, 1);
  if (t !== undefined) return t;
  const v = c.a[1];
  const kw = kw0(c);
  if (v === undefined || v === '') return alert('HLY_CFG_BAD_ARG', `'${kw}' expects an integer argument.`);
  let n = atol(v);
  // the checks and the rounding haproxy 2.6 applies when it reads the keyword
  if (kw === 'tune.bufsize') {
    n = (n + 15) & -16;
    if (n <= 0) return alert('HLY_CFG_BAD_ARG', `'${kw}' expects a positive integer argument.`);
  } else if (kw === 'tune.maxrewrite') {
    if (n < 0) return alert('HLY_CFG_BAD_ARG', `'${kw}' expects a positive integer argument.`);
  } else if (kw === 'tune.http.maxhdr') {
    if (n < 1 || n > 32767) return alert('HLY_CFG_BAD_ARG', `'${kw}' expects a numeric value between 1 and 32767`);
    // haproxy then fails to start: its own error pages do not parse with so few slots
    if (n < 5) return alert('HLY_CFG_BAD_ARG', `'${kw}' ${n} leaves no room for the headers of the built-in error pages (haproxy refuses to start: "invalid default message"); use at least 5.`);
  } else if (kw === 'tune.http.logurilen') {
    // haproxy keeps n + 1 bytes, 0 meaning the default: -1 is the default, below is nonsense
    if (n < -1) return alert('HLY_CFG_BAD_ARG', `'${kw}' expects a positive integer argument.`);
    if (n === -1) return undefined;
  }
  c.global.tune[kw] = String(n);
  return undefined;
};

const TLS = 'Halyard has no TLS';
const ROWS: readonly GlobalKeyword[] = [
  {
    // Node has no chroot(2): the path is checked as HAProxy checks it, then a warning says so
    name: 'chroot', parse: (c) => {
      const r = oncePath('a directory', (g) => g.global.chroot, (g, s) => { g.global.chroot = s; })(c);
      return r ?? noEffect(`'chroot'`, 'Node cannot change its root directory; the process keeps its own');
    },
  },
  { name: 'daemon', parse: flag((c) => { c.global.daemon = true; }) },
  {
    name: 'description', parse: (c) => {
      if (c.a[1] === undefined || c.a[1] === '') return alert('HLY_CFG_BAD_ARG', `'description' expects a string argument.`, { style: 'parsing-tight' });
      c.global.description = c.a.slice(1).join(' ');
      return undefined;
    },
  },
  { name: 'external-check', parse: notSupported('external programs are not run') },
  { name: 'gid', parse: (c) => parseUidGid(c, true) },
  { name: 'group', parse: (c) => parseUser(c, true) },
  { name: 'hard-stop-after', parse: parseHardStopAfter },
  { name: 'log', parse: parseGlobalLog },
  { name: 'lua-load', parse: notSupported('no Lua engine') },
  { name: 'lua-load-per-thread', parse: notSupported('no Lua engine') },
  { name: 'lua-prepend-path', parse: notSupported('no Lua engine') },
  { name: 'master-worker', parse: (c) => { c.global.masterWorker = true; return undefined; } },
  { name: 'maxconn', parse: onceInt((c) => c.global.maxconn, (c, n) => { c.global.maxconn = n; }) },
  { name: 'nbthread', parse: parseNbthread },
  { name: 'node', parse: parseNode },
  { name: 'pidfile', parse: oncePath('a file name', (c) => c.global.pidfile, (c, s) => { c.global.pidfile = s; }) },
  { name: 'presetenv', parse: (c) => setenv(c, false) },
  { name: 'quiet', parse: flag((c) => { c.global.quiet = true; }) },
  { name: 'resetenv', parse: resetenv },
  { name: 'setenv', parse: (c) => setenv(c, true) },
  { name: 'spread-checks', parse: parseSpreadChecks },
  { name: 'stats', parse: parseStats },
  { name: 'uid', parse: (c) => parseUidGid(c, false) },
  {
    // Node cannot raise RLIMIT_NOFILE: the value is shown by `show info`, the limit stays the shell's
    name: 'ulimit-n', parse: (c) => onceInt((g) => g.global.ulimitN, (g, n) => { g.global.ulimitN = n; })(c)
      ?? noEffect(`'ulimit-n'`, 'Node cannot raise the open-file limit; set it before starting (ulimit -n)'),
  },
  { name: 'unsetenv', parse: unsetenv },
  { name: 'user', parse: (c) => parseUser(c, false) },
  { name: 'zero-warning', parse: flag((c) => { c.global.zeroWarning = true; }) },
  ...[...TUNE_KEPT].map((name) => ({ name, parse: tuneKept })),
];

/**
 * Keywords HAProxy knows that only tune its own internals (polling, memory pools, TLS defaults, CPU
 * pinning, SSL engines...): accepted with a warning that they have no effect. The README lists them.
 */
export const GLOBAL_NO_EFFECT: ReadonlySet<string> = new Set([
  ...[...HAPROXY_GLOBAL].filter((k) => k.startsWith('tune.') && !TUNE_KEPT.has(k)),
  ...[...HAPROXY_GLOBAL].filter((k) => k.startsWith('ssl-') || k.startsWith('httpclient.')),
  'ca-base', 'crt-base', 'issuers-chain-path', 'cpu-map', 'numa-cpu-mapping', 'thread-group', 'thread-groups',
  'busy-polling', 'noepoll', 'noevports', 'nokqueue', 'nopoll', 'nosplice', 'nogetaddrinfo', 'noreuseport',
  'no-memory-trimming', 'maxpipes', 'maxzlibmem', 'maxcompcpuusage', 'maxcomprate', 'maxsslconn', 'maxsslrate',
  'log-send-hostname', 'log-tag', 'max-spread-checks', 'fd-hard-limit', 'set-dumpable', 'strict-limits',
  'insecure-fork-wanted', 'insecure-setuid-wanted', 'profiling.memory', 'profiling.tasks', 'pp2-never-send-local',
  'mworker-max-reloads', 'h1-case-adjust', 'h1-case-adjust-file', 'h1-accept-payload-with-any-method',
  'unix-bind', 'expose-experimental-directives', 'anonkey', 'grace', 'close-spread-time', 'localpeer',
  'default-path', 'server-state-base',
]);
const TLS_ONLY = (k: string): boolean => k.startsWith('ssl-') || k.startsWith('tune.ssl.') || k === 'ca-base' || k === 'crt-base' || k === 'issuers-chain-path' || k === 'maxsslconn' || k === 'maxsslrate' || k.startsWith('httpclient.ssl');

export const globalKeywordIndex: ReadonlyMap<string, GlobalKeyword> = new Map([
  ...[...GLOBAL_NO_EFFECT].filter((k) => HAPROXY_GLOBAL.has(k) && REMOVED_GLOBAL[k] === undefined).map((name): [string, GlobalKeyword] => [name, { name, parse: noop(TLS_ONLY(name) ? TLS : undefined) }]),
  ...ROWS.map((r): [string, GlobalKeyword] => [r.name, r]),
]);

/** HAProxy's candidate order: registered keywords first, then its inline list (ties go to the first). */
const INLINE_GLOBAL = [
  'global', 'daemon', 'master-worker', 'noepoll', 'nokqueue', 'noevports', 'nopoll', 'busy-polling', 'set-dumpable',
  'insecure-fork-wanted', 'insecure-setuid-wanted', 'nosplice', 'nogetaddrinfo', 'noreuseport', 'quiet', 'zero-warning',
  'tune.runqueue-depth', 'tune.maxpollevents', 'tune.maxaccept', 'tune.recv_enough', 'tune.buffers.limit',
  'tune.buffers.reserve', 'tune.bufsize', 'tune.maxrewrite', 'tune.idletimer', 'tune.rcvbuf.client', 'tune.rcvbuf.server',
  'tune.sndbuf.client', 'tune.sndbuf.server', 'tune.pipesize', 'tune.http.cookielen', 'tune.http.logurilen', 'tune.http.maxhdr',
  'tune.comp.maxlevel', 'tune.pattern.cache-size', 'uid', 'gid', 'external-check', 'user', 'group', 'nbproc', 'maxconn',
  'ssl-server-verify', 'maxconnrate', 'maxsessrate', 'maxsslrate', 'maxcomprate', 'maxpipes', 'maxzlibmem', 'maxcompcpuusage',
  'ulimit-n', 'chroot', 'description', 'node', 'pidfile', 'unix-bind', 'log', 'log-send-hostname', 'server-state-base',
  'server-state-file', 'log-tag', 'spread-checks', 'max-spread-checks', 'cpu-map', 'setenv', 'presetenv', 'unsetenv',
  'resetenv', 'strict-limits', 'localpeer', 'numa-cpu-mapping', 'defaults', 'listen', 'frontend', 'backend', 'peers',
  'resolvers', 'cluster-secret',
];
/** parsed inline by HAProxy but missing from its suggestion list, so never suggested */
const NEVER_SUGGESTED = new Set(['expose-experimental-directives', 'fd-hard-limit', 'h2-workaround-bogus-websocket-clients', 'tune.chksize']);
const INLINE_SET = new Set(INLINE_GLOBAL);
const GLOBAL_CANDIDATES = [...[...HAPROXY_GLOBAL].filter((k) => !INLINE_SET.has(k) && !NEVER_SUGGESTED.has(k)), ...INLINE_GLOBAL];

/** A keyword with no row: removed, known to HAProxy (unsupported) or unknown (with HAProxy's suggestion). */
export function unknownGlobal(kw: string): Verdict {
  const removed = REMOVED_GLOBAL[kw];
  if (removed !== undefined) return alert('HLY_CFG_REMOVED', removed, kw === 'tune.chksize' ? { style: 'parsing-tight' } : {});
  if (HAPROXY_GLOBAL.has(kw)) return unsupported(`'${kw}' keyword in 'global' section`);
  const near = haproxyBestMatch(kw, GLOBAL_CANDIDATES);
  return alert('HLY_CFG_UNKNOWN_KEYWORD', `unknown keyword '${kw}' in 'global' section${near !== undefined ? `; did you mean '${near}' maybe ?` : ''}`);
}
