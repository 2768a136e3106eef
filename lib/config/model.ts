// The compiled configuration model: plain JSON-serialisable data (it may cross an IPC boundary to
// workers one day), validated against lib/config/schema.ts. Runtime objects are built from it.
import type { Loc } from './diag.js';
import type { AclConfig, LogFormat } from './model-acl.js';
import type { CheckRule } from './model-checks.js';

export type * from './model-acl.js';
export type * from './model-checks.js';

export type Mode = 'tcp' | 'http';
export type ProxyKind = 'defaults' | 'frontend' | 'backend' | 'listen';

export const TIMEOUT_NAMES = [
  'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive', 'http-request', 'tunnel', 'tarpit',
  'client-fin', 'server-fin',
] as const;
export type TimeoutName = (typeof TIMEOUT_NAMES)[number];

export interface LogTarget {
  /** 'global' means "use the global log targets" (`log global`) */
  readonly target: string;
  readonly format?: string;
  readonly facility?: string;
  readonly level?: string;
  readonly minLevel?: string;
  readonly len?: number;
  /** `sample <ranges>:<size>` (kw-proxy): send only the matching lines of each group of <size> */
  readonly sample?: { ranges: [number, number][]; size: number };
  readonly loc: Loc;
}

// --- server/bind family (kw-server branch) ---
export interface BindAddress {
  /** 'host' is a name resolved once at load time; 'fd' an inherited listening socket (fd@N) */
  readonly family: 'ipv4' | 'ipv6' | 'unix' | 'fd' | 'host' | 'abns' | 'sockpair';
  /** IP literal ('0.0.0.0' / '::' for any) or hostname; '' for unix/abns/fd */
  readonly host: string;
  /** for 'host' names forced by ipv4@/ipv6@ */
  readonly resolveFamily?: 4 | 6;
  /** inclusive range; one socket per port; 0 for unix/abns/fd */
  readonly portLow: number;
  readonly portHigh: number;
  /** socket path for unix@ and abns@ (abstract namespace, no leading NUL) */
  readonly path?: string;
  /** fd@N */
  readonly fd?: number;
}

/** Options on a `bind` line that Halyard honours (the others are refused or warned about at parse time). */
export interface BindOptions {
  name?: string;
  id?: number;
  maxconn?: number;
  backlog?: number;
  acceptProxy?: boolean;
  v4v6?: boolean;
  v6only?: boolean;
  /** unix sockets: octal permission bits, owner and group */
  mode?: number;
  uid?: number;
  gid?: number;
  user?: string;
  group?: string;
  /** stats-socket style options, meaningful on the runtime API listener */
  level?: 'user' | 'operator' | 'admin';
  exposeFd?: string;
  severityOutput?: 'none' | 'number' | 'string';
  /** mux forced with `proto` (only h1 is available) */
  proto?: string;
}

export interface BindConfig {
  readonly addresses: BindAddress[];
  readonly options: BindOptions;
  readonly loc: Loc;
}

export interface CondTerm {
  /** the ACL name, or for anonymous ACLs `{...}` the generated name */
  readonly acl: string;
  readonly negate: boolean;
  /** the section the ACL was looked up in (AclConfig.scope): rules copied from a named defaults keep theirs */
  readonly scope: string;
}

/**
 * `if|unless` followed by a disjunction of conjunctions. An empty `or` (a bare `if`) never matches,
 * as in HAProxy, so `unless` with nothing after it always applies.
 */
export interface Condition {
  readonly polarity: 'if' | 'unless';
  readonly or: CondTerm[][];
  readonly loc: Loc;
}

/**
 * What `default-server` presets and a `server` line may set (kw-server branch). All optional: a
 * proxy's preset holds only what its default-server lines said; unset fields take HAProxy's defaults.
 */
