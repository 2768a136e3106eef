// The logging runtime: compiles `log` lines into targets, gives each proxy its SessionLogger,
// and prints runtime events as HAProxy does (stderr with a [WARNING]/[ALERT] prefix, and the
// proxy's log targets without it, §5.6 of the behaviour reference).
//
//   const logs = new LogSystem(config.global, { pid: process.pid });
//   const log = logs.forProxy(fe);                 // once per frontend
//   if (log.logsAccept) log.accept(ci, cp, fi, fp); // at accept
//   if (log.enabled) log.tcp(record);               // at close (or log.http(record) per request)
//   logs.notify(be, 'WARNING', 'alert', 'Server be/s1 is DOWN, ...');
import type { GlobalConfig, LogTarget, ProxyConfig } from '../config/model.js';
import { REQURI_MAX, connErrorLine, connectLine, httplogClfLine, httplogLine, logUriLen, tcplogLine } from './format.js';
import {
  buildHeader, facilityNumber, levelNumber, needsClock, resolveFormat,
  type HeaderMeta, type LogFormat, type LogLevel,
} from './header.js';
import type { HttpRecord, SessionLogger, SessionRecord } from './record.js';
import { compileLogLine, type LineBuilder } from './custom.js';
import { parseLogFormat } from '../config/keywords/logformat.js';
import { dirname } from 'node:path';
import { SinkRegistry, type Sink } from './sinks.js';
import { nowUs } from './time.js';

export interface LogEnv {
  /** the pid in headers and stderr prefixes (default process.pid) */
  pid?: number;
  /** syslog tag (HAProxy's `log-tag`); default "haproxy" so existing syslog rules keep matching */
  tag?: string;
  /** `log-send-hostname`: the hostname to put in rfc3164/rfc5424 headers */
  hostname?: string;
  /** no [WARNING]/[ALERT] lines on stderr (-q, `quiet`, daemon mode) */
  quiet?: boolean;
}

const LOG_INFO = 6;
const MAX_SYSLOG_LEN = 1024;

interface Target {
  readonly sink: Sink;
  readonly format: LogFormat;
  readonly facility: number;
  readonly level: number;
  readonly minLevel: number;
  readonly len: number;
}

/** Cut a line to `len` bytes (header included) on a character boundary, as HAProxy's maxlen. */
export function cutToLen(line: string, len: number): string {
  if (line.length * 3 <= len) return line; // fast path: cannot exceed even in UTF-8
  if (Buffer.byteLength(line, 'utf8') <= len) return line;
  const b = Buffer.from(line, 'utf8');
  let end = len;
  while (end > 0 && ((b[end] as number) & 0xc0) === 0x80) end--;
  return b.toString('utf8', 0, end);
}

/** The targets one proxy (or the global section) sends to. */
export class TargetList {
  constructor(private readonly targets: readonly Target[], private readonly meta: HeaderMeta) {}

  get size(): number { return this.targets.length; }

  /** Send one message at `severity` (0 emerg .. 7 debug) to every target whose level lets it through. */
  send(severity: number, msg: string): void {
    let ms = 0;
    let us = 0;
    for (const t of this.targets) {
      if (severity > t.level) continue;
      if (us === 0 && needsClock(t.format)) { us = nowUs(); ms = Math.floor(us / 1000); }
      const sev = severity < t.minLevel ? t.minLevel : severity;
      const line = buildHeader(t.format, t.facility, sev, this.meta, ms, us) + msg;
      t.sink.send(cutToLen(line, t.len) + '\n');
    }
  }
}

const CONN_ADDR_VARS: ReadonlySet<string> = new Set(['bi', 'bp', 'si', 'sp']);

type LineKind = 'none' | 'tcplog' | 'httplog' | 'clf' | 'custom';

