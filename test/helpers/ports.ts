// Ports for listeners a test starts a moment later (haproxy, Halyard, origins). Port 0 picks from
// the kernel's ephemeral range, where any outgoing connection (tap runs two test files at once)
// can take the port between the check and the bind: the "Address already in use" flakes. These
// come from below that range, where only listeners go, and are checked free by binding them.
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';

function ephemeralLow(): number {
  try {
    const lo = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(lo) && lo > 0 ? lo : 32768;
  } catch {
    return 32768;
  }
}

const LOW = 10000;
const HIGH = ephemeralLow();
/** ports this process has handed out (two tests of one file must not get the same one) */
const given = new Set<number>();

function bindable(port: number): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(-1));
    s.listen(port, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export async function freePort(): Promise<number> {
  if (HIGH - LOW >= 1000) {
    for (let i = 0; i < 100; i++) {
      const p = LOW + Math.floor(Math.random() * (HIGH - LOW));
      if (given.has(p)) continue;
      if (await bindable(p) === p) {
        given.add(p);
        return p;
      }
    }
  }
  return bindable(0);
}
