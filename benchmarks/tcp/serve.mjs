// Serves a config with Halyard's runtime until the CLI serve mode exists: ipv4 binds only,
// one listener per port. Prints "ready" once listening. Needs `npm run build` first.
//   node benchmarks/tcp/serve.mjs <cfg>
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { loadConfig } = await import(`${root}dist/lib/config/load.js`);
const { buildRuntime } = await import(`${root}dist/lib/runtime/runtime.js`);

const res = await loadConfig([process.argv[2]], { noResolve: true });
if (res.config === undefined) {
  for (const d of res.diags) console.error(d.message);
  process.exit(1);
}
const rt = buildRuntime(res.config);
const listening = [];
for (const fe of rt.frontends) {
  for (const b of fe.binds) {
    for (const a of b.addresses) {
      for (let port = a.portLow; port <= a.portHigh; port++) {
        const srv = createServer({ allowHalfOpen: true, noDelay: true }, (s) => fe.accept(s));
        listening.push(new Promise((r) => srv.listen(port, a.host === '' ? '0.0.0.0' : a.host, 511, r)));
      }
    }
  }
}
await Promise.all(listening);
process.stdout.write('ready\n');
process.on('SIGTERM', () => process.exit(0));
