// Benchmark upstreams in their own process: a keep-alive responder (a fixed 2-byte HTTP
// response per request head) and a sink that reads everything and answers with the byte count.
// Prints {"http":port,"sink":port}.
import { createServer } from 'node:net';

const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
const http = createServer({ noDelay: true }, (s) => {
  let tail = 0; // bytes of "\r\n\r\n" matched so far, across chunks
  s.on('data', (d) => {
    for (let i = 0; i < d.length; i++) {
      const c = d[i];
      tail = (c === 13 && (tail === 0 || tail === 2)) || (c === 10 && (tail === 1 || tail === 3)) ? tail + 1 : c === 13 ? 1 : 0;
      if (tail === 4) { s.write(RESPONSE); tail = 0; }
    }
  });
  s.on('error', () => {});
});
const sink = createServer({ allowHalfOpen: true }, (s) => {
  let n = 0;
  s.on('data', (d) => { n += d.length; });
  s.on('end', () => s.end(String(n)));
  s.on('error', () => {});
});
await Promise.all([new Promise((r) => http.listen(0, '127.0.0.1', r)), new Promise((r) => sink.listen(0, '127.0.0.1', r))]);
process.stdout.write(JSON.stringify({ http: http.address().port, sink: sink.address().port }) + '\n');
