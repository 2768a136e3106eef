/**
 * Checks that Backend.pick (+ takeConn/releaseConn) allocates nothing once warm: counts the
 * garbage collections during N picks per algorithm (0 expected) and prints picks per second.
 *
 *   node --loader @isaacs/ts-node-temp-fork-for-pr-2009/esm benchmarks/micro/balance-alloc.ts
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { Backend } from '../../backends/backend.js';
import { balanceSpec, hashType, type BalanceAlgo, type BalanceSpec, type ByteSlice, type PickContext } from '../../backends/balance/index.js';

const enc = new TextEncoder();
const host = enc.encode('www.example.com');
const uri = enc.encode('/a/b/c?userid=4242&x=1');
const ctx: PickContext = {
  src: Uint8Array.from([10, 0, 0, 1]),
  uri: { buf: uri, start: 0, end: uri.length },
  findHeader(_name: string, out: ByteSlice): boolean {
    out.buf = host;
    out.start = 0;
    out.end = host.length;
    return true;
  },
};

let gcs = 0;
new PerformanceObserver((list) => (gcs += list.getEntries().length)).observe({ entryTypes: ['gc'] });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

const CASES: [BalanceAlgo, Partial<BalanceSpec>][] = [
  ['roundrobin', {}], ['static-rr', {}], ['leastconn', {}], ['first', {}], ['random', {}],
  ['source', {}], ['uri', {}], ['url_param', { argName: 'userid' }], ['hdr', { argName: 'host', useDomainOnly: true }],
  ['source', { hashType: hashType('consistent') }], ['uri', { hashType: hashType('consistent') }],
];
const N = Number(process.env['PICKS'] ?? 2_000_000);

for (const [algo, over] of CASES) {
  const be = new Backend({
    name: 'be',
    id: 1,
    balance: balanceSpec(algo, over),
    servers: [5, 3, 2, 1].map((weight, i) => ({ name: `s${i}`, address: '127.0.0.1', port: 8000 + i, weight })),
  });
  const run = (): void => {
    for (let i = 0; i < N; i++) {
      const s = be.pick(ctx);
      if (s !== null) {
        be.takeConn(s);
        be.releaseConn(s);
      }
    }
  };
  run(); // warm up: let the JIT settle
  await tick();
  gcs = 0;
  const t0 = process.hrtime.bigint();
  run();
  const ns = Number(process.hrtime.bigint() - t0);
  await tick();
  const name = `${algo}${over.hashType !== undefined ? ' consistent' : ''}`;
  process.stdout.write(`${name.padEnd(20)} gc during ${N} picks: ${gcs}   ${Math.round((N / ns) * 1e9).toLocaleString()} picks/s\n`);
}
