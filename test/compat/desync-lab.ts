/**
 * Test helper (not a test file): replays raw client payloads through a running proxy to a
 * recording origin, and says per payload what reached the origin.
 *
 * - Each payload goes out on its own connection from its own loopback source address
 *   (127.10.x.y), and the proxy runs with `option forwardfor`: the origin attributes every
 *   message it receives to a payload by its X-Forwarded-For. A message without one (bytes a
 *   proxy let through inside another message's body, or a second message it did not frame)
 *   belongs to the message before it on the same origin connection.
 * - The origin records the exact bytes of each connection and parses them strictly (RFC 9112
 *   framing: Transfer-Encoding chunked wins, else Content-Length). Anything a downstream
 *   server could frame in more than one way is flagged: both CL and TE, several CL, a TE other
 *   than `chunked`, bare LF or CR line ends, obs-fold, a header name that is not a token, bytes
 *   that do not form a request. It answers 200 (content-length 0) to each complete message and
 *   400 + close to bytes it cannot parse.
 * - A payload is finished when the proxy closes the client connection (error responses close;
 *   otherwise the proxy's short `timeout http-keep-alive` / `timeout http-request` does it), so
 *   nothing waits on a fixed idle delay. The per-payload deadline is only a failure marker.
 * - Accounting happens once the proxy has been stopped and the origin has seen every one of
 *   its connections close, so no late byte is missed.
 */
import net from 'node:net';
import { sendRaw, type Exchange } from './http-lab.js';

export interface OriginMessage {
  /** the payload source address it was attributed to, or null */
  ip: string | null;
  /** request line as received */
  line: string;
  /** exact bytes of the message (head + body as framed, or the unparseable rest) */
  bytes: Buffer;
  complete: boolean;
  /** arrival order across all origin connections (a complete message: when it completed) */
  seq: number;
  /** reasons a downstream server could read these bytes differently; empty when unambiguous */
  problems: string[];
}

