// lib/stats on a runtime built from config text (no sockets): the CSV header and shape, the
// typed/JSON forms, the Prometheus text through a strict exposition parser, show info, and the
// CLI interpreter (levels, ';' lists, prompt mode, escapes, admin actions through public methods).
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../lib/config/load.js';
import { buildRuntime, type Runtime } from '../../../lib/runtime/runtime.js';
import type { CheckView } from '../../../lib/runtime/snapshot.js';
import {
  CSV_HEADER, CliSession, COLUMNS, processInfo, prometheusText, showInfo, splitCommands, statsCsv, statsJsonValue, statsTyped,
} from '../../../lib/stats/index.js';
import { httpFrontendFactory } from '../../../frontends/http/index.js';
import { parseExposition } from './expo-parser.js';

/** haproxy 2.6.12's `show stat` header, as recorded from the real one. */
const HAPROXY_HEADER = '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections,h2_backend_total_streams,h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out,\n';

const CFG = `global
    maxconn 500
    stats socket /tmp/never-opened.sock level admin
defaults
    mode http
    timeout connect 1s
    timeout client 1s
    timeout server 1s
frontend fe
    bind 127.0.0.1:1
    default_backend be
backend be
    cookie SRV insert
    server s1 127.0.0.1:2 check cookie a
    server s2 127.0.0.1:3 check
    server s3 127.0.0.1:4 maxqueue 9 maxconn 3
    server bk 127.0.0.1:5 backup
    server off 127.0.0.1:6 disabled
listen li
    bind 127.0.0.1:7
    mode tcp
    balance leastconn
    server a 127.0.0.1:8 weight 10
`;

async function runtime(): Promise<Runtime> {
  const dir = mkdtempSync(join(tmpdir(), 'hly-stats-unit-'));
  const file = join(dir, 'h.cfg');
  writeFileSync(file, CFG);
  const r = await loadConfig([file], { relaxedDns: true });
  if (r.config === undefined) throw new Error('config did not load');
  const rt = buildRuntime(r.config, { frontends: { http: httpFrontendFactory } });
  // checks as a health checker would leave them: s1 passed at L7, s2 refused
  const checks = new Map<string, CheckView>([
    ['s1', { status: 15, code: 200, info: 'OK', duration: 3, health: 4, rise: 2, fall: 3, running: false, failedChecks: 0, hanaFailures: 0, adminDisabled: false }],
    ['s2', { status: 8, code: 0, info: 'Connection refused', duration: 0, health: 0, rise: 2, fall: 3, running: false, failedChecks: 1, hanaFailures: 0, adminDisabled: false }],
  ]);
  rt.checks = (srv) => checks.get(srv.name);
  const be = rt.backends.get('be');
  const s2 = be?.findServer('s2');
  if (be !== undefined && s2 !== undefined) be.setServerState(s2, 0, 'test');
  return rt;
}

