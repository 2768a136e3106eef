// The check targets of the benchmark: LISTENERS ports on 127.0.0.1 from BASE, each answering
// HTTP checks with a 200 and closing (plain TCP checks just connect). Run as a child process
// so its CPU is not counted in either checker's.
import net from 'node:net';

const [base, count] = process.argv.slice(2).map(Number);
const reply = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
let ready = 0;
for (let i = 0; i < count; i++) {
  const s = net.createServer((c) => {
    c.on('error', () => undefined);
    c.once('data', () => c.end(reply));
  });
  s.listen(base + i, '127.0.0.1', () => {
    if (++ready === count) process.send?.('ready');
  });
}