/** A proxy's logger: session lines at 'info', events at the level they are given. */
export class ProxyLogger implements SessionLogger {
  readonly enabled: boolean;
  readonly logsAccept: boolean;
  readonly wantsConnAddrs: boolean = false;
  private readonly kind: LineKind;
  private readonly dontlognull: boolean;
  private readonly name: string;
  private readonly httpMode: boolean;

  /** bytes of the request line kept (tune.http.logurilen) */
  private readonly uriMax: number;

  /** the compiled `log-format` line, when the proxy has one */
  private readonly custom: LineBuilder | null = null;

  constructor(readonly targets: TargetList, px: ProxyConfig | null, uriMax: number = REQURI_MAX, pid: number = process.pid) {
    this.uriMax = uriMax;
    const has = targets.size > 0;
    const o = px?.options;
    const http = px?.mode === 'http';
    const lf = o?.logFormat;
    if (px !== null && lf !== undefined && px.kind !== 'backend') {
      // checked after parsing (lib/config/compile.ts); failing here would be a Halyard bug
      const parsed = parseLogFormat(lf.raw, 1 << 18, dirname(lf.loc.file), { tcp: !http });
      if (!('parts' in parsed)) throw new Error(`${lf.loc.file}:${lf.loc.line}: log-format reached the logger unchecked`);
      this.custom = compileLogLine(parsed, px, pid, uriMax);
      this.wantsConnAddrs = has && parsed.parts.some((p) => 'var' in p && CONN_ADDR_VARS.has(p.var));
    }
    // HAProxy falls back to tcplog for `option httplog` on a tcp-mode proxy (with a warning)
    this.kind = o === undefined ? 'none'
      : this.custom !== null ? 'custom'
        : o.httplog ? (http ? (o.httplogClf ? 'clf' : 'httplog') : 'tcplog')
          : o.tcplog ? 'tcplog' : 'none';
    this.enabled = has && this.kind !== 'none';
    this.logsAccept = has && this.kind === 'none' && px !== null;
    this.dontlognull = o?.dontlognull ?? false;
    this.name = px?.name ?? '';
    this.httpMode = http;
  }

  accept(clientIp: string, clientPort: number, frontendIp: string, frontendPort: number): void {
    if (!this.logsAccept) return;
    this.targets.send(LOG_INFO, connectLine(clientIp, clientPort, frontendIp, frontendPort, this.name, this.httpMode));
  }

  connError(clientIp: string, clientPort: number, acceptDate: number, listener: string, text: string, nullish: boolean): void {
    if (!this.enabled || (nullish && this.dontlognull)) return;
    this.targets.send(LOG_INFO, connErrorLine(clientIp, clientPort, acceptDate, this.name, listener, text));
  }

  tcp(rec: SessionRecord): void {
    if (!this.enabled || (this.dontlognull && rec.bytesUploaded === 0)) return;
    this.targets.send(LOG_INFO, this.custom !== null ? this.custom(rec, false) : tcplogLine(rec));
  }

  http(rec: HttpRecord): void {
    if (!this.enabled || (this.dontlognull && rec.bytesUploaded === 0)) return;
    const line = this.kind === 'httplog' ? httplogLine(rec, this.uriMax) : this.kind === 'clf' ? httplogClfLine(rec, this.uriMax)
      : this.custom !== null ? this.custom(rec, true) : tcplogLine(rec);
    this.targets.send(LOG_INFO, line);
  }

  event(level: LogLevel, text: string): void {
    this.targets.send(levelNumber(level, LOG_INFO), text);
  }
}

/** The stderr prefix of HAProxy's runtime messages, padded to 10 columns. */
export type StderrLevel = 'ALERT' | 'WARNING' | 'NOTICE';

/** `[WARNING]  (1234) : text` as HAProxy prints runtime messages on stderr. */
export function stderrLine(prefix: StderrLevel, pid: number, text: string): string {
  return ('[' + prefix + ']').padEnd(10) + ' (' + pid + ') : ' + text + '\n';
}

