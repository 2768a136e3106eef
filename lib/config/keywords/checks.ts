// Health-check keywords: `option httpchk`, `http-check ...`, `tcp-check ...`. Each line becomes one
// rule of HAProxy's tcpcheck list (connect / send / expect / comment), validated as 2.6 does; the list
// the check will run is compiled post-parse by finalizeChecks() (implicit connect first, implicit
// `expect status 200-399` after a final HTTP send, comments folded into the next rule).
import { alert, warning, type ParseResult, type Verdict } from '../diag.js';
import type { ProxyKwContext } from '../parser.js';
import type { CheckConnectRule, CheckHttpSendRule, CheckRule, ProxyConfig } from '../model.js';
import type { Loc } from '../diag.js';
import { unsupported } from './common.js';
import type { ProxyRows } from './proxy.js';
import { parseExpect } from './check-expect.js';

/** Proxies whose http-check / tcp-check list was started in their own section (not inherited). */
const ownHttp = new WeakSet<ProxyConfig>();
const ownTcp = new WeakSet<ProxyConfig>();
/** A proxy's first own rule starts a new list: HAProxy keys rulesets by proxy, so defaults' rules are dropped. */
function httpRules(px: ProxyConfig): CheckRule[] {
  if (!ownHttp.has(px)) { ownHttp.add(px); px.httpCheckRules = []; }
  return px.httpCheckRules;
}
function tcpRules(px: ProxyConfig): CheckRule[] {
  if (!ownTcp.has(px)) { ownTcp.add(px); px.tcpCheckRules = []; }
  return px.tcpCheckRules;
}

const bad = (msg: string): Verdict => alert('HLY_CFG_BAD_ARG', msg);
const kindWord = (px: ProxyConfig): string => (px.kind === 'listen' ? 'proxy' : px.kind);
/** HAProxy's warnifnotcap(): warn, and go on parsing. */
function capWarning(c: ProxyKwContext, word: string): Verdict | undefined {
  const px = c.px;
  if (px.kind === 'frontend') return warning('HLY_CFG_PLACEMENT', `'${word}' ignored because ${kindWord(px)} '${px.name}' has no backend capability.`);
  return undefined;
}

/** `option httpchk [<uri>] | [<method> <uri> [<version>]]` (a[0] = 'option'). */
export function parseHttpchk(c: ProxyKwContext): ParseResult {
  const out: Verdict[] = [];
  const w = capWarning(c, 'httpchk');
  if (w !== undefined) out.push(w);
  if (c.a.length > 5) return [...out, bad(`'option httpchk' cannot handle unexpected argument '${c.a[5] ?? ''}'.`)];
  const a1 = c.a[2] ?? '';
  const a2 = c.a[3] ?? '';
  let a3 = c.a[4] ?? '';
  const rule: CheckHttpSendRule = {
    kind: 'http-send', args: c.a.slice(2), loc: c.loc, uriLf: false, headers: [], bodyLf: false, fromOption: true,
  };
  if (a1 !== '') { if (a2 === '') rule.uri = a1; else rule.method = a1; }
  if (a2 !== '') rule.uri = a2;
  // The legacy trick: headers (and a body) hidden after the version ("HTTP/1.1\r\nHost:\ x").
  const hdrAt = a3.indexOf('\r\n');
  const bodyAt = a3.indexOf('\r\n\r\n');
  if (hdrAt >= 0 || bodyAt >= 0) {
    const head = bodyAt >= 0 ? a3.slice(0, bodyAt) : a3;
    if (bodyAt >= 0) rule.body = a3.slice(bodyAt + 4);
    const lines = hdrAt >= 0 && hdrAt !== bodyAt ? head.slice(hdrAt + 2).split('\r\n') : [];
    a3 = a3.slice(0, hdrAt);
    for (const l of lines) {
      const k = l.indexOf(':');
      if (k <= 0) return [...out, bad(`'option httpchk' : unable to parse the request '${lines.join('\r\n')}\r\n\r\n'..`)];
      rule.headers.push({ name: l.slice(0, k).toLowerCase(), value: l.slice(k + 1).trim() });
    }
    out.push(warning('HLY_CFG_BAD_ARG', `'option httpchk' : hiding headers or body at the end of the version string is deprecated. Please, consider to use 'http-check send' directive instead.`, { style: 'parsing-tight' }));
  }
  if (a3 !== '') rule.version = a3;
  const px = c.px;
  px.options.httpchk = {
    method: rule.method ?? 'OPTIONS', uri: rule.uri ?? '/', version: rule.version ?? 'HTTP/1.0',
    headers: rule.headers, body: rule.body ?? '', loc: c.loc,
  };
  px.options.tcpCheck = false;
  px.options.checkType = 'httpchk';
  const rules = httpRules(px);
  // tcpcheck_add_http_rule(), implicit case: replace a previous implicit send, or merge into the first explicit one.
  let i = rules[0]?.kind === 'connect' ? 1 : 0;
  while (rules[i]?.kind === 'comment') i++;
  const r = rules[i];
  if (r === undefined || r.kind !== 'http-send') rules.unshift(rule);
  else if (r.fromOption) { rules.splice(i, 1); rules.unshift(rule); }
  else overwriteSend(r, rule);
  return out;
}

