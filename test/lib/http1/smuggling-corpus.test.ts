/**
 * Replays the 3,406 request-smuggling probes of ../shared/corpus/desync through our
 * parser + framer (no sockets) and compares each verdict with what HAProxy 2.6.12 did.
 *
 * same     : both reject, or both forward the same sequence of messages
 * looser   : HAProxy rejects and we accept, or we forward a message HAProxy did not (FAIL)
 * stricter : HAProxy forwards and we reject (allowed, listed in the output)
 * For probes both forward as one message, we also compare the bytes the origin received
 * with what our re-encoded head + framed body would be.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replay } from './replay.js';

interface Probe {
  id: string;
  payload: string;
  haproxy_2_6_12: {
    verdict: 'rejected' | 'forwarded';
    statuses: number[];
    forwarded_request_lines: string[];
    forwarded_bytes: number;
  };
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = resolve(repoRoot, '../shared/corpus/desync/smuggling-probes.json');

if (!existsSync(corpus)) {
  t.plan(0, `skipped: ${corpus} is absent (the shared smuggling corpus is not mounted here)`);
} else {
  const probes = JSON.parse(readFileSync(corpus, 'latin1')) as Probe[];

  t.test('no smuggling probe that haproxy 2.6 rejects gets through our parser', async (t) => {
    let same = 0;
    const looser: string[] = [];
    const stricter: string[] = [];
    let bytesChecked = 0;
    const bytesDiffer: string[] = [];
    for (const p of probes) {
      const hp = p.haproxy_2_6_12;
      const r = replay(Buffer.from(p.payload, 'latin1'));
      const ours = r.messages;
      const first = ours[0];
      const weAccept = first !== undefined && first.status === 200;
      if (hp.verdict === 'rejected') {
        if (weAccept) looser.push(`${p.id}: haproxy ${hp.statuses.join(',')}, we forward`);
        else same++;
        continue;
      }
      if (!weAccept) {
        stricter.push(`${p.id}: haproxy forwards, we answer ${first?.status ?? '-'} (${first?.error ?? 'incomplete'})`);
        continue;
      }
      const ourForwarded = ours.filter((m) => m.status === 200);
      if (ourForwarded.length > hp.forwarded_request_lines.length) {
        looser.push(`${p.id}: we forward ${ourForwarded.length} messages, haproxy ${hp.forwarded_request_lines.length}`);
        continue;
      }
      // Same first verdict: the follow-up statuses must agree too (a 400 for leftover
      // garbage, or nothing while HAProxy waits for more bytes).
      const ourStatuses = ours.filter((m) => !m.bodyIncomplete).map((m) => m.status);
      if (ourStatuses.join(',') === hp.statuses.join(',')) same++;
      else stricter.push(`${p.id}: statuses haproxy ${hp.statuses.join(',')} ours ${ourStatuses.join(',')}`);
      if (hp.forwarded_request_lines.length === 1 && first.line === hp.forwarded_request_lines[0]) {
        bytesChecked++;
        if (first.forwardedBytes !== hp.forwarded_bytes) {
          bytesDiffer.push(`${p.id}: origin got ${hp.forwarded_bytes} bytes from haproxy, ${first.forwardedBytes} from us`);
        }
      }
    }
    t.comment(`probes: ${probes.length}; same ${same}, looser ${looser.length}, stricter ${stricter.length}`);
    t.comment(`forwarded byte counts compared on ${bytesChecked} probes, ${bytesDiffer.length} differ`);
    for (const s of stricter) t.comment(`stricter: ${s}`);
    for (const s of bytesDiffer.slice(0, 20)) t.comment(`bytes: ${s}`);
    t.same(looser, [], 'looser must be empty: every probe haproxy rejects is rejected');
    t.equal(same + looser.length + stricter.length, probes.length, 'every probe classified');
    t.same(bytesDiffer, [], 'the origin receives exactly the bytes haproxy would send it');
  });
}