/** Everything logging needs for one process (one per loaded configuration). */
export class LogSystem {
  readonly pid: number;
  private readonly meta: HeaderMeta;
  private readonly quiet: boolean;
  private readonly sinks: SinkRegistry;
  private readonly globalTargets: Target[];
  private readonly loggers = new Map<string, ProxyLogger>();
  private readonly uriMax: number;
  readonly global: ProxyLogger;
  private readonly onExit = (): void => this.flushSync();

  constructor(global: GlobalConfig, env: LogEnv = {}) {
    this.pid = env.pid ?? process.pid;
    this.meta = { tag: env.tag ?? 'haproxy', pid: this.pid, hostname: env.hostname };
    this.quiet = env.quiet ?? false;
    this.sinks = new SinkRegistry((t) => this.alertOnce(t), this.meta.tag, this.pid);
    this.globalTargets = this.compile(global.logs, []);
    this.uriMax = logUriLen(global.tune);
    this.global = new ProxyLogger(new TargetList(this.globalTargets, this.meta), null, this.uriMax);
    process.once('exit', this.onExit);
  }

  /** The logger of a proxy (frontend, backend or listen), built once and cached by name. */
  forProxy(px: ProxyConfig): ProxyLogger {
    let l = this.loggers.get(px.name);
    if (l === undefined) {
      l = new ProxyLogger(new TargetList(this.compile(px.logs, this.globalTargets), this.meta), px, this.uriMax, this.pid);
      this.loggers.set(px.name, l);
    }
    return l;
  }

  /**
   * A runtime event as HAProxy reports it: `[prefix] (pid) : stderrText` on stderr, and `text`
   * to the proxy's log targets at `level` (the global ones when px is null). Server state changes
   * are WARNING on stderr and alert (DOWN) or notice (UP) in the logs; "has no server available!"
   * is ALERT on stderr, emerg in the logs, and quotes the backend name only on stderr.
   */
  notify(px: ProxyConfig | null, prefix: StderrLevel, level: LogLevel, text: string, stderrText: string = text): void {
    this.stderr(prefix, stderrText);
    (px === null ? this.global : this.forProxy(px)).event(level, text);
  }

  /** One prefixed line on stderr (unless quiet), in order with log lines sent to stderr. */
  stderr(prefix: StderrLevel, text: string): void {
    if (!this.quiet) this.sinks.fdWriter(2).write(stderrLine(prefix, this.pid, text));
  }

  flushSync(): void {
    this.sinks.fdWriter(1).flushSync();
    this.sinks.fdWriter(2).flushSync();
  }

  close(): void {
    process.removeListener('exit', this.onExit);
    this.sinks.close();
  }

  private readonly told = new Set<string>();
  private alertOnce(text: string): void {
    if (this.told.has(text)) return;
    this.told.add(text);
    this.stderr('ALERT', text);
  }

  private compile(logs: readonly LogTarget[], globals: readonly Target[]): Target[] {
    const out: Target[] = [];
    for (const l of logs) {
      if (l.target === 'global') { out.push(...globals); continue; }
      const len = l.len ?? MAX_SYSLOG_LEN;
      const sink = this.sinks.open(l.target, len, l.format);
      if (typeof sink === 'string') { this.alertOnce(sink); continue; }
      const unix = l.target.startsWith('/') || l.target.startsWith('unix@');
      out.push({
        sink,
        // unix targets go through `logger --prio-prefix`, which reads "<PRI>" and builds the header
        format: unix ? 'priority' : resolveFormat(l.format, this.meta),
        facility: facilityNumber(l.facility),
        level: levelNumber(l.level, 7),
        minLevel: levelNumber(l.minLevel, 0),
        len,
      });
    }
    return out;
  }
}

/** The SessionLogger a frontend uses: `createSessionLogger(fe, logs)`. */
export function createSessionLogger(proxy: ProxyConfig, logs: LogSystem): SessionLogger {
  return logs.forProxy(proxy);
}
