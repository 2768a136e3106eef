// The log lines HAProxy 2.6 writes for a session, built by concatenation (no template engine, no
// intermediate objects): the default "Connect from" line, `option tcplog`, `option httplog` and
// `option httplog clf`. Field by field they follow HAProxy's built-in log-format strings:
//   tcplog:  %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq
//   httplog: %ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r
//   clf:     %{+Q}o %{-Q}ci - - [%trg] %r %ST %B "" "" %cp %ms %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq %CC %CS %hrl %hsl
// Captures (%CC %CS %hr %hs) are not supported, so they print as HAProxy prints them empty.
import type { HttpRecord, SessionRecord } from './record.js';
import { gmtDate, logDate, msPart } from './time.js';

/** HAProxy keeps at most tune.http.logurilen (default 1023) bytes of the request line. */
export const REQURI_MAX = 1023;

/** The configured tune.http.logurilen (as the config parser keeps it), or the default. */
export function logUriLen(tune: Readonly<Record<string, string>>): number {
  const v = tune['tune.http.logurilen'];
  return v === undefined ? REQURI_MAX : Number(v);
}

/** Bytes HAProxy writes as '#' + two hex digits in %r: controls, '"', '#', DEL and 8-bit. */
const URL_ENCODE = new Uint8Array(256);
for (let i = 0; i < 32; i++) URL_ENCODE[i] = 1;
for (let i = 127; i < 256; i++) URL_ENCODE[i] = 1;
URL_ENCODE[0x22] = 1;
URL_ENCODE[0x23] = 1;
const HEX = '0123456789ABCDEF';

/** The request line as %r prints it: truncated like HAProxy's capture, unsafe bytes as #XX. */
export function encodeRequestLine(line: string, max: number = REQURI_MAX): string {
  let i = 0;
  const n = line.length;
  // fast path: nothing to escape (the common case) and short enough
  for (; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c > 255 || URL_ENCODE[c] === 1) break;
  }
  if (i === n) return n > max ? line.slice(0, max) : line;
  // slow path: work on the bytes (strings from the head parser are latin1, one char per byte)
  const b = Buffer.from(line, isLatin1(line, i) ? 'latin1' : 'utf8');
  let out = '';
  const end = b.length > max ? max : b.length;
  for (let j = 0; j < end; j++) {
    const c = b[j] as number;
    out += URL_ENCODE[c] === 1 ? '#' + HEX[c >> 4] + HEX[c & 15] : String.fromCharCode(c);
  }
  return out;
}

/** %r: "<BADREQ>" is a marker, not a capture: never cut. */
function requestLineField(line: string, uriMax: number): string {
  return line === '<BADREQ>' ? line : encodeRequestLine(line, uriMax);
}

function isLatin1(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) if (s.charCodeAt(i) > 255) return false;
  return true;
}

/** "+N" when the session was redispatched (HAProxy's %rc). */
function retries(rec: SessionRecord): string {
  return rec.redispatched ? '+' + rec.retries : '' + rec.retries;
}

/** Start of the request (%tr): the accept date plus handshake and idle time, as HAProxy computes it. */
export function requestDate(rec: HttpRecord): number {
  return rec.acceptDate + (rec.ti >= 0 ? rec.ti + (rec.th >= 0 ? rec.th : 0) : 0);
}

/**
 * The line HAProxy logs for each new stream when a frontend has neither tcplog nor httplog:
 * `Connect from 127.0.0.1:56548 to 127.0.0.1:27602 (fe/TCP)`; for a unix socket client (%ci
 * `unix`, %cp the listener id) only the listener is known: `Connect to unix:1 (fe/HTTP)`.
 */
export function connectLine(clientIp: string, clientPort: number, frontendIp: string, frontendPort: number,
  frontend: string, http: boolean): string {
  const mode = http ? '/HTTP)' : '/TCP)';
  if (clientIp === 'unix') return 'Connect to unix:' + clientPort + ' (' + frontend + mode;
  return 'Connect from ' + clientIp + ':' + clientPort + ' to ' + frontendIp + ':' + frontendPort +
    ' (' + frontend + mode;
}

/**
 * A connection refused before it became a session (a bad or missing PROXY header), as HAProxy
 * logs it: `127.0.0.1:41282 [05/Dec/2026:01:30:48.454] fe/1: Received an invalid ...`.
 */
export function connErrorLine(clientIp: string, clientPort: number, acceptDate: number, frontend: string, listener: string, text: string): string {
  return clientIp + ':' + clientPort + ' [' + logDate(acceptDate) + '] ' + frontend + '/' + listener + ': ' + text;
}

/** `option tcplog`. */
export function tcplogLine(r: SessionRecord): string {
  return r.clientIp + ':' + r.clientPort + ' [' + logDate(r.acceptDate) + '] ' + r.frontend + ' ' +
    r.backend + '/' + r.server + ' ' + r.tw + '/' + r.tc + '/' + r.tt + ' ' + r.bytesRead + ' ' +
    r.termState + ' ' + r.actconn + '/' + r.feconn + '/' + r.beconn + '/' + r.srvconn + '/' + retries(r) + ' ' +
    r.srvQueue + '/' + r.backendQueue;
}

/** `option httplog` (no captures: %CC %CS print '-', %hr %hs print nothing). */
export function httplogLine(r: HttpRecord, uriMax: number = REQURI_MAX): string {
  return r.clientIp + ':' + r.clientPort + ' [' + logDate(requestDate(r)) + '] ' + r.frontend + ' ' +
    r.backend + '/' + r.server + ' ' + r.tr + '/' + r.tw + '/' + r.tc + '/' + r.trResp + '/' + r.ta + ' ' +
    r.status + ' ' + r.bytesRead + ' - - ' + r.termState + r.cookieState + ' ' +
    r.actconn + '/' + r.feconn + '/' + r.beconn + '/' + r.srvconn + '/' + retries(r) + ' ' +
    r.srvQueue + '/' + r.backendQueue + ' "' + requestLineField(r.requestLine, uriMax) + '"';
}

/** `option httplog clf`: quoted names, GMT date; the line ends with a space as HAProxy's does. */
export function httplogClfLine(r: HttpRecord, uriMax: number = REQURI_MAX): string {
  return r.clientIp + ' - - [' + gmtDate(requestDate(r)) + '] "' + requestLineField(r.requestLine, uriMax) + '" ' +
    r.status + ' ' + r.bytesRead + ' "" "" ' + r.clientPort + ' ' + msPart(r.acceptDate) + ' "' +
    r.frontend + '" "' + r.backend + '" "' + r.server + '" ' +
    r.tr + ' ' + r.tw + ' ' + r.tc + ' ' + r.trResp + ' ' + r.ta + ' ' + r.termState + r.cookieState + ' ' +
    r.actconn + ' ' + r.feconn + ' ' + r.beconn + ' ' + r.srvconn + ' ' + retries(r) + ' ' +
    r.srvQueue + ' ' + r.backendQueue + ' "" "" ';
}
