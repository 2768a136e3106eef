// Small endpoints the compat tests run beside haproxy and Halyard: a syslog sink over UDP and a
// TCP echo origin.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** Datagrams from one UDP port, as text lines; waits for a matching line or for a count. */
export class LogSink {
  readonly lines: string[] = [];
  private waiters: { ready: () => boolean; resolve: () => void }[] = [];
  private constructor(readonly udp: UdpSocket, readonly port: number) {
    udp.on('message', (m) => {
      this.lines.push(m.toString('latin1').replace(/\n$/, ''));
      this.waiters = this.waiters.filter((w) => (w.ready() ? (w.resolve(), false) : true));
    });
  }

  static async open(): Promise<LogSink> {
    const udp = createSocket('udp4');
    udp.bind(0, '127.0.0.1');
    await once(udp, 'listening');
    return new LogSink(udp, udp.address().port);
  }

  private when(ready: () => boolean): Promise<void> {
    return ready() ? Promise.resolve() : new Promise((resolve) => this.waiters.push({ ready, resolve }));
  }

  /** a line matching `re` has come */
  until(re: RegExp): Promise<void> {
    return this.when(() => this.lines.some((l) => re.test(l)));
  }

  /** `n` lines have come */
  count(n: number): Promise<void> {
    return this.when(() => this.lines.length >= n);
  }

  close(): void {
    this.udp.close();
  }
}

/** A TCP server that echoes what it receives. */
export async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const open = new Set<Socket>();
  const srv: Server = createServer((s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => { for (const s of open) s.destroy(); srv.close(() => r()); }),
  };
}
