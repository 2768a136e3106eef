/**
 * The TCP-mode frontend (HAProxy `mode tcp`): routing by `use_backend` rules that only look at
 * layer 4, then one TcpSession per accepted connection.
 */
import type { Socket } from 'node:net';
import type { BindConfig } from '../../lib/config/model.js';
import type { SessionLogger } from '../../lib/log/record.js';
import type { BackendRuntime } from '../../lib/runtime/backend-runtime.js';
import { acceptProxyListener, unixListenerId } from '../../lib/net/listen.js';
import { FrontendBase, type AcceptedOn, type GlobalLimit } from '../../lib/runtime/frontend.js';
import type { L4Facts, L4Pred } from '../../lib/runtime/l4cond.js';
import type { L4Rule } from '../../lib/runtime/tcp-rules.js';
import { TcpSession } from './session.js';

export interface SwitchRule {
  /** null: unconditional */
  readonly cond: L4Pred | null;
  readonly backend: BackendRuntime;
}

export interface TcpFrontendConfig {
  readonly name: string;
  readonly id: number;
  readonly binds: readonly BindConfig[];
  readonly maxconn: number;
  readonly rules: readonly SwitchRule[];
  /** default_backend, or a listen section's own servers; null: none (sessions end with SC) */
  readonly defaultBackend: BackendRuntime | null;
  /** ms, 0 = infinite */
  readonly timeoutClient: number;
  readonly timeoutClientFin: number;
  readonly logger: SessionLogger;
  /** `tcp-request content` rules (null: none), run by each session before routing */
  readonly tcpContent: readonly L4Rule[] | null;
}

export class TcpFrontend extends FrontendBase {
  readonly rules: readonly SwitchRule[];
  readonly defaultBackend: BackendRuntime | null;
  readonly timeoutClient: number;
  readonly timeoutClientFin: number;
  readonly logger: SessionLogger;
  readonly tcpContent: readonly L4Rule[] | null;
  /** true when some rule needs the client's address/ports (else they are not read at all) */
  private readonly needsFacts: boolean;

  constructor(cfg: TcpFrontendConfig, global: GlobalLimit) {
    super(cfg.name, cfg.id, 'tcp', cfg.binds, cfg.maxconn, global);
    this.rules = cfg.rules;
    this.defaultBackend = cfg.defaultBackend;
    this.timeoutClient = cfg.timeoutClient;
    this.timeoutClientFin = cfg.timeoutClientFin;
    this.logger = cfg.logger;
    this.tcpContent = cfg.tcpContent;
    this.needsFacts = cfg.rules.some((r) => r.cond !== null);
  }

  override accept(socket: Socket, on?: AcceptedOn): void {
    if (this.tcpAccept !== null && this.refusedByRules(socket)) return;
    // The relay needs half-open sockets whatever the listener was created with: a client that
    // shuts its write side must still get the whole reply.
    socket.allowHalfOpen = true;
    // without tcplog/httplog HAProxy logs "Connect from ..." when the stream is created, which
    // in TCP mode is at accept, data or not; behind accept-proxy the line waits for the
    // header's addresses (the session writes it)
    if (this.logger.logsAccept && !(this.acceptProxy && acceptProxyListener(socket) !== undefined)) {
      const ip = socket.remoteAddress;
      // a unix socket client has no address: the line names the listener
      const uid = ip === undefined ? unixListenerId(socket) : -1;
      if (uid > 0) this.logger.accept('unix', uid, '', 0);
      else this.logger.accept(ip ?? '', socket.remotePort ?? 0, socket.localAddress ?? '', socket.localPort ?? 0);
    }
    super.accept(socket, on);
  }

  protected start(socket: Socket): void {
    new TcpSession(this, socket).start();
  }

  /** The backend for a new connection: first matching rule, else the default. */
  route(s: TcpSession): BackendRuntime | null {
    if (this.needsFacts) {
      const f: L4Facts = s.facts();
      for (const r of this.rules) if (r.cond === null || r.cond(f)) return r.backend;
    } else if (this.rules.length > 0) {
      return (this.rules[0] as SwitchRule).backend;
    }
    return this.defaultBackend;
  }

  /** Called by a session when it is completely over. */
  sessionEnded(client: Socket): void {
    this.ended(client);
  }
}