export interface ServerSettings {
  check?: boolean;
  inter?: number;
  fastinter?: number;
  downinter?: number;
  rise?: number;
  fall?: number;
  weight?: number;
  backup?: boolean;
  disabled?: boolean;
  cookie?: string;
  maxconn?: number;
  maxqueue?: number;
  minconn?: number;
  checkPort?: number;
  checkAddr?: string;
  slowstart?: number;
  sendProxy?: 'v1' | 'v2';
  checkSendProxy?: boolean;
  onMarkedDown?: 'shutdown-sessions';
  onMarkedUp?: 'shutdown-backup-sessions';
  observe?: 'none' | 'layer4' | 'layer7';
  errorLimit?: number;
  onError?: 'fastinter' | 'fail-check' | 'sudden-death' | 'mark-down';
  /** init-addr methods in order: 'last' | 'libc' | 'none' | an IP literal */
  initAddr?: string[];
  /** `track [<backend>/]<server>` as written */
  track?: string;
  /** idle connection pool: -1 unlimited */
  poolMaxConn?: number;
  poolPurgeDelay?: number;
  /** idle connections kept beyond the estimated need */
  poolLowConn?: number;
  /** requests per backend connection, -1 unlimited */
  maxReuse?: number;
}

export interface ServerConfig {
  readonly name: string;
  readonly id?: number;
  /**
   * IP literal or hostname; '0.0.0.0'/'::' (written `0.0.0.0`, `*`, `::` or `:port`) mean "the
   * client's original destination"; for unix/abns the socket path.
   */
  readonly host: string;
  readonly family: 'ipv4' | 'ipv6' | 'host' | 'unix' | 'abns';
  /** for 'host' names forced by ipv4@/ipv6@ */
  readonly resolveFamily?: 4 | 6;
  /** absolute port, or undefined when absent / an offset applies (port 0 means absent, as in HAProxy) */
  readonly port?: number;
  /** +N/-N relative to the client's destination port */
  readonly portOffset?: number;
  /** server-template prefix this server was expanded from */
  readonly template?: string;
  readonly check: boolean;
  readonly inter: number;
  readonly fastinter?: number;
  readonly downinter?: number;
  readonly rise: number;
  readonly fall: number;
  readonly weight: number;
  readonly backup: boolean;
  readonly disabled: boolean;
  readonly cookie?: string;
  readonly maxconn: number;
  readonly maxqueue: number;
  readonly minconn: number;
  readonly checkPort?: number;
  readonly checkAddr?: string;
  readonly slowstart: number;
  readonly sendProxy?: 'v1' | 'v2';
  readonly checkSendProxy: boolean;
  readonly onMarkedDown?: 'shutdown-sessions';
  readonly onMarkedUp?: 'shutdown-backup-sessions';
  readonly observe?: 'none' | 'layer4' | 'layer7';
  readonly errorLimit?: number;
  readonly onError?: 'fastinter' | 'fail-check' | 'sudden-death' | 'mark-down';
  readonly initAddr?: string[];
  readonly track?: string;
  readonly poolMaxConn?: number;
  readonly poolPurgeDelay?: number;
  readonly poolLowConn?: number;
  readonly maxReuse?: number;
  /** what `init-addr` settled on at load: 'none' (start in maintenance) or the IP literal used */
  readonly initAddrResult?: string;
  readonly loc: Loc;
}

/** One `tcp-request connection|session|content accept|reject [cond]` line. */
export interface TcpRule {
  readonly action: 'accept' | 'reject';
  readonly cond?: Condition;
  readonly loc: Loc;
}

export interface TcpRequestConfig {
  /** `tcp-request inspect-delay` in ms */
  inspectDelay?: number;
  connection: TcpRule[];
  session: TcpRule[];
  content: TcpRule[];
}

export interface HttpRule {
  readonly action: string;
  /** action arguments, as written (log-format strings are kept raw) */
  readonly args: string[];
  readonly cond?: Condition;
  /** the parsed action (kw-acl branch); absent only for rules built by other keyword families */
  readonly params?: HttpAction;
  readonly loc: Loc;
}

/** A regex as the runtime compiles it (JS source and flags, validated at load). */
export interface RegexSpec {
  readonly src: string;
  readonly re: string;
  readonly flags: string;
}

/** The response of deny/tarpit/return (HAProxy's http_reply). */
export interface HttpReply {
  readonly status: number;
  readonly contentType?: string;
  /**
   * none: the proxy's error page for `status` (errorfile or built-in); string/file: a fixed body;
   * lf-string/lf-file: a log-format body; errorfile: a complete raw response read at load.
   */
  readonly body:
    | { readonly kind: 'none' }
    | { readonly kind: 'string' | 'file'; readonly text: string }
    | { readonly kind: 'lf-string' | 'lf-file'; readonly fmt: LogFormat }
    | { readonly kind: 'errorfile'; readonly raw: string };
  readonly headers: { name: string; value: LogFormat }[];
  /** `return ... default-errorfiles`: without a payload, the proxy's error page for `status` */
  readonly defaultErrorfiles?: true;
}

