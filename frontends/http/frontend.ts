/**
 * The HTTP-mode frontend (HAProxy `mode http`): one HttpSession per client connection, several
 * transactions per session (keep-alive), each routed on its own. Everything a transaction needs
 * from the configuration is compiled here once: timeouts, connection mode, X-Forwarded-For,
 * error pages, rules and routing (per frontend and per backend).
 */
import { uniqueIdBuilder, type LineBuilder } from '../../lib/log/custom.js';
import type { Socket } from 'node:net';
import type { CookiePersistence } from '../../backends/persistence/cookie.js';
import type { BindConfig, ProxyConfig } from '../../lib/config/model.js';
import type { HttpTxn } from '../../lib/http/txn.js';
import { DEFAULT_H1_LIMITS, ERROR_PAGES, type H1Limits } from '../../lib/http1/index.js';
import type { SessionLogger } from '../../lib/log/record.js';
import type { BackendRuntime, UseServerRule } from '../../lib/runtime/backend-runtime.js';
import { FrontendBase, type AcceptedOn, type GlobalLimit } from '../../lib/runtime/frontend.js';
import type { TcpRuleOf } from '../../lib/runtime/tcp-rules.js';
import type { ProxyRules, Router } from './hooks.js';
import { HttpSession } from './session.js';
import type { StatsEndpoint } from './stats-gate.js';
import { IdlePools } from './server-conn.js';

import { MODE_CLO, MODE_KAL, MODE_SCL, type ConnMode } from './hooks.js';

export { MODE_CLO, MODE_KAL, MODE_SCL, type ConnMode } from './hooks.js';

export function connMode(px: ProxyConfig): ConnMode {
  const m = px.options.httpConnMode;
  return m === 'close' ? MODE_CLO : m === 'server-close' ? MODE_SCL : MODE_KAL;
}

/** X-Forwarded-For as configured on one side (`option forwardfor`). */
export interface ForwardFor {
  readonly header: string;
  readonly ifNone: boolean;
  /** `except <net>`: no header for these sources */
  readonly except: ((ip: string) => boolean) | null;
}

/** What a transaction needs of the backend it was routed to. */
export interface BackendHttp {
  readonly brt: BackendRuntime;
  readonly rules: ProxyRules;
  readonly mode: ConnMode;
  readonly forwardfor: ForwardFor | null;
  /** the backend's error pages (errorfile), used once it was chosen */
  readonly errorPage: (status: number) => Buffer;
  /** cookie persistence, when the backend has a `cookie` line (see its header for the calls) */
  readonly persistence: CookiePersistence | null;
  /** `use-server` rules in order (empty: none) */
  readonly useServers: readonly UseServerRule<HttpTxn>[];
  /** the backend's `tcp-request content` rules, on the request (null: none, or a listen's own) */
  readonly tcpContent: readonly TcpRuleOf<HttpTxn>[] | null;
}


export interface HttpFrontendConfig {
  readonly px: ProxyConfig;
  readonly id: number;
  readonly binds: readonly BindConfig[];
  readonly maxconn: number;
  readonly logger: SessionLogger;
  readonly router: Router;
  readonly rules: ProxyRules;
  readonly backendOf: (brt: BackendRuntime) => BackendHttp;
  readonly forwardfor: ForwardFor | null;
  readonly errorPage: (status: number) => Buffer;
  /** `stats enable`: where the stats app listens (stats-ui starts it), else null */
  readonly stats: StatsEndpoint | null;
  /** head size and field count limits (global tune.*); the defaults when absent */
  readonly limits?: H1Limits;
  /** `tcp-request content` rules on the parsed request (null: none) */
  readonly tcpContent: readonly TcpRuleOf<HttpTxn>[] | null;
}

