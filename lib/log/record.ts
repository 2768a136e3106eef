// What a finished session tells the logger: the fields of HAProxy's tcplog/httplog lines, as
// plain data. The frontends fill one record per session; lib/log formats and ships it, so the
// serving code never builds log text.

export interface SessionRecord {
  /** client address and port (%ci:%cp) */
  clientIp: string;
  clientPort: number;
  /** frontend bind address and port (%fi:%fp) */
  frontendIp: string;
  frontendPort: number;
  /** accept time, ms since the epoch (%t / %tr) */
  acceptDate: number;
  /** frontend name (%ft; HAProxy appends '~' for TLS, never here) */
  frontend: string;
  /** backend name, or the frontend's own name when none was chosen (%b) */
  backend: string;
  /** server name, or '<NOSRV>' (%s) */
  server: string;
  /** queue wait (%Tw), connect time (%Tc), total session time (%Tt), all ms; -1 = phase never reached */
  tw: number;
  tc: number;
  tt: number;
  /** bytes sent to the client (%B) */
  bytesRead: number;
  /** bytes received from the client (%U) */
  bytesUploaded: number;
  /** the two termination-state letters (%ts), e.g. '--', 'SC', 'cD', 'sQ' */
  termState: string;
  /** process / frontend / backend / server concurrent connections, and retries (%ac/%fc/%bc/%sc/%rc) */
  actconn: number;
  feconn: number;
  beconn: number;
  srvconn: number;
  retries: number;
  /** true when a retry went to another server: HAProxy prints "+N" */
  redispatched: boolean;
  /** server and backend queue lengths when the session was queued (%sq/%bq) */
  srvQueue: number;
  backendQueue: number;
  /**
   * The server connection's local and remote addresses (%bi:%bp, %si:%sp), filled only when the
   * log format prints them (SessionLogger.wantsConnAddrs); absent = no connection ('-').
   */
  /** the process-wide stream number (%rt); sessions always fill it */
  streamId?: number;
  beIp?: string;
  bePort?: number;
  srvIp?: string;
  srvPort?: number;
}

/** The fields an HTTP session adds (option httplog). */
export interface HttpRecord extends SessionRecord {
  /** handshake time (%Th: 0 without TLS), idle time before the request (%Ti), both ms */
  th: number;
  ti: number;
  /** time to receive the full request head (%TR), -1 if it never arrived */
  tr: number;
  /** server response time (%Tr: connect established to response head received), -1 if none */
  trResp: number;
  /** active time (%Ta: from the start of the request to the end of the response) */
  ta: number;
  status: number;
  /** request line as received, e.g. 'GET / HTTP/1.1', or '<BADREQ>' */
  requestLine: string;
  /** persistence cookie letters (3rd and 4th of %tsc), '--' without cookies */
  cookieState: string;
}

/** The frontend-side sink for finished sessions; lib/log implements it. */
export interface SessionLogger {
  /**
   * true when tcp()/http() would emit something (log targets and `option tcplog`/`httplog`):
   * when false the frontend need not build a record at all. dontlognull is decided per session
   * inside tcp()/http() (a session with bytesUploaded === 0 is skipped).
   */
  readonly enabled: boolean;
  /** true when the log line prints the server connection's addresses: sessions then fill beIp..srvPort */
  readonly wantsConnAddrs?: boolean;
  /** true when the frontend logs at accept time instead (log targets but no tcplog/httplog) */
  readonly logsAccept: boolean;
  /** HAProxy's accept-time line: "Connect from 127.0.0.1:56548 to 127.0.0.1:80 (fe/TCP)"; no-op unless logsAccept */
  accept(clientIp: string, clientPort: number, frontendIp: string, frontendPort: number): void;
  /**
   * A connection that never became a session (accept-proxy: no valid PROXY header), as HAProxy
   * logs it when the proxy has tcplog/httplog: "ip:port [date] fe/listener: text". `nullish`:
   * nothing was received (closed, reset, timed out), which `option dontlognull` keeps quiet.
   */
  connError(clientIp: string, clientPort: number, acceptDate: number, listener: string, text: string, nullish: boolean): void;
  tcp(rec: SessionRecord): void;
  http(rec: HttpRecord): void;
  /** administrative events: "Proxy fe started.", server state changes, "backend x has no server available!" */
  event(level: 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug', text: string): void;
}