interface Conn {
  chunks: Buffer[];
  buf: Buffer;
  /** arrival order of the first byte of `buf` */
  bufSeq: number;
  messages: OriginMessage[];
  dead: boolean;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/;

type Parsed = { kind: 'need' } | { kind: 'garbage'; why: string } | { kind: 'msg'; msg: OriginMessage; end: number };

/** One message at the start of `buf`, strictly. */
export function parseOriginMessage(buf: Buffer, lastIp: string | null): Parsed {
  // the empty line: the first LF followed by (CR)LF
  let he = -1;
  let bodyStart = -1;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) {
    if (buf[i + 1] === 10) { he = i + 1; bodyStart = i + 2; break; }
    if (buf[i + 1] === 13 && buf[i + 2] === 10) { he = i + 1; bodyStart = i + 3; break; }
    if (i + 2 >= buf.length) break;
  }
  if (he < 0) {
    if (buf.length > 65536) return { kind: 'garbage', why: 'head over 64 KiB' };
    // a first line that cannot be a request line is garbage now, not later
    const nl = buf.indexOf(10);
    const first = buf.toString('latin1', 0, nl < 0 ? buf.length : nl);
    if (nl >= 0 && !REQUEST_LINE.test(first.replace(/\r$/, ''))) return { kind: 'garbage', why: `not a request line: ${JSON.stringify(first.slice(0, 60))}` };
    return { kind: 'need' };
  }
  const problems: string[] = [];
  const headText = buf.toString('latin1', 0, he);
  const lines = headText.split('\n');
  lines.pop(); // after the last LF of the head: empty
  for (const l of lines) {
    if (!l.endsWith('\r')) problems.push('bare LF line end');
    if (l.slice(0, -1).includes('\r')) problems.push('bare CR');
  }
  const clean = lines.map((l) => l.replace(/\r$/, ''));
  const reqLine = clean[0] ?? '';
  if (reqLine === '') return { kind: 'garbage', why: 'empty line before the request line' };
  if (!REQUEST_LINE.test(reqLine)) return { kind: 'garbage', why: `not a request line: ${JSON.stringify(reqLine.slice(0, 60))}` };
  const te: string[] = [];
  const cl: string[] = [];
  let xff: string | null = null;
  for (const l of clean.slice(1)) {
    if (l.startsWith(' ') || l.startsWith('\t')) { problems.push('obs-fold'); continue; }
    const colon = l.indexOf(':');
    const name = colon < 0 ? l : l.slice(0, colon);
    if (colon < 0 || !TOKEN.test(name)) { problems.push(`header name ${JSON.stringify(name.slice(0, 40))}`); continue; }
    const value = l.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    const lname = name.toLowerCase();
    if (lname === 'transfer-encoding') te.push(value);
    else if (lname === 'content-length') cl.push(value);
    else if (lname === 'x-forwarded-for') xff = value;
  }
  let chunked = false;
  let length = 0;
  if (te.length > 0) {
    if (te.length > 1) problems.push('several Transfer-Encoding headers');
    const codings = te.join(',').split(',').map((c) => c.trim().toLowerCase());
    if (codings.join(',') !== 'chunked') problems.push(`transfer-encoding ${JSON.stringify(te.join(', '))}`);
    if (cl.length > 0) problems.push('Content-Length and Transfer-Encoding');
    if (codings[codings.length - 1] !== 'chunked') return { kind: 'garbage', why: 'request TE does not end in chunked' };
    chunked = true;
  } else if (cl.length > 0) {
    if (cl.length > 1) problems.push('several Content-Length headers');
    const v = cl[0] ?? '';
    if (!/^\d+$/.test(v)) return { kind: 'garbage', why: `content-length ${JSON.stringify(v)}` };
    length = Number(v);
  }
  const ip = xff ?? lastIp;
  let end: number;
  if (chunked) {
    const e = chunkedEnd(buf, bodyStart);
    if (e === -1) return { kind: 'need' };
    if (e === -2) return { kind: 'garbage', why: 'bad chunked body' };
    end = e;
  } else {
    end = bodyStart + length;
    if (end > buf.length) return { kind: 'need' };
  }
  return { kind: 'msg', end, msg: { ip, line: reqLine, bytes: Buffer.from(buf.subarray(0, end)), complete: true, seq: 0, problems } };
}

/** End offset of a chunked body starting at `p`: -1 need more, -2 invalid. */
function chunkedEnd(buf: Buffer, p: number): number {
  for (;;) {
    const le = buf.indexOf('\r\n', p);
    if (le < 0) return buf.length - p > 1024 ? -2 : -1;
    const sizeLine = buf.toString('latin1', p, le);
    const m = /^([0-9A-Fa-f]{1,15})(?:[ \t]*;[^\r\n]*)?$/.exec(sizeLine);
    if (!m) return -2;
    const size = parseInt(m[1] ?? '', 16);
    p = le + 2;
    if (size === 0) break;
    if (buf.length < p + size + 2) return -1;
    if (buf[p + size] !== 13 || buf[p + size + 1] !== 10) return -2;
    p += size + 2;
  }
  // trailer fields, then the empty line
  for (;;) {
    const le = buf.indexOf('\r\n', p);
    if (le < 0) return buf.length - p > 8192 ? -2 : -1;
    if (le === p) return le + 2;
    p = le + 2;
  }
}

export interface RecordingOrigin {
  readonly port: number;
  /** every origin connection so far */
  readonly conns: readonly Conn[];
  /** resolves once no origin connection is open */
  idle(): Promise<void>;
  /** the messages of every connection, with an incomplete tail as a last incomplete message */
  messages(): OriginMessage[];
  close(): Promise<void>;
}

const OK = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n', 'latin1');
const BAD = Buffer.from('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n', 'latin1');

