// The proxy sections' (defaults/frontend/backend/listen) keyword table. A row says where the
// keyword may appear; the dispatcher enforces that with HAProxy's wording, then calls the parser.
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { ProxyConfig, ProxyKind } from '../model.js';
import { HAPROXY_PROXY } from '../haproxy-keywords.js';
import { bestMatch } from '../values.js';
import { unsupported } from './common.js';
import { basicRows } from './proxy-basic.js';
import { optionRows } from './options.js';
import { serverRows } from './server.js';
import { bindRows } from './bind.js';
import { aclRows } from './acl.js';
import { ruleRows } from './rules.js';
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
  readonly misplaced?: 'warn' | 'error';
  readonly parse: (c: ProxyKwContext) => ParseResult;
}

export type ProxyRows = readonly ProxyKeyword[];

const REMOVED: Readonly<Record<string, string>> = {
  contimeout: `the 'contimeout' directive is not supported anymore since HAProxy 2.1. Use 'timeout connect'.`,
  clitimeout: `the 'clitimeout' directive is not supported anymore since HAProxy 2.1. Use 'timeout client'.`,
  srvtimeout: `the 'srvtimeout' directive is not supported anymore since HAProxy 2.1. Use 'timeout server'.`,
  reqadd: `The 'reqadd' directive is not supported anymore since HAProxy 2.1. Use 'http-request add-header' instead.`,
  rspadd: `The 'rspadd' directive is not supported anymore since HAProxy 2.1. Use 'http-response add-header' instead.`,
  reqrep: `The 'reqrep' directive is not supported anymore since HAProxy 2.1. Use 'http-request replace-path', 'http-request replace-uri' or 'http-request replace-header' instead.`,
  reqirep: `The 'reqirep' directive is not supported anymore since HAProxy 2.1. Use 'http-request replace-path', 'http-request replace-uri' or 'http-request replace-header' instead.`,
  rsprep: `The 'rsprep' directive is not supported anymore since HAProxy 2.1. Use 'http-response replace-header' instead.`,
  rspirep: `The 'rspirep' directive is not supported anymore since HAProxy 2.1. Use 'http-response replace-header' instead.`,
  reqdel: `The 'reqdel' directive is not supported anymore since HAProxy 2.1. Use 'http-request del-header' instead.`,
  reqidel: `The 'reqidel' directive is not supported anymore since HAProxy 2.1. Use 'http-request del-header' instead.`,
  rspdel: `The 'rspdel' directive is not supported anymore since HAProxy 2.1. Use 'http-response del-header' instead.`,
  rspidel: `The 'rspidel' directive is not supported anymore since HAProxy 2.1. Use 'http-response del-header' instead.`,
  reqdeny: `The 'reqdeny' directive is not supported anymore since HAProxy 2.1. Use 'http-request deny' instead.`,
  reqideny: `The 'reqideny' directive is not supported anymore since HAProxy 2.1. Use 'http-request deny' instead.`,
  reqallow: `The 'reqallow' directive is not supported anymore since HAProxy 2.1. Use 'http-request allow' instead.`,
  reqiallow: `The 'reqiallow' directive is not supported anymore since HAProxy 2.1. Use 'http-request allow' instead.`,
  reqtarpit: `The 'reqtarpit' directive is not supported anymore since HAProxy 2.1. Use 'http-request tarpit' instead.`,
  reqitarpit: `The 'reqitarpit' directive is not supported anymore since HAProxy 2.1. Use 'http-request tarpit' instead.`,
  reqpass: `The 'reqpass' directive is not supported anymore since HAProxy 2.1.`,
  reqipass: `The 'reqipass' directive is not supported anymore since HAProxy 2.1.`,
  block: `The 'block' directive is not supported anymore since HAProxy 2.1. Use 'http-request deny' which uses the exact same syntax.`,
  rspdeny: `The 'rspdeny' directive is not supported anymore since HAProxy 2.1. Use 'http-response deny' instead.`,
  rspideny: `The 'rspideny' directive is not supported anymore since HAProxy 2.1. Use 'http-response deny' instead.`,
};

const ROWS: ProxyRows = [
  ...basicRows, ...optionRows, ...serverRows, ...bindRows, ...aclRows, ...ruleRows, ...checkRows, ...cookieRows,
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
      return warning('HLY_CFG_PLACEMENT', `'${row.name}' ignored because ${kindWord(px)} '${px.name}' has no ${missing} capability.`);
    }
    return row.parse(c);
  };
}

/** A keyword with no row: removed since 2.1, known to HAProxy but not Halyard, or unknown. */
export function unknownProxy(kw: string, kind: ProxyKind): Verdict {
  const removed = REMOVED[kw];
  if (removed !== undefined) return alert('HLY_CFG_REMOVED', removed);
  if (HAPROXY_PROXY.has(kw)) return unsupported(`'${kw}' keyword in '${kind}' section`);
  const near = bestMatch(kw, [...proxyKeywordIndex.keys()]);
  return alert('HLY_CFG_UNKNOWN_KEYWORD', `unknown keyword '${kw}' in '${kind}' section${near !== undefined ? `; did you mean '${near}' maybe ?` : ''}`);
}
