// Child process for stdio.test.ts: logs through stdout/stderr targets, then exits the way argv says.
import { builtinGlobal } from '../../../lib/config/proxy-defaults.js';
import { LogSystem } from '../../../lib/log/logger.js';
import { proxy, tcpRecord } from './records.js';

const loc = { file: 't.cfg', line: 1 };
const g = builtinGlobal();
g.logs = [
  { target: 'stdout', facility: 'local0', format: 'raw', loc },
  { target: 'stdout', facility: 'local1', loc },
  { target: 'stderr', facility: 'local2', format: 'short', loc },
];
const sys = new LogSystem(g, { pid: 77 });
const be = proxy('be', 'tcp', { tcplog: true });
const n = Number(process.argv[2] ?? '1');
for (let i = 0; i < n; i++) sys.forProxy(be).tcp(tcpRecord({ clientPort: i }));
sys.notify(be, 'WARNING', 'alert', 'Server be/s1 is DOWN. 0 active and 0 backup servers left.');
sys.notify(be, 'ALERT', 'emerg', 'backend be has no server available!', "backend 'be' has no server available!");
if (process.argv[3] === 'exit') process.exit(0);
