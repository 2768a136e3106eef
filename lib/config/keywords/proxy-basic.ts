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
  if (c.a.length > 3) return alert('HLY_CFG_BAD_ARG', `'timeout ${tn}' cannot handle unexpected argument '${c.a[3] ?? ''}'.`);
  if (t.ms === 0) delete px.timeouts[tn];
  else px.timeouts[tn] = t.ms;
  return t.warn;
}

function parseMode(c: ProxyKwContext): ParseResult {
  const m = c.a[1];
  if (m === 'tcp' || m === 'http') { c.px.mode = m; return tooManyArgs(c, 1); }
  if (m === 'health') return unsupported(`'mode health'`);
  return alert('HLY_CFG_BAD_ARG', `unknown proxy mode '${m ?? ''}'.`);
}

const BALANCE_ALGOS = new Set(['roundrobin', 'static-rr', 'leastconn', 'first', 'source', 'uri', 'url_param', 'random']);

function parseBalance(c: ProxyKwContext): ParseResult {
  const algo = c.a[1] ?? '';
  const args = c.a.slice(2);
  const px = c.px;
  const set = (name: string, a: string[] = args): ParseResult => { px.balance = { algo: name, args: a, loc: c.loc }; return undefined; };
  if (algo === 'roundrobin' || algo === 'static-rr' || algo === 'leastconn' || algo === 'first' || algo === 'source') return set(algo, []);
  if (algo === 'uri') {
    for (let i = 0; i < args.length; i++) {
      const w = args[i];
      if (w === 'whole' || w === 'path-only') continue;
      if (w === 'len' || w === 'depth') {
        if (!/^[0-9]+$/.test(args[i + 1] ?? '')) return alert('HLY_CFG_BAD_ARG', `balance uri: ${w} must be a positive integer.`);
        i++; continue;
      }
      return alert('HLY_CFG_BAD_ARG', `balance uri only accepts parameters 'len', 'depth', 'path-only', and 'whole' (got '${w ?? ''}').`);
    }
    return set('uri');
  }
  if (algo === 'url_param') {
    if (args[0] === undefined) return alert('HLY_CFG_BAD_ARG', `'balance url_param' requires an URL parameter name.`);
    if (args[1] === 'check_post') return unsupported(`'balance url_param ... check_post'`);
    return set('url_param');
  }
  const hdr = /^hdr\(([^)]*)\)$/.exec(algo);
  if (hdr !== null) {
    if (hdr[1] === '') return alert('HLY_CFG_BAD_ARG', `hdr() requires a header name.`);
    if (args.length > 0 && args[0] !== 'use_domain_only') return alert('HLY_CFG_BAD_ARG', `'balance hdr(${hdr[1] ?? ''})' only accepts 'use_domain_only' as an option (got '${args[0] ?? ''}').`);
    return set('hdr', [hdr[1] ?? '', ...args]);
  }
  const rnd = /^random(?:\(([0-9]*)\))?$/.exec(algo);
  if (rnd !== null) return set('random', rnd[1] !== undefined && rnd[1] !== '' ? [rnd[1]] : ['2']);
  if (algo === 'hash' || algo.startsWith('rdp-cookie')) return unsupported(`'balance ${algo}'`);
  void BALANCE_ALGOS;
  return alert('HLY_CFG_BAD_ARG', `balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.`);
}

function parseHashType(c: ProxyKwContext): ParseResult {
  const method = c.a[1];
  if (method !== 'map-based' && method !== 'consistent') {
    if (method === 'avalanche') return alert('HLY_CFG_BAD_ARG', `'hash-type avalanche' is not supported anymore, use 'hash-type map-based avalanche' instead.`);
    return alert('HLY_CFG_BAD_ARG', `'hash-type' requires 'map-based' or 'consistent' as argument.`);
  }
  const fn = c.a[2] ?? 'sdbm';
  if (!['sdbm', 'djb2', 'wt6', 'crc32', 'none'].includes(fn)) {
    return alert('HLY_CFG_BAD_ARG', `'hash-type ${method}' : unknown hash function '${fn}' (must be 'sdbm', 'djb2', 'wt6', 'crc32' or 'none').`);
  }
  const av = c.a[3];
  if (av !== undefined && av !== 'avalanche') return alert('HLY_CFG_BAD_ARG', `'hash-type ${method} ${fn}' : unknown hash modifier '${av}' (must be 'avalanche').`);
  c.px.hashType = { method, fn, avalanche: av === 'avalanche' };
  return undefined;
}

function parseUseBackend(c: ProxyKwContext): ParseResult {
  const name = c.a[1];
  if (name === undefined || name === '') return alert('HLY_CFG_BAD_ARG', `'use_backend' requires a backend name.`);
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
    name: 'default_backend', cap: 'fe', defaults: 'yes', parse: (c) => {
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
      if (n <= 0) return alert('HLY_CFG_BAD_ARG', `custom id has to be > 0.`);
      c.px.id = n; return tooManyArgs(c, 1);
    },
  },
  {
    name: 'log', cap: 'any', defaults: 'yes', parse: (c) => {
      if (c.inverse === 'no') { c.px.logs = []; return undefined; }
      if (c.a[1] === 'global') { c.px.logs.push({ target: 'global', loc: c.loc }); return tooManyArgs(c, 1); }
      const t = parseLogTarget(c.a, c.loc);
      if (isVerdict(t)) return t;
      c.px.logs.push(t);
      return undefined;
    },
  },
  {
    name: 'maxconn', cap: 'fe', defaults: 'yes', parse: (c) => {
      if (c.a[1] === undefined) return alert('HLY_CFG_BAD_ARG', `'maxconn' expects an integer argument.`);
      c.px.maxconn = atol(c.a[1]); return tooManyArgs(c, 1);
    },
  },
  { name: 'mode', cap: 'any', defaults: 'yes', parse: parseMode },
  {
    name: 'monitor-uri', cap: 'fe', defaults: 'yes', parse: (c) => {
      const u = c.a[1];
      if (u === undefined || !u.startsWith('/')) return alert('HLY_CFG_BAD_ARG', `'monitor-uri' expects an URI.`);
      c.px.monitorUri = u; return tooManyArgs(c, 1);
    },
  },
  {
    name: 'retries', cap: 'be', defaults: 'yes', parse: (c) => {
      if (c.a[1] === undefined) return alert('HLY_CFG_BAD_ARG', `'retries' expects an integer argument.`);
      c.px.retries = atol(c.a[1]); return tooManyArgs(c, 1);
    },
  },
  { name: 'timeout', cap: 'any', defaults: 'yes', parse: parseTimeout },
  { name: 'use_backend', cap: 'fe', defaults: 'no', parse: parseUseBackend },
  { name: 'use-server', cap: 'be', defaults: 'no', parse: parseUseServer },
];
