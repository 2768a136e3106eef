#!/usr/bin/env node
// `npm start`: the bundled example running for real. Starts three small demo backends on
// 127.0.0.1:9001-9003 (each answers with its own name; /health answers 200), then Halyard with
// haproxy.example.cfg in the foreground. Ctrl-C stops everything.
//   curl -s localhost:8080/        -> app1, app2, app1, ... (roundrobin, cookie persistence)
//   curl -s localhost:8080/api/x   -> api1
//   http://127.0.0.1:8404/         -> the stats page (kill a backend and watch it turn DOWN)
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const demo = [['app1', 9001], ['app2', 9002], ['api1', 9003]];
const servers = [];
for (const [name, port] of demo) {
  const s = createServer((req, res) => {
    const body = req.url === '/health' ? 'ok\n' : `${name} served ${req.method} ${req.url}\n`;
    res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': name });
    res.end(body);
  });
  await new Promise((resolve, reject) => {
    s.once('error', (e) => reject(new Error(`demo backend ${name} cannot listen on 127.0.0.1:${port}: ${e.message}`)));
    s.listen(port, '127.0.0.1', resolve);
  });
  servers.push(s);
}
process.stdout.write(`demo backends: ${demo.map(([n, p]) => `${n} on 127.0.0.1:${p}`).join(', ')}\n`
  + 'halyard: http://127.0.0.1:8080/ (try /api/x too), stats on http://127.0.0.1:8404/ ; Ctrl-C to stop\n');

const halyard = spawn(process.execPath, [`${root}dist/lib/cli/halyard.js`, '-f', `${root}haproxy.example.cfg`, ...process.argv.slice(2)], { stdio: 'inherit' });
const stop = (sig) => { if (halyard.exitCode === null) halyard.kill(sig); };
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
halyard.on('exit', (code, sig) => {
  for (const s of servers) s.close();
  process.exitCode = code ?? (sig === 'SIGINT' || sig === 'SIGTERM' ? 0 : 1);
});