t.test('CSV: header byte-equal to haproxy 2.6.12, 128 fields per row, HAProxy row order', async (t) => {
  t.equal(CSV_HEADER, HAPROXY_HEADER);
  t.equal(COLUMNS.length, 127, '127 fields and the "-" separator');
  const rt = await runtime();
  const csv = statsCsv(rt.snapshot());
  const lines = csv.split('\n').filter((l) => l !== '');
  t.ok(csv.endsWith('\n'));
  t.same(lines.map((l) => l.split(',').slice(0, 2).join(',')), [
    '# pxname,svname', 'fe,FRONTEND', 'be,s1', 'be,s2', 'be,s3', 'be,bk', 'be,off', 'be,BACKEND',
    'li,FRONTEND', 'li,a', 'li,BACKEND',
  ]);
  const row = (sv: string): Record<string, string> => {
    const l = lines.find((x) => x.startsWith(`be,${sv},`)) ?? '';
    const head = HAPROXY_HEADER.slice(2).split(',');
    return Object.fromEntries(l.split(',').map((v, i) => [head[i] ?? '', v]));
  };
  t.match(row('s1'), { status: 'UP', check_status: 'L7OK', check_code: '200', check_duration: '3', check_desc: 'Layer7 check passed', last_chk: 'OK', check_health: '4', cookie: 'a', addr: '127.0.0.1:2', iid: '3', sid: '1', type: '2', lastsess: '-1' });
  t.match(row('s2'), { status: 'DOWN', check_status: 'L4CON', check_code: '', chkfail: '1', chkdown: '1', last_chk: 'Connection refused' });
  t.match(row('s3'), { status: 'no check', slim: '3', qlimit: '9', chkfail: '', downtime: '', check_status: '' });
  t.match(row('bk'), { act: '0', bck: '1' });
  t.match(row('off'), { status: 'MAINT' });
  t.match(row('BACKEND'), { status: 'UP', act: '2', bck: '1', weight: '2', algo: 'roundrobin', cookie: 'SRV', slim: '50', mode: 'http' });
  for (const l of lines.slice(1)) t.equal(l.replace(/"[^"]*"/, 'x').split(',').length, 129, `${l.slice(0, 12)}: 128 fields + trailing comma`);

  t.equal(statsCsv(rt.snapshot(), { legends: false }).split('\n')[2]?.split(',')[73], '', 'addr is a legend');
  t.notOk(statsCsv(rt.snapshot(), { up: true }).includes('be,s2,'), ';up hides DOWN servers');
  t.match(statsCsv(rt.snapshot(), { up: true }), /be,BACKEND,.*,UP \(3\/5\),/, ';up backend status counts');
  t.same(statsCsv(rt.snapshot(), { scope: ['be'] }).split('\n').filter((l) => l.startsWith('fe,')), [], 'scope');
  t.equal(statsCsv(rt.snapshot(), { proxy: 'be', types: 4, sid: 2 }).split('\n').filter((l) => l !== '').length, 2, 'proxy/type/sid filter');
});

t.test('typed and JSON carry the same non-empty fields', async (t) => {
  const rt = await runtime();
  const snap = rt.snapshot();
  const typed = statsTyped(snap).split('\n').filter((l) => l !== '');
  const json = statsJsonValue(snap).flat();
  t.equal(typed.length, json.length);
  t.match(typed, ['F.2.0.0.pxname.1:KNS:str:fe']);
  t.ok(typed.includes('S.3.1.36.check_status.1:MOP:str:L7OK'));
  t.ok(typed.includes('S.3.1.19.act.1:SGP:u32:1') && typed.includes('B.3.0.19.act.1:MGP:u32:2'), 'tags per object kind');
  t.ok(typed.some((l) => l.startsWith('F.2.0.103.ssl_sess.1:')), 'module fields numbered from 103');
  t.match(json.find((f) => f.field.name === 'status' && f.objType === 'Backend'), { proxyId: 3, id: 0, tags: { origin: 'Status', nature: 'Gauge', scope: 'Process' }, value: { type: 'str', value: 'UP' } });
});

t.test('Prometheus text passes a strict exposition parser, with promex names', async (t) => {
  const rt = await runtime();
  const snap = rt.snapshot();
  const text = prometheusText(snap, processInfo(snap, { listeners: 2 }));
  const fams = parseExposition(text);
  for (const f of fams.values()) {
    t.ok(f.help !== null && f.help !== '', `${f.name} has HELP`);
    t.ok(/^haproxy_(process|frontend|backend|server)_/.test(f.name), `${f.name} prefix`);
    if (f.type === 'counter') t.ok(f.samples.every((s) => Number.isNaN(s.value) || s.value >= 0), `${f.name}: counters are not negative`);
  }
  const status = fams.get('haproxy_server_status');
  t.same(status?.samples.filter((s) => s.labels.server === 's2').map((s) => [s.labels.state, s.value]), [['DOWN', 1], ['UP', 0], ['MAINT', 0], ['DRAIN', 0], ['NOLB', 0]]);
  t.same(status?.samples.find((s) => s.labels.server === 'off' && s.labels.state === 'MAINT')?.value, 1);
  const cs = fams.get('haproxy_server_check_status');
  t.equal(cs?.samples.filter((s) => s.labels.server === 's1').length, 16, 'one series per check status');
  t.same(cs?.samples.filter((s) => s.value === 1).map((s) => `${s.labels.server}:${s.labels.state}`), ['s1:L7OK', 's2:L4CON']);
  t.notOk(cs?.samples.some((s) => s.labels.server === 's3'), 'no check_status for a server without check');
  t.same(fams.get('haproxy_backend_http_responses_total')?.samples.map((s) => s.labels.code), ['1xx', '2xx', '3xx', '4xx', '5xx', 'other']);
  t.notOk(fams.get('haproxy_frontend_http_requests_total')?.samples.some((s) => s.labels.proxy === 'li'), 'HTTP families skip TCP proxies');
  t.ok(Number.isNaN(fams.get('haproxy_server_limit_sessions')?.samples.find((s) => s.labels.server === 's1')?.value ?? 0), 'empty field is NaN');
  t.equal(fams.get('haproxy_frontend_limit_sessions')?.samples[0]?.value, 500);
  t.equal(fams.get('haproxy_process_listeners')?.samples[0]?.value, 2);
  t.ok(fams.get('haproxy_process_build_info')?.samples[0]?.labels.version !== undefined);
  t.throws(() => parseExposition('# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n'), 'the parser refuses non-contiguous families');
  t.throws(() => parseExposition('a 1\n'), 'and samples without TYPE');
  t.throws(() => parseExposition('# TYPE a gauge\na{x="\\t"} 1\n'), 'and bad escapes');
  const scoped = parseExposition(prometheusText(snap, processInfo(snap), { scope: ['server'] }));
  t.ok([...scoped.keys()].every((k) => k.startsWith('haproxy_server_')), '?scope=server');
});

t.test('show info: HAProxy field order, uptime format', async (t) => {
  const rt = await runtime();
  const snap = rt.snapshot();
  const text = showInfo(processInfo(snap, { pid: 42, now: snap.startedAt + 3_725_000 }));
  const keys = text.split('\n').filter((l) => l !== '').map((l) => l.slice(0, l.indexOf(':')));
  t.same(keys.slice(0, 9), ['Name', 'Version', 'Release_date', 'Nbthread', 'Nbproc', 'Process_num', 'Pid', 'Uptime', 'Uptime_sec']);
  t.match(text, /^Pid: 42$/m);
  t.match(text, /^Uptime: 0d 1h02m05s$/m);
  t.match(text, /^Maxconn: 500$/m);
  t.equal(keys.length, 69, "as haproxy 2.6.12 without a description");
});

t.test('CLI interpreter: lists, escapes, levels, prompt, actions', async (t) => {
  t.same(splitCommands('show stat; show info'), [['show', 'stat'], ['show', 'info']]);
  t.same(splitCommands('set server be/a\\;b state  ready'), [['set', 'server', 'be/a;b', 'state', 'ready']]);
  const rt = await runtime();
  const be = rt.backends.get('be');
  const user = new CliSession({ runtime: rt }, 'user');
  t.same(user.line('disable server be/s1'), { out: 'Permission denied\n\n', close: true });
  t.same(user.line('operator'), { out: 'Permission denied\n\n', close: true }, 'a session cannot raise its level');
  t.equal(user.line('show cli level').out, 'user\n\n');
  const events: string[] = [];
  const admin = new CliSession({ runtime: rt, events: (_b, _l, text) => events.push(text) }, 'admin');
  t.equal(admin.line('prompt').out, '\n> ');
  t.same(admin.line('set server be/s1 state maint; get weight be/s1'), { out: '\n> 1 (initial 1)\n\n> ', close: false });
  t.equal(be?.findServer('s1')?.inMaint, true, 'the server is in maintenance');
  t.equal(be?.lb.srvAct, 1, 'the balancer no longer counts it');
  t.match(events[0], /^Server be\/s1 is going DOWN for maintenance\. 1 active and 1 backup servers left\. 0 sessions active, 0 requeued, 0 remaining in queue\.$/);
  admin.line('set server be/s1 state ready');
  t.match(events[1], 'Server be/s1 is UP/READY (leaving forced maintenance).');
  t.equal(be?.lb.srvAct, 2);
  t.equal(admin.line('set server be/s3 weight 0').out, '\n> ');
  t.equal(be?.findServer('s3')?.uweight, 0);
  t.equal(admin.line('set maxconn server be/s3 12').out, '\n> ');
  t.equal(be?.findServer('s3')?.maxconn, 12);
  t.equal(admin.line('set server be/s3 addr 127.0.0.9 port 99').out, "IP changed from '127.0.0.1' to '127.0.0.9', port changed from '4' to '99' by 'stats socket command'\n\n> ");
  t.equal(rt.pools.get('be')?.targets.get(be?.findServer('s3') as never)?.host, '127.0.0.9', 'new connections use the new address');
  t.match(admin.line('help').out, /^The following commands are valid at this level:\n(  .{40}: .*\n)+\n> $/);
  t.match(admin.line('bogus').out, /^Unknown command, but maybe one of the following ones is a better match:\n/);
  t.same(admin.line('quit'), { out: '', close: true });
});
