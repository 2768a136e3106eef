import t from 'tap';
import { serverState } from '../../backends/backend.js';
import { SrvAdmin, SrvState } from '../../backends/server.js';
import { backend, counts, held, seq, TestCtx } from './helpers.js';

const ALGOS = ['roundrobin', 'static-rr', 'leastconn', 'first', 'source', 'uri', 'random'] as const;
const ctx = TestCtx.http('/x', {}, '10.1.2.3');

function srv(be: ReturnType<typeof backend>, name: string) {
  const s = be.findServer(name);
  if (s === undefined) throw new Error(`no server ${name}`);
  return s;
}

t.test('servers get 1-based ids in declaration order unless id is set', async (t) => {
  const be = backend('roundrobin', ['a', { name: 'b', id: 7 }, 'c']);
  t.same(be.servers.map((s) => [s.name, s.puid, s.forcedId]), [['a', 1, false], ['b', 7, true], ['c', 3, false]]);
});

t.test('backups take over only when no active server is usable, first backup only', async (t) => {
  for (const algo of ALGOS) {
    const be = backend(algo, ['a', { name: 'b1', backup: true }, { name: 'b2', backup: true }]);
    t.same(counts(seq(be, 4, ctx)), { a: 4 }, `${algo}: active only`);
    serverState(be, srv(be, 'a'), SrvState.STOPPED, 'Layer4 connection problem');
    t.same(counts(seq(be, 4, ctx)), { b1: 4 }, `${algo}: first backup`);
    be.setServerState(srv(be, 'b1'), SrvState.STOPPED);
    t.same(counts(seq(be, 4, ctx)), { b2: 4 }, `${algo}: next backup`);
    be.setServerState(srv(be, 'b1'), SrvState.RUNNING);
    t.same(counts(seq(be, 4, ctx)), { b1: 4 }, `${algo}: an earlier backup returning takes over again`);
    be.setServerState(srv(be, 'a'), SrvState.RUNNING);
    t.same(counts(seq(be, 4, ctx)), { a: 4 }, `${algo}: active back`);
  }
});

t.test('with option allbackups all usable backups are balanced', async (t) => {
  const be = backend('roundrobin', [{ name: 'a', disabled: true }, { name: 'b1', backup: true }, { name: 'b2', backup: true }], { allBackups: true });
  t.same(seq(be, 4).join(' '), 'b1 b2 b1 b2');
});

t.test('every algorithm returns null when all servers are down, and says so', async (t) => {
  for (const algo of ALGOS) {
    const be = backend(algo, ['a', 'b']);
    for (const s of be.servers) be.setServerState(s, SrvState.STOPPED);
    t.equal(be.pick(ctx), null, algo);
    t.notOk(be.hasUsableServer, algo);
  }
});

t.test('DRAIN stops new traffic but keeps the server reachable by persistence; MAINT does not', async (t) => {
  const be = backend('roundrobin', ['a', 'b']);
  const a = srv(be, 'a');
  be.setAdmin(a, SrvAdmin.FDRAIN, true);
  t.same(counts(seq(be, 4)), { b: 4 });
  t.ok(a.isUp && a.acceptsPersistent(false), 'drained server still honours its cookie');
  be.setAdmin(a, SrvAdmin.FDRAIN, false);
  t.same(counts(seq(be, 4)), { a: 2, b: 2 });
  be.setAdmin(a, SrvAdmin.FMAINT, true);
  t.equal(a.state, SrvState.STOPPED);
  t.notOk(a.acceptsPersistent(false), 'maintenance: no persistence without option persist');
  t.same(counts(seq(be, 4)), { b: 4 });
  t.notOk(be.setServerState(a, SrvState.RUNNING), 'checks cannot bring a server out of maintenance');
  be.setAdmin(a, SrvAdmin.FMAINT, false);
  t.equal(a.state, SrvState.RUNNING, 'leaving maintenance brings it UP');
  t.same(counts(seq(be, 4)), { a: 2, b: 2 });
});

t.test('a disabled server starts in config maintenance and is enabled by clearing FMAINT', async (t) => {
  const be = backend('roundrobin', [{ name: 'a', disabled: true }, 'b']);
  const a = srv(be, 'a');
  t.equal(a.admin, SrvAdmin.CMAINT | SrvAdmin.FMAINT);
  t.same(counts(seq(be, 2)), { b: 2 });
  be.setAdmin(a, SrvAdmin.FMAINT, false);
  t.equal(a.admin, 0);
  t.same(counts(seq(be, 2)), { a: 1, b: 1 });
});

t.test('set weight validates like haproxy', async (t) => {
  const be = backend('roundrobin', [{ name: 'a', weight: 10 }, 'b']);
  const a = srv(be, 'a');
  t.equal(be.setWeight(a, ''), 'Require <weight> or <weight%>.\n');
  t.equal(be.setWeight(a, 'x'), 'Empty weight string empty or preceded by garbage');
  t.equal(be.setWeight(a, '300'), 'Absolute weight can only be between 0 and 256 inclusive.\n');
  t.equal(be.setWeight(a, '5x'), 'Trailing garbage in weight string');
  t.equal(be.setWeight(a, '-5%'), 'Relative weight must be positive.\n');
  t.equal(be.setWeight(a, '50%'), null);
  t.equal(a.uweight, 5, 'relative to the configured weight');
  t.equal(be.setWeight(a, '9999%'), null);
  t.equal(a.uweight, 256, 'capped at 256');
});

t.test('picks and connections are counted on the server and the backend', async (t) => {
  const be = backend('leastconn', ['a', 'b']);
  const open = held(be, 3);
  const a = srv(be, 'a');
  t.equal(a.counters.lbtot, 2);
  t.equal(a.counters.cumSess, 2);
  t.equal(a.served, 2);
  t.equal(be.served, 3);
  t.equal(be.counters.lbtot, 3);
  t.equal(be.counters.maxSess, 3);
  for (const s of open) be.releaseConn(s);
  t.equal(be.served, 0);
  t.equal(a.counters.maxSess, 2);
});

t.test('state changes reach the listener with the previous state and the reason', async (t) => {
  const be = backend('roundrobin', ['a']);
  const seen: string[] = [];
  be.stateListener = (_be, s, prev, reason) => seen.push(`${s.name} ${prev}->${s.state} ${reason}`);
  serverState(be, srv(be, 'a'), SrvState.STOPPED, 'Layer4 timeout');
  t.same(seen, ['a 2->0 Layer4 timeout']);
  t.equal(srv(be, 'a').counters.downTrans, 1);
  t.notOk(serverState(be, srv(be, 'a'), SrvState.STOPPED, 'again'), 'no change, no event');
  t.equal(seen.length, 1);
});

t.test('a server in STOPPING (NOLB) state gets no new traffic', async (t) => {
  const be = backend('roundrobin', ['a', 'b']);
  be.setServerState(srv(be, 'a'), SrvState.STOPPING);
  t.same(counts(seq(be, 3)), { b: 3 });
  t.ok(srv(be, 'a').isUp);
});
