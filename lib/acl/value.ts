/**
 * Sample values as the ACL engine carries them between a fetch, its converters and a matcher:
 * HAProxy's sample types folded onto JS values. str/bin/meth -> string (latin1), sint -> number,
 * bool -> boolean, ipv4/ipv6 -> Ip. Casts follow HAProxy's sample_casts table (sample.c).
 */
import type { Loc } from '../config/diag.js';
import { HalyardError } from '../errors.js';

export class Ip {
  constructor(readonly family: 4 | 6, readonly bytes: Uint8Array, readonly text: string) {}
}

export type Val = string | number | boolean | Ip;

/** Parses an IPv4 or IPv6 literal (IPv4-mapped IPv6 becomes IPv4); null when it is not one. */
export function parseIp(s: string): Ip | null {
  if (s.startsWith('::ffff:') && s.indexOf('.') > 0) s = s.slice(7);
  const v4 = parseV4(s);
  if (v4 !== null) return new Ip(4, v4, s);
  const v6 = parseV6(s);
  return v6 === null ? null : new Ip(6, v6, s);
}

function parseV4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    if (!/^[0-9]{1,3}$/.test(p)) return null;
    const n = parseInt(p, 10);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseV6(s: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return null;
  let tail: Uint8Array | null = null;
  let body = s;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) > 0) {
    tail = parseV4(s.slice(lastColon + 1));
    if (tail === null) return null;
    body = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = body.indexOf('::');
  if (dbl >= 0 && body.indexOf('::', dbl + 1) >= 0) return null;
  const groups = (x: string): string[] => (x === '' ? [] : x.split(':'));
  const head = dbl >= 0 ? groups(body.slice(0, dbl)) : groups(body);
  const rest = dbl >= 0 ? groups(body.slice(dbl + 2)) : [];
  const total = head.length + rest.length;
  if (dbl < 0 ? total !== 8 : total > 7) return null;
  const all = [...head, ...new Array<string>(8 - total).fill('0'), ...rest];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = all[i] as string;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const n = parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  }
  if (tail !== null) out.set(tail, 12);
  return out;
}

/** HAProxy's read_int64: optional sign then digits, stops at the first other character. */
export function strToInt(s: string): number | null {
  if (s.length === 0) return null;
  let i = 0;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') { neg = s[0] === '-'; i++; }
  let n = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return neg ? -n : n;
}

export function toStr(v: Val): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  return v.text;
}

export function toInt(v: Val): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return strToInt(v);
  if (v.family === 4) return ((v.bytes[0] as number) * 2 ** 24) + ((v.bytes[1] as number) << 16) + ((v.bytes[2] as number) << 8) + (v.bytes[3] as number);
  return null;
}

export function toBool(v: Val): boolean | null {
  if (typeof v === 'boolean') return v;
  const n = toInt(v);
  return n === null ? null : n !== 0;
}

export function toIp(v: Val): Ip | null {
  if (v instanceof Ip) return v;
  if (typeof v === 'string') return parseIp(v);
  if (typeof v === 'number') {
    const b = new Uint8Array([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
    return new Ip(4, b, b.join('.'));
  }
  return null;
}

/** A compile-time refusal: `file:line : <what> is not supported by Halyard`. */
export function refuse(loc: Loc | undefined, what: string): HalyardError {
  const at = loc === undefined ? '' : `${loc.file}:${loc.line} : `;
  return new HalyardError('HLY_CFG_UNSUPPORTED', `${at}${what} is not supported by Halyard.`);
}

export function badConfig(loc: Loc | undefined, msg: string): HalyardError {
  const at = loc === undefined ? '' : `${loc.file}:${loc.line} : `;
  return new HalyardError('HLY_CFG_BAD_ARG', `${at}${msg}`);
}
