/**
 * Compiles a backend's check configuration (model: options.httpchk, options.tcpCheck,
 * httpCheckRules / tcpCheckRules with their raw args) into a CheckProgram: a list of
 * connect / send / expect steps, as HAProxy's tcpcheck.c turns every check type into a rule
 * list. `check` alone is a single connect; `option httpchk` is connect + send + an implicit
 * `expect status 200-399` unless `http-check expect` rules are given.
 */
import type { CheckRule, ProxyConfig } from '../../lib/config/model.js';
import { CheckStatus } from './status.js';

export interface ConnectStep {
  readonly kind: 'connect';
  /** `port` / `addr` of `tcp-check connect` / `http-check connect`; null: the server's */
  readonly port: number | null;
  readonly addr: string | null;
  /** send a PROXY header on this connection (`send-proxy` on the rule) */
  readonly sendProxy: boolean;
  /** counted in "at step N" messages (false for the implicit first connect) */
  readonly step: number;
}

export interface SendStep {
  readonly kind: 'send';
  readonly data: Buffer;
  readonly step: number;
}

export interface HttpSendStep {
  readonly kind: 'http-send';
  readonly method: string;
  readonly uri: string;
  readonly version: string;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly body: string;
  readonly step: number;
}

export type MatchType = 'status' | 'rstatus' | 'string' | 'rstring' | 'binary' | 'rbinary';

export interface ExpectStep {
  readonly kind: 'expect';
  readonly http: boolean;
  readonly match: MatchType;
  readonly negate: boolean;
  /** the pattern as written (for messages) */
  readonly pattern: string;
  /** status: inclusive [low, high] ranges */
  readonly ranges: readonly (readonly [number, number])[];
  readonly regex: RegExp | null;
  readonly bytes: Buffer | null;
  /** -1 unless `min-recv` was given: then a mismatch with fewer bytes is not waited on */
  readonly minRecv: number;
  readonly okStatus: CheckStatus;
  readonly errorStatus: CheckStatus;
  readonly toutStatus: CheckStatus;
  readonly step: number;
  /** true for the implicit 2xx/3xx expectation of option httpchk */
  readonly implicit: boolean;
}

export type CheckStep = ConnectStep | SendStep | HttpSendStep | ExpectStep;

export interface CheckProgram {
  /** 'tcp': plain connect (L4OK); 'http': option httpchk; 'tcp-check': a tcp-check script */
  readonly type: 'tcp' | 'http' | 'tcp-check';
  readonly steps: readonly CheckStep[];
  /** `http-check send-state`: add x-haproxy-server-state to each request */
  readonly sendState: boolean;
  /** `http-check disable-on-404`: a 404 is L7OKC (NOLB) */
  readonly disableOn404: boolean;
}

export interface CompileResult {
  readonly program: CheckProgram;
  /** rules we could not honour (unsupported forms); the rest of the program still runs */
  readonly problems: readonly string[];
}

const STATUS_NAMES: Readonly<Record<string, CheckStatus>> = {
  L4OK: CheckStatus.L4OK, L4TOUT: CheckStatus.L4TOUT, L4CON: CheckStatus.L4CON, L6OK: CheckStatus.L6OK,
  L6TOUT: CheckStatus.L6TOUT, L6RSP: CheckStatus.L6RSP, L7OK: CheckStatus.L7OK, L7OKC: CheckStatus.L7OKC,
  L7TOUT: CheckStatus.L7TOUT, L7RSP: CheckStatus.L7RSP, L7STS: CheckStatus.L7STS,
};

const PLAIN: CheckProgram = {
  type: 'tcp',
  steps: [{ kind: 'connect', port: null, addr: null, sendProxy: false, step: 0 }],
  sendState: false,
  disableOn404: false,
};

