/**
 * The HTTP differential suite: every scenario of http-scenarios.ts runs against real
 * haproxy 2.6 and against Halyard, each a fresh process started on the same config text, in
 * front of the same backends (node:net servers that answer with their name and echo the
 * request head they got). The client observations must be identical. One subtest per
 * scenario; a table of per-scenario results is printed at the end. Scenarios that need the
 * ACL/rules engine are marked, never skipped.
 */
import t from 'tap';
import { skipNoHaproxy } from '../helpers/shared.js';
import { httpBackend, type HttpBackend } from './http-backends.js';
import { cleanupDir, freePort, haveHalyardBuild, startProxy, type ProxyKind } from './http-lab.js';
import { BACKENDS, SCENARIOS, type BackendName, type Ctx, type Scenario } from './http-scenarios.js';

const skip = skipNoHaproxy() || haveHalyardBuild();
/** a scenario that runs longer than this fails (safety net, not a timing assertion) */
const SCENARIO_DEADLINE_MS = 180_000;

function configText(sc: Scenario, ports: Record<string, number>): string {
  return [
    'global',
    '    maxconn 4000',
    ...(sc.global ?? []).map((l) => `    ${l}`),
    'defaults',
    '    mode http',
    '    timeout connect 1s',
    '    timeout client 10s',
    '    timeout server 10s',
    ...(sc.defaults ?? []).map((l) => `    ${l}`),
    ...sc.config,
    // last: listeners open in config order, so once the probe answers every frontend listens
    'frontend probe',
    '    bind 127.0.0.1:@probe',
    '',
  ].join('\n').replace(/@(\w+)/g, (m, n: string) => {
    const p = ports[n];
    if (p === undefined) throw new Error(`scenario ${sc.name}: no port for ${m}`);
    return String(p);
  });
}

interface Outcome { obs?: unknown; error?: string; notes: string[]; ms: number }

async function runOn(kind: ProxyKind, sc: Scenario, backends: Record<BackendName, HttpBackend>, dead: number): Promise<Outcome> {
  const notes: string[] = [];
  const t0 = Date.now();
  const done = (o: Omit<Outcome, 'ms'>): Outcome => ({ ...o, ms: Date.now() - t0 });
  const ports: Record<string, number> = { probe: await freePort(), fe: await freePort(), fe2: await freePort(), fe3: await freePort(), dead };
  for (const [n, b] of Object.entries(backends)) ports[n] = b.port;
  let proc;
  try {
    proc = await startProxy(kind, configText(sc, ports), ports.probe as number);
  } catch (e) {
    return done({ error: `did not start: ${String(e instanceof Error ? e.message : e).split('\n').slice(0, 3).join(' / ')}`, notes });
  }
  const ctx: Ctx = {
    kind, pid: proc.pid, backends,
    port: (name = 'fe') => ports[name] as number,
    note: (m) => notes.push(m),
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const obs = await Promise.race([
      sc.run(ctx),
      new Promise<never>((_, j) => { timer = setTimeout(() => j(new Error(`still running after ${SCENARIO_DEADLINE_MS} ms`)), SCENARIO_DEADLINE_MS); }),
    ]);
    if (!proc.alive()) return done({ obs, error: `${kind} died during the scenario: ${proc.stderr().trim().slice(-300)}`, notes });
    return done({ obs, notes });
  } catch (e) {
    return done({ error: String(e instanceof Error ? e.message : e), notes });
  } finally {
    clearTimeout(timer);
    await proc.stop();
  }
}

t.test('HTTP differential suite: Halyard and haproxy 2.6, same configs, same backends', { skip }, async (t) => {
  const backends = {} as Record<BackendName, HttpBackend>;
  for (const [n, behaviour] of Object.entries(BACKENDS)) backends[n as BackendName] = await httpBackend(n, behaviour);
  const dead = await freePort();
  t.teardown(async () => {
    await Promise.all(Object.values(backends).map((b) => b.close()));
    cleanupDir();
  });
  const table: string[] = [];
  // HTTP_DIFF_ONLY=regex runs the matching scenarios only (when working on one)
  const only = process.env.HTTP_DIFF_ONLY !== undefined ? new RegExp(process.env.HTTP_DIFF_ONLY, 'i') : null;
  for (const sc of SCENARIOS.filter((s) => only === null || only.test(s.name))) {
    await t.test(sc.name, async (t) => {
      const ref = await runOn('haproxy', sc, backends, dead);
      const ours = await runOn('halyard', sc, backends, dead);
      for (const n of [...ref.notes, ...ours.notes]) t.comment(n);
      t.comment(`haproxy ${ref.ms} ms, halyard ${ours.ms} ms`);
      const tag = sc.needs === 'acl' ? ' [needs ACL/rules]' : '';
      if (ref.error !== undefined || ref.obs === undefined) {
        t.fail(`haproxy: ${ref.error ?? 'no observation'}`);
        table.push(`HARNESS  ${sc.name}${tag}: haproxy ${ref.error ?? ''}`);
        return;
      }
      const refProblems = sc.expect?.(ref.obs) ?? [];
      t.same(refProblems, [], 'the reference (haproxy) shows what the scenario is about');
      if (ours.error !== undefined) {
        t.fail(`halyard: ${ours.error}`);
        table.push(`FAIL     ${sc.name}${tag}: halyard ${ours.error}`);
        return;
      }
      const same = JSON.stringify(ours.obs) === JSON.stringify(ref.obs);
      const bounds = [...(sc.bounds?.(ref.obs, 'haproxy') ?? []).map((p) => `haproxy: ${p}`), ...(sc.bounds?.(ours.obs, 'halyard') ?? []).map((p) => `halyard: ${p}`)];
      if (sc.bounds !== undefined) {
        // resource figures differ by nature: compare the rest, bound these
        t.same(strip(ours.obs), strip(ref.obs), 'Halyard observes what haproxy does');
        t.same(bounds, [], 'resource bounds hold');
      } else {
        t.same(ours.obs, ref.obs, 'Halyard observes what haproxy does');
      }
      const ok = (sc.bounds !== undefined ? JSON.stringify(strip(ours.obs)) === JSON.stringify(strip(ref.obs)) : same) && bounds.length === 0;
      table.push(`${ok ? 'PASS' : 'FAIL'}     ${sc.name}${tag}${bounds.length > 0 ? ` (${bounds.join('; ')})` : ''}`);
    });
  }
  t.comment(`per-scenario results (halyard vs haproxy):\n${table.map((l) => `#   ${l}`).join('\n')}`);
  t.comment(`${table.filter((l) => l.startsWith('PASS')).length} of ${table.length} scenarios identical`);
});

/** An observation without its resource figures (keys named rss*). */
function strip(o: unknown): unknown {
  return JSON.parse(JSON.stringify(o, (k, v: unknown) => (k.startsWith('rss') ? undefined : v)));
}
