// `option <name>` and its `no option` / `default option` forms: one sub-table row per option.
import { alert, warning, type ParseResult } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { ProxyConfig } from '../model.js';
import { HAPROXY_OPTION } from '../haproxy-keywords.js';
import { bestMatch } from '../values.js';
import { noEffect, tooManyArgs, unsupported } from './common.js';
import type { ProxyRows } from './proxy.js';
import { parseHttpchk } from './checks.js';

interface OptionRow {
  readonly name: string;
  readonly cap: 'fe' | 'be' | 'any';
  /** may be prefixed with `no` */
  readonly negatable: boolean;
  readonly parse: (c: ProxyKwContext, on: boolean) => ParseResult;
}

const bool = (set: (px: ProxyConfig, on: boolean) => void) => (c: ProxyKwContext, on: boolean): ParseResult => {
  set(c.px, on);
  return tooManyArgs(c, 1);
};

/** Options HAProxy has that only tune its internals: accepted, warned, no effect. */
const NO_EFFECT_OPTIONS = new Set([
  'clitcpka', 'srvtcpka', 'tcpka', 'contstats', 'splice-auto', 'splice-request', 'splice-response', 'tcp-smart-accept',
  'tcp-smart-connect', 'http-no-delay', 'nolinger', 'socket-stats', 'independent-streams', 'http-ignore-probes',
  'idle-close-on-response', 'http-pretend-keepalive', 'log-separate-errors', 'dontlog-normal', 'logasap',
  'prefer-last-server', 'abortonclose', 'http-buffer-request', 'checkcache',
]);

const ROWS: readonly OptionRow[] = [
  { name: 'allbackups', cap: 'be', negatable: true, parse: bool((px, on) => { px.options.allbackups = on; }) },
  { name: 'dontlognull', cap: 'fe', negatable: true, parse: bool((px, on) => { px.options.dontlognull = on; }) },
  {
    name: 'forwardfor', cap: 'any', negatable: false, parse: (c) => {
      let header = 'X-Forwarded-For';
      let except: string | undefined;
      let ifNone = false;
      for (let i = 2; i < c.a.length; i++) {
        const w = c.a[i];
        if (w === 'except') {
          except = c.a[++i];
          if (except === undefined || !/^[0-9a-fA-F.:]+(\/[0-9.]+)?$/.test(except)) {
            return alert('HLY_CFG_BAD_ARG', `'option forwardfor' 'except' requires a network address.`);
          }
        } else if (w === 'header') {
          const h = c.a[++i];
          if (h === undefined || h === '') return alert('HLY_CFG_BAD_ARG', `'option forwardfor' 'header' requires a header name.`);
          header = h;
        } else if (w === 'if-none') {
          ifNone = true;
        } else {
          return alert('HLY_CFG_BAD_ARG', `'option forwardfor' only supports optional values 'except', 'header' and 'if-none'.`);
        }
      }
      c.px.options.forwardfor = { header, ifNone, ...(except !== undefined ? { except } : {}) };
      return undefined;
    },
  },
  {
    name: 'http-keep-alive', cap: 'any', negatable: true,
    parse: bool((px, on) => { if (on) px.options.httpConnMode = 'keep-alive'; else delete px.options.httpConnMode; }),
  },
  {
    name: 'http-server-close', cap: 'any', negatable: true,
    parse: bool((px, on) => { if (on) px.options.httpConnMode = 'server-close'; else delete px.options.httpConnMode; }),
  },
  {
    name: 'httpclose', cap: 'any', negatable: true,
    parse: bool((px, on) => { if (on) px.options.httpConnMode = 'close'; else delete px.options.httpConnMode; }),
  },
  { name: 'httpchk', cap: 'be', negatable: false, parse: (c) => parseHttpchk(c) },
  {
    name: 'httplog', cap: 'fe', negatable: false, parse: (c) => {
      const clf = c.a[2];
      if (clf !== undefined && clf !== 'clf') return alert('HLY_CFG_BAD_ARG', `'option httplog' only supports option 'clf'.`);
      c.px.options.httplog = true;
      c.px.options.httplogClf = clf === 'clf';
      c.px.options.tcplog = false;
      return undefined;
    },
  },
  { name: 'log-health-checks', cap: 'be', negatable: true, parse: bool((px, on) => { px.options.logHealthChecks = on; }) },
  { name: 'persist', cap: 'be', negatable: true, parse: bool((px, on) => { px.options.persist = on; }) },
  {
    name: 'redispatch', cap: 'be', negatable: true, parse: (c, on) => {
      if (!on) { delete c.px.options.redispatch; return undefined; }
      const iv = c.a[2];
      const interval = iv === undefined ? -1 : parseInt(iv, 10);
      if (iv !== undefined && (Number.isNaN(interval) || interval === 0)) {
        return alert('HLY_CFG_BAD_ARG', `'option redispatch' expects a non-zero integer argument (got '${iv}').`);
      }
      c.px.options.redispatch = { interval };
      return tooManyArgs(c, 2);
    },
  },
  {
    name: 'tcp-check', cap: 'be', negatable: false, parse: (c) => {
      c.px.options.tcpCheck = true;
      delete c.px.options.httpchk;
      return tooManyArgs(c, 1);
    },
  },
  { name: 'tcplog', cap: 'fe', negatable: false, parse: (c) => { c.px.options.tcplog = true; c.px.options.httplog = false; return tooManyArgs(c, 1); } },
];

const INDEX = new Map(ROWS.map((r) => [r.name, r]));

function parseOption(c: ProxyKwContext): ParseResult {
  const name = c.a[1];
  if (name === undefined || name === '') return alert('HLY_CFG_BAD_ARG', `'option' expects an option name.`);
  const row = INDEX.get(name);
  const on = c.inverse !== 'no';
  if (row === undefined) {
    if (NO_EFFECT_OPTIONS.has(name)) {
      if (c.inverse === undefined) c.px.options.other[name] = true;
      return noEffect(`'option ${name}'`);
    }
    if (HAPROXY_OPTION.has(name)) return unsupported(`'option ${name}'`);
    const near = bestMatch(name, [...INDEX.keys(), ...HAPROXY_OPTION]);
    return alert('HLY_CFG_UNKNOWN_KEYWORD', `unknown option '${name}'${near !== undefined ? `; did you mean '${near}' maybe ?` : ''}`);
  }
  if (c.inverse !== undefined && !row.negatable) return alert('HLY_CFG_BAD_ARG', `negation/default is not supported for option '${name}'.`);
  const px = c.px;
  if (px.kind !== 'defaults') {
    const fe = px.kind !== 'backend';
    const be = px.kind !== 'frontend';
    if ((row.cap === 'fe' && !fe) || (row.cap === 'be' && !be)) {
      const missing = row.cap === 'fe' ? 'frontend' : 'backend';
      return warning('HLY_CFG_PLACEMENT', `'option ${name}' ignored because ${px.kind === 'listen' ? 'proxy' : px.kind} '${px.name}' has no ${missing} capability.`);
    }
  }
  return row.parse(c, on);
}

export const optionRows: ProxyRows = [
  { name: 'option', cap: 'any', defaults: 'yes', parse: parseOption },
];
