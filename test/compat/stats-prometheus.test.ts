// Prometheus names beside haproxy 2.6's exporter: the same config run by haproxy (with
// `use-service prometheus-exporter`) and built into a Halyard runtime; both texts go through the
// strict exposition parser, and the families (name and type) and the label sets of the status
// metrics must be the same.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/load.js';
import { buildRuntime } from '../../lib/runtime/runtime.js';
import { processInfo, prometheusText } from '../../lib/stats/index.js';
import { httpFrontendFactory } from '../../frontends/http/index.js';
import { skipNoHaproxy } from '../helpers/shared.js';
import { parseExposition } from '../lib/stats/expo-parser.js';
import { cleanupDir, freePort, startProxy } from './http-lab.js';

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    r.on('error', reject);
    r.end();
  });
}

t.test('metric families equal haproxy 2.6 promex\'s', { skip: skipNoHaproxy() }, async (t) => {
  const fe = await freePort();
  const prom = await freePort();
  const dead = await freePort();
  const tcp = await freePort();
  const cfg = (withProm: boolean): string => `global
    maxconn 100
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:${fe}
    default_backend be
backend be
    server s1 127.0.0.1:${dead} check inter 60s fastinter 60s
    server s2 127.0.0.1:${dead}
listen tcp
    bind 127.0.0.1:${tcp}
    mode tcp
    server a 127.0.0.1:${dead}
${withProm ? `frontend prom
    bind 127.0.0.1:${prom}
    http-request use-service prometheus-exporter if { path /metrics }
` : ''}`;
  const proc = await startProxy('haproxy', cfg(true), prom);
  t.teardown(async () => { await proc.stop(); cleanupDir(); });
  // the first check has run (before it, s1's check status is INI)
  let res = await get(prom, '/metrics');
  for (let i = 0; i < 500 && !res.body.includes('haproxy_server_check_status{proxy="be",server="s1",state="L4CON"} 1'); i++) {
    await new Promise((r) => setTimeout(r, 20));
    res = await get(prom, '/metrics');
  }
  t.equal(res.type, 'text/plain; version=0.0.4');
  const theirs = parseExposition(res.body);

  const dir = mkdtempSync(join(tmpdir(), 'hly-prom-'));
  writeFileSync(join(dir, 'h.cfg'), cfg(false));
  const loaded = await loadConfig([join(dir, 'h.cfg')], { relaxedDns: true });
  const rt = buildRuntime(loaded.config as NonNullable<typeof loaded.config>, { frontends: { http: httpFrontendFactory } });
  rt.checks = (srv) => (srv.name === 's1'
    ? { status: 8, code: 0, info: 'Connection refused', duration: 0, health: 0, rise: 2, fall: 3, running: false, failedChecks: 1, hanaFailures: 0, adminDisabled: false }
    : undefined);
  const snap = rt.snapshot();
  const ours = parseExposition(prometheusText(snap, processInfo(snap)));

  const fams = (m: Map<string, { type: string }>): string[] => [...m.entries()].map(([n, f]) => `${n} ${f.type}`);
  t.same(fams(ours), fams(theirs), 'the same families, types and order');
  const labels = (m: typeof ours, name: string): string[] => (m.get(name)?.samples ?? []).map((s) => JSON.stringify(s.labels));
  for (const name of ['haproxy_server_status', 'haproxy_server_check_status', 'haproxy_backend_status', 'haproxy_backend_http_responses_total', 'haproxy_server_http_responses_total']) {
    t.same(labels(ours, name), labels(theirs, name), `${name} series`);
  }
  // frontend series: haproxy also lists its own exporter frontend
  t.same(labels(ours, 'haproxy_frontend_status'), labels(theirs, 'haproxy_frontend_status').filter((l) => !l.includes('"prom"')), 'haproxy_frontend_status series');
});
