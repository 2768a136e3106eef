// The PROXY protocol header reader (lib/net/proxy-proto.ts) and the accept-proxy wait around it
// (lib/net/proxy-accept.ts): what HAProxy 2.6 accepts, with which addresses, and how it refuses.
import t from 'tap';
import { isIPv6 } from 'node:net';
import { PEEK_MAX, crc32c, ip6Text, parseIp6, parseProxyHeader, type ProxyHeader } from '../../../lib/net/proxy-proto.js';
import { ProxyWait } from '../../../lib/net/proxy-accept.js';
import { proxyHeader } from '../../../frontends/tcp/proxy-header.js';

const parse = (b: Buffer | string): ProxyHeader => {
  const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
  return parseProxyHeader(buf, buf.length);
};

const SIG = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
function v2(verCmd: number, fam: number, body: Buffer | number[]): Buffer {
  const b = Buffer.from(body);
  const h = Buffer.from([...SIG, verCmd, fam, 0, 0]);
  h.writeUInt16BE(b.length, 14);
  return Buffer.concat([h, b]);
}
const V4_BODY = [1, 2, 3, 4, 5, 6, 7, 8, 0x04, 0x57, 0x08, 0xae];

t.test('v1 TCP4 gives both addresses and the header length', async (t) => {
  const line = 'PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r\n';
  t.same(parse(line + 'GET / HTTP/1.1\r\n'), { ok: true, len: line.length, addrs: { srcIp: '1.2.3.4', srcPort: 1111, dstIp: '5.6.7.8', dstPort: 2222 } });
});

t.test('v1 TCP4 is read as leniently as HAProxy reads it', async (t) => {
  const a = (line: string): unknown => { const r = parse(line); return r.ok ? r.addrs : r.error; };
  // missing octets are 0, an octet keeps its last three digits, ports wrap at 16 bits
  t.same(a('PROXY TCP4 1.2.3 5.6.7.1234 70000 2222\r\n'), { srcIp: '1.2.3.0', srcPort: 4464, dstIp: '5.6.7.234', dstPort: 2222 });
  // an octet above 255 carries into the one before it
  t.same(a('PROXY TCP4 1.2.3.300 0.0.0.0 1 2\r\n'), { srcIp: '1.2.4.44', srcPort: 1, dstIp: '0.0.0.0', dstPort: 2 });
  // no length limit of its own: a 200-digit port is read (modulo 2^32, then 16 bits)
  t.equal(parse(`PROXY TCP4 1.2.3.4 5.6.7.8 1111 ${'2'.repeat(200)}\r\n`).ok, true);
  t.equal(a('PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\r\n'), 'bad-hdr');
  t.equal(a('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\nGET'), 'bad-hdr');
  t.equal(a('PROXY TCP4 1.2.3.4 5.6.7.8 1x 2\r\n'), 'bad-hdr');
});

t.test('v1 TCP6 gives addresses written as inet_ntop writes them', async (t) => {
  const r = parse('PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::ffff:1.2.3.4 1111 2222\r\nrest');
  t.same(r, { ok: true, len: 58, addrs: { srcIp: '2001:db8::1', srcPort: 1111, dstIp: '::ffff:1.2.3.4', dstPort: 2222 } });
  // extra fields after the destination port pass, as in HAProxy
  t.same(parse('PROXY TCP6 ::1 ::2 1 2 extra\r\n'), { ok: true, len: 30, addrs: { srcIp: '::1', srcPort: 1, dstIp: '::2', dstPort: 2 } });
  t.same(parse('PROXY TCP6 1.2.3.4 ::2 1 2\r\n'), { ok: false, error: 'bad-hdr' });
  t.same(parse('PROXY TCP6 ::1 ::2 1\r\n'), { ok: false, error: 'bad-hdr' });
  t.same(parse('PROXY TCP6 ::1 ::2 1 2x\r\n'), { ok: false, error: 'bad-hdr' });
});

t.test('v1 UNKNOWN keeps the socket addresses; only "UNKNOWN\\r\\n" exactly', async (t) => {
  t.same(parse('PROXY UNKNOWN\r\nGET'), { ok: true, len: 15, addrs: null });
  t.same(parse('PROXY UNKNOWN ffff::1 2.2.2.2 1 2\r\n'), { ok: false, error: 'bad-proto' });
  t.same(parse('PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n'), { ok: false, error: 'bad-proto' });
});

t.test('an incomplete header is "truncated", whatever its version', async (t) => {
  for (const part of ['', 'PROX', 'PROXY', 'PROXY TCP4 1.2.3.4 ', 'PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r', 'PROXY TCP6 ::1 ::2 1 2', 'GET /\r\n\r\n']) {
    t.same(parse(part), { ok: false, error: 'truncated' }, JSON.stringify(part));
  }
  const full = v2(0x21, 0x11, V4_BODY);
  for (let n = 6; n < full.length; n++) t.same(parseProxyHeader(full, n), { ok: false, error: 'truncated' }, `v2 cut at ${n}`);
});

