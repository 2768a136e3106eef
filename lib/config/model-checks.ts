// The health-check part of the compiled model (re-exported by model.ts): HAProxy's tcpcheck rule list.
import type { Loc } from './diag.js';

// --- health-check rules (kw-proxy): HAProxy's tcpcheck rule list, as compiled by check_proxy_tcpcheck ---
export type CheckStatusName = 'L4OK' | 'L6OK' | 'L7OK' | 'L7OKC' | 'L4CON' | 'L6RSP' | 'L7RSP' | 'L7STS' | 'L4TOUT' | 'L6TOUT' | 'L7TOUT';
export type MatchMethod = 'str' | 'beg' | 'end' | 'sub' | 'reg';
interface CheckRuleBase {
  /** the words after `http-check`/`tcp-check` as written */
  readonly args: string[];
  /** from a preceding `comment` rule or an inline `comment` argument */
  comment?: string;
  readonly loc: Loc;
}
export interface CheckConnectRule extends CheckRuleBase {
  readonly kind: 'connect';
  readonly port?: number;
  readonly addr?: string;
  readonly sendProxy: boolean;
  readonly viaSocks4: boolean;
  readonly linger: boolean;
  readonly ssl: boolean;
  readonly sni?: string;
  readonly alpn?: string;
  readonly proto?: string;
  /** `default`: reuse the server's check settings */
  readonly default: boolean;
  /** inserted because the list did not start with a connect */
  readonly implicit: boolean;
}
export interface CheckSendRule extends CheckRuleBase {
  readonly kind: 'send';
  /** tcp-check send / send-lf / send-binary / send-binary-lf; binary data is kept as hex text */
  readonly format: 'string' | 'string-lf' | 'binary' | 'binary-lf';
  readonly data: string;
}
export interface CheckHttpSendRule extends CheckRuleBase {
  readonly kind: 'http-send';
  /** unset fields take the runtime defaults: OPTIONS, /, HTTP/1.0 */
  method?: string;
  uri?: string;
  uriLf: boolean;
  version?: string;
  headers: { name: string; value: string }[];
  body?: string;
  bodyLf: boolean;
  /** the implicit request of an `option httpchk` line (merged with the first `http-check send`) */
  fromOption: boolean;
}
export interface CheckExpectRule extends CheckRuleBase {
  readonly kind: 'expect';
  /** tcp: string rstring binary rbinary string-lf binary-lf; http: status rstatus string rstring string-lf hdr fhdr */
  readonly type: 'string' | 'rstring' | 'binary' | 'rbinary' | 'string-lf' | 'binary-lf' | 'status' | 'rstatus' | 'hdr' | 'fhdr';
  readonly pattern: string;
  readonly negate: boolean;
  /** -1 = not set */
  readonly minRecv: number;
  /** for `status`: inclusive ranges */
  readonly codes?: [number, number][];
  readonly header?: { name: string; nameMatch: MatchMethod; nameLf: boolean; value?: string; valueMatch: MatchMethod; valueLf: boolean };
  readonly okStatus?: CheckStatusName;
  readonly errorStatus?: CheckStatusName;
  readonly toutStatus?: CheckStatusName;
  readonly onSuccess?: string;
  readonly onError?: string;
  readonly statusCode?: string;
  /** true for the `expect status 200-399` HAProxy adds after a final send */
  readonly implicit: boolean;
}
export interface CheckCommentRule extends CheckRuleBase {
  readonly kind: 'comment';
  readonly text: string;
}
export type CheckRule = CheckConnectRule | CheckSendRule | CheckHttpSendRule | CheckExpectRule | CheckCommentRule;
