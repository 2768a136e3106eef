/**
 * Maps a backend's compiled check rules (the config side's `px.checkRules`, built by
 * finalizeChecks(): implicit first connect, option httpchk's request merged with the first
 * `http-check send`, implicit `expect status 200-399`, comments folded) onto the checker's
 * runtime steps: Buffers to write, RegExps and status ranges to match, CheckStatus numbers.
 * The config side decides what the check is; this file only says how to run it, and lists the
 * rule forms the checker cannot run as `problems`. `check` with no check option is one connect.
 */
import type {
  CheckConnectRule, CheckExpectRule, CheckHttpSendRule, CheckRule, CheckSendRule, CheckStatusName, ProxyConfig,
} from '../../lib/config/model.js';
import { CheckStatus } from './status.js';

export interface ConnectStep {
  readonly kind: 'connect';
  /** `port` / `addr` of `tcp-check connect` / `http-check connect`; null: the server's */
  readonly port: number | null;
  readonly addr: string | null;
  /** send a PROXY header on this connection (`send-proxy` on the rule) */
  readonly sendProxy: boolean;
  /** `default` or the implicit first connect: the server's own check settings (its send-proxy) apply */
  readonly useServer: boolean;
  /** HAProxy's step number in "at step N" messages (0 for the implicit first connect) */
  readonly step: number;
  /** `linger`: close with a FIN; without it HAProxy resets the check connection (RST) */
  readonly linger?: boolean;
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

const STATUS: Readonly<Record<CheckStatusName, CheckStatus>> = {
  L4OK: CheckStatus.L4OK, L4TOUT: CheckStatus.L4TOUT, L4CON: CheckStatus.L4CON, L6OK: CheckStatus.L6OK,
  L6TOUT: CheckStatus.L6TOUT, L6RSP: CheckStatus.L6RSP, L7OK: CheckStatus.L7OK, L7OKC: CheckStatus.L7OKC,
  L7TOUT: CheckStatus.L7TOUT, L7RSP: CheckStatus.L7RSP, L7STS: CheckStatus.L7STS,
};

const PLAIN: CheckProgram = {
  type: 'tcp',
  steps: [{ kind: 'connect', port: null, addr: null, sendProxy: false, useServer: true, step: 0 }],
  sendState: false,
  disableOn404: false,
};

type CheckPx = Pick<ProxyConfig, 'options' | 'checkRules' | 'tcpCheckRules'>;

/** The check program of a backend (every checked server of it runs the same program). */
export function compileChecks(px: CheckPx): CompileResult {
  const type = px.options.checkType;
  const rules = px.checkRules;
  if (type === undefined || rules === undefined) return { program: PLAIN, problems: [] };
  const http = type === 'httpchk';
  // `option tcp-check` without rules is the implicit connect alone: the plain L4 check.
  if (!http && rules.every((r) => r.kind === 'connect' && r.implicit)) return { program: PLAIN, problems: [] };
  const problems: string[] = [];
  const word = http ? 'http-check' : 'tcp-check';
  const stepOf = stepNumbers(px, http, rules);
  const steps: CheckStep[] = [];
  rules.forEach((r, i) => {
    const step = stepOf[i] ?? i;
    const at = (what: string): string => `'${word} ${what}' (${r.loc.file}:${r.loc.line}) is not supported by Halyard's checker`;
    switch (r.kind) {
      case 'connect': steps.push(connectStep(r, step, at, problems)); break;
      case 'send': { const s = sendStep(r, step, at, problems); if (s !== null) steps.push(s); break; }
      case 'http-send': steps.push(httpSendStep(r, step, at, problems)); break;
      case 'expect': { const e = expectStep(r, http, step, at, problems); if (e !== null) steps.push(e); break; }
      case 'comment': break;
      default: { const never: never = r; return never; }
    }
  });
  return {
    program: {
      type: http ? 'http' : 'tcp-check', steps,
      sendState: http && px.options.sendState === true, disableOn404: http && px.options.disableOn404 === true,
    },
    problems,
  };
}

/**
 * HAProxy numbers a rule by its place in the ruleset as written, comments included (they are
 * removed after numbering), and the implicit first connect is step 0. The tcp-check list is
 * never reordered, so each compiled rule is found again by its line; http-check steps are not
 * shown in messages and keep their position.
 */
function stepNumbers(px: CheckPx, http: boolean, rules: readonly CheckRule[]): number[] {
  if (http) return rules.map((_, i) => i);
  const written = new Map<string, number>();
  px.tcpCheckRules.forEach((r, i) => written.set(`${r.loc.file}:${r.loc.line}`, i + 1));
  return rules.map((r, i) => (r.kind === 'connect' && r.implicit ? 0 : written.get(`${r.loc.file}:${r.loc.line}`) ?? i));
}

function connectStep(r: CheckConnectRule, step: number, at: (w: string) => string, problems: string[]): ConnectStep {
  if (r.ssl) problems.push(`${at('connect ssl')}: the check connects in clear.`);
  if (r.viaSocks4) problems.push(`${at('connect via-socks4')}: the check connects directly.`);
  for (const k of ['sni', 'alpn'] as const) if (r[k] !== undefined) problems.push(`${at(`connect ${k}`)}: ignored (no TLS).`);
  if (r.proto !== undefined && r.proto !== 'h1') problems.push(`${at(`connect proto ${r.proto}`)}: the check speaks HTTP/1 or TCP only.`);
  return { kind: 'connect', port: r.port ?? null, addr: r.addr ?? null, sendProxy: r.sendProxy, useServer: r.default || r.implicit, step, linger: r.linger };
}

function sendStep(r: CheckSendRule, step: number, at: (w: string) => string, problems: string[]): SendStep | null {
  switch (r.format) {
    case 'string': return { kind: 'send', data: Buffer.from(r.data, 'latin1'), step };
    case 'binary': return { kind: 'send', data: Buffer.from(r.data, 'hex'), step };
    default:
      problems.push(`${at(`send-${r.format === 'string-lf' ? 'lf' : 'binary-lf'}`)}: log-format data is not evaluated; the step is skipped.`);
      return null;
  }
}

function httpSendStep(r: CheckHttpSendRule, step: number, at: (w: string) => string, problems: string[]): HttpSendStep {
  if (r.uriLf) problems.push(`${at('send uri-lf')}: the log-format URI is sent as written.`);
  if (r.bodyLf) problems.push(`${at('send body-lf')}: the log-format body is sent as written.`);
  for (const h of r.headers) {
    if (h.value.includes('%')) problems.push(`${at(`send hdr ${h.name}`)} with a log-format value: sent as written.`);
  }
  return {
    kind: 'http-send', method: r.method ?? 'OPTIONS', uri: r.uri ?? '/', version: r.version ?? 'HTTP/1.0',
    headers: r.headers, body: r.body ?? '', step,
  };
}

function expectStep(r: CheckExpectRule, http: boolean, step: number, at: (w: string) => string, problems: string[]): ExpectStep | null {
  for (const [k, w] of [['onSuccess', 'on-success'], ['onError', 'on-error'], ['statusCode', 'status-code']] as const) {
    if (r[k] !== undefined) problems.push(`${at(`expect ${w}`)}: ignored, the rule runs without it.`);
  }
  // A body (or tcp) mismatch is an invalid response; only a status mismatch is a wrong status.
  const statusMatch = r.type === 'status' || r.type === 'rstatus';
  const base = {
    kind: 'expect' as const, http, negate: r.negate, pattern: r.pattern, minRecv: r.minRecv, step, implicit: r.implicit,
    okStatus: r.okStatus !== undefined ? STATUS[r.okStatus] : CheckStatus.L7OK,
    errorStatus: r.errorStatus !== undefined ? STATUS[r.errorStatus] : http && statusMatch ? CheckStatus.L7STS : CheckStatus.L7RSP,
    toutStatus: r.toutStatus !== undefined ? STATUS[r.toutStatus] : CheckStatus.L7TOUT,
  };
  switch (r.type) {
    case 'status': return { ...base, match: 'status', ranges: r.codes ?? [], regex: null, bytes: null };
    case 'rstatus': return { ...base, match: 'rstatus', ranges: [], regex: new RegExp(r.pattern), bytes: null };
    case 'string': return { ...base, match: 'string', ranges: [], regex: null, bytes: Buffer.from(r.pattern, 'latin1') };
    case 'rstring': return { ...base, match: 'rstring', ranges: [], regex: new RegExp(r.pattern), bytes: null };
    case 'binary': return { ...base, match: 'binary', ranges: [], regex: null, bytes: Buffer.from(r.pattern, 'hex') };
    case 'rbinary': return { ...base, match: 'rbinary', ranges: [], regex: new RegExp(r.pattern), bytes: null };
    default: {
      const form = r.header !== undefined && (r.header.nameLf || r.header.valueLf) ? `${r.type} (log-format)` : r.type;
      problems.push(`${at(`expect ${form}`)}: the rule is skipped.`);
      return null;
    }
  }
}