t.test('something else is "not a PROXY header"', async (t) => {
  t.same(parse('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), { ok: false, error: 'not-hdr' });
  const badSig = v2(0x21, 0x11, V4_BODY);
  badSig[11] = 0x0b;
  t.same(parse(badSig), { ok: false, error: 'not-hdr' });
  t.same(parse(v2(0x11, 0x11, V4_BODY)), { ok: false, error: 'not-hdr' }, 'version 1 in a v2 header');
});

t.test('v2: PROXY over IPv4 and IPv6, LOCAL, commands and families', async (t) => {
  t.same(parse(Buffer.concat([v2(0x21, 0x11, V4_BODY), Buffer.from('GET')])),
    { ok: true, len: 28, addrs: { srcIp: '1.2.3.4', srcPort: 1111, dstIp: '5.6.7.8', dstPort: 2222 } });
  const v6 = Buffer.alloc(36);
  v6[15] = 1;
  v6[16 + 10] = 0xff; v6[16 + 11] = 0xff; v6.set([9, 8, 7, 6], 16 + 12);
  v6.writeUInt16BE(80, 32);
  v6.writeUInt16BE(443, 34);
  t.same(parse(v2(0x21, 0x21, v6)), { ok: true, len: 52, addrs: { srcIp: '::1', srcPort: 80, dstIp: '::ffff:9.8.7.6', dstPort: 443 } });
  t.same(parse(v2(0x20, 0x00, [])), { ok: true, len: 16, addrs: null }, 'LOCAL');
  t.same(parse(v2(0x20, 0x11, V4_BODY)), { ok: true, len: 28, addrs: null }, 'LOCAL ignores its addresses');
  t.same(parse(v2(0x22, 0x11, V4_BODY)), { ok: false, error: 'bad-hdr' }, 'unknown command');
  t.same(parse(v2(0x21, 0x11, V4_BODY.slice(0, 8))), { ok: false, error: 'bad-hdr' }, 'short IPv4 block');
  // other families: HAProxy 2.6 reads TLVs from the start of the header, which refuses them
  t.same(parse(v2(0x21, 0x31, Buffer.alloc(216))), { ok: false, error: 'bad-hdr' }, 'unix');
  t.same(parse(v2(0x21, 0x12, V4_BODY)), { ok: false, error: 'bad-hdr' }, 'udp4');
  t.same(parse(v2(0x21, 0x00, [])), { ok: false, error: 'bad-hdr' }, 'unspec');
});

t.test('v2 TLVs are skipped, within HAProxy limits, and a CRC32C must match', async (t) => {
  const tlv = (type: number, value: Buffer): Buffer => Buffer.concat([Buffer.from([type, value.length >> 8, value.length & 255]), value]);
  const ok = v2(0x21, 0x11, Buffer.concat([Buffer.from(V4_BODY), tlv(0x01, Buffer.from('h2')), tlv(0x02, Buffer.alloc(255, 0x61)), tlv(0xee, Buffer.alloc(10))]));
  t.equal(parse(ok).ok, true);
  t.same(parse(v2(0x21, 0x11, Buffer.concat([Buffer.from(V4_BODY), tlv(0x02, Buffer.alloc(256, 0x61))]))), { ok: false, error: 'bad-hdr' }, 'authority too long');
  t.same(parse(v2(0x21, 0x11, Buffer.concat([Buffer.from(V4_BODY), tlv(0x05, Buffer.alloc(129))]))), { ok: false, error: 'bad-hdr' }, 'unique id too long');
  t.same(parse(v2(0x21, 0x11, Buffer.concat([Buffer.from(V4_BODY), Buffer.from([0x01, 0x00])]))), { ok: false, error: 'bad-hdr' }, 'cut TLV header');
  t.same(parse(v2(0x21, 0x11, Buffer.concat([Buffer.from(V4_BODY), Buffer.from([0x01, 0x00, 0x05, 1])]))), { ok: false, error: 'bad-hdr' }, 'TLV past the end');
  const withCrc = v2(0x21, 0x11, Buffer.concat([Buffer.from(V4_BODY), tlv(0x03, Buffer.alloc(4))]));
  withCrc.writeUInt32BE(crc32c(withCrc), withCrc.length - 4);
  t.equal(parse(withCrc).ok, true, 'right CRC32C');
  withCrc.writeUInt8(withCrc.readUInt8(withCrc.length - 1) ^ 1, withCrc.length - 1);
  t.same(parse(withCrc), { ok: false, error: 'bad-hdr' }, 'wrong CRC32C');
  t.equal(crc32c(Buffer.from('123456789')), 0xe3069283, 'CRC-32C check value');
});

t.test('only one buffer (16384 bytes) is looked at, as HAProxy peeks', async (t) => {
  const big = v2(0x21, 0x11, Buffer.concat([Buffer.from(V4_BODY), Buffer.from([0xee, 0x40, 0x00]), Buffer.alloc(0x4000)]));
  t.ok(big.length > PEEK_MAX);
  t.same(parse(big), { ok: false, error: 'truncated' });
  const line = `PROXY TCP4 1.2.3.4 5.6.7.8 1 ${'2'.repeat(PEEK_MAX)}\r\n`;
  t.same(parse(line), { ok: false, error: 'truncated' });
});

t.test('headers written by send-proxy (v1 and v2) read back with the same addresses', async (t) => {
  for (const v of ['v1', 'v2'] as const) {
    for (const a of [{ src: '10.0.0.1', srcPort: 1234, dst: '10.0.0.2', dstPort: 80 }, { src: '2001:db8::5', srcPort: 1, dst: 'fe80::1', dstPort: 65535 }]) {
      const h = proxyHeader(v, a);
      t.same(parse(h), { ok: true, len: h.length, addrs: { srcIp: a.src, srcPort: a.srcPort, dstIp: a.dst, dstPort: a.dstPort } }, `${v} ${a.src}`);
    }
  }
});

t.test('IPv6 text: inet_pton rules in, inet_ntop form out', async (t) => {
  const rt = (s: string): string | null => { const b = parseIp6(Buffer.from(s), 0, s.length); return b === null ? null : ip6Text(b); };
  t.equal(rt('::'), '::');
  t.equal(rt('1::'), '1::');
  t.equal(rt('1:0:0:2:0:0:0:3'), '1:0:0:2::3', 'the longest run of zeros');
  t.equal(rt('1:0:0:2:3:0:0:4'), '1::2:3:0:0:4', 'the first of equal runs');
  t.equal(rt('1:0:2:3:4:5:6:7'), '1:0:2:3:4:5:6:7', 'a single zero group is not shortened');
  t.equal(rt('::102:304'), '::1.2.3.4', 'IPv4-compatible');
  t.equal(rt('0:0:0:0:0:ffff:102:304'), '::ffff:1.2.3.4', 'IPv4-mapped');
  t.equal(rt('ABCD:EF01::'), 'abcd:ef01::');
  for (const bad of ['', ':', ':1', '1:', '1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '::1.2.3', '::1.2.3.256', '::01.2.3.4', 'g::', 'fe80::1%eth0']) {
    t.equal(rt(bad), null, JSON.stringify(bad));
  }
  for (const good of ['1:2:3:4:5:6:7:8', '::ffff:1.2.3.4', '1:2:3:4:5:6:1.2.3.4', 'fe80::1']) t.ok(isIPv6(rt(good) ?? ''), good);
});

t.test('ProxyWait: a complete header in one read, then what followed it', async (t) => {
  const w = new ProxyWait({ name: '1', id: 1 });
  const buf = Buffer.alloc(64);
  const n = buf.write('PROXY UNKNOWN\r\nGET / HTTP/1.1\r\n', 'latin1');
  const r = w.push(buf, n);
  t.same(r, { ok: true, len: 15, addrs: null });
  t.equal(w.rest?.toString('latin1'), 'GET / HTTP/1.1\r\n');
  buf.fill(0); // the reader's buffer is reused: `rest` is a copy
  t.equal(w.rest?.toString('latin1'), 'GET / HTTP/1.1\r\n');
});

t.test('ProxyWait: an incomplete header is refused unless the read filled the buffer', async (t) => {
  const short = new ProxyWait({ name: '1', id: 1 });
  const b = Buffer.alloc(64);
  const n = b.write('PROXY TCP4 1.2.3.4 ', 'latin1');
  t.same(short.push(b, n), { ok: false, error: 'truncated' });
  // a read that filled its (small) buffer may be followed by the rest
  const line = Buffer.from('PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r\nhello', 'latin1');
  const w = new ProxyWait({ name: '1', id: 1 });
  const small = Buffer.alloc(10);
  let r: ProxyHeader | null = null;
  for (let off = 0; off < line.length && r === null; off += small.length) {
    const k = line.copy(small, 0, off, off + small.length);
    r = w.push(small, k);
  }
  t.same(r, { ok: true, len: 38, addrs: { srcIp: '1.2.3.4', srcPort: 1111, dstIp: '5.6.7.8', dstPort: 2222 } });
  // the rest of that read; the next reads are the stream's
  t.equal(w.rest?.toString('latin1'), 'he');
});
