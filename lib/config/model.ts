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
}

/** `if|unless` followed by a disjunction of conjunctions. */
export interface Condition {
  readonly polarity: 'if' | 'unless';
  readonly or: CondTerm[][];
  readonly loc: Loc;
}

export interface AclConfig {
  readonly name: string;
  /** the fetch, e.g. 'path', 'req.hdr', 'src'; with its arguments and converters */
  readonly fetch: string;
  readonly fetchArgs: string[];
  readonly converters: { name: string; args: string[] }[];
  /** matching method: str, beg, end, sub, dir, dom, reg, len, int, ip, bool, found, bin */
  readonly match: string;
  readonly ignoreCase: boolean;
  readonly patterns: string[];
  /** pattern files named with -f, read at load time */
  readonly files: string[];
  readonly noDns: boolean;
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
  readonly maxReuse?: number;
  readonly loc: Loc;
}

export interface HttpRule {
  readonly action: string;
  /** action arguments, as written (log-format strings are kept raw) */
  readonly args: string[];
  readonly cond?: Condition;
  readonly loc: Loc;
}

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
  /** what default-server lines preset so far, applied to the servers declared after them */
  defaultServer: ServerSettings;
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
  errorfiles: Record<string, { file: string; loc: Loc }>;
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
