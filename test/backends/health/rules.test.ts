import t from 'tap';
import { ManualScheduler, TimerHeap, type Timed } from '../../../backends/health/scheduler.js';
import { CHECK_STATUSES, CheckStatus, checkStatusRow } from '../../../backends/health/status.js';
import { proxyV2 } from '../../../backends/health/wire.js';
import { compiled } from './helpers.js';

const kinds = async (lines: string): Promise<string[]> => (await compiled(lines)).program.steps.map((s) => s.kind);

t.test('check alone is one connect; option httpchk is connect, send and the implicit 2xx/3xx expectation', async (t) => {
  t.same(await kinds('server s1 127.0.0.1:8000 check'), ['connect']);
  const http = (await compiled('option httpchk')).program;
  t.same(http.steps.map((s) => s.kind), ['connect', 'http-send', 'expect']);
  const e = http.steps[2];
  t.ok(e?.kind === 'expect' && e.implicit && e.match === 'status');
});

t.test('option tcp-check without rules is a plain connect; with rules an implicit connect comes first', async (t) => {
  t.same((await compiled('option tcp-check')).program.type, 'tcp');
  t.same(await kinds('option tcp-check\ntcp-check send PING\ntcp-check expect string PONG'), ['connect', 'send', 'expect']);
});

t.test('an explicit http-check connect keeps the option request after it', async (t) => {
  // (haproxy refuses an expect right after the connect: the option's request is no explicit send)
  const p = (await compiled('option httpchk GET /x\nhttp-check connect port 8001')).program;
  t.same(p.steps.map((s) => s.kind), ['connect', 'http-send', 'expect']);
  const [c, send] = p.steps;
  t.same([c?.kind === 'connect' && c.port, send?.kind === 'http-send' && `${send.method} ${send.uri}`], [8001, 'GET /x']);
});

t.test('forms we do not run are listed as problems, not silently dropped', async (t) => {
  const r = await compiled('option httpchk\nhttp-check expect hdr name x');
  t.equal(r.problems.length, 1);
  t.match(r.problems[0], /http-check expect hdr/);
  const more = await compiled([
    'option tcp-check', 'tcp-check connect port 8443 ssl', 'tcp-check connect via-socks4', 'tcp-check send-lf %[src]', 'tcp-check expect string-lf x',
  ].join('\n'));
  t.same(more.problems.map((p) => /'(tcp-check [^']+)'/.exec(p)?.[1]), [
    'tcp-check connect ssl', 'tcp-check connect via-socks4', 'tcp-check send-lf', 'tcp-check expect string-lf',
  ]);
  t.match(more.problems[0], /:\d+\) is not supported by Halyard's checker/, 'each names its file and line');
});

t.test('status lists take codes and ranges', async (t) => {
  const e = (await compiled('option httpchk\nhttp-check expect status 200,204,300-399')).program.steps[2];
  t.same(e?.kind === 'expect' ? e.ranges : null, [[200, 200], [204, 204], [300, 399]]);
});

t.test('disable-on-404 and send-state reach the program; ok/error/tout statuses map to check statuses', async (t) => {
  const p = (await compiled('option httpchk\nhttp-check disable-on-404\nhttp-check send-state\nhttp-check expect ok-status L7OKC error-status L7RSP tout-status L6TOUT status 200')).program;
  t.same([p.disableOn404, p.sendState], [true, true]);
  const e = p.steps[2];
  t.same(e?.kind === 'expect' ? [e.okStatus, e.errorStatus, e.toutStatus] : null, [CheckStatus.L7OKC, CheckStatus.L7RSP, CheckStatus.L6TOUT]);
  const plain = (await compiled('option httpchk')).program;
  t.same([plain.disableOn404, plain.sendState], [false, false]);
});

t.test('tcp-check connect port/addr/send-proxy become the step; only the implicit or default connect reuses the server settings', async (t) => {
  const p = (await compiled('option tcp-check\ntcp-check connect port 8443 addr 127.0.0.2 send-proxy\ntcp-check send x\ntcp-check connect default')).program;
  t.same(p.steps.filter((s) => s.kind === 'connect'), [
    { kind: 'connect', port: 8443, addr: '127.0.0.2', sendProxy: true, useServer: false, step: 1, linger: false },
    { kind: 'connect', port: null, addr: null, sendProxy: false, useServer: true, step: 3, linger: false },
  ]);
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