export class HttpFrontend extends FrontendBase {
  readonly px: ProxyConfig;
  readonly logger: SessionLogger;
  /** each request leaves something for the log: its httplog line, or the "Connect from" line */
  readonly logsRequest: boolean;
  readonly router: Router;
  readonly rules: ProxyRules;
  /** `tcp-request content` rules: haproxy runs them on each request's stream, the head parsed */
  readonly tcpContent: readonly TcpRuleOf<HttpTxn>[] | null;
  readonly backendOf: (brt: BackendRuntime) => BackendHttp;
  readonly forwardfor: ForwardFor | null;
  readonly errorPage: (status: number) => Buffer;
  readonly connMode: ConnMode;
  /** ms, 0 = none */
  readonly timeoutClient: number;
  readonly timeoutHttpRequest: number;
  readonly timeoutKeepAlive: number;
  readonly timeoutTunnel: number;
  readonly sessions = new Set<HttpSession>();
  readonly stats: StatsEndpoint | null;
  /** `monitor-uri`: requests for it are answered here (200), counted as intercepted, not logged */
  readonly monitorUri: string | null;
  /** what the parsers of this frontend's sessions and their server connections accept */
  readonly limits: H1Limits;
  /** `unique-id-header` with a `unique-id-format`: the header sent to servers, and its value */
  readonly uniqueIdHeader: { readonly name: string; readonly build: LineBuilder } | null;

  constructor(cfg: HttpFrontendConfig, global: GlobalLimit) {
    super(cfg.px.name, cfg.id, 'http', cfg.binds, cfg.maxconn, global);
    this.px = cfg.px;
    this.logger = cfg.logger;
    this.logsRequest = cfg.logger.enabled || cfg.logger.logsAccept;
    this.router = cfg.router;
    this.rules = cfg.rules;
    this.backendOf = cfg.backendOf;
    this.forwardfor = cfg.forwardfor;
    this.errorPage = cfg.errorPage;
    this.monitorUri = cfg.px.monitorUri ?? null;
    const uidName = cfg.px.options.uniqueIdHeader;
    const uid = uidName === undefined ? null : uniqueIdBuilder(cfg.px, process.pid);
    // header names go out in lower case, as HAProxy's H1 output writes them
    this.uniqueIdHeader = uidName === undefined || uid === null ? null : { name: uidName.toLowerCase(), build: uid };
    this.stats = cfg.stats;
    this.limits = cfg.limits ?? DEFAULT_H1_LIMITS;
    this.tcpContent = cfg.tcpContent;
    this.connMode = connMode(cfg.px);
    const t = cfg.px.timeouts;
    this.timeoutClient = t.client ?? 0;
    // HAProxy: http-request falls back to client; http-keep-alive to http-request
    this.timeoutHttpRequest = t['http-request'] ?? this.timeoutClient;
    this.timeoutKeepAlive = t['http-keep-alive'] ?? this.timeoutHttpRequest;
    this.timeoutTunnel = t.tunnel ?? 0;
    IdlePools.configure(global);
  }

  override accept(socket: Socket, on?: AcceptedOn): void {
    if (this.tcpAccept !== null && this.refusedByRules(socket)) return;
    socket.allowHalfOpen = true;
    super.accept(socket, on);
  }

  protected start(socket: Socket): void {
    const s = new HttpSession(this, socket);
    this.sessions.add(s);
    s.start();
  }

  /** Soft stop: idle keep-alive connections close now, busy ones after their response. */
  override stopAccepting(): void {
    super.stopAccepting();
    // the stats page's event streams never end on their own
    this.stats?.onStop?.();
    for (const s of this.sessions) s.closeIfIdle();
    IdlePools.closeAll();
  }

  sessionEnded(s: HttpSession): void {
    this.sessions.delete(s);
    this.ended(s.client);
  }
}

/** The built-in page for `status`, or the `errorfile` that replaces it. */
export function errorPages(px: ProxyConfig | null): (status: number) => Buffer {
  const own = new Map<number, Buffer>();
  if (px !== null) for (const [code, ef] of Object.entries(px.errorfiles)) own.set(Number(code), Buffer.from(ef.raw, 'latin1'));
  return (status) => own.get(status) ?? ERROR_PAGES[status] ?? (ERROR_PAGES[500] as Buffer);
}
