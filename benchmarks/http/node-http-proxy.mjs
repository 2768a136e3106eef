// node-http-proxy (the `http-proxy` package) as the Node baseline: http.Server in front, a
// keep-alive agent to the origins, round robin over them. Prints "ready" once listening.
//   node benchmarks/http/node-http-proxy.mjs <port> <origin port>...
import { createServer, Agent } from 'node:http';
import httpProxy from 'http-proxy';

const [port, ...origins] = process.argv.slice(2).map(Number);
const agent = new Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 1024 });
const proxy = httpProxy.createProxyServer({ agent, xfwd: false });
proxy.on('error', (err, req, res) => {
  if (!res.headersSent) res.writeHead(502);
  res.end();
});
const targets = origins.map((p) => `http://127.0.0.1:${p}`);
let next = 0;
const server = createServer((req, res) => {
  const target = targets[next];
  next = (next + 1) % targets.length;
  proxy.web(req, res, { target });
});
server.keepAliveTimeout = 30000;
server.listen(port, '127.0.0.1', 1024, () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => process.exit(0));
