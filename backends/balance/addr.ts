/**
 * Client addresses as bytes for `balance source`. Frontends call this once per connection with
 * `socket.remoteAddress` and keep the result in their PickContext (`ctx.src`).
 *
 * An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack listener reports for IPv4
 * clients) hashes as the IPv4 address, as HAProxy would see it on an IPv4 listener.
 */
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Writes `text` into `v4` (4 bytes) or `v6` (16 bytes) and returns the one used, or null when
 * it is not an IP address (e.g. a unix socket: `source` then falls back to round robin).
 */
export function addrBytes(text: string | undefined, v4: Uint8Array, v6: Uint8Array): Uint8Array | null {
  if (text === undefined) return null;
  if (isIPv4(text)) return writeV4(text, v4, 0) ? v4 : null;
  if (!isIPv6(text)) return null;
  const zone = text.indexOf('%');
  const a = zone >= 0 ? text.slice(0, zone) : text;
  const lower = a.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(a.slice(7))) return writeV4(a.slice(7), v4, 0) ? v4 : null;
  return writeV6(a, v6) ? v6 : null;
}

function writeV4(text: string, out: Uint8Array, at: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) out[at + i] = Number(parts[i]);
  return true;
}

function writeV6(text: string, out: Uint8Array): boolean {
  out.fill(0);
  const dbl = text.indexOf('::');
  const head = dbl >= 0 ? text.slice(0, dbl) : text;
  const tail = dbl >= 0 ? text.slice(dbl + 2) : '';
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  let t = groups(tail);
  // A trailing dotted quad stands for the last two groups.
  const last = (dbl >= 0 ? t : h).at(-1);
  let quad: string | null = null;
  if (last !== undefined && last.includes('.')) {
    quad = last;
    if (dbl >= 0) t = t.slice(0, -1);
    else h.pop();
  }
  const tailBytes = t.length * 2 + (quad !== null ? 4 : 0);
  for (let i = 0; i < h.length; i++) writeGroup(h[i] as string, out, i * 2);
  let at = 16 - tailBytes;
  for (const g of t) {
    writeGroup(g, out, at);
    at += 2;
  }
  return quad === null || writeV4(quad, out, 12);
}

function writeGroup(g: string, out: Uint8Array, at: number): void {
  const v = parseInt(g, 16);
  out[at] = v >>> 8;
  out[at + 1] = v & 0xff;
}
