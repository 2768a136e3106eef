// The proxy sections' (defaults/frontend/backend/listen) keyword table. A row says where the
// keyword may appear; the dispatcher enforces that with HAProxy's wording, then calls the parser.
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { ProxyConfig, ProxyKind } from '../model.js';
import { HAPROXY_PROXY } from '../haproxy-keywords.js';
import { bestMatch } from '../values.js';
import { unsupported } from './common.js';
import { DEPRECATED_PROXY, REMOVED_PROXY } from './removed.js';
import { basicRows } from './proxy-basic.js';
import { optionRows } from './options.js';
import { serverRows } from './server.js';
import { bindRows } from './bind.js';
import { aclRows } from './acl.js';
import { ruleRows } from './rules.js';
import { tcpRuleRows } from './tcp-rules.js';
import { checkRows } from './checks.js';
import { cookieRows } from './cookie.js';
import { statsRows } from './stats.js';

/**
 * Where a keyword may appear:
 * - cap: the capability it needs ('fe' frontend, 'be' backend, 'any');
 * - defaults: allowed in defaults ('yes'), only in named defaults ('named'), or not at all ('no');
 * - misplaced: what happens in a proxy without the capability ('warn' = ignored with a warning, HAProxy's
 *   usual answer; 'error' = fatal, as for `server` in a frontend).
 */
export interface ProxyKeyword {
  readonly name: string;
  readonly cap: 'fe' | 'be' | 'any';
  readonly defaults: 'yes' | 'named' | 'no';
  readonly misplaced?: 'warn' | 'error' | 'warn-and-parse';
  readonly parse: (c: ProxyKwContext) => ParseResult;
}

export type ProxyRows = readonly ProxyKeyword[];


const ROWS: ProxyRows = [
  ...basicRows, ...optionRows, ...serverRows, ...bindRows, ...aclRows, ...ruleRows, ...tcpRuleRows, ...checkRows, ...cookieRows,
  ...statsRows,
];

export const proxyKeywordIndex: ReadonlyMap<string, ProxyKeyword> = new Map(
  ROWS.map((r) => [r.name, { ...r, parse: placed(r) }]),
);

function kindWord(px: ProxyConfig): string {
  return px.kind === 'listen' ? 'proxy' : px.kind;
}

/** Wrap a row's parser with the placement rules HAProxy applies before parsing. */
function placed(row: ProxyKeyword): (c: ProxyKwContext) => ParseResult {
  return (c) => {
    const px = c.px;
    if (px.kind === 'defaults') {
      if (row.defaults === 'no') return alert('HLY_CFG_PLACEMENT', `'${row.name}' not allowed in 'defaults' section.`);
      if (row.defaults === 'named' && c.anonymousDefaults) {
        return alert('HLY_CFG_PLACEMENT', `'${row.name}' not allowed in anonymous 'defaults' section.`);
      }
      return row.parse(c);
    }
    const fe = px.kind === 'frontend' || px.kind === 'listen';
    const be = px.kind === 'backend' || px.kind === 'listen';
    const missing = row.cap === 'fe' && !fe ? 'frontend' : row.cap === 'be' && !be ? 'backend' : undefined;
    if (missing !== undefined) {
      if (row.misplaced === 'error') {
        return alert('HLY_CFG_PLACEMENT', `parsing [${c.loc.file}:${c.loc.line}] : '${row.name}' not allowed because ${kindWord(px)} '${px.name}' has no ${missing} capability.`, { style: 'bracket' });
      }
      const w = warning('HLY_CFG_PLACEMENT', `'${row.name}' ignored because ${kindWord(px)} '${px.name}' has no ${missing} capability.`);
      // HAProxy's "ignored" is not quite true for these: the value is stored, and a backend naming
      // itself is then a loop, which the post-parse checks report as HAProxy does
      if (row.misplaced === 'warn-and-parse') {
        const r = row.parse(c);
        return r === undefined ? w : [w, ...(Array.isArray(r) ? r : [r])];
      }
      return w;
    }
    return row.parse(c);
  };
}

/** A keyword with no row: removed since 2.1, known to HAProxy but not Halyard, or unknown. */
export function unknownProxy(kw: string, kind: ProxyKind): Verdict {
  const removed = REMOVED_PROXY[kw];
  if (removed !== undefined) return alert('HLY_CFG_REMOVED', removed);
  const deprecated = DEPRECATED_PROXY[kw];
  if (deprecated !== undefined) return warning('HLY_CFG_REMOVED', deprecated, { style: 'parsing-tight' });
  if (HAPROXY_PROXY.has(kw)) return unsupported(`'${kw}' keyword in '${kind}' section`);
  const near = bestMatch(kw, [...proxyKeywordIndex.keys()]);
  return alert('HLY_CFG_UNKNOWN_KEYWORD', `unknown keyword '${kw}' in '${kind}' section${near !== undefined ? `; did you mean '${near}' maybe ?` : ''}`);
}
