import t from 'tap';
import { SrvState } from '../../../backends/server.js';
import { HealthChecks } from '../../../backends/health/index.js';
import { applyResult, healthFraction } from '../../../backends/health/state.js';
import { CheckStatus } from '../../../backends/health/status.js';
import { harness, type Harness } from './helpers.js';

/** Runs the next check of every server: advance until each has finished one more run. */
function step(h: Harness, ms: number): void {
  h.sched.advance(ms);
}

const refused = { status: CheckStatus.L4CON, info: 'Connection refused' };

t.test('the counter: start at rise shows UP 1/3, one failure there is DOWN, fall counts only from fully up', async (t) => {
  const c = { health: 2, rise: 2, fall: 3 };
  t.equal(healthFraction(c), '1/3');
  applyResult(c, 'failed');
  t.equal(c.health, 0, 'one failure at start-up: DOWN');
  applyResult(c, 'passed');
  t.equal(healthFraction(c), '1/2', 'going up shows DOWN 1/2');
  applyResult(c, 'failed');
  t.equal(c.health, 0, 'a failure while going up resets to 0');
  applyResult(c, 'passed');
  applyResult(c, 'passed');
  t.equal(c.health, 4, 'rise successes jump to the maximum');
  applyResult(c, 'failed');
  t.equal(healthFraction(c), '2/3');
  applyResult(c, 'failed');
  t.equal(healthFraction(c), '1/3');
  applyResult(c, 'failed');
  t.equal(c.health, 0, 'fall failures from fully up');
});

t.test('a checked server starts UP 1/3 with INI and the first failed check marks it DOWN with HAProxy\'s message', async (t) => {
  const h = await harness('server s1 127.0.0.1:8000 check');
  const hc = h.checker.of(h.be.findServer('s1')!)!;
  t.equal(hc.statusText(), 'UP 1/3');
  t.equal(hc.statusCode, 'INI');
  h.script.set('s1', [refused]);
  hc.start(0);
  step(h, 0);
  t.equal(hc.srv.state, SrvState.STOPPED);
  t.equal(hc.statusText(), 'DOWN');
  t.same(h.stderr, [
    '[WARNING]  (1234) : Server be/s1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    "[ALERT]    (1234) : backend 'be' has no server available!",
  ]);
  t.same(h.logs, [
    'alert Server be/s1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    'emerg backend be has no server available!',
  ]);
});

t.test('fully up, it takes fall failures to go DOWN, and rise successes to come back UP', async (t) => {
  const h = await harness('server s1 127.0.0.1:8000 check\nserver s2 127.0.0.1:8001 check');
  const hc = h.checker.of(h.be.findServer('s1')!)!;
  h.script.set('s1', [
    { status: CheckStatus.L7OK, code: 200, after: 1 },
    { status: CheckStatus.L7STS, code: 500, info: 'Oops', after: 1 },
    { status: CheckStatus.L7STS, code: 500, info: 'Oops', after: 1 },
    { status: CheckStatus.L7STS, code: 500, info: 'Oops', after: 1 },
    { status: CheckStatus.L7OK, code: 200, after: 1 },
    { status: CheckStatus.L7OK, code: 200, after: 1 },
  ]);
  hc.start(0);
  const seen: string[] = [];
  for (let i = 0; i < 6; i++) {
    h.sched.advance(hc.due - h.sched.now());
    h.sched.advance(1);
    seen.push(hc.statusText());
  }
  t.same(seen, ['UP', 'UP 2/3', 'UP 1/3', 'DOWN', 'DOWN 1/2', 'UP']);
  t.same(h.logs, [
    'alert Server be/s1 is DOWN, reason: Layer7 wrong status, code: 500, info: "Oops", check duration: 1ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    'notice Server be/s1 is UP, reason: Layer7 check passed, code: 200, check duration: 1ms. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
  ]);
});

t.test('inter when fully up, fastinter in transitions and at start, downinter when fully down', async (t) => {
  const h = await harness('server s1 127.0.0.1:8000 check inter 2000 fastinter 500 downinter 7000');
  const hc = h.checker.of(h.be.findServer('s1')!)!;
  t.equal(hc.interval(), 500, 'not yet checked: fastinter');
  h.script.set('s1', [{ status: CheckStatus.L4OK }, refused, refused, refused, { status: CheckStatus.L4OK }]);
  hc.start(0);
  const gaps: number[] = [];
  for (let i = 0; i < 5; i++) {
    h.sched.advance(hc.due - h.sched.now());
    gaps.push(hc.due - h.sched.now());
  }
  t.same(gaps, [2000, 500, 500, 7000, 500], 'UP, UP 2/3, UP 1/3, DOWN, DOWN 1/2');
});