export interface RedirectSpec {
  readonly type: 'location' | 'prefix' | 'scheme';
  readonly value: LogFormat;
  readonly code: 301 | 302 | 303 | 307 | 308;
  readonly dropQuery: boolean;
  readonly appendSlash: boolean;
  readonly ignoreEmpty: boolean;
  /** set-cookie NAME[=value] / clear-cookie NAME[=] as written */
  readonly setCookie?: string;
  readonly clearCookie?: string;
}

export type HttpAction =
  | { readonly type: 'allow' | 'reject' }
  | { readonly type: 'deny' | 'tarpit'; readonly reply: HttpReply }
  | { readonly type: 'return'; readonly reply: HttpReply }
  | { readonly type: 'auth'; readonly realm?: string }
  | { readonly type: 'redirect'; readonly redirect: RedirectSpec }
  | { readonly type: 'set-header' | 'add-header'; readonly name: string; readonly value: LogFormat }
  | { readonly type: 'del-header'; readonly name: string; readonly match: 'str' | 'beg' | 'end' | 'sub' | 'reg'; readonly regex?: RegexSpec }
  | { readonly type: 'replace-header' | 'replace-value'; readonly name: string; readonly regex: RegexSpec; readonly replace: LogFormat }
  | { readonly type: 'set-path' | 'set-pathq' | 'set-query' | 'set-uri' | 'set-method'; readonly value: LogFormat }
  | { readonly type: 'replace-path' | 'replace-pathq' | 'replace-uri'; readonly regex: RegexSpec; readonly replace: LogFormat }
  | { readonly type: 'set-status'; readonly status: number; readonly reason?: string };

export interface UseBackend {
  readonly name: string;
  /** true when the name is a log-format expression such as be_%[req.hdr(host)] */
  readonly dynamic: boolean;
  readonly cond?: Condition;
  readonly loc: Loc;
}

export interface CookieConfig {
  readonly name: string;
  readonly mode: 'insert' | 'rewrite' | 'prefix' | 'passive';
  readonly indirect: boolean;
  readonly nocache: boolean;
  readonly postonly: boolean;
  readonly preserve: boolean;
  readonly httponly: boolean;
  readonly secure: boolean;
  readonly domains: string[];
  /** seconds; 0 = not set */
  readonly maxidle: number;
  /** seconds; 0 = not set */
  readonly maxlife: number;
  readonly attrs: string[];
  readonly dynamic: boolean;
  readonly loc: Loc;
}

export interface HttpCheckConfig {
  readonly method: string;
  readonly uri: string;
  readonly version: string;
  /** headers from the legacy `option httpchk METH URI VER\r\nHdr:\ x` trick or `http-check send hdr` */
  readonly headers: { name: string; value: string }[];
  readonly body: string;
  readonly loc: Loc;
}

export interface StatsConfig {
  enabled: boolean;
  uri?: string;
  realm?: string;
  /** seconds (kw-proxy) */
  refresh?: number;
  /** `noPassword`: written without ':' (HAProxy accepts it, nobody can log in with it) */
  auth: { user: string; password: string; noPassword?: boolean }[];
  admin: Condition[];
  hideVersion: boolean;
  showLegends: boolean;
  showNode?: string;
  showDesc?: string;
  scope: string[];
}