/** tcpcheck_overwrite_send_http_rule(): fields set in `nw` replace those of `old`; headers are replaced as a whole. */
function overwriteSend(old: CheckHttpSendRule, nw: CheckHttpSendRule): void {
  if (nw.method !== undefined) old.method = nw.method;
  if (nw.uri !== undefined) { old.uri = nw.uri; old.uriLf = nw.uriLf; }
  if (nw.version !== undefined) old.version = nw.version;
  // headers are replaced only by a send line that has its own `hdr` (observed on haproxy 2.6.12:
  // `http-check send meth HEAD` keeps the legacy option's Host header)
  if (nw.headers.length > 0) old.headers = nw.headers;
  if (nw.body !== undefined) { old.body = nw.body; old.bodyLf = nw.bodyLf; }
}


function parseConnect(a: readonly string[], rules: readonly CheckRule[], loc: Loc, raw: string[]): CheckConnectRule | string {
  for (const r of rules) {
    if (r.kind === 'connect') break;
    if (r.kind === 'comment' || (r.kind === 'http-send' && r.fromOption)) continue;
    return `first step MUST also be a 'connect', optionally preceded by a 'set-var', an 'unset-var' or a 'comment', when there is a 'connect' step in the tcp-check ruleset`;
  }
  const o: { -readonly [K in keyof CheckConnectRule]?: CheckConnectRule[K] } = {};
  let dflt = false; let sendProxy = false; let viaSocks4 = false; let linger = false; let ssl = false;
  for (let i = 0; i < a.length; i++) {
    const w = a[i] ?? '';
    const v = a[i + 1] ?? '';
    switch (w) {
      case 'default': dflt = true; break;
      case 'send-proxy': sendProxy = true; break;
      case 'via-socks4': viaSocks4 = true; break;
      case 'linger': linger = true; break;
      case 'ssl': ssl = true; break;
      case 'addr':
        if (v === '') return `'addr' expects <ipv4|ipv6> as argument.`;
        o.addr = v; i++; break;
      case 'port': {
        if (v === '') return `'port' expects a port number or a sample expression as argument.`;
        if (/^[0-9]+$/.test(v)) {
          const n = Number(v);
          if (n < 1 || n > 65535) return `expects a valid TCP port (from range 1 to 65535) or a sample expression, got ${v}.`;
          o.port = n;
        } else return `'port' sample expressions are not supported by Halyard, got ${v}.`;
        i++; break;
      }
      case 'sni': case 'alpn': case 'proto': case 'comment':
        if (v === '') return `'${w}' expects a string as argument.`;
        if (w === 'comment') o.comment = v; else o[w] = v;
        i++; break;
      default:
        return `expects 'comment', 'port', 'addr', 'send-proxy', 'ssl', 'sni', 'alpn' or 'via-socks4', 'linger', 'default' but got '${w}' as argument.`;
    }
  }
  return { kind: 'connect', args: raw, loc, default: dflt, sendProxy, viaSocks4, linger, ssl, implicit: false, ...o };
}

