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
}

/** The fields an HTTP session adds (option httplog). */
export interface HttpRecord extends SessionRecord {
  /** request headers received (%TR), idle before request (%Ti), request (%Th... ) and response (%Tr) timers */
  th: number;
  ti: number;
  tr: number;
  trResp: number;
  ta: number;
  status: number;
  /** request line as received, e.g. 'GET / HTTP/1.1', or '<BADREQ>' */
  requestLine: string;
  /** persistence cookie letters (3rd and 4th of %tsc), '--' without cookies */
  cookieState: string;
}

/** The frontend-side sink for finished sessions; lib/log implements it. */
export interface SessionLogger {
  /** false when nothing would be emitted (no log target, or dontlognull for an empty session) */
  readonly enabled: boolean;
  tcp(rec: SessionRecord): void;
  http(rec: HttpRecord): void;
  /** administrative events: "Proxy fe started.", server state changes, "backend x has no server available!" */
  event(level: 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug', text: string): void;
}
