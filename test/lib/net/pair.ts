// A connected pair of real sockets for the lib/net tests: `writer` sends to `reader`, which
// starts paused (reads nothing until resumed).
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export async function pair(): Promise<{ writer: Socket; reader: Socket; close(): void }> {
  let accepted: (s: Socket) => void = () => undefined;
  const got = new Promise<Socket>((r) => { accepted = r; });
  const srv = createServer({ pauseOnConnect: true }, (s) => accepted(s));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const writer = connect((srv.address() as AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => writer.once('connect', () => r()));
  const reader = await got;
  return { writer, reader, close: () => { writer.destroy(); reader.destroy(); srv.close(); } };
}
