// Proxy keywords that set one value: mode, maxconn, timeouts, balance, retries, backends to use...
import { alert, warning, type ParseResult } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import { TIMEOUT_NAMES, type TimeoutName } from '../model.js';
import { atol } from '../values.js';
import { isVerdict, timeArg, tooManyArgs, unsupported } from './common.js';
import { parseLogTarget } from './log.js';
import { parseCondition } from './acl.js';
import type { ProxyRows } from './proxy.js';

const FE_TIMEOUTS: ReadonlySet<TimeoutName> = new Set(['client', 'client-fin']);
const BE_TIMEOUTS: ReadonlySet<TimeoutName> = new Set(['server', 'connect', 'queue', 'check', 'tunnel', 'server-fin']);

function parseTimeout(c: ProxyKwContext): ParseResult {
  const name = c.a[1] ?? '';
  if (!(TIMEOUT_NAMES as readonly string[]).includes(name)) {
    return alert('HLY_CFG_BAD_ARG', `'timeout' supports 'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive', 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin' (got '${name}')`);
  }
  const tn = name as TimeoutName;
  const px = c.px;
  const fe = px.kind !== 'backend';
  const be = px.kind !== 'frontend';
  if (FE_TIMEOUTS.has(tn) && !fe) return warning('HLY_CFG_PLACEMENT', `'timeout ${tn}' will be ignored because ${px.kind} '${px.name}' has no frontend capability`);
  if (BE_TIMEOUTS.has(tn) && !be) return warning('HLY_CFG_PLACEMENT', `'timeout ${tn}' will be ignored because ${px.kind} '${px.name}' has no backend capability`);
  const t = timeArg(c.a[2], `timeout ${tn}`);
  if (isVerdict(t)) return t;
  if (c.a.length > 3) return alert('HLY_CFG_BAD_ARG', `'timeout ${tn}' : unexpected extra argument '${c.a[3] ?? ''}' after value '${c.a[2] ?? ''}'.`);
  if (t.ms === 0) delete px.timeouts[tn];
  else px.timeouts[tn] = t.ms;
  // HAProxy prints the "1s500ms" warning without a location
  return t.warn !== undefined ? { ...t.warn, style: 'none' } : undefined;
}

function parseMode(c: ProxyKwContext): ParseResult {
  const m = c.a[1];
  if (m === 'tcp' || m === 'http') { c.px.mode = m; return tooManyArgs(c, 1); }
  if (m === 'health') return alert('HLY_CFG_REMOVED', `'mode health' doesn't exist anymore. Please use 'http-request return status 200' instead.`);
  return alert('HLY_CFG_BAD_ARG', `unknown proxy mode '${m ?? ''}'.`);
}


