/**
 * Request smuggling, end to end through running proxies (desync-lab.ts says how):
 *
 * 1. The 3,406 probes of ../shared/corpus/desync through real haproxy 2.6 (a check of the
 *    harness: it must agree with the corpus record) and through Halyard: each probe haproxy
 *    rejected is rejected, and where one is forwarded the origin receives exactly one
 *    unambiguous message. Prints same/looser/stricter/differ counts; fails on any looser.
 * 2. The hand-written corpus of malformed-http.ts through haproxy and Halyard on the same
 *    config and origin: the client's status lines and the exact bytes the origin received
 *    must be the same (haproxy's answer is recorded live here).
 */
import t, { type Test } from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir, skipNoHaproxy } from '../helpers/shared.js';
import {
  attribute, classify, recordingOrigin, replayConfig, sendAll, statusesOf, type Cls, type Payload, type PayloadResult, type Reference,
} from './desync-lab.js';
import { cleanupDir, freePort, haveHalyardBuild, startProxy, type ProxyKind } from './http-lab.js';
import { MALFORMED_HTTP } from './malformed-http.js';

interface Probe {
  id: string;
  payload: string;
  haproxy_2_6_12: { verdict: 'rejected' | 'forwarded'; statuses: number[]; forwarded_request_lines: string[]; forwarded_bytes: number };
}

const corpusFile = join(sharedDir, 'corpus', 'desync', 'smuggling-probes.json');
const CONCURRENCY = 48;
const DEADLINE_MS = 15_000;

t.teardown(cleanupDir);

interface Run { results: PayloadResult[]; orphans: number; ms: number; stderr: string }

/** Starts `kind` in front of a fresh recording origin, sends everything, stops it, attributes. */
async function replay(kind: ProxyKind, payloads: readonly Payload[]): Promise<Run> {
  const origin = await recordingOrigin();
  try {
    const fe = await freePort();
    const probe = await freePort();
    const proc = await startProxy(kind, replayConfig(fe, probe, origin.port), probe);
    const t0 = Date.now();
    let results: PayloadResult[];
    try {
      results = await sendAll(fe, payloads, CONCURRENCY, DEADLINE_MS);
    } finally {
      await proc.stop();
    }
    const ms = Date.now() - t0;
    // the proxy is gone: every origin connection closes, then nothing more can arrive
    await origin.idle();
    const orphans = attribute(results, origin);
    return { results, orphans: orphans.length, ms, stderr: proc.stderr() };
  } finally {
    await origin.close();
  }
}

/**
 * The one normalization of origin bytes: a complete chunked message is shown with its body
 * decoded (data, then trailer fields with lower-case names). haproxy re-encodes chunks (it
 * merges them and drops extensions) while Halyard relays them as they are; chunk boundaries,
 * extensions and field-name case carry no meaning (RFC 9112 §7.1). Everything else is compared
 * byte for byte.
 */
function unchunk(msg: Buffer): string {
  const text = msg.toString('latin1');
  const he = text.indexOf('\r\n\r\n');
  if (he < 0 || !/\r\ntransfer-encoding: *chunked\r\n/i.test(text.slice(0, he + 2))) return text;
  let p = he + 4;
  let data = '';
  for (;;) {
    const le = text.indexOf('\r\n', p);
    if (le < 0) return text;
    const size = parseInt(text.slice(p, le), 16);
    if (Number.isNaN(size)) return text;
    p = le + 2;
    if (size === 0) break;
    data += text.slice(p, p + size);
    p += size + 2;
  }
  const trailers = text.slice(p).split('\r\n').filter((l) => l !== '').map((l) => l.replace(/^[^:]*/, (n) => n.toLowerCase()));
  return `${text.slice(0, he + 4)}[chunked body decoded: ${JSON.stringify(data)}; trailers ${JSON.stringify(trailers)}]`;
}

function corpusSkip(): string | false {
  if (!existsSync(sharedDir)) return `../shared is absent (${sharedDir}): it holds the smuggling corpus this test replays`;
  if (!existsSync(corpusFile)) return `${corpusFile} is absent`;
  return false;
}

