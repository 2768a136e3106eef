// Halyard's checker alone: load the config, build the backends, start the health checks.
// This is what the master process does for checks; nothing else runs in this process.
import { Backend } from '../../dist/backends/backend.js';
import { balanceSpec } from '../../dist/backends/balance/index.js';
import { createHealthChecks } from '../../dist/backends/health/index.js';
import { loadConfig } from '../../dist/lib/config/load.js';

const loaded = await loadConfig([process.argv[2]], { noResolve: true });
if (loaded.config === undefined) {
  console.error(loaded.diags.map((d) => d.message).join('\n'));
  process.exit(1);
}
const backends = new Map();
loaded.config.proxies.forEach((px, i) => {
  if (px.kind !== 'backend') return;
  backends.set(px.name, new Backend({
    name: px.name, id: i + 1, balance: balanceSpec('roundrobin'),
    servers: px.servers.map((s) => ({ name: s.name, address: s.host, port: s.port ?? 0, weight: s.weight, backup: s.backup, disabled: s.disabled })),
  }));
});
const { checks } = createHealthChecks(loaded.config, backends, { stderr: (l) => process.stderr.write(l) });
checks.start();
process.send?.('ready');
// Report how many servers are UP when asked, to show the checks really ran.
process.on('message', (m) => {
  if (m === 'status') {
    const all = checks.all();
    process.send?.({ up: all.filter((c) => c.srv.isUp).length, checked: all.filter((c) => c.duration >= 0).length, total: all.length });
  }
});