function parseHttpSend(a: readonly string[], loc: Loc, raw: string[]): CheckHttpSendRule | string {
  const rule: CheckHttpSendRule = { kind: 'http-send', args: raw, loc, uriLf: false, headers: [], bodyLf: false, fromOption: false };
  for (let i = 0; i < a.length; i++) {
    const w = a[i] ?? '';
    const v = a[i + 1] ?? '';
    switch (w) {
      case 'meth': case 'uri': case 'uri-lf': case 'ver': case 'body': case 'body-lf': case 'comment':
        if (v === '') return `'${w}' expects a string as argument.`;
        if (w === 'meth') rule.method = v;
        else if (w === 'uri' || w === 'uri-lf') { rule.uri = v; rule.uriLf = w === 'uri-lf'; }
        else if (w === 'ver') rule.version = v;
        else if (w === 'body' || w === 'body-lf') { rule.body = v; rule.bodyLf = w === 'body-lf'; }
        else rule.comment = v;
        i++; break;
      case 'hdr': {
        const val = a[i + 2] ?? '';
        if (v === '' || val === '') return `'hdr' expects <name> and <value> as arguments`;
        rule.headers.push({ name: v.toLowerCase(), value: val });
        i += 2; break;
      }
      default:
        return `expects 'comment', 'meth', 'uri', 'uri-lf', 'ver', 'hdr', 'body' or 'body-lf' but got '${w}' as argument.`;
    }
  }
  return rule;
}

/** tcpcheck_add_http_rule(), explicit case, when `option httpchk` is already active. */
function addHttpRule(rules: CheckRule[], chk: CheckRule, index: number): string | undefined {
  let last: CheckRule | undefined;
  for (let i = rules.length - 1; i >= 0; i--) { const r = rules[i]; if (r !== undefined && r.kind !== 'comment') { last = r; break; } }
  if (last === undefined || (last.kind === 'http-send' && last.fromOption)) { /* fine */ }
  else if (last.kind !== 'connect' && chk.kind === 'http-send') return `unable to add http-check send rule at step ${index + 1} (missing connect rule).`;
  else if (last.kind !== 'http-send' && last.kind !== 'expect' && chk.kind === 'expect') return `unable to add http-check expect rule at step ${index + 1} (missing send rule).`;
  else if (last.kind !== 'expect' && chk.kind === 'connect') return `unable to add http-check connect rule at step ${index + 1} (missing expect rule).`;
  if (chk.kind === 'http-send') {
    let i = rules[0]?.kind === 'connect' ? 1 : 0;
    while (rules[i]?.kind === 'comment') i++;
    const first = rules[i];
    if (first !== undefined && first.kind === 'http-send' && first.fromOption) {
      overwriteSend(first, chk);
      first.fromOption = false;
      if (chk.comment !== undefined) first.comment = chk.comment;
      rules.splice(i, 1);
      rules.push(first);
      return undefined;
    }
  }
  rules.push(chk);
  return undefined;
}

/** The step number HAProxy reports: one more than the last rule's, the option's implicit send not counting. */
function nextIndex(rules: readonly CheckRule[]): number {
  let n = 0;
  for (const r of rules) if (!(r.kind === 'http-send' && r.fromOption)) n++;
  return n;
}