export async function recordingOrigin(): Promise<RecordingOrigin> {
  const conns: Conn[] = [];
  let seq = 0;
  const open = new Set<net.Socket>();
  let idleWaiters: (() => void)[] = [];
  const server = net.createServer({ allowHalfOpen: false }, (sock) => {
    const c: Conn = { chunks: [], buf: Buffer.alloc(0), bufSeq: 0, messages: [], dead: false };
    conns.push(c);
    open.add(sock);
    sock.setNoDelay(true);
    sock.on('error', () => undefined);
    sock.on('close', () => {
      open.delete(sock);
      if (open.size === 0) { const w = idleWaiters; idleWaiters = []; for (const f of w) f(); }
    });
    sock.on('data', (d: Buffer) => {
      c.chunks.push(d);
      if (c.dead) return;
      if (c.buf.length === 0) c.bufSeq = ++seq;
      c.buf = c.buf.length === 0 ? d : Buffer.concat([c.buf, d]);
      for (;;) {
        if (c.buf.length === 0) return;
        const lastIp = c.messages.length > 0 ? (c.messages[c.messages.length - 1] as OriginMessage).ip : null;
        const r = parseOriginMessage(c.buf, lastIp);
        if (r.kind === 'need') return;
        if (r.kind === 'garbage') {
          c.messages.push({ ip: lastIp, line: '', bytes: c.buf, complete: false, seq: c.bufSeq, problems: [`unparseable: ${r.why}`] });
          c.buf = Buffer.alloc(0);
          c.dead = true;
          sock.end(BAD);
          return;
        }
        r.msg.seq = ++seq;
        c.messages.push(r.msg);
        c.buf = c.buf.subarray(r.end);
        if (c.buf.length > 0) c.bufSeq = ++seq;
        sock.write(OK);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    conns,
    idle: () => (open.size === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),
    messages() {
      const out: OriginMessage[] = [];
      for (const c of conns) {
        out.push(...c.messages);
        if (!c.dead && c.buf.length > 0) {
          const lastIp = c.messages.length > 0 ? (c.messages[c.messages.length - 1] as OriginMessage).ip : null;
          const r = parseOriginMessage(c.buf, lastIp);
          const ip = r.kind === 'msg' ? r.msg.ip : /\r\nx-forwarded-for: *([^\r\n]*)/i.exec(c.buf.toString('latin1'))?.[1] ?? lastIp;
          out.push({ ip, line: c.buf.toString('latin1', 0, Math.max(0, c.buf.indexOf('\r\n'))), bytes: c.buf, complete: false, seq: c.bufSeq, problems: [] });
        }
      }
      return out.sort((a, b) => a.seq - b.seq);
    },
    close: () => new Promise<void>((r) => { for (const s of open) s.destroy(); server.close(() => r()); }),
  };
}

/** The source address of payload number `i` (up to 62,500 payloads). */
export function sourceIp(i: number): string {
  return `127.10.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

export interface Payload { readonly id: string; readonly bytes: Buffer }

export interface PayloadResult {
  readonly id: string;
  readonly ip: string;
  readonly exchange: Exchange;
  /** what the origin received for it, in order */
  messages: OriginMessage[];
}

/**
 * Sends every payload through the proxy on `port` with at most `concurrency` connections at
 * once. Call `attribute` after the proxy was stopped and the origin is idle.
 */
export async function sendAll(port: number, payloads: readonly Payload[], concurrency: number, deadlineMs: number): Promise<PayloadResult[]> {
  const results: PayloadResult[] = new Array(payloads.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      const p = payloads[i];
      if (p === undefined) return;
      const ip = sourceIp(i);
      const exchange = await sendRaw(port, p.bytes, { localAddress: ip, deadlineMs });
      results[i] = { id: p.id, ip, exchange, messages: [] };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, payloads.length) }, worker));
  return results;
}

/** Fills each result's `messages`; returns the messages no payload could be named for. */
export function attribute(results: PayloadResult[], origin: RecordingOrigin): OriginMessage[] {
  const byIp = new Map(results.map((r) => [r.ip, r] as [string, PayloadResult]));
  const orphans: OriginMessage[] = [];
  for (const m of origin.messages()) {
    const r = m.ip === null ? undefined : byIp.get(m.ip);
    if (r === undefined) orphans.push(m);
    else r.messages.push(m);
  }
  return orphans;
}

/** What a client saw, as a list of statuses (0 = bytes that are not a response). */
export function statusesOf(e: Exchange): number[] {
  return e.responses.filter((r) => r.status !== -1).map((r) => r.status);
}

export type Verdict = 'rejected' | 'forwarded';

export interface Reference {
  readonly verdict: Verdict;
  readonly statuses: readonly number[];
  readonly lines: readonly string[];
}

export type Cls = 'same' | 'looser' | 'stricter' | 'differ';

/**
 * Compares one payload's observation with the reference's:
 *   looser   the reference rejects and bytes reached the origin; or the origin got more
 *            messages than the reference forwarded, or an ambiguous or unparseable one; or the
 *            client read more 200s than the reference's (FAIL)
 *   stricter the reference forwards, nothing reached the origin
 *   differ   same verdict, other statuses or request lines (printed, not a failure)
 *   same     same verdict, statuses and forwarded request lines
 */
export function classify(ref: Reference, r: PayloadResult): { cls: Cls; why: string } {
  const st = statusesOf(r.exchange);
  const got = `statuses [${st.join(',')}]`;
  const fwd = r.messages.length > 0;
  const ambiguous = r.messages.flatMap((m) => m.problems);
  if (r.exchange.ended === 'deadline') return { cls: 'looser', why: `still open after the safety deadline; ${got}` };
  if (ref.verdict === 'rejected') {
    if (fwd) {
      const what = r.messages.map((m) => `${JSON.stringify(m.line)} (${m.bytes.length} bytes, ${m.complete ? 'complete' : 'incomplete'})`).join(', ');
      return { cls: 'looser', why: `reference rejects; origin received ${r.messages.length} message(s): ${what}; client read ${got}` };
    }
    if (st.includes(200)) return { cls: 'looser', why: `reference rejects; client read ${got}` };
    return st.join(',') === ref.statuses.join(',') ? { cls: 'same', why: '' } : { cls: 'differ', why: `both reject; reference [${ref.statuses.join(',')}], ${got}` };
  }
  if (!fwd) return { cls: 'stricter', why: `reference forwards; nothing reached the origin, ${got}` };
  if (ambiguous.length > 0) return { cls: 'looser', why: `origin received ambiguous bytes: ${[...new Set(ambiguous)].join('; ')}` };
  if (r.messages.length > ref.lines.length) return { cls: 'looser', why: `origin received ${r.messages.length} messages, reference forwarded ${ref.lines.length}` };
  const ok200 = (xs: readonly number[]): number => xs.filter((s) => s === 200).length;
  if (ok200(st) > ok200(ref.statuses)) return { cls: 'looser', why: `client read ${got}, reference [${ref.statuses.join(',')}]` };
  const lines = r.messages.map((m) => m.line);
  if (st.join(',') === ref.statuses.join(',') && lines.join('\n') === ref.lines.join('\n') && r.messages.every((m) => m.complete)) return { cls: 'same', why: '' };
  return { cls: 'differ', why: `reference [${ref.statuses.join(',')}] ${JSON.stringify(ref.lines)}; ${got} ${JSON.stringify(lines)}${r.messages.some((m) => !m.complete) ? ' (incomplete message at the origin)' : ''}` };
}

/** The proxy config for the replays: one frontend, the recording origin behind it. */
export function replayConfig(fePort: number, probePort: number, originPort: number): string {
  return [
    'global',
    '    maxconn 4000',
    'defaults',
    '    mode http',
    '    option forwardfor',
    '    timeout connect 2s',
    '    timeout client 3s',
    '    timeout server 3s',
    '    timeout http-request 500ms',
    '    timeout http-keep-alive 100ms',
    'frontend fe',
    `    bind 127.0.0.1:${fePort}`,
    '    default_backend origin',
    // after fe: listeners open in config order, so a probe that answers means fe listens
    'frontend probe',
    `    bind 127.0.0.1:${probePort}`,
    'backend origin',
    `    server o 127.0.0.1:${originPort}`,
    '',
  ].join('\n');
}