const probes: Probe[] = corpusSkip() === false ? JSON.parse(readFileSync(corpusFile, 'latin1')) as Probe[] : [];
const probePayloads: Payload[] = probes.map((p) => ({ id: p.id, bytes: Buffer.from(p.payload, 'latin1') }));
const refOf = (p: Probe): Reference => ({ verdict: p.haproxy_2_6_12.verdict, statuses: p.haproxy_2_6_12.statuses, lines: p.haproxy_2_6_12.forwarded_request_lines });

/** Classifies a run against the corpus record and reports it; returns the per-class lists. */
function report(t: Test, kind: ProxyKind, run: Run): Record<Cls, string[]> {
  const out: Record<Cls, string[]> = { same: [], looser: [], stricter: [], differ: [] };
  run.results.forEach((r, i) => {
    const p = probes[i] as Probe;
    const c = classify(refOf(p), r);
    out[c.cls].push(`${p.id}: ${c.why}`);
  });
  t.comment(`${kind}: ${run.results.length} probes in ${run.ms} ms (concurrency ${CONCURRENCY}): same ${out.same.length}, looser ${out.looser.length}, stricter ${out.stricter.length}, differ ${out.differ.length}; origin messages no probe could be named for: ${run.orphans}`);
  for (const l of out.looser) t.comment(`${kind} looser: ${l}`);
  for (const l of out.stricter.slice(0, 40)) t.comment(`${kind} stricter: ${l}`);
  for (const l of out.differ.slice(0, 40)) t.comment(`${kind} differ: ${l}`);
  return out;
}

t.test('smuggling corpus through real haproxy 2.6 agrees with its record (harness check)', { skip: corpusSkip() || skipNoHaproxy() }, async (t) => {
  const run = await replay('haproxy', probePayloads);
  const cls = report(t, 'haproxy', run);
  t.same(cls.looser, [], 'haproxy is never looser than its own record');
  t.equal(run.orphans, 0, 'every origin message is attributed to a probe');
  t.equal(cls.stricter.length, 0, 'haproxy forwards what its record says it forwards');
});

t.test('smuggling corpus through Halyard: every probe haproxy rejects is rejected, one message per forwarded probe', { skip: corpusSkip() || haveHalyardBuild() }, async (t) => {
  const run = await replay('halyard', probePayloads);
  const cls = report(t, 'halyard', run);
  t.same(cls.looser, [], 'looser must be empty');
  t.equal(run.orphans, 0, 'every origin message is attributed to a probe');
  t.equal(cls.same.length + cls.looser.length + cls.stricter.length + cls.differ.length, probes.length, 'every probe classified');
  t.ok(run.results.every((r) => r.exchange.ended !== 'deadline'), 'every probe ended on an event before the safety deadline');
});

t.test('hand-written malformed requests: Halyard answers and forwards as haproxy 2.6 does', { skip: skipNoHaproxy() || haveHalyardBuild() }, async (t) => {
  t.ok(MALFORMED_HTTP.length >= 40, `${MALFORMED_HTTP.length} cases`);
  const payloads: Payload[] = MALFORMED_HTTP.map((c) => ({ id: c.name, bytes: Buffer.from(c.request, 'latin1') }));
  const theirs = await replay('haproxy', payloads);
  const ours = await replay('halyard', payloads);
  const observe = (r: PayloadResult): { statusLines: string[]; origin: string[] } => ({
    statusLines: r.exchange.responses.map((x) => x.line),
    origin: r.messages.map((m) => unchunk(m.bytes)),
  });
  let same = 0;
  const differ: string[] = [];
  MALFORMED_HTTP.forEach((c, i) => {
    const h = theirs.results[i] as PayloadResult;
    const o = ours.results[i] as PayloadResult;
    const ho = observe(h);
    const oo = observe(o);
    if (c.stricter !== undefined) {
      t.same({ statuses: statusesOf(o.exchange), origin: oo.origin }, { statuses: [400], origin: [] },
        `${c.name}: stricter on purpose (${c.stricter}); haproxy ${JSON.stringify(statusesOf(h.exchange))}`);
      return;
    }
    if (JSON.stringify(ho) === JSON.stringify(oo)) same++;
    else differ.push(c.name);
    t.same(oo, ho, c.name);
  });
  t.comment(`malformed corpus: ${MALFORMED_HTTP.length} cases, same ${same}, differ ${differ.length}${differ.length ? `: ${differ.join(' | ')}` : ''}`);
  t.equal(theirs.orphans + ours.orphans, 0, 'every origin message is attributed to a case');
});