function parseHttpCheck(c: ProxyKwContext): ParseResult {
  const out: Verdict[] = [];
  const w = capWarning(c, 'http-check');
  if (w !== undefined) out.push(w);
  const sub = c.a[1] ?? '';
  const px = c.px;
  const args = c.a.slice(2);
  const raw = c.a.slice(1);
  const fail = (msg: string): ParseResult => [...out, bad(`'http-check ${sub}' : ${msg}.`)];
  if (sub === 'disable-on-404' || sub === 'send-state') {
    if (c.a.length > 2) return [...out, bad(`'http-check' cannot handle unexpected argument '${c.a[2] ?? ''}'.`)];
    if (sub === 'disable-on-404') px.options.disableOn404 = true; else px.options.sendState = true;
    return out;
  }
  if (sub === 'set-var' || sub.startsWith('set-var(') || sub.startsWith('set-var-fmt(') || sub.startsWith('unset-var(')) {
    return [...out, unsupported(`'http-check ${sub}'`)];
  }
  if (!['connect', 'send', 'expect', 'comment'].includes(sub)) {
    return [...out, bad(`'http-check' only supports 'disable-on-404', 'send-state', 'comment', 'connect', 'send', 'expect', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)'. but got '${sub}'`)];
  }
  const rules = httpRules(px);
  let chk: CheckRule | string;
  switch (sub) {
    case 'connect': chk = parseConnect(args, rules, c.loc, raw); break;
    case 'send': chk = parseHttpSend(args, c.loc, raw); break;
    case 'expect': chk = parseExpect(args, true, c.loc, raw); break;
    default: chk = args[0] === undefined || args[0] === '' ? 'expects a string as argument' : { kind: 'comment', args: raw, loc: c.loc, text: args[0] };
  }
  if (typeof chk === 'string') return fail(chk);
  if (px.options.checkType === 'httpchk') {
    const e = addHttpRule(rules, chk, nextIndex(rules));
    if (e !== undefined) return fail(e);
  } else {
    rules.push(chk);
  }
  return out;
}

function parseTcpCheck(c: ProxyKwContext): ParseResult {
  const out: Verdict[] = [];
  const w = capWarning(c, 'tcp-check');
  if (w !== undefined) out.push(w);
  const sub = c.a[1] ?? '';
  const args = c.a.slice(2);
  const raw = c.a.slice(1);
  if (sub === 'set-var' || sub.startsWith('set-var(') || sub.startsWith('set-var-fmt(') || sub.startsWith('unset-var(')) {
    return [...out, unsupported(`'tcp-check ${sub}'`)];
  }
  const rules = tcpRules(c.px);
  let chk: CheckRule | string;
  switch (sub) {
    case 'connect': chk = parseConnect(args, rules, c.loc, raw); break;
    case 'send': case 'send-lf': case 'send-binary': case 'send-binary-lf': {
      const data = args[0] ?? '';
      // (2.6 swaps the two words of this message)
      if (data === '') { chk = `'${sub === 'send-binary' ? 'binary string' : 'string'}' expects a ${sub} as argument`; break; }
      let comment: string | undefined;
      let err: string | undefined;
      for (let i = 1; i < args.length && err === undefined; i++) {
        if (args[i] === 'comment') {
          if ((args[i + 1] ?? '') === '') err = `'comment' expects a string as argument.`;
          else comment = args[++i];
        } else err = `expects 'comment' but got '${args[i] ?? ''}' as argument.`;
      }
      if (err !== undefined) { chk = err; break; }
      if (sub === 'send-binary' && !/^([0-9a-fA-F]{2})+$/.test(data)) {
        chk = `'${data}' invalid binary string (an even number of hex digit is expected).\n`;
        break;
      }
      const format = sub === 'send' ? 'string' : sub === 'send-lf' ? 'string-lf' : sub === 'send-binary' ? 'binary' : 'binary-lf';
      chk = { kind: 'send', args: raw, loc: c.loc, format, data, ...(comment !== undefined ? { comment } : {}) };
      break;
    }
    case 'expect': chk = parseExpect(args, false, c.loc, raw); break;
    case 'comment': chk = args[0] === undefined || args[0] === '' ? 'expects a string as argument' : { kind: 'comment', args: raw, loc: c.loc, text: args[0] }; break;
    default:
      return [...out, bad(`'tcp-check' only supports 'comment', 'connect', 'send', 'send-binary', 'expect', 'set-var-fmt(*)', 'set-var(*)', 'unset-var(*)'. but got '${sub}'`)];
  }
  if (typeof chk === 'string') return [...out, bad(`'tcp-check ${sub}' : ${chk}.`)];
  rules.push(chk);
  return out;
}

