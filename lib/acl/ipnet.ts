/** IP networks for `src`/`dst` ACLs and map_ip: bytes and a prefix length, compared bitwise. */
import type { AclValue } from '../config/model.js';
import { parseIp, type Ip } from './value.js';

export interface IpNet {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

export function compileIpNet(v: Extract<AclValue, { kind: 'ip' }>): IpNet {
  const ip = parseIp(v.addr);
  if (ip === null || ip.family !== v.family) throw new Error(`bad IP pattern ${v.addr}`);
  return { family: v.family, bytes: ip.bytes, prefix: v.prefix };
}

function prefixEq(a: Uint8Array, ao: number, b: Uint8Array, bits: number): boolean {
  const full = bits >> 3;
  for (let i = 0; i < full; i++) if (a[ao + i] !== b[i]) return false;
  const rem = bits & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return ((a[ao + full] as number) & mask) === ((b[full] as number) & mask);
}

const V4_MAPPED = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);

/** HAProxy compares v4 samples with v6 networks through the v4-mapped form, and back. */
export function ipInNet(ip: Ip, net: IpNet): boolean {
  if (ip.family === net.family) return prefixEq(ip.bytes, 0, net.bytes, net.prefix);
  if (ip.family === 4) {
    // v4 sample, v6 network: the network must be v4-mapped (::ffff:a.b.c.d/96+n)
    if (net.prefix < 96 || !prefixEq(net.bytes, 0, V4_MAPPED, 96)) return false;
    return prefixEq(ip.bytes, 0, net.bytes.subarray(12), net.prefix - 96);
  }
  // v6 sample, v4 network: only v4-mapped samples
  if (!prefixEq(ip.bytes, 0, V4_MAPPED, 96)) return false;
  return prefixEq(ip.bytes, 12, net.bytes, net.prefix);
}
