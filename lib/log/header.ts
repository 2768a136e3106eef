// Syslog headers for each `format`, byte for byte as HAProxy 2.6 builds them (observed on the
// wire from haproxy 2.6.12; see test/compat/log.test.ts):
//   local    <134>Nov 24 05:13:30 haproxy[21855]: msg          (rfc3164 without the hostname)
//   rfc3164  <134>Nov 24 05:13:30 localhost haproxy[21855]: msg (hostname = log-send-hostname, else "localhost")
//   rfc5424  <134>1 2026-11-24T05:13:48.368071+00:00 - haproxy 22035 - - msg
//   priority <134>msg        short <6>msg        timed <6>2026-...+00:00 msg
//   iso      2026-...+00:00 msg                  raw   msg
// A target without `format` uses rfc3164 when log-send-hostname is set and local otherwise.
import { FACILITIES, LEVELS } from '../config/keywords/log.js';
import { isoDate, rfc3164Date } from './time.js';

export type LogFormat = 'local' | 'rfc3164' | 'rfc5424' | 'priority' | 'short' | 'timed' | 'iso' | 'raw';
export type LogLevel = (typeof LEVELS)[number];

/** What every header shares: the tag (log-tag), the pid and the hostname (log-send-hostname). */
export interface HeaderMeta {
  tag: string;
  pid: number;
  /** log-send-hostname; undefined when not set */
  hostname: string | undefined;
}

/** 0 = emerg ... 7 = debug, as syslog numbers them. */
export function levelNumber(name: string | undefined, dflt: number): number {
  if (name === undefined) return dflt;
  const i = (LEVELS as readonly string[]).indexOf(name);
  return i < 0 ? dflt : i;
}

/** kern = 0 ... local7 = 23. */
export function facilityNumber(name: string | undefined): number {
  const i = (FACILITIES as readonly string[]).indexOf(name ?? '');
  return i < 0 ? 16 : i;
}

/** The format a target uses when its line says none. */
export function resolveFormat(format: string | undefined, meta: HeaderMeta): LogFormat {
  switch (format) {
    case 'local': case 'rfc3164': case 'rfc5424': case 'priority': case 'short': case 'timed': case 'iso': case 'raw':
      return format;
    default:
      return meta.hostname !== undefined ? 'rfc3164' : 'local';
  }
}

/**
 * The header for one message. `nowMs`/`nowUs` are the emission time: syslog headers carry when
 * the line was sent, while %t inside the message is the accept date.
 */
export function buildHeader(format: LogFormat, facility: number, severity: number, meta: HeaderMeta,
  nowMs: number, nowUs: number): string {
  switch (format) {
    case 'local':
      return '<' + (facility * 8 + severity) + '>' + rfc3164Date(nowMs) + ' ' + meta.tag + '[' + meta.pid + ']: ';
    case 'rfc3164':
      return '<' + (facility * 8 + severity) + '>' + rfc3164Date(nowMs) + ' ' + (meta.hostname ?? 'localhost') + ' ' +
        meta.tag + '[' + meta.pid + ']: ';
    case 'rfc5424':
      return '<' + (facility * 8 + severity) + '>1 ' + isoDate(nowUs) + ' ' + (meta.hostname ?? '-') + ' ' +
        (meta.tag === '' ? '-' : meta.tag) + ' ' + meta.pid + ' - - ';
    case 'priority':
      return '<' + (facility * 8 + severity) + '>';
    case 'short':
      return '<' + severity + '>';
    case 'timed':
      return '<' + severity + '>' + isoDate(nowUs) + ' ';
    case 'iso':
      return isoDate(nowUs) + ' ';
    case 'raw':
      return '';
  }
}

/** Whether a header carries a timestamp (then the sender needs the current time). */
export function needsClock(format: LogFormat): boolean {
  return format !== 'priority' && format !== 'short' && format !== 'raw';
}