/** `option tcp-check` (a[0] = 'option'). */
export function parseTcpCheckOption(c: ProxyKwContext): ParseResult {
  const out: Verdict[] = [];
  const w = capWarning(c, 'tcp-check');
  if (w !== undefined) out.push(w);
  if (c.a.length > 2) return [...out, bad(`'option tcp-check' cannot handle unexpected argument '${c.a[2] ?? ''}'.`)];
  c.px.options.tcpCheck = true;
  c.px.options.checkType = 'tcp-check';
  delete c.px.options.httpchk;
  return out;
}

/**
 * check_proxy_tcpcheck(): the list a backend's checks run, in `px.checkRules`, plus the warning for
 * http-check rules without `option httpchk`. Called once per proxy after parsing.
 */
export function finalizeChecks(px: ProxyConfig): string | undefined {
  let warn: string | undefined;
  if (px.kind !== 'defaults' && px.options.checkType !== 'httpchk' && px.httpCheckRules.some((r) => r.kind !== 'comment')) {
    warn = `${kindWord(px)} '${px.name}' uses http-check rules without 'option httpchk', so the rules are ignored.`;
  }
  const be = px.kind === 'backend' || px.kind === 'listen';
  const type = px.options.checkType;
  if (!be || type === undefined) { delete px.checkRules; return warn; }
  const rules: CheckRule[] = structuredClone(type === 'httpchk' ? px.httpCheckRules : px.tcpCheckRules);
  if (type === 'httpchk') {
    // the option's implicit send goes after the first connect, if the list starts with one
    const first = rules[0];
    if (first !== undefined && first.kind === 'http-send' && first.fromOption && rules[1]?.kind === 'connect') {
      rules.splice(0, 1);
      rules.splice(1, 0, first);
    }
    const last = rules[rules.length - 1];
    if (last !== undefined && (last.kind === 'http-send' || last.kind === 'send')) {
      rules.push({
        kind: 'expect', args: ['expect', 'status', '200-399'], loc: px.loc, type: 'status', pattern: '200-399', negate: false,
        minRecv: -1, codes: [[200, 399]], implicit: true,
      });
    }
  }
  if (rules[0]?.kind !== 'connect') {
    rules.unshift({ kind: 'connect', args: [], loc: px.loc, default: true, sendProxy: false, viaSocks4: false, linger: false, ssl: false, implicit: true });
  }
  // comments label the rules that follow them (until the next connect or action), then disappear
  const compiled: CheckRule[] = [];
  let comment: string | undefined;
  let prev: CheckRule['kind'] = 'comment';
  for (const r of rules) {
    if (r.kind !== prev && prev !== 'comment') comment = undefined;
    prev = r.kind;
    if (r.kind === 'comment') { comment = r.text; continue; }
    if (r.comment === undefined && comment !== undefined) r.comment = comment;
    if (r.kind === 'connect') comment = undefined;
    compiled.push(r);
  }
  px.checkRules = compiled;
  return warn;
}

export const checkRows: ProxyRows = [
  { name: 'http-check', cap: 'any', defaults: 'yes', parse: parseHttpCheck },
  { name: 'tcp-check', cap: 'any', defaults: 'yes', parse: parseTcpCheck },
];
