import t from 'tap';
import { compileChecks, statusRanges } from '../../../backends/health/rules.js';
import { ManualScheduler, TimerHeap, type Timed } from '../../../backends/health/scheduler.js';
import { CHECK_STATUSES, CheckStatus, checkStatusRow } from '../../../backends/health/status.js';
import { proxyV2 } from '../../../backends/health/wire.js';
import { checkProxy, rule } from './helpers.js';

const kinds = (px: ReturnType<typeof checkProxy>): string[] => compileChecks(px).program.steps.map((s) => s.kind);

t.test('check alone is one connect; option httpchk is connect, send and the implicit 2xx/3xx expectation', async (t) => {
  t.same(kinds(checkProxy()), ['connect']);
  const http = compileChecks(checkProxy({ httpchk: true })).program;
  t.same(http.steps.map((s) => s.kind), ['connect', 'http-send', 'expect']);
  const e = http.steps[2];
  t.ok(e?.kind === 'expect' && e.implicit && e.match === 'status');
});

t.test('option tcp-check without rules is a plain connect; with rules an implicit connect comes first', async (t) => {
  t.same(compileChecks(checkProxy({ tcpCheck: true })).program.type, 'tcp');
  t.same(kinds(checkProxy({ tcpCheck: true, tcpCheckRules: [rule('send', 'PING'), rule('expect', 'string', 'PONG')] })), ['connect', 'send', 'expect']);
});

t.test('an explicit http-check connect keeps the option request after it', async (t) => {
  t.same(kinds(checkProxy({ httpchk: true, httpCheckRules: [rule('connect'), rule('expect', 'status', '200')] })), ['connect', 'http-send', 'expect']);
});

t.test('forms we do not run are listed as problems, not silently dropped', async (t) => {
  const r = compileChecks(checkProxy({ httpchk: true, httpCheckRules: [rule('expect', 'hdr', 'name', 'x')] }));
  t.equal(r.problems.length, 1);
  t.match(r.problems[0], /http-check expect hdr/);
});

t.test('status lists take codes and ranges', async (t) => {
  t.same(statusRanges('200,204,300-399'), [[200, 200], [204, 204], [300, 399]]);
});

t.test('the status table carries HAProxy\'s codes, numbers and descriptions', async (t) => {
  t.same(
    [CheckStatus.L4CON, CheckStatus.L7OK, CheckStatus.L7STS].map((s) => [s, checkStatusRow(s).code, checkStatusRow(s).description]),
    [[8, 'L4CON', 'Layer4 connection problem'], [15, 'L7OK', 'Layer7 check passed'], [17, 'L7STS', 'Layer7 wrong status']],
  );
  t.same(CHECK_STATUSES.filter((r) => r.hasCode).map((r) => r.code), ['L7OK', 'L7OKC', 'L7STS'], 'only these print "code:"');
});

t.test('PROXY v2 header for IPv4 has the signature, PROXY command, TCP4 and both address/port pairs', async (t) => {
  const b = proxyV2(4, '127.0.0.1', '10.0.0.2', 40000, 80);
  t.equal(b.length, 28);
  t.equal(b.subarray(12, 16).toString('hex'), '2111000c');
  t.equal(b.subarray(16).toString('hex'), '7f0000010a0000029c400050');
  t.equal(proxyV2(6, '::1', '2001:db8::2', 1, 2).subarray(16, 48).toString('hex'), '00000000000000000000000000000001' + '20010db8000000000000000000000002');
});

t.test('one heap orders many timers by due time, then by insertion, with moves and cancels', async (t) => {
  const h = new TimerHeap();
  const fired: number[] = [];
  const items: Timed[] = [];
  for (let i = 0; i < 200; i++) items.push({ due: 0, slot: -1, fire: () => fired.push(i) });
  items.forEach((it, i) => h.push(it, (i * 37) % 50));
  for (let i = 0; i < 200; i += 7) h.remove(items[i]!);
  h.push(items[1]!, 1000);
  let x: Timed | null;
  const order: number[] = [];
  while ((x = h.popDue(Infinity)) !== null) order.push(x.due);
  t.same(order, [...order].sort((a, b) => a - b));
  t.equal(order.length, 200 - Math.ceil(200 / 7));
  t.equal(order[order.length - 1], 1000);
  const m = new ManualScheduler();
  const seen: string[] = [];
  const a: Timed = { due: 0, slot: -1, fire: () => seen.push(`a@${m.now()}`) };
  const b: Timed = { due: 0, slot: -1, fire: () => { seen.push(`b@${m.now()}`); m.schedule(a, m.now() + 5); } };
  m.schedule(b, 10);
  m.advance(100);
  t.same(seen, ['b@10', 'a@15'], 'a timer scheduled while firing runs in the same advance, at its own time');
});
