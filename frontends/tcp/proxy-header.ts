/**
 * PROXY protocol headers sent to a server with `send-proxy` (v1, text) or `send-proxy-v2`
 * (binary), built once per server connection from the client's addresses. Clients on a unix
 * socket have no addresses to tell: v1 says UNKNOWN and v2 uses the LOCAL command, as HAProxy.
 */
import { isIPv4, isIPv6 } from 'node:net';

const V2_SIG = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

export interface ProxyAddrs {
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
}

/** The header for a client connection's addresses (ConnAddrs: source is the client). */
export function clientProxyHeader(version: 'v1' | 'v2', c: { readonly srcIp: string; readonly srcPort: number; readonly dstIp: string; readonly dstPort: number }): Buffer {
  return proxyHeader(version, { src: c.srcIp, srcPort: c.srcPort, dst: c.dstIp, dstPort: c.dstPort });
}

export function proxyHeader(version: 'v1' | 'v2', a: ProxyAddrs): Buffer {
  const v4 = isIPv4(a.src) && isIPv4(a.dst);
  const v6 = !v4 && isIPv6(a.src) && isIPv6(a.dst);
  if (version === 'v1') {
    if (!v4 && !v6) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
    return Buffer.from(`PROXY ${v4 ? 'TCP4' : 'TCP6'} ${a.src} ${a.dst} ${a.srcPort} ${a.dstPort}\r\n`, 'latin1');
  }
  const alen = v4 ? 12 : v6 ? 36 : 0;
  const b = Buffer.alloc(16 + alen);
  V2_SIG.copy(b, 0);
  // version 2; command PROXY (1) or LOCAL (0); family INET (1) / INET6 (2) over STREAM (1)
  b[12] = v4 || v6 ? 0x21 : 0x20;
  b[13] = v4 ? 0x11 : v6 ? 0x21 : 0x00;
  b.writeUInt16BE(alen, 14);
  if (v4) {
    writeV4(b, 16, a.src);
    writeV4(b, 20, a.dst);
    b.writeUInt16BE(a.srcPort, 24);
    b.writeUInt16BE(a.dstPort, 26);
  } else if (v6) {
    writeV6(b, 16, a.src);
    writeV6(b, 32, a.dst);
    b.writeUInt16BE(a.srcPort, 48);
    b.writeUInt16BE(a.dstPort, 50);
  }
  return b;
}

function writeV4(b: Buffer, at: number, ip: string): void {
  const p = ip.split('.');
  for (let i = 0; i < 4; i++) b[at + i] = Number(p[i]);
}

function writeV6(b: Buffer, at: number, ip: string): void {
  const zone = ip.indexOf('%');
  const text = zone >= 0 ? ip.slice(0, zone) : ip;
  const [head = '', tail = ''] = text.includes('::') ? text.split('::') : [text, ''];
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = groups(tail);
  const words: number[] = [];
  const push = (g: string): void => {
    if (g.includes('.')) {
      const q = g.split('.').map(Number);
      words.push(((q[0] ?? 0) << 8) | (q[1] ?? 0), ((q[2] ?? 0) << 8) | (q[3] ?? 0));
    } else {
      words.push(parseInt(g, 16));
    }
  };
  h.forEach(push);
  const tw: number[] = [];
  const saved = words.length;
  t.forEach(push);
  tw.push(...words.splice(saved));
  while (words.length + tw.length < 8) words.push(0);
  words.push(...tw);
  for (let i = 0; i < 8; i++) b.writeUInt16BE(words[i] ?? 0, at + i * 2);
}
