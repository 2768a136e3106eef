// tcp-request: inspect-delay and the accept/reject rules of the connection, session and content
// stages, with HAProxy 2.6's messages (checked on the binary). Other actions are HAProxy's but not
// Halyard's: refused with file:line, never ignored.
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { Condition, ProxyConfig, TcpRequestConfig, TcpRule } from '../model.js';
import { parseTime } from '../values.js';
import { isVerdict, unsupported } from './common.js';
import { parseCondition } from './acl.js';
import type { ProxyRows } from './proxy.js';

// HAProxy's action lists in its registration order, as its "expects ..." message prints them
const L4_LIST = `'accept', 'reject', 'capture', 'expect-proxy', 'expect-netscaler-cip', 'track-sc0' ... 'track-sc2', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-dst', 'set-dst-port', 'set-mark', 'set-src', 'set-src-port', 'set-tos', 'silent-drop'`;
const CONTENT_LIST = `'accept', 'reject', 'capture', 'expect-proxy', 'expect-netscaler-cip', 'track-sc0' ... 'track-sc2', 'ot-group', 'set-log-level', 'set-nice', 'switch-mode', 'use-service', 'sc-inc-gpc(*)', 'sc-inc-gpc0(*)', 'sc-inc-gpc1(*)', 'sc-set-gpt(*)', 'sc-set-gpt0(*)', 'send-spoe-group', 'do-resolve(*)', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)', 'set-src', 'set-src-port', 'set-dst', 'set-dst-port', 'set-mark', 'set-tos', 'silent-drop', 'set-priority-class', 'set-priority-offset'`;

/** the names of a list, `(*)` entries as prefixes */
function names(list: string): { exact: Set<string>; prefixes: string[] } {
  const exact = new Set<string>(['track-sc0', 'track-sc1', 'track-sc2']);
  const prefixes: string[] = [];
  for (const m of list.matchAll(/'([^']+)'/g)) {
    const n = m[1] ?? '';
    if (n.endsWith('(*)')) prefixes.push(n.slice(0, -3));
    else exact.add(n);
  }
  return { exact, prefixes };
}
const L4_NAMES = names(L4_LIST);
const CONTENT_NAMES = names(CONTENT_LIST);

type Stage = 'connection' | 'session' | 'content';

/** HAProxy's proxy_type_str() */
function pxType(px: ProxyConfig): string {
  return px.kind === 'listen' ? 'proxy' : px.kind;
}

/** Checkpoint bits (HAProxy's SMP_CKP_*) a stage's conditions are evaluated at. */
function where(px: ProxyConfig, stage: Stage): number {
  if (stage === 'connection') return 1 << 0;
  if (stage === 'session') return 1 << 1;
  return (px.kind !== 'backend' ? 1 << 2 : 0) | (px.kind !== 'frontend' ? 1 << 6 : 0);
}

/**
 * HAProxy's warnif_misplaced_tcp_*: rules run in a fixed order (connection, session, content,
 * http-request, redirect, use_backend, use-server), not in the order written.
 */
function misplaced(px: ProxyConfig, stage: Stage, t: TcpRequestConfig): Verdict | undefined {
  const w = (after: string): Verdict => warning('HLY_CFG_PLACEMENT', `a 'tcp-request' rule placed after ${after} rule will still be processed before.`);
  if (stage === 'connection' && t.session.length > 0) return w("a 'tcp-request session'");
  if (stage !== 'content' && t.content.length > 0) return w("a 'tcp-request content'");
  if (px.httpRequest.length > 0) return w("an 'http-request'");
  if (px.redirects.length > 0) return w("a 'redirect'");
  if (px.useBackends.length > 0) return w("a 'use_backend'");
  if (px.useServers.length > 0) return w("a 'use-server'");
  return undefined;
}

function parseTcpRequest(c: ProxyKwContext): ParseResult {
  const px = c.px;
  const sub = c.a[1];
  const inPx = `in ${pxType(px)} '${px.name}'`;
  if (sub === undefined || sub === '') return alert('HLY_CFG_BAD_ARG', `missing argument for 'tcp-request' ${inPx}`);
  if (sub !== 'inspect-delay' && sub !== 'connection' && sub !== 'session' && sub !== 'content') {
    return alert('HLY_CFG_BAD_ARG', `'tcp-request' expects 'inspect-delay', 'connection', or 'content' ${inPx} (got '${sub}')`);
  }
  if (c.anonymousDefaults) return alert('HLY_CFG_PLACEMENT', `tcp-request ${sub} is not allowed in anonymous 'defaults' sections`);
  const t: TcpRequestConfig = (px.tcpRequest ??= { connection: [], session: [], content: [] });
  if (sub === 'inspect-delay') {
    const text = c.a[2] ?? '';
    const r = parseTime(text);
    if (!r.ok || r.trailing !== undefined) {
      const ch = !r.ok ? (r.kind === 'char' && text !== '' ? r.ch : undefined) : r.trailing?.[0];
      return alert('HLY_CFG_BAD_ARG', `'tcp-request inspect-delay' expects a positive delay in milliseconds, ${inPx}${ch !== undefined ? ` (unexpected character '${ch}')` : ''}`);
    }
    t.inspectDelay = r.ms;
    return undefined;
  }
  if (sub !== 'content' && px.kind === 'backend') {
    return alert('HLY_CFG_PLACEMENT', `tcp-request ${sub} is not allowed because ${pxType(px)} ${px.name} is not a frontend`);
  }
  const action = c.a[2] ?? '';
  const known = sub === 'content' ? CONTENT_NAMES : L4_NAMES;
  if (action !== 'accept' && action !== 'reject') {
    if (known.exact.has(action) || known.prefixes.some((p) => action.startsWith(p))) return unsupported(`'tcp-request ${sub} ${action}'`);
    if (action.startsWith('lua.')) return unsupported(`'tcp-request ${sub} ${action}'`, 'no Lua engine');
    return alert('HLY_CFG_UNKNOWN_KEYWORD', `'tcp-request ${sub}' expects ${sub === 'content' ? CONTENT_LIST : L4_LIST} ${inPx} (got '${action}').`, { tail: [''] });
  }
  const rest = c.args.slice(3);
  let cond: Condition | undefined;
  const pol = rest[0]?.text;
  if (pol !== undefined) {
    if (pol !== 'if' && pol !== 'unless') {
      return alert('HLY_CFG_BAD_ARG', `'tcp-request ${sub} ${action}' only accepts 'if' or 'unless', ${inPx} (got '${pol}')`);
    }
    const cv = parseCondition(c, rest, `'tcp-request ${sub} ${action}'`, {
      prefix: `'tcp-request ${sub} ${action}' : error detected ${inPx} while parsing '${pol}' condition : `,
      where: where(px, sub),
      rule: `tcp-request ${sub}`,
    });
    if (isVerdict(cv)) return cv;
    cond = cv;
  }
  const out = px.kind === 'defaults' ? undefined : misplaced(px, sub, t);
  const rule: TcpRule = { action, loc: c.loc, ...(cond !== undefined ? { cond } : {}) };
  t[sub].push(rule);
  return out;
}

export const tcpRuleRows: ProxyRows = [
  // anonymous defaults are refused by the parser itself, with HAProxy's wording for tcp-request
  { name: 'tcp-request', cap: 'any', defaults: 'yes', parse: parseTcpRequest },
];