t.test('a disabled server stays in MAINT and is never checked', async (t) => {
  const h = await harness('server s1 127.0.0.1:8000 check disabled');
  const hc = h.checker.of(h.be.findServer('s1')!)!;
  hc.start(0);
  h.sched.advance(20000);
  t.equal(h.runners.get('s1')?.starts, 0);
  t.equal(hc.statusText(), 'MAINT');
  t.same(h.logs, [], 'a disabled server logs nothing');
  h.be.setAdmin(hc.srv, 0x01, false);
  h.script.set('s1', [refused]);
  h.sched.advance(2000);
  t.equal(h.runners.get('s1')?.starts, 1, 'leaving maintenance resumes the checks');
  t.equal(hc.srv.state, SrvState.STOPPED, 'and one failure from UP 1/3 is DOWN');
});

t.test('option log-health-checks logs each counter move and drops the reason from the DOWN/UP line', async (t) => {
  const h = await harness('option log-health-checks\nserver s1 127.0.0.1:8000 check');
  const hc = h.checker.of(h.be.findServer('s1')!)!;
  h.script.set('s1', [{ status: CheckStatus.L4OK }, refused, refused, refused, { status: CheckStatus.L4OK }, { status: CheckStatus.L4OK }]);
  hc.start(0);
  for (let i = 0; i < 6; i++) h.sched.advance(hc.due - h.sched.now());
  t.same(h.logs.map((l) => l.replace(/^\w+ /, '')), [
    'Health check for server be/s1 succeeded, reason: Layer4 check passed, check duration: 0ms, status: 3/3 UP.',
    'Health check for server be/s1 failed, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms, status: 2/3 UP.',
    'Health check for server be/s1 failed, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms, status: 1/3 UP.',
    'Health check for server be/s1 failed, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms, status: 0/2 DOWN.',
    'Server be/s1 is DOWN. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    'backend be has no server available!',
    'Health check for server be/s1 succeeded, reason: Layer4 check passed, check duration: 0ms, status: 1/2 DOWN.',
    'Health check for server be/s1 succeeded, reason: Layer4 check passed, check duration: 0ms, status: 3/3 UP.',
    'Server be/s1 is UP. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
  ]);
});

t.test('a backup server is named so, and losing the last active server says "Running on backup"; a listen section says proxy', async (t) => {
  const h = await harness('server a 127.0.0.1:8000 check\nserver b 127.0.0.1:8001 check backup', { listen: true });
  const a = h.checker.of(h.be.findServer('a')!)!;
  const b = h.checker.of(h.be.findServer('b')!)!;
  h.script.set('a', [refused]);
  h.script.set('b', [refused]);
  a.start(0);
  h.sched.advance(0);
  b.start(0);
  h.sched.advance(0);
  t.same(h.logs.map((l) => l.replace(/^\w+ /, '')), [
    'Server be/a is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 1 backup servers left. Running on backup. 0 sessions active, 0 requeued, 0 remaining in queue.',
    'Backup Server be/b is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
    'proxy be has no server available!',
  ]);
});

t.test('frontends hear about DOWN/UP through the hooks, and their requeue counts reach the message', async (t) => {
  const h = await harness('server s1 127.0.0.1:8000 check on-marked-down shutdown-sessions\nserver s2 127.0.0.1:8001 check');
  const calls: string[] = [];
  h.checker.onMarkedDown((srv, _be, shutdown) => { calls.push(`down ${srv.name} ${shutdown}`); return 3; });
  h.checker.onMarkedUp((srv) => { calls.push(`up ${srv.name}`); return 2; });
  h.checker.setQueueProbe(() => 5);
  const hc = h.checker.of(h.be.findServer('s1')!)!;
  h.script.set('s1', [refused, { status: CheckStatus.L4OK }, { status: CheckStatus.L4OK }]);
  hc.start(0);
  for (let i = 0; i < 3; i++) h.sched.advance(hc.due - h.sched.now());
  t.same(calls, ['down s1 true', 'up s1']);
  t.match(h.logs[0], /0 sessions active, 3 requeued, 0 remaining in queue\.$/);
  t.match(h.logs[1], /online\. 2 sessions requeued, 5 total in queue\.$/);
});

t.test('observe layer7 with on-error mark-down takes the server DOWN after error-limit errors (HANA)', async (t) => {
  const h = await harness('server s1 127.0.0.1:8000 check observe layer7 error-limit 2 on-error mark-down fastinter 300\nserver s2 127.0.0.1:8001 check');
  const srv = h.be.findServer('s1')!;
  const hc = h.checker.of(srv)!;
  hc.start(1000);
  h.checker.observe(srv, 'http-status');
  h.checker.observe(srv, 'http-ok');
  h.checker.observe(srv, 'http-status');
  t.equal(srv.state, SrvState.RUNNING, 'a success in between resets the count');
  h.checker.observe(srv, 'http-status');
  t.equal(srv.state, SrvState.STOPPED);
  t.equal(hc.statusCode, 'HANA');
  t.same(h.logs, ['alert Server be/s1 is DOWN, reason: Health analyze, info: "Detected 2 consecutive errors, last one was: Wrong http response". 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.']);
  t.equal(hc.due, 300, 'the next check comes within fastinter');
});