function parseBalance(c: ProxyKwContext): ParseResult {
  const algo = c.a[1] ?? '';
  const args = c.a.slice(2);
  const px = c.px;
  const bad = (msg: string): ParseResult => alert('HLY_CFG_BAD_ARG', `balance ${msg}`);
  const set = (name: string, a: string[] = []): ParseResult => { px.balance = { algo: name, args: a, loc: c.loc }; return undefined; };
  // `balance` alone is accepted by HAProxy and changes nothing; extra words after simple algorithms are ignored
  if (algo === '') return undefined;
  if (algo === 'roundrobin' || algo === 'static-rr' || algo === 'leastconn' || algo === 'first' || algo === 'source') return set(algo);
  if (algo.startsWith('random')) {
    const m = /^random(?:\((.*))?$/.exec(algo);
    if (m === null) return bad(`only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.`);
    if (m[1] === undefined) return set('random', ['2']);
    const inner = m[1];
    if (!inner.endsWith(')')) return bad('random : missing closing parenthesis.');
    const digits = /^[0-9]*/.exec(inner)?.[0] ?? '';
    if (inner.length !== digits.length + 1) return bad(`random : unexpected character '${inner[digits.length] ?? ''}' after argument.`);
    const n = digits === '' ? 0 : Number(digits);
    if (n < 1) return bad('random : number of draws must be at least 1.');
    return set('random', [String(n)]);
  }
  if (algo === 'uri') {
    for (let i = 0; i < args.length; i++) {
      const w = args[i];
      if (w === 'whole' || w === 'path-only') continue;
      if (w === 'len' || w === 'depth') {
        const v = args[i + 1] ?? '';
        if (!/^[0-9]+$/.test(v) || Number(v) < 1) return bad(`uri : '${w}' expects a positive integer (got '${v}').`);
        i++; continue;
      }
      return bad(`uri only accepts parameters 'len', 'depth', 'path-only', and 'whole' (got '${w ?? ''}').`);
    }
    return set('uri', args);
  }
  if (algo === 'url_param') {
    if (args[0] === undefined || args[0] === '') return bad('url_param requires an URL parameter name.');
    if (args[1] !== undefined && args[1] !== 'check_post') return bad(`url_param only accepts 'check_post' modifier (got '${args[1]}').`);
    if (args[1] === 'check_post') return unsupported(`'balance url_param ... check_post'`, 'the request body is not hashed');
    return set('url_param', args);
  }
  if (algo.startsWith('hdr(')) {
    const name = algo.endsWith(')') ? algo.slice(4, -1) : algo.slice(4);
    if (name === '') return bad('hdr requires an http header field name.');
    if (args[0] !== undefined && args[0] !== 'use_domain_only') return bad(`${algo} only accepts 'use_domain_only' modifier (got '${args[0]}').`);
    return set('hdr', [name, ...args.slice(0, 1)]);
  }
  if (algo === 'hash') {
    if (args[0] === undefined || args[0] === '') return bad('hash requires a sample expression.');
    return unsupported(`'balance hash'`, 'generic sample-expression hashing');
  }
  if (algo.startsWith('rdp-cookie')) return unsupported(`'balance ${algo}'`, 'RDP is not supported');
  return bad(`only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.`);
}

function parseHashType(c: ProxyKwContext): ParseResult {
  const method = c.a[1] ?? '';
  if (method === 'avalanche') return alert('HLY_CFG_BAD_ARG', `experimental feature 'hash-type avalanche' is not supported anymore, please use 'hash-type map-based sdbm avalanche' instead.`);
  if (method !== 'map-based' && method !== 'consistent') return alert('HLY_CFG_BAD_ARG', `'hash-type' only supports 'consistent' and 'map-based'.`);
  const fn = c.a[2] === undefined || c.a[2] === '' ? 'sdbm' : c.a[2];
  if (!['sdbm', 'djb2', 'wt6', 'crc32'].includes(fn)) return alert('HLY_CFG_BAD_ARG', `'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions.`);
  const av = c.a[3];
  if (av !== undefined && av !== '' && av !== 'avalanche') return alert('HLY_CFG_BAD_ARG', `'hash-type' only supports 'avalanche' as a modifier for hash functions.`);
  c.px.hashType = { method, fn, avalanche: av === 'avalanche' };
  return undefined;
}

function parseUseBackend(c: ProxyKwContext): ParseResult {
  const name = c.a[1];
  if (name === undefined || name === '') return alert('HLY_CFG_BAD_ARG', `'use_backend' expects a backend name.`);
  const rest = c.args.slice(2);
  let cond;
  if (rest.length > 0) {
    const r = parseCondition(c, rest, 'switching rule');
    if (isVerdict(r)) return r;
    cond = r;
  }
  c.px.useBackends.push({ name, dynamic: name.includes('%['), ...(cond !== undefined ? { cond } : {}), loc: c.loc });
  return undefined;
}

function parseUseServer(c: ProxyKwContext): ParseResult {
  const name = c.a[1];
  if (name === undefined) return alert('HLY_CFG_BAD_ARG', `'use-server' expects a server name.`);
  const rest = c.args.slice(2);
  if (rest.length === 0) return alert('HLY_CFG_BAD_ARG', `'use-server' requires either 'if' or 'unless' followed by a condition.`);
  const r = parseCondition(c, rest, 'switching rule');
  if (isVerdict(r)) return r;
  c.px.useServers.push({ name, cond: r, loc: c.loc });
  return undefined;
}

export const basicRows: ProxyRows = [
  { name: 'balance', cap: 'be', defaults: 'yes', parse: parseBalance },
  {
    name: 'default_backend', cap: 'fe', defaults: 'yes', misplaced: 'warn-and-parse', parse: (c) => {
      const name = c.a[1];
      if (name === undefined || name === '') return alert('HLY_CFG_BAD_ARG', `'default_backend' expects a backend name.`);
      c.px.defaultBackend = { name, loc: c.loc };
      return tooManyArgs(c, 1);
    },
  },
  { name: 'description', cap: 'any', defaults: 'no', parse: (c) => { c.px.description = c.a.slice(1).join(' '); return undefined; } },
  { name: 'disabled', cap: 'any', defaults: 'yes', parse: (c) => { c.px.disabled = true; return tooManyArgs(c, 0); } },
  { name: 'enabled', cap: 'any', defaults: 'yes', parse: (c) => { c.px.disabled = false; return tooManyArgs(c, 0); } },
  {
    name: 'fullconn', cap: 'be', defaults: 'yes', parse: (c) => {
      if (c.a[1] === undefined) return alert('HLY_CFG_BAD_ARG', `'fullconn' expects an integer argument.`);
      c.px.fullconn = atol(c.a[1]); return tooManyArgs(c, 1);
    },
  },
  { name: 'hash-type', cap: 'be', defaults: 'yes', parse: parseHashType },
  {
    name: 'id', cap: 'any', defaults: 'no', parse: (c) => {
      const n = atol(c.a[1] ?? '');
      if (n <= 0) return alert('HLY_CFG_BAD_ARG', `custom id has to be > 0.`, { style: 'parsing-tight' });
      c.px.id = n; return tooManyArgs(c, 1);
    },
  },
  {
    name: 'log', cap: 'any', defaults: 'yes', parse: (c) => {
      if (c.inverse === 'no') {
        if (c.a[1] !== undefined) return alert('HLY_CFG_BAD_ARG', `log : 'no log' does not expect arguments`);
        c.px.logs = []; return undefined;
      }
      // `log global` copies the global targets (once) at this point
      if (c.a[1] === 'global' && c.a.length === 2) {
        if (!c.px.logs.some((l) => l.target === 'global')) c.px.logs.push({ target: 'global', loc: c.loc });
        return undefined;
      }
      const t = parseLogTarget(c.a, c.loc);
      if (isVerdict(t)) return t;
      c.px.logs.push(t);
      return undefined;
    },
  },
  {
    name: 'maxconn', cap: 'any', defaults: 'yes', parse: (c) => {
      if (c.px.kind === 'backend') return warning('HLY_CFG_PLACEMENT', `'maxconn' ignored because backend '${c.px.name}' has no frontend capability. Maybe you want 'fullconn' instead ?`);
      if (c.a[1] === undefined) return alert('HLY_CFG_BAD_ARG', `'maxconn' expects an integer argument.`);
      c.px.maxconn = atol(c.a[1]); return tooManyArgs(c, 1);
    },
  },
  { name: 'mode', cap: 'any', defaults: 'yes', parse: parseMode },
  {
    name: 'monitor-uri', cap: 'fe', defaults: 'yes', parse: (c) => {
      // as HAProxy: too many arguments first, then an empty one; any URI (path or absolute)
      const extra = tooManyArgs(c, 1);
      if (extra !== undefined) return extra;
      const u = c.a[1];
      if (u === undefined || u === '') return alert('HLY_CFG_BAD_ARG', `'monitor-uri' expects an URI.`);
      c.px.monitorUri = u;
      return undefined;
    },
  },
  {
    name: 'retries', cap: 'be', defaults: 'yes', parse: (c) => {
      if (c.a[1] === undefined || c.a[1] === '') return alert('HLY_CFG_BAD_ARG', `'retries' expects an integer argument (dispatch counts for one).`);
      c.px.retries = atol(c.a[1]); return tooManyArgs(c, 1);
    },
  },
  { name: 'timeout', cap: 'any', defaults: 'yes', parse: parseTimeout },
  { name: 'use_backend', cap: 'fe', defaults: 'no', misplaced: 'warn-and-parse', parse: parseUseBackend },
  { name: 'use-server', cap: 'be', defaults: 'no', parse: parseUseServer },
];