export interface ProxyOptions {
  httplog: boolean;
  /** `option httplog clf` */
  httplogClf: boolean;
  /** where `option httplog` was given, for the post-parse "not usable" warning (kw-proxy) */
  httplogLoc?: Loc;
  tcplog: boolean;
  /** `log-format`, as written (compiled after parsing); unset when httplog/tcplog came later */
  logFormat?: { readonly raw: string; readonly loc: Loc };
  /** `unique-id-format` as written (compiled after parsing) and `unique-id-header` */
  uniqueIdFormat?: { readonly raw: string; readonly loc: Loc };
  uniqueIdHeader?: string;
  dontlognull: boolean;
  forwardfor?: { except?: string; header: string; ifNone: boolean };
  /** connection mode as written: keep-alive (default), server-close, close */
  httpConnMode?: 'keep-alive' | 'server-close' | 'close';
  redispatch?: { interval: number };
  httpchk?: HttpCheckConfig;
  tcpCheck: boolean;
  /** which check `option` was given last (kw-proxy); httpchk and tcp-check run the compiled `checkRules` */
  checkType?: 'httpchk' | 'tcp-check';
  /** `http-check disable-on-404`, `http-check send-state` (kw-proxy) */
  disableOn404?: boolean;
  sendState?: boolean;
  allbackups: boolean;
  logHealthChecks: boolean;
  persist: boolean;
  /** options accepted with no behaviour in Halyard (each warned about at parse time) */
  other: Record<string, boolean>;
}

export interface ProxyConfig {
  kind: ProxyKind;
  name: string;
  id?: number;
  loc: Loc;
  /** the defaults section this proxy was built from (`from NAME` or the last one) */
  from?: string;
  mode: Mode;
  description?: string;
  disabled: boolean;
  binds: BindConfig[];
  maxconn: number;
  fullconn: number;
  timeouts: Partial<Record<TimeoutName, number>>;
  balance: { algo: string; args: string[]; loc?: Loc };
  hashType: { method: 'map-based' | 'consistent'; fn: string; avalanche: boolean };
  servers: ServerConfig[];
  /** what default-server lines preset so far, applied to the servers declared after them */
  defaultServer: ServerSettings;
  defaultBackend?: { name: string; loc: Loc };
  useBackends: UseBackend[];
  useServers: { name: string; cond?: Condition; loc: Loc }[];
  acls: AclConfig[];
  options: ProxyOptions;
  retries: number;
  cookie?: CookieConfig;
  /** http-check / tcp-check lines as parsed (kw-proxy); `checkRules` is what the check runs */
  httpCheckRules: CheckRule[];
  tcpCheckRules: CheckRule[];
  /** the compiled check (implicit connect first, implicit expect last, comments folded); set post-parse */
  checkRules?: CheckRule[];
  /** `dynamic-cookie-key` (kw-proxy) */
  dynamicCookieKey?: string;
  /** `tcp-request` (kw-tcp-rules): inspect-delay and the accept/reject rules of each stage */
  tcpRequest?: TcpRequestConfig;
  httpRequest: HttpRule[];
  httpResponse: HttpRule[];
  httpAfterResponse: HttpRule[];
  redirects: HttpRule[];
  /** errorfile CODE FILE: the file's content (read at load, as HAProxy does) */
  errorfiles: Record<string, { file: string; raw: string; loc: Loc }>;
  stats: StatsConfig;
  logs: LogTarget[];
  monitorUri?: string;
}

/** `stats socket` (kw-proxy): the runtime API listener */
export interface StatsSocketConfig {
  /** as written */
  address: string;
  family: 'unix' | 'ipv4' | 'ipv6';
  path?: string;
  host?: string;
  port?: number;
  /** operator unless `level` says otherwise */
  level: 'user' | 'operator' | 'admin';
  /** unix socket permissions (octal `mode`), owner and group */
  mode?: number;
  uid?: number;
  gid?: number;
  user?: string;
  group?: string;
  exposeFd: boolean;
  severityOutput: 'none' | 'number' | 'string';
  /** other bind options, as written */
  options: Record<string, string | boolean>;
  loc: Loc;
}

export interface GlobalConfig {
  maxconn?: number;
  nbthread?: number;
  daemon: boolean;
  pidfile?: string;
  logs: LogTarget[];
  statsSockets: StatsSocketConfig[];
  statsTimeout?: number;
  statsMaxconn?: number;
  user?: string;
  group?: string;
  uid?: number;
  gid?: number;
  chroot?: string;
  ulimitN?: number;
  node?: string;
  description?: string;
  hardStopAfter?: number;
  spreadChecks?: number;
  masterWorker: boolean;
  quiet: boolean;
  zeroWarning: boolean;
  tune: Record<string, string>;
  setenv: Record<string, string>;
}

export interface HalyardConfig {
  files: string[];
  global: GlobalConfig;
  /** named defaults sections (anonymous ones leave no trace: their values are copied into proxies) */
  defaults: ProxyConfig[];
  proxies: ProxyConfig[];
}