t.test('observe layer4 on a plain server line: the default error-limit 10 and on-error fail-check count one failed check (HANA)', async (t) => {
  const h = await harness('server s1 127.0.0.1:8000 check observe layer4 fastinter 300\nserver s2 127.0.0.1:8001 check');
  const srv = h.be.findServer('s1')!;
  const hc = h.checker.of(srv)!;
  hc.start(0);
  h.sched.advance(0);
  t.equal(hc.statusText(), 'UP', 'one passed check: fully up');
  for (let i = 0; i < 9; i++) h.checker.observe(srv, 'l4-error');
  t.equal(hc.statusText(), 'UP', 'nine errors stay below the limit');
  h.checker.observe(srv, 'l4-error');
  t.equal(hc.statusText(), 'UP 2/3', 'the tenth is one failed check');
  t.equal(hc.statusCode, 'HANA');
  t.equal(srv.state, SrvState.RUNNING);
  t.equal(hc.due, 300, 'and the next check comes within fastinter');
});

t.test('slowstart: a server coming back from DOWN is STARTING for slowstart ms, never at start-up', async (t) => {
  const h = await harness('server s1 127.0.0.1:8000 check slowstart 5000 inter 1000');
  const hc = h.checker.of(h.be.findServer('s1')!)!;
  t.equal(hc.srv.state, SrvState.RUNNING);
  h.script.set('s1', [refused, { status: CheckStatus.L4OK }, { status: CheckStatus.L4OK }]);
  hc.start(0);
  for (let i = 0; i < 3; i++) h.sched.advance(hc.due - h.sched.now());
  t.equal(hc.srv.state, SrvState.STARTING);
  h.sched.advance(5000);
  t.equal(hc.srv.state, SrvState.RUNNING);
});

t.test('slowstart ramps the effective weight and maxconn once a second, as HAProxy (server_recalc_eweight)', async (t) => {
  const h = await harness('server s1 127.0.0.1:8000 check slowstart 10s inter 1000 weight 100 maxconn 50\nserver s2 127.0.0.1:8001 weight 100');
  const s1 = h.be.findServer('s1')!;
  const s2 = h.be.findServer('s2')!;
  const hc = h.checker.of(s1)!;
  h.script.set('s1', [refused, refused, refused, { status: CheckStatus.L4OK }, { status: CheckStatus.L4OK }]);
  hc.start(0);
  while (s1.state !== SrvState.STARTING) h.sched.advance(hc.due - h.sched.now());
  // roundrobin works in 1/16 steps: it starts at once with the smallest step, 1/16 of full weight
  t.equal(s1.eweight * 16, s2.eweight, 'just back: 1/16 of the weight');
  t.equal(s1.dynamicMaxconn(), 1, 'and one connection at a time');
  const start = h.sched.now();
  h.sched.advance(start + 5000 - h.sched.now());
  t.equal(s1.eweight * 16, s2.eweight * 9, 'after 5 of 10 s: (16*5+10)/10 = 9 sixteenths');
  t.equal(s1.dynamicMaxconn(), 25, 'maxconn at 50%');
  h.sched.advance(start + 10000 - h.sched.now());
  t.equal(s1.state, SrvState.RUNNING);
  t.equal(s1.eweight, s2.eweight, 'full weight once the warm-up is over');
  t.equal(s1.dynamicMaxconn(), 50);
  // picks follow the ramped weights, 1 to 16: about 10 of 170 for s1 (fwrr's start offset may cost one)
  h.script.set('s1', [refused, refused, refused, { status: CheckStatus.L4OK }, { status: CheckStatus.L4OK }]);
  while (s1.state !== SrvState.STARTING) h.sched.advance(hc.due - h.sched.now());
  const ctx = { src: null, uri: null, findHeader: () => false };
  const names: string[] = [];
  for (let i = 0; i < 170; i++) names.push(h.be.pick(ctx)!.name);
  const got = names.filter((n) => n === 's1').length;
  t.ok(got >= 9 && got <= 10, `s1 got ${got} of 170 picks`);
});

t.test('start-up spreads first checks over the smallest interval of at least 1s', async (t) => {
  const h = await harness([
    'server a 127.0.0.1:8000 check inter 2000', 'server b 127.0.0.1:8001 check inter 2000',
    'server c 127.0.0.1:8002 check inter 500', 'server d 127.0.0.1:8003 check inter 4000',
  ].join('\n'));
  const all = new HealthChecks(h.sched);
  all.register(h.checker);
  all.start();
  t.same(all.all().map((c) => c.due), [0, 500, 1000, 1500]);
  all.stop();
});