/** The check program of a backend (every checked server of it runs the same program). */
export function compileChecks(px: Pick<ProxyConfig, 'options' | 'httpCheckRules' | 'tcpCheckRules'>): CompileResult {
  const problems: string[] = [];
  const hc = px.options.httpchk;
  if (hc !== undefined) {
    let send: HttpSendStep = { kind: 'http-send', method: hc.method, uri: hc.uri, version: hc.version, headers: hc.headers, body: hc.body, step: 0 };
    const steps: CheckStep[] = [];
    let sendState = false;
    let disableOn404 = false;
    let sawSend = false;
    let n = 0;
    for (const r of px.httpCheckRules) {
      if (r.kind === 'comment' || r.kind === 'set-var' || r.kind === 'unset-var') continue;
      if (r.kind === 'send-state') { sendState = true; continue; }
      if (r.kind === 'disable-on-404') { disableOn404 = true; continue; }
      n++;
      if (r.kind === 'connect') steps.push(compileConnect(r, n, problems));
      else if (r.kind === 'send') {
        // `http-check send` refines the option's request: unset parts keep the option's values.
        send = compileHttpSend(r, send, n, problems);
        sawSend = true;
        steps.push(send);
      } else if (r.kind === 'expect') {
        const e = compileExpect(r, true, n, problems);
        if (e !== null) steps.push(e);
      }
    }
    if (!sawSend) steps.splice(steps[0]?.kind === 'connect' ? 1 : 0, 0, send);
    if (steps[0]?.kind !== 'connect') steps.unshift({ kind: 'connect', port: null, addr: null, sendProxy: false, step: 0 });
    if (!steps.some((s) => s.kind === 'expect')) steps.push(defaultHttpExpect());
    return { program: { type: 'http', steps, sendState, disableOn404 }, problems };
  }
  if (px.options.tcpCheck && px.tcpCheckRules.length > 0) {
    const steps: CheckStep[] = [];
    let n = 0;
    for (const r of px.tcpCheckRules) {
      if (r.kind === 'comment' || r.kind === 'set-var' || r.kind === 'unset-var') continue;
      n++;
      if (r.kind === 'connect') steps.push(compileConnect(r, n, problems));
      else if (r.kind === 'send' || r.kind === 'send-binary') {
        const data = r.kind === 'send' ? Buffer.from(r.args[0] ?? '', 'latin1') : hexBytes(r.args[0] ?? '', problems);
        steps.push({ kind: 'send', data, step: n });
      } else if (r.kind === 'expect') {
        const e = compileExpect(r, false, n, problems);
        if (e !== null) steps.push(e);
      } else problems.push(`'tcp-check ${r.kind}' is not supported by Halyard's checker; ignored.`);
    }
    if (steps[0]?.kind !== 'connect') steps.unshift({ kind: 'connect', port: null, addr: null, sendProxy: false, step: 0 });
    return { program: { type: 'tcp-check', steps, sendState: false, disableOn404: false }, problems };
  }
  return { program: PLAIN, problems };
}

function defaultHttpExpect(): ExpectStep {
  return {
    kind: 'expect', http: true, match: 'status', negate: false, pattern: '200-399', ranges: [[200, 399]], regex: null, bytes: null,
    minRecv: -1, okStatus: CheckStatus.L7OK, errorStatus: CheckStatus.L7STS, toutStatus: CheckStatus.L7TOUT, step: 0, implicit: true,
  };
}

function compileConnect(r: CheckRule, step: number, problems: string[]): ConnectStep {
  let port: number | null = null;
  let addr: string | null = null;
  let sendProxy = false;
  const a = r.args;
  for (let i = 0; i < a.length; i++) {
    const w = a[i];
    if (w === 'port') port = Number(a[++i]);
    else if (w === 'addr') addr = a[++i] ?? null;
    else if (w === 'send-proxy') sendProxy = true;
    else if (w === 'comment') i++;
    else if (w === 'default' || w === 'linger') continue;
    else problems.push(`'${r.kind === 'connect' ? 'check' : ''} connect ${w ?? ''}' is not supported by Halyard's checker; ignored.`);
  }
  return { kind: 'connect', port: port !== null && Number.isInteger(port) ? port : null, addr, sendProxy, step };
}

