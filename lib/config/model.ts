// The compiled configuration model: plain JSON-serialisable data (it may cross an IPC boundary to
// workers one day), validated against lib/config/schema.ts. Runtime objects are built from it.
import type { Loc } from './diag.js';

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
  readonly loc: Loc;
}

export interface BindAddress {
  /** 'ipv4' | 'ipv6' | 'unix' | 'fd' | 'host' (a name resolved at start) */
  readonly family: 'ipv4' | 'ipv6' | 'unix' | 'fd' | 'host' | 'abns' | 'sockpair';
  readonly host: string;
  readonly portLow: number;
  readonly portHigh: number;
  /** for fd@ and unix@ */
  readonly path?: string;
}

export interface BindConfig {
  readonly addresses: BindAddress[];
  readonly options: Record<string, string | number | boolean>;
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

// --- ACL engine model (kw-acl branch). Compiled once at load by the runtime: every pattern is
// --- already parsed/validated here, regexes are JS sources, pattern and map files are read.

/** A sample expression: a fetch with its arguments, then converters in order (`req.hdr(host),lower`). */
export interface SampleExpr {
  readonly fetch: string;
  readonly args: string[];
  readonly converters: SampleConverter[];
}

/** A map file read at load time (`key value` lines). */
export interface MapFile {
  readonly file: string;
  readonly entries: [string, string][];
}

export interface SampleConverter {
  readonly name: string;
  readonly args: string[];
  /** for map* converters: the file's content */
  readonly map?: MapFile;
}

export type AclMatch = 'found' | 'bool' | 'int' | 'ip' | 'bin' | 'len' | 'str' | 'sub' | 'reg' | 'beg' | 'end' | 'dir' | 'dom';

/** One parsed pattern. int/len: inclusive bounds (operators already applied). ip: network + prefix. */
export type AclValue =
  | { readonly kind: 'str'; readonly str: string }
  | { readonly kind: 'reg'; readonly re: string; readonly flags: string }
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'ip'; readonly family: 4 | 6; readonly addr: string; readonly prefix: number }
  | { readonly kind: 'bin'; readonly hex: string };

/** One `acl` line (or anonymous ACL, or predefined ACL body): a sample, a matcher, patterns. */
export interface AclTest {
  /** the criterion as written (`path_beg`, `req.hdr(host),lower`) */
  readonly kw: string;
  readonly expr: SampleExpr;
  readonly match: AclMatch;
  /** -i: case-insensitive string/regex matching */
  readonly ignoreCase: boolean;
  /** inline patterns then file patterns, parsed for `match` */
  readonly values: AclValue[];
  /** pattern files named with -f (already read into values) */
  readonly files: string[];
  readonly noDns: boolean;
  readonly loc: Loc;
}

/** A named ACL: its tests are ORed (several `acl` lines with one name add tests). */
export interface AclConfig {
  readonly name: string;
  /** the section that defined it, `<kind> <name>` ("defaults base", "frontend fe") */
  readonly scope: string;
  readonly tests: AclTest[];
  readonly anonymous: boolean;
  /** a predefined ACL (TRUE, METH_GET, ...) materialized on first use, as HAProxy does */
  readonly predefined: boolean;
  readonly loc: Loc;
}

/** A log-format string compiled: literal text, %[sample] expressions and %x variables. */
export type LogFormatPart =
  | { readonly lit: string }
  | { readonly expr: SampleExpr; readonly opts?: string }
  | { readonly var: string; readonly opts?: string };

export interface LogFormat {
  readonly raw: string;
  readonly parts: LogFormatPart[];
}

export interface ServerConfig {
  readonly name: string;
  readonly id?: number;
  /** address as written (host or IP); empty for `0.0.0.0`/`*` transparent forms */
  readonly host: string;
  readonly family: 'ipv4' | 'ipv6' | 'host' | 'unix';
  /** absolute port, or undefined when absent / an offset applies */
  readonly port?: number;
  /** +N/-N relative to the client's destination port */
  readonly portOffset?: number;
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
  readonly onMarkedDown?: string;
  readonly onMarkedUp?: string;
  readonly observe?: string;
  readonly errorLimit?: number;
  readonly onError?: string;
  readonly initAddr?: string[];
  readonly loc: Loc;
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
  readonly maxidle: number;
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

export interface CheckRule {
  readonly kind: string;
  readonly args: string[];
  readonly loc: Loc;
}

export interface StatsConfig {
  enabled: boolean;
  uri?: string;
  realm?: string;
  refresh?: number;
  auth: { user: string; password: string }[];
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
  tcplog: boolean;
  dontlognull: boolean;
  forwardfor?: { except?: string; header: string; ifNone: boolean };
  /** connection mode as written: keep-alive (default), server-close, close */
  httpConnMode?: 'keep-alive' | 'server-close' | 'close';
  redispatch?: { interval: number };
  httpchk?: HttpCheckConfig;
  tcpCheck: boolean;
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
  /** default-server options, applied to the servers declared after it */
  defaultServer: Record<string, string[]>;
  defaultBackend?: { name: string; loc: Loc };
  useBackends: UseBackend[];
  useServers: { name: string; cond?: Condition; loc: Loc }[];
  acls: AclConfig[];
  options: ProxyOptions;
  retries: number;
  cookie?: CookieConfig;
  httpCheckRules: CheckRule[];
  tcpCheckRules: CheckRule[];
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

export interface GlobalConfig {
  maxconn?: number;
  nbthread?: number;
  daemon: boolean;
  pidfile?: string;
  logs: LogTarget[];
  statsSockets: { address: string; options: Record<string, string | boolean>; loc: Loc }[];
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
