// Benchmark origins in their own process: N raw TCP servers answering every request head with
// the same fixed HTTP/1.1 response (no http module: the origin should cost as little as
// possible, the proxies are what is measured). A request whose head says `Connection: close` is
// answered and then closed. GET only: a request body is not expected.
// Prints {"ports":[...]} once listening.
//   node benchmarks/http/origin.mjs [servers=2]
import { createServer } from 'node:net';

const N = Number(process.argv[2] ?? 2);
const BODY = 'hello from the benchmark origin\n';
const response = (name) => Buffer.from(
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\nX-Server: ${name}\r\n\r\n${BODY}`, 'latin1');
const CLOSE_RE = /\r\nconnection:[ \t]*close/i;

function serve(name) {
  const resp = response(name);
  return createServer({ noDelay: true }, (s) => {
    let head = ''; // a head split over reads (rare on loopback)
    s.on('data', (d) => {
      head += d.latin1Slice(0, d.length);
      let i;
      while ((i = head.indexOf('\r\n\r\n')) >= 0) {
        const h = head.slice(0, i + 2);
        head = head.slice(i + 4);
        if (CLOSE_RE.test(h)) { s.end(resp); return; }
        s.write(resp);
      }
    });
    s.on('error', () => {});
  });
}
const servers = Array.from({ length: N }, (_, i) => serve(`s${i + 1}`));
await Promise.all(servers.map((s) => new Promise((r) => s.listen(0, '127.0.0.1', 1024, r))));
process.stdout.write(JSON.stringify({ ports: servers.map((s) => s.address().port) }) + '\n');
process.on('SIGTERM', () => process.exit(0));