function compileHttpSend(r: CheckRule, base: HttpSendStep, step: number, problems: string[]): HttpSendStep {
  let { method, uri, version, body } = base;
  const headers: { name: string; value: string }[] = [];
  const a = r.args;
  for (let i = 0; i < a.length; i++) {
    const w = a[i];
    const v = a[i + 1] ?? '';
    if (w === 'meth') { method = v; i++; }
    else if (w === 'uri') { uri = v; i++; }
    else if (w === 'ver') { version = v; i++; }
    else if (w === 'body') { body = v; i++; }
    else if (w === 'hdr') { headers.push({ name: v, value: a[i + 2] ?? '' }); i += 2; }
    else if (w === 'comment') i++;
    else { problems.push(`'http-check send ${w ?? ''}' is not supported by Halyard's checker; ignored.`); i++; }
  }
  // Headers of the legacy `option httpchk ... VER\r\nHdr: x` form come first, like HAProxy's merge.
  return { kind: 'http-send', method, uri, version, headers: [...base.headers, ...headers], body, step };
}

function compileExpect(r: CheckRule, http: boolean, step: number, problems: string[]): ExpectStep | null {
  const a = r.args;
  let minRecv = -1;
  let okStatus: CheckStatus = http ? CheckStatus.L7OK : CheckStatus.L7OK;
  let errorStatus: CheckStatus = http ? CheckStatus.L7STS : CheckStatus.L7RSP;
  let toutStatus: CheckStatus = CheckStatus.L7TOUT;
  let negate = false;
  let i = 0;
  for (; i < a.length; i++) {
    const w = a[i];
    if (w === 'min-recv') minRecv = Number(a[++i]);
    else if (w === 'ok-status') okStatus = STATUS_NAMES[a[++i] ?? ''] ?? okStatus;
    else if (w === 'error-status') errorStatus = STATUS_NAMES[a[++i] ?? ''] ?? errorStatus;
    else if (w === 'tout-status') toutStatus = STATUS_NAMES[a[++i] ?? ''] ?? toutStatus;
    else if (w === 'comment' || w === 'on-success' || w === 'on-error' || w === 'status-code') i++;
    else if (w === '!') negate = true;
    else break;
  }
  const match = a[i] ?? '';
  const pattern = a[i + 1] ?? '';
  const base = { kind: 'expect' as const, http, negate, pattern, minRecv, okStatus, toutStatus, step, implicit: false };
  switch (match) {
    case 'status':
      if (!http) break;
      return { ...base, match, errorStatus, ranges: statusRanges(pattern), regex: null, bytes: null };
    case 'rstatus':
      if (!http) break;
      return { ...base, match, errorStatus, ranges: [], regex: regex(pattern, problems), bytes: null };
    case 'string':
    case 'rstring':
      // A body mismatch is an invalid response, not a wrong status.
      return {
        ...base, match, errorStatus: errorStatus === CheckStatus.L7STS ? CheckStatus.L7RSP : errorStatus, ranges: [],
        regex: match === 'rstring' ? regex(pattern, problems) : null, bytes: match === 'string' ? Buffer.from(pattern, 'latin1') : null,
      };
    case 'binary':
    case 'rbinary':
      if (http) break;
      return { ...base, match, errorStatus, ranges: [], regex: match === 'rbinary' ? regex(pattern, problems) : null, bytes: match === 'binary' ? hexBytes(pattern, problems) : null };
    default:
      break;
  }
  problems.push(`'${http ? 'http' : 'tcp'}-check expect ${match}' is not supported by Halyard's checker; ignored.`);
  return null;
}

/** "200,204,300-399" → [[200,200],[204,204],[300,399]] */
export function statusRanges(list: string): [number, number][] {
  const out: [number, number][] = [];
  for (const part of list.split(',')) {
    const dash = part.indexOf('-');
    const lo = Number(dash < 0 ? part : part.slice(0, dash));
    const hi = dash < 0 ? lo : Number(part.slice(dash + 1));
    if (Number.isInteger(lo) && Number.isInteger(hi)) out.push([lo, hi]);
  }
  return out;
}

function regex(src: string, problems: string[]): RegExp | null {
  try {
    return new RegExp(src);
  } catch {
    problems.push(`invalid regex '${src}' in a check rule; the rule never matches.`);
    return null;
  }
}

function hexBytes(hex: string, problems: string[]): Buffer {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) problems.push(`'${hex}' is not an even-length hex string.`);
  return Buffer.from(hex, 'hex');
}
