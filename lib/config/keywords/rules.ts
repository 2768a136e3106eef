// http-request / http-response / http-after-response / redirect / errorfile. (First version: the
// action names and conditions; per-action argument checks are filled in by the L7 rules work.)
import { alert, type ParseResult } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { HttpRule } from '../model.js';
import { HAPROXY_HTTP_AFTER_RESPONSE, HAPROXY_HTTP_REQUEST, HAPROXY_HTTP_RESPONSE } from '../haproxy-keywords.js';
import { isVerdict, unsupported } from './common.js';
import { parseCondition } from './acl.js';
import type { ProxyRows } from './proxy.js';

const SUPPORTED_REQ = new Set(['allow', 'deny', 'redirect', 'return', 'set-header', 'add-header', 'del-header', 'replace-header', 'replace-value', 'set-path', 'set-query', 'replace-path', 'set-uri', 'set-method', 'auth', 'tarpit', 'reject']);
const SUPPORTED_RES = new Set(['allow', 'deny', 'set-header', 'add-header', 'del-header', 'replace-header', 'replace-value', 'set-status', 'redirect', 'return']);

function httpRule(list: 'httpRequest' | 'httpResponse' | 'httpAfterResponse', known: ReadonlySet<string>, supported: ReadonlySet<string>) {
  const kw = list === 'httpRequest' ? 'http-request' : list === 'httpResponse' ? 'http-response' : 'http-after-response';
  return (c: ProxyKwContext): ParseResult => {
    const action = c.a[1] ?? '';
    const base = action.replace(/\(.*$/, '');
    if (!supported.has(action)) {
      if (known.has(base) || known.has(action)) return unsupported(`'${kw} ${action}'`);
      return alert('HLY_CFG_UNKNOWN_KEYWORD', `'${kw}' expects ${[...known].map((k) => `'${k}'`).join(', ')} but got '${action}'.`);
    }
    const condAt = c.a.findIndex((w, i) => i >= 2 && (w === 'if' || w === 'unless'));
    const rule: HttpRule = {
      action, args: c.a.slice(2, condAt < 0 ? undefined : condAt).map(String), loc: c.loc,
    };
    if (condAt >= 0) {
      const cond = parseCondition(c, c.args.slice(condAt), `an '${kw} ${action}' condition`);
      if (isVerdict(cond)) return cond;
      c.px[list].push({ ...rule, cond });
    } else {
      c.px[list].push(rule);
    }
    return undefined;
  };
}

function parseRedirect(c: ProxyKwContext): ParseResult {
  const kind = c.a[1] ?? '';
  if (kind !== 'location' && kind !== 'prefix' && kind !== 'scheme') {
    return alert('HLY_CFG_BAD_ARG', `error detected in ${c.px.kind} '${c.px.name}' while parsing redirect rule : expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query' or 'append-slash' (was '${kind}').`);
  }
  const condAt = c.a.findIndex((w, i) => i >= 2 && (w === 'if' || w === 'unless'));
  const rule: HttpRule = { action: 'redirect', args: c.a.slice(1, condAt < 0 ? undefined : condAt).map(String), loc: c.loc };
  if (condAt >= 0) {
    const cond = parseCondition(c, c.args.slice(condAt), 'redirect rule');
    if (isVerdict(cond)) return cond;
    c.px.redirects.push({ ...rule, cond });
  } else {
    c.px.redirects.push(rule);
  }
  return undefined;
}

const ERRORFILE_CODES = new Set(['200', '400', '401', '403', '404', '405', '407', '408', '410', '413', '425', '429', '500', '501', '502', '503', '504']);

function parseErrorfile(c: ProxyKwContext): ParseResult {
  const code = c.a[1];
  const file = c.a[2];
  if (code === undefined || file === undefined) return alert('HLY_CFG_BAD_ARG', `'errorfile' expects <status_code> and <file> as arguments.`);
  if (!ERRORFILE_CODES.has(code)) return alert('HLY_CFG_BAD_ARG', `errorfile : status code '${code}' not handled.`);
  c.px.errorfiles[code] = { file, loc: c.loc };
  return undefined;
}

export const ruleRows: ProxyRows = [
  { name: 'http-request', cap: 'any', defaults: 'named', parse: httpRule('httpRequest', HAPROXY_HTTP_REQUEST, SUPPORTED_REQ) },
  { name: 'http-response', cap: 'any', defaults: 'named', parse: httpRule('httpResponse', HAPROXY_HTTP_RESPONSE, SUPPORTED_RES) },
  { name: 'http-after-response', cap: 'any', defaults: 'named', parse: httpRule('httpAfterResponse', HAPROXY_HTTP_AFTER_RESPONSE, SUPPORTED_RES) },
  { name: 'redirect', cap: 'any', defaults: 'no', parse: parseRedirect },
  { name: 'errorfile', cap: 'any', defaults: 'yes', parse: parseErrorfile },
];
