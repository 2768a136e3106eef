// Health-check keywords: `option httpchk`, `http-check`, `tcp-check`. (First version: syntax shapes;
// the exact rule sets are filled in by the health-check work.)
import { alert, warning, type ParseResult } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { ProxyRows } from './proxy.js';

/** `option httpchk [<uri>] | [<method> <uri> [<version>]]` (args[0] = 'option'). */
export function parseHttpchk(c: ProxyKwContext): ParseResult {
  const a = c.a.slice(2);
  let method = 'OPTIONS';
  let uri = '/';
  let version = 'HTTP/1.0';
  if (a.length === 1) uri = a[0] ?? '/';
  else if (a.length >= 2) { method = a[0] ?? method; uri = a[1] ?? uri; if (a[2] !== undefined) version = a[2]; }
  if (a.length > 3) return alert('HLY_CFG_BAD_ARG', `'option httpchk' cannot handle unexpected argument '${a[3] ?? ''}'.`);
  let headers: { name: string; value: string }[] = [];
  let out: ReturnType<typeof warning> | undefined;
  const crlf = version.indexOf('\r\n');
  if (crlf >= 0) {
    // The legacy trick: headers hidden after the version ("HTTP/1.1\r\nHost:\ x").
    const tail = version.slice(crlf + 2);
    version = version.slice(0, crlf);
    headers = tail.split('\r\n').filter((l) => l !== '').map((l) => {
      const k = l.indexOf(':');
      return { name: k < 0 ? l : l.slice(0, k), value: k < 0 ? '' : l.slice(k + 1).trim() };
    });
    out = warning('HLY_CFG_BAD_ARG', `'option httpchk' : hiding headers or body at the end of the version string is deprecated. Please, consider to use 'http-check send' directive instead.`, { style: 'parsing-tight' });
  }
  c.px.options.httpchk = { method, uri, version, headers, body: '', loc: c.loc };
  c.px.options.tcpCheck = false;
  return out;
}

function parseHttpCheck(c: ProxyKwContext): ParseResult {
  const kind = c.a[1] ?? '';
  if (!['send', 'expect', 'connect', 'comment', 'set-var', 'unset-var', 'disable-on-404', 'send-state'].includes(kind)) {
    return alert('HLY_CFG_BAD_ARG', `'http-check' only supports 'comment', 'connect', 'send', 'expect', 'set-var', 'unset-var', 'disable-on-404' and 'send-state' (got '${kind}').`);
  }
  c.px.httpCheckRules.push({ kind, args: c.a.slice(2).map(String), loc: c.loc });
  return undefined;
}

function parseTcpCheck(c: ProxyKwContext): ParseResult {
  const kind = c.a[1] ?? '';
  if (!['connect', 'send', 'send-binary', 'expect', 'comment', 'send-lf', 'send-binary-lf', 'set-var', 'unset-var'].includes(kind)) {
    return alert('HLY_CFG_BAD_ARG', `'tcp-check' only supports 'comment', 'connect', 'send', 'send-binary', 'expect', 'set-var' and 'unset-var' (got '${kind}').`);
  }
  c.px.tcpCheckRules.push({ kind, args: c.a.slice(2).map(String), loc: c.loc });
  return undefined;
}

export const checkRows: ProxyRows = [
  { name: 'http-check', cap: 'be', defaults: 'yes', parse: parseHttpCheck },
  { name: 'tcp-check', cap: 'be', defaults: 'yes', parse: parseTcpCheck },
];
