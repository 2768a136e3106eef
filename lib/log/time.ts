// HAProxy's log dates. All but %trg/CLF are in local time (HAProxy calls localtime_r), so they
// follow TZ exactly as the real process does. Each formatter caches the text of the last second
// it saw: a busy frontend logs many lines per second and only the milliseconds change.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function pad2(n: number): string { return n < 10 ? '0' + n : '' + n; }
function pad3(n: number): string { return n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n; }
function pad6(n: number): string {
  const s = '' + n;
  return s.length >= 6 ? s : '000000'.slice(s.length) + s;
}
function pad4(n: number): string {
  const s = '' + n;
  return s.length >= 4 ? s : '0000'.slice(s.length) + s;
}

/** '+hh:mm' / '-hh:mm' for a Date's local offset (ISO 8601, as HAProxy's timeofday_as_iso_us). */
function isoOffset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const a = off < 0 ? -off : off;
  return (off < 0 ? '-' : '+') + pad2(Math.floor(a / 60)) + ':' + pad2(a % 60);
}

let logSec = -1;
let logPrefix = '';
/** `dd/Mon/yyyy:HH:MM:SS.mmm` in local time (%t, %tr), without the brackets. */
export function logDate(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== logSec) {
    const d = new Date(sec * 1000);
    logPrefix = pad2(d.getDate()) + '/' + MONTHS[d.getMonth()] + '/' + pad4(d.getFullYear()) + ':' +
      pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds()) + '.';
    logSec = sec;
  }
  return logPrefix + pad3(ms - sec * 1000);
}

let gmtSec = -1;
let gmtText = '';
/** `dd/Mon/yyyy:HH:MM:SS +0000` in GMT (%trg, used by `option httplog clf`). */
export function gmtDate(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== gmtSec) {
    const d = new Date(sec * 1000);
    gmtText = pad2(d.getUTCDate()) + '/' + MONTHS[d.getUTCMonth()] + '/' + pad4(d.getUTCFullYear()) + ':' +
      pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds()) + ' +0000';
    gmtSec = sec;
  }
  return gmtText;
}

/** Milliseconds of a date, zero-padded to 3 digits (%ms). */
export function msPart(ms: number): string {
  return pad3(ms - Math.floor(ms / 1000) * 1000);
}

let legacySec = -1;
let legacyText = '';
/** `Mon dd HH:MM:SS` with the day padded by a space, local time (RFC 3164 header). */
export function rfc3164Date(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== legacySec) {
    const d = new Date(sec * 1000);
    const day = d.getDate();
    legacyText = MONTHS[d.getMonth()] + ' ' + (day < 10 ? ' ' + day : '' + day) + ' ' +
      pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds());
    legacySec = sec;
  }
  return legacyText;
}

let isoSec = -1;
let isoPrefix = '';
let isoSuffix = '';
/** `yyyy-mm-ddTHH:MM:SS.uuuuuu+hh:mm` in local time (rfc5424, iso, timed headers). */
export function isoDate(us: number): string {
  const sec = Math.floor(us / 1e6);
  if (sec !== isoSec) {
    const d = new Date(sec * 1000);
    isoPrefix = pad4(d.getFullYear()) + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + 'T' +
      pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds()) + '.';
    isoSuffix = isoOffset(d);
    isoSec = sec;
  }
  return isoPrefix + pad6(us - sec * 1e6) + isoSuffix;
}

/** Wall-clock time in microseconds (performance.timeOrigin has sub-millisecond precision). */
export function nowUs(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}
