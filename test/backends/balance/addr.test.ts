import t from 'tap';
import { addrBytes } from '../../../backends/balance/addr.js';

const v4 = new Uint8Array(4);
const v6 = new Uint8Array(16);
const hex = (b: Uint8Array | null): string => (b === null ? 'null' : Buffer.from(b).toString('hex'));

t.test('client addresses become network-order bytes for source hashing', async (t) => {
  t.equal(hex(addrBytes('127.0.0.9', v4, v6)), '7f000009');
  t.equal(hex(addrBytes('::ffff:10.1.2.3', v4, v6)), '0a010203', 'IPv4-mapped hashes as IPv4');
  t.equal(hex(addrBytes('::1', v4, v6)), '00000000000000000000000000000001');
  t.equal(hex(addrBytes('2001:db8::8:800:200c:417a', v4, v6)), '20010db80000000000080800200c417a');
  t.equal(hex(addrBytes('fe80::1%eth0', v4, v6)), 'fe800000000000000000000000000001');
  t.equal(hex(addrBytes('64:ff9b::192.0.2.33', v4, v6)), '0064ff9b0000000000000000c0000221');
  t.equal(addrBytes(undefined, v4, v6), null);
  t.equal(addrBytes('/run/x.sock', v4, v6), null);
});
