/**
 * The differential scenarios of http-diff.test.ts, as a table. Each scenario is a piece of
 * configuration (frontends and backends after a shared `defaults`), and a client script that
 * returns what a client observed: status lines, headers, bodies (the echo backends put the
 * request head they received in their body), raw bytes of error responses, which server
 * answered. The test runs every scenario against real haproxy 2.6 and against Halyard, each
 * on a fresh process started on the same config text, and compares the observations.
 *
 * `needs: 'acl'` marks scenarios that use ACL conditions or http-request/response rules
 * (the ACL/rules engine); they fail on a Halyard build without it, and say so.
 * `expect` checks the reference's own observation, so a scenario that silently stopped
 * testing what its name says (a 200 where a 504 was meant) fails on haproxy too.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import type { HttpBackend } from './http-backends.js';
import { KeepAliveClient, fdCount, rssOf, sendRaw, splitResponses, type Exchange, type ParsedResponse, type ProxyKind } from './http-lab.js';

/** Ports a scenario's config can name: `@fe`, `@fe2`, `@fe3` (frontends) and the backends. */
export const BACKENDS = { a: 'echo', b: 'echo', c: 'echo', reset: 'reset', garbage: 'garbage', silent: 'silent' } as const;
export type BackendName = keyof typeof BACKENDS;

export interface Ctx {
  readonly kind: ProxyKind;
  readonly pid: number;
  /** frontend ports by name (fe, fe2, fe3) */
  port(name?: 'fe' | 'fe2' | 'fe3'): number;
  readonly backends: Readonly<Record<BackendName, HttpBackend>>;
  /** printed with the results */
  note(msg: string): void;
}

export interface Scenario {
  readonly name: string;
  readonly needs?: 'acl';
  /** extra lines for the `global` section */
  readonly global?: readonly string[];
  /** extra lines for the `defaults` section */
  readonly defaults?: readonly string[];
  /** sections after `defaults`; `@fe`, `@fe2`, `@fe3` are frontend ports, `@a`, `@reset`, `@dead`... backend ports */
  readonly config: readonly string[];
  run(ctx: Ctx): Promise<unknown>;
  /** problems with the reference's observation (empty when it shows what the scenario is about) */
  expect?(obs: any): string[];
  /** per-proxy checks that are not comparisons (resource bounds); problems, or empty */
  bounds?(obs: any, kind: ProxyKind): string[];
}

const get = (path: string, host = 'test.local', extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: compat\r\n${extra}\r\n`;

/** What a client sees of one response: status line, headers as received, body as text. */
function view(r: ParsedResponse | null): { line: string; head: string; body: string } | null {
  if (r === null) return null;
  return { line: r.line, head: r.head, body: r.body.toString('latin1') };
}

function serverOf(r: ParsedResponse | null): string {
  if (r === null) return '(closed)';
  return /\r\nx-server: *([^\r]*)/i.exec(r.head)?.[1] ?? `(${r.line})`;
}

/** Requests in order on one keep-alive connection; null once the connection is closed. */
async function onOneConnection(port: number, reqs: readonly string[]): Promise<(ParsedResponse | null)[]> {
  const c = await KeepAliveClient.open(port);
  const out: (ParsedResponse | null)[] = [];
  try {
    for (const r of reqs) out.push(c.closed ? null : await c.request(r, r.startsWith('HEAD ')));
  } finally {
    c.close();
  }
  return out;
}

/**
 * Each request on its own connection: raw bytes until its response is complete by framing
 * (or the proxy closes; an empty request waits for the close).
 */
async function rawEach(port: number, reqs: readonly string[]): Promise<{ raw: string; ended: Exchange['ended'] }[]> {
  const out = [];
  for (const r of reqs) {
    const e = await sendRaw(port, Buffer.from(r, 'latin1'), r === '' ? {} : { responses: 1 });
    out.push({ raw: e.raw.toString('latin1'), ended: e.ended });
  }
  return out;
}

const statusOf = (raw: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1] ?? 0);
const echoBody = (body: string): string => body.split('--- head ---')[0] ?? '';

/** Streams `total` bytes of a deterministic pattern as a POST body; returns the response. */
async function bigPost(port: number, total: number, pid: number, chunked: boolean): Promise<{ response: ParsedResponse | null; rssGrowth: number; ms: number }> {
  const piece = Buffer.alloc(64 * 1024);
  for (let i = 0; i < piece.length; i++) piece[i] = (i * 31 + 7) & 0xff;
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => { sock.once('connect', () => r()); sock.once('error', j); });
  const rss0 = rssOf(pid);
  let peak = rss0;
  const sampler = setInterval(() => { peak = Math.max(peak, rssOf(pid)); }, 25);
  const chunks: Buffer[] = [];
  const done = new Promise<void>((r) => { sock.on('close', () => r()); });
  sock.on('data', (d: Buffer) => {
    chunks.push(d);
    const rs = splitResponses(Buffer.concat(chunks));
    if (rs[0] !== undefined && rs[0].status !== 0 && !rs[0].closeDelimited) sock.end();
  });
  sock.on('error', () => undefined);
  const t0 = Date.now();
  sock.write(`POST /upload HTTP/1.1\r\nHost: test.local\r\n${chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${total}`}\r\n\r\n`);
  let sent = 0;
  while (sent < total && !sock.destroyed) {
    const n = Math.min(piece.length, total - sent);
    const data = n === piece.length ? piece : piece.subarray(0, n);
    const ok = sock.write(chunked ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), data, Buffer.from('\r\n')]) : data);
    sent += n;
    if (!ok) {
      await new Promise<void>((r) => {
        const go = (): void => { sock.off('drain', go); sock.off('close', go); r(); };
        sock.on('drain', go);
        sock.on('close', go);
      });
    }
  }
  if (chunked) sock.write('0\r\n\r\n');
  await done;
  clearInterval(sampler);
  peak = Math.max(peak, rssOf(pid));
  const rs = splitResponses(Buffer.concat(chunks));
  return { response: rs[0] ?? null, rssGrowth: peak - rss0, ms: Date.now() - t0 };
}

function expectedSha(total: number): string {
  const piece = Buffer.alloc(64 * 1024);
  for (let i = 0; i < piece.length; i++) piece[i] = (i * 31 + 7) & 0xff;
  const h = createHash('sha256');
  for (let sent = 0; sent < total; sent += piece.length) h.update(sent + piece.length <= total ? piece : piece.subarray(0, total - sent));
  return h.digest('hex');
}

/**
 * One abort event: `reset` (server resets mid-response) or `vanish` (client gone mid-upload).
 * Resolves false when the proxy kept the client connection past the 10 s safety deadline.
 */
function abortEvent(port: number, kind: 'reset' | 'vanish'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let ok = true;
    const timer = setTimeout(() => { ok = false; s.destroy(); }, 10_000);
    s.on('error', () => undefined);
    s.on('close', () => { clearTimeout(timer); resolve(ok); });
    // read what comes: a stream never read sees no 'end', so no 'close' after the proxy's FIN
    s.resume();
    s.on('connect', () => {
      if (kind === 'reset') {
        s.write(get('/reset'));
        // the proxy closes once the server reset: the close event ends the event
        return;
      }
      s.write(`POST /vanish HTTP/1.1\r\nHost: test.local\r\nContent-Length: 1000000\r\n\r\n${'v'.repeat(16384)}`, () => s.destroy());
    });
  });
}

async function untilFds(pid: number, target: number, deadlineMs: number): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const n = fdCount(pid);
    if (n <= target || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ABORTS = Number(process.env.HTTP_DIFF_ABORTS ?? 10_000);

const WS_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

function wsFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}


/**
 * A request whose HTX cost (lib/http1/fields.ts) is exactly `cost`: the start line "GET /t
 * HTTP/1.1" 29, Host 22, User-Agent 24, X-Big 13 + its value; Connection: close takes none.
 */
const sized = (cost: number): string => get('/t', 'test.local', `Connection: close\r\nX-Big: ${'b'.repeat(cost - 88)}\r\n`);
const closing = (extra = ''): string => get('/t', 'test.local', `Connection: close\r\n${extra}`);
const statuses = (o: { raw: string }[]): number[] => o.map((x) => statusOf(x.raw));
const want = (o: { raw: string }[], exp: readonly number[]): string[] =>
  (statuses(o).join() === exp.join() ? [] : [`statuses ${statuses(o).join()}, expected ${exp.join()}`]);

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'routing: path_beg',
    needs: 'acl',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    acl api path_beg /api/ /v2', '    use_backend be_api if api', '    default_backend be_web',
      'backend be_api', '    server b 127.0.0.1:@b',
      'backend be_web', '    server a 127.0.0.1:@a',
    ],
    run: async (c) => (await onOneConnection(c.port(), ['/api/x', '/web', '/apix', '/v2/y', '/API/z', '/v2'].map((p) => get(p)))).map(serverOf),
    expect: (o: string[]) => (o.join() === 'b,a,a,b,a,b' ? [] : [`routing ${o.join()}`]),
  },
  {
    name: 'routing: hdr(host)',
    needs: 'acl',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    acl h_b hdr(host) -i b.example', '    acl h_c hdr_beg(host) -i c.', '    use_backend be_b if h_b', '    use_backend be_c if h_c', '    default_backend be_a',
      'backend be_a', '    server a 127.0.0.1:@a',
      'backend be_b', '    server b 127.0.0.1:@b',
      'backend be_c', '    server c 127.0.0.1:@c',
    ],
    run: async (c) => (await onOneConnection(c.port(), ['b.example', 'B.EXAMPLE', 'b.example:80', 'c.anything', 'x.example', 'cc.example'].map((h) => get('/', h)))).map(serverOf),
    expect: (o: string[]) => (o[0] === 'b' && o[3] === 'c' && o[4] === 'a' ? [] : [`routing ${o.join()}`]),
  },
  {
    name: 'routing: compound conditions (and, or, !, anonymous ACL)',
    needs: 'acl',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe',
      '    acl api path_beg /api', '    acl is_get method GET HEAD', '    acl admin hdr(host) -i admin.example',
      '    use_backend be_b if api !is_get || admin { path_end .json }',
      '    use_backend be_c if { path_sub secret } or { hdr_cnt(x-twice) gt 1 }',
      '    default_backend be_a',
      'backend be_a', '    server a 127.0.0.1:@a',
      'backend be_b', '    server b 127.0.0.1:@b',
      'backend be_c', '    server c 127.0.0.1:@c',
    ],
    run: async (c) => (await onOneConnection(c.port(), [
      get('/api/x'),
      'POST /api/x HTTP/1.1\r\nHost: test.local\r\nContent-Length: 0\r\n\r\n',
      get('/a.json', 'admin.example'),
      get('/a.html', 'admin.example'),
      get('/x/secret/y'),
      get('/twice', 'test.local', 'X-Twice: 1\r\nX-Twice: 2\r\n'),
      get('/plain'),
    ])).map(serverOf),
    expect: (o: string[]) => (o.join() === 'a,b,b,a,c,c,a' ? [] : [`routing ${o.join()}`]),
  },
  {
    name: 'roundrobin per request on one keep-alive connection',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be',
      'backend be', '    balance roundrobin', '    server a 127.0.0.1:@a', '    server b 127.0.0.1:@b', '    server c 127.0.0.1:@c',
    ],
    run: async (c) => (await onOneConnection(c.port(), Array.from({ length: 7 }, (_, i) => get(`/rr/${i}`)))).map(serverOf),
    expect: (o: string[]) => (new Set(o).size === 3 && o.length === 7 ? [] : [`servers ${o.join()}`]),
  },
  {
    name: 'monitor-uri: the proxy answers it (by path, or by whole URI) and keeps the connection, forwards the rest',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    monitor-uri /health', '    default_backend be',
      'frontend fe2', '    bind 127.0.0.1:@fe2', '    monitor-uri http://mon.example/up', '    default_backend be',
      'backend be', '    server a 127.0.0.1:@a',
    ],
    run: async (c) => ({
      // a HEAD gets the head only (the length of the page it would have had)
      keepAlive: (await onOneConnection(c.port(), [get('/before'), get('/health'), 'HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n', get('/after')])).map(view),
      each: (await rawEach(c.port(), [get('/health?probe=1'), get('http://x.example/health'), get('/healthz'), get('/health/'),
        'GET /health HTTP/1.0\r\n\r\n'])).map((x) => [x.raw, x.ended]),
      whole: (await rawEach(c.port('fe2'), [get('http://mon.example/up'), get('/up')])).map((x) => x.raw),
    }),
    expect: (o: { keepAlive: ({ head: string; body: string } | null)[] }) => (o.keepAlive[1]?.head.includes('x-server') === false && o.keepAlive[2]?.body === ''
      && o.keepAlive[3]?.head.includes('x-server: a') === true ? [] : ['monitor-uri not answered by the proxy']),
  },
  {
    name: 'use-server: a matching rule sends the request to its server; one that is DOWN is passed over',
    needs: 'acl',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be',
      'backend be', '    balance roundrobin',
      '    use-server b if { path_beg /b }', '    use-server c if { path_beg /c }', '    use-server a if { path_beg /c }',
      '    use-server b unless { path_beg /b } { hdr(x-to-b) -m found }',
      '    server a 127.0.0.1:@a', '    server b 127.0.0.1:@b', '    server c 127.0.0.1:@c disabled',
    ],
    run: async (c) => (await onOneConnection(c.port(), [
      get('/b/1'), get('/x/1'), get('/b/2'), get('/c/1'), get('/x/2'), get('/x/3'), get('/c/2'), get('/y', 'test.local', 'X-To-B: 1\r\n'), get('/x/4'),
    ])).map(serverOf),
    expect: (o: string[]) => (o[0] === 'b' && o[2] === 'b' && o[3] === 'a' && o[6] === 'a' && o[7] === 'b' ? [] : [`servers ${o.join()}`]),
  },
  {
    name: 'pipelined requests sent with the FIN: every one answered, then the close',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be',
      'backend be', '    balance roundrobin', '    server a 127.0.0.1:@a', '    server b 127.0.0.1:@b',
    ],
    run: async (c) => {
      const e = await sendRaw(c.port(), Buffer.from([1, 2, 3].map((i) => get(`/fin/${i}`)).join(''), 'latin1'), { end: true });
      return { ended: e.ended, responses: e.responses.map((r) => ({ line: r.line, server: /\r\nx-server: (\w+)/.exec(r.head)?.[1] ?? null, close: /\r\nconnection: close/i.test(r.head) })) };
    },
    expect: (o: { responses: unknown[] }) => (o.responses.length === 3 ? [] : [`${o.responses.length} responses`]),
  },
  {
    name: 'weighted roundrobin and a keep-alive client with HEAD and HTTP/1.0 requests',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be',
      'backend be', '    balance roundrobin', '    server a 127.0.0.1:@a weight 2', '    server b 127.0.0.1:@b weight 1',
    ],
    run: async (c) => {
      const rs = await onOneConnection(c.port(), [get('/1'), `HEAD /2 HTTP/1.1\r\nHost: test.local\r\n\r\n`, get('/3'), 'GET /4 HTTP/1.0\r\nHost: test.local\r\nConnection: keep-alive\r\n\r\n', get('/5'), get('/6')]);
      return rs.map((r) => (r === null ? null : { server: serverOf(r), line: r.line, head: r.head, body: echoBody(r.body.toString('latin1')) }));
    },
    expect: (o: ({ server: string } | null)[]) => (o.filter((x) => x !== null).length === 6 ? [] : ['a request got no answer']),
  },
  {
    name: 'header rules: set/add/del-header seen by the backend, http-response headers seen by the client',
    needs: 'acl',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe',
      '    http-request set-header X-Set fe-set',
      '    http-request add-header X-Add added',
      '    http-request del-header X-Del',
      '    http-request replace-header X-Rep (.*)-old \\1-new',
      '    http-request set-path /rewritten%[path] if { path_beg /rw }',
      '    http-response set-header X-Resp fe',
      '    http-response del-header x-server',
      '    default_backend be',
      'backend be', '    http-request add-header X-Be be', '    http-response add-header X-Be-Resp 1', '    server a 127.0.0.1:@a',
    ],
    run: async (c) => (await onOneConnection(c.port(), [
      get('/rw/x', 'test.local', 'X-Set: from-client\r\nX-Add: original\r\nX-Del: gone\r\nX-Rep: value-old\r\n'),
    ])).map(view),
    expect: (o: ({ body: string } | null)[]) => (/\r\nx-set: fe-set\r\n/i.test(o[0]?.body ?? '') && !/x-del/i.test(o[0]?.body ?? '') ? [] : ['header rules not applied']),
  },
  {
    name: 'option forwardfor, forwardfor header NAME, forwardfor except',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be',
      'frontend fe2', '    bind 127.0.0.1:@fe2', '    default_backend be2',
      'frontend fe3', '    bind 127.0.0.1:@fe3', '    default_backend be3',
      'backend be', '    option forwardfor', '    server a 127.0.0.1:@a',
      'backend be2', '    option forwardfor header X-Client-IP', '    server a 127.0.0.1:@a',
      'backend be3', '    option forwardfor except 127.0.0.0/8', '    server a 127.0.0.1:@a',
    ],
    run: async (c) => {
      const out = [];
      for (const fe of ['fe', 'fe2', 'fe3'] as const) {
        out.push(...(await onOneConnection(c.port(fe), [get('/xff'), get('/xff2', 'test.local', 'X-Forwarded-For: 10.1.2.3\r\n')])).map(view));
      }
      return out;
    },
    expect: (o: ({ body: string } | null)[]) => (/x-forwarded-for: 127\.0\.0\.1/i.test(o[0]?.body ?? '') && /x-client-ip: 127\.0\.0\.1/i.test(o[2]?.body ?? '') ? [] : ['no forwarded-for header']),
  },
  {
    name: 'redirects: location, prefix, scheme, codes, drop-query, append-slash',
    needs: 'acl',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe',
      '    http-request redirect location /new code 301 if { path /old }',
      '    http-request redirect prefix https://secure.example code 302 if { path_beg /pre }',
      '    http-request redirect scheme https if { path /sch }',
      '    http-request redirect prefix /p2 drop-query if { path_beg /dq }',
      '    http-request redirect location /slash/ code 307 if { path /slash }',
      '    redirect prefix /moved code 308 append-slash if { path_beg /legacy }',
      '    default_backend be',
      'backend be', '    server a 127.0.0.1:@a',
    ],
    run: async (c) => rawEach(c.port(), ['/old', '/pre/x?q=1', '/sch', '/dq/y?drop=me', '/slash', '/legacy/dir', '/not-redirected'].map((p) => get(p, 'test.local', 'Connection: close\r\n'))),
    expect: (o: { raw: string }[]) => (statusOf(o[0]?.raw ?? '') === 301 && statusOf(o[6]?.raw ?? '') === 200 ? [] : ['redirects not applied']),
  },
  {
    name: 'deny, deny_status, return',
    needs: 'acl',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe',
      '    http-request deny if { path_beg /admin }',
      '    http-request deny deny_status 429 if { path /limited }',
      '    http-request return status 200 content-type text/plain string ok-from-proxy if { path /ret }',
      '    default_backend be',
      'backend be', '    http-request deny if { hdr(x-be-deny) -m found }', '    server a 127.0.0.1:@a',
    ],
    run: async (c) => rawEach(c.port(), [get('/admin/x'), get('/limited'), get('/ret'), get('/be', 'test.local', 'X-Be-Deny: 1\r\n'), get('/fine', 'test.local', 'Connection: close\r\n')]),
    expect: (o: { raw: string }[]) => (statusOf(o[0]?.raw ?? '') === 403 && statusOf(o[1]?.raw ?? '') === 429 ? [] : ['deny not applied']),
  },
  {
    name: 'replies the proxy makes: no body to a HEAD request, connection: close to an HTTP/1.0 client',
    needs: 'acl',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe',
      '    http-request deny if { path_beg /admin }',
      '    http-request return status 200 content-type text/plain string ok-from-proxy if { path /ret }',
      '    http-request redirect location /elsewhere if { path /moved }',
      '    default_backend be',
      'backend be', '    server a 127.0.0.1:@a',
    ],
    run: async (c) => ({
      head: (await onOneConnection(c.port(), ['HEAD /admin HTTP/1.1\r\nHost: x\r\n\r\n', 'HEAD /ret HTTP/1.1\r\nHost: x\r\n\r\n',
        'HEAD /moved HTTP/1.1\r\nHost: x\r\n\r\n', get('/after')])).map(view),
      http10: (await rawEach(c.port(), ['GET /admin HTTP/1.0\r\n\r\n', 'GET /ret HTTP/1.0\r\n\r\n', 'GET /moved HTTP/1.0\r\n\r\n'])).map((x) => [x.raw, x.ended]),
    }),
    expect: (o: { head: ({ body: string } | null)[] }) => (o.head.length === 4 && o.head[3] !== null && o.head.slice(0, 3).every((r) => r?.body === '') ? [] : ['HEAD replies carry a body']),
  },
  {
    name: '408: incomplete request head, and an idle connection that sends nothing',
    defaults: ['timeout http-request 300ms'],
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    run: async (c) => rawEach(c.port(), ['GET /slow HTTP/1.1\r\nHost: test.local\r\nX-Partial: ', '']),
    expect: (o: { raw: string }[]) => (statusOf(o[0]?.raw ?? '') === 408 ? [] : ['no 408']),
  },
  {
    name: '502: the server answers with bytes that are not HTTP',
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server g 127.0.0.1:@garbage'],
    run: async (c) => rawEach(c.port(), [get('/bad')]),
    expect: (o: { raw: string }[]) => (statusOf(o[0]?.raw ?? '') === 502 ? [] : ['no 502']),
  },
  {
    name: '503: connection refused after retries, and no usable server',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be',
      'frontend fe2', '    bind 127.0.0.1:@fe2', '    default_backend be2',
      'backend be', '    retries 2', '    timeout connect 300ms', '    server d 127.0.0.1:@dead',
      'backend be2', '    server a 127.0.0.1:@a disabled',
    ],
    run: async (c) => [...(await rawEach(c.port('fe'), [get('/refused')])), ...(await rawEach(c.port('fe2'), [get('/none')]))],
    expect: (o: { raw: string }[]) => (o.every((x) => statusOf(x.raw) === 503) ? [] : ['no 503']),
  },
  {
    name: '504: the server never answers (timeout server)',
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    timeout server 300ms', '    server s 127.0.0.1:@silent'],
    run: async (c) => rawEach(c.port(), [get('/wait')]),
    expect: (o: { raw: string }[]) => (statusOf(o[0]?.raw ?? '') === 504 ? [] : ['no 504']),
  },
  {
    name: 'server maxconn: requests wait in the queue; 503 at timeout queue',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be',
      'frontend fe2', '    bind 127.0.0.1:@fe2', '    default_backend be2',
      'backend be', '    timeout queue 300ms', '    timeout server 1500ms', '    server s 127.0.0.1:@silent maxconn 1',
      'backend be2', '    server a 127.0.0.1:@a maxconn 1',
    ],
    run: async (c) => {
      // fe: the first request holds the server's one slot (the server never answers: 504 at
      // timeout server); a second one, sent once the first has reached the server, waits in
      // the queue and gets haproxy's 503 at timeout queue
      // (the silent backend records no heads: its accepted connections say the request is there)
      const silent = c.backends.silent;
      const before = silent.accepted;
      const first = rawEach(c.port('fe'), [get('/holds-the-slot')]);
      const deadline = Date.now() + 5000;
      while (silent.accepted === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const second = await rawEach(c.port('fe'), [get('/queued')]);
      const held = await first;
      // fe2: six clients at once on a maxconn 1 server: each waits its turn, all are served
      const seen = c.backends.a.heads.length;
      const all = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => rawEach(c.port('fe2'), [get(`/turn${i}`)])));
      return {
        first: held.map((x) => x.raw.split('\r\n')[0]), queued: second.map((x) => x.raw),
        served: all.map((x) => `${statusOf(x[0]?.raw ?? '')} ${/\r\nx-server: *([^\r]*)/i.exec(x[0]?.raw ?? '')?.[1] ?? '-'}`),
        serverSaw: c.backends.a.heads.length - seen,
      };
    },
    expect: (o: { first: string[]; queued: { raw: string }[] | string[]; served: string[] }) => {
      const problems: string[] = [];
      if (!/ 504 /.test(o.first[0] ?? '')) problems.push('the slot holder did not get 504');
      if (statusOf(String(o.queued[0] ?? '')) !== 503) problems.push('the queued request did not get 503');
      if (!o.served.every((x) => x === '200 a')) problems.push('not every queued request on fe2 was served');
      return problems;
    },
  },
  {
    name: 'POST bodies: 0 B, 100 KB (content-length), 100 KB (chunked), Expect: 100-continue',
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    run: async (c) => {
      const kb = 'k'.repeat(100 * 1024);
      const rs = await onOneConnection(c.port(), [
        'POST /zero HTTP/1.1\r\nHost: test.local\r\nContent-Length: 0\r\n\r\n',
        `POST /cl HTTP/1.1\r\nHost: test.local\r\nContent-Length: ${kb.length}\r\n\r\n${kb}`,
        `POST /chunked HTTP/1.1\r\nHost: test.local\r\nTransfer-Encoding: chunked\r\n\r\n${(40 * 1024).toString(16)}\r\n${kb.slice(0, 40 * 1024)}\r\n${(60 * 1024).toString(16)}\r\n${kb.slice(0, 60 * 1024)}\r\n0\r\n\r\n`,
      ]);
      // Expect: 100-continue: the head alone first; the body only once the proxy says 100
      const e = await new Promise<string>((resolve) => {
        const s = net.connect(c.port(), '127.0.0.1');
        let got = '';
        let sentBody = false;
        s.on('data', (d: Buffer) => {
          got += d.toString('latin1');
          if (!sentBody && /^HTTP\/1\.1 100 /.test(got) && got.includes('\r\n\r\n')) { sentBody = true; s.write('hello'); }
          const rest = got.replace(/^HTTP\/1\.1 100 [^\r]*\r\n(?:[^\r]+\r\n)*\r\n/, '');
          const r = splitResponses(Buffer.from(rest, 'latin1'))[0];
          if (r !== undefined && r.status >= 200 && !r.closeDelimited) s.end();
        });
        s.on('error', () => undefined);
        s.on('close', () => resolve(got));
        s.write('POST /expect HTTP/1.1\r\nHost: test.local\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
      });
      return [...rs.map(view), e];
    },
    expect: (o: unknown[]) => {
      const v = o as ({ body: string } | null)[];
      return /body-bytes=102400\n/.test(v[1]?.body ?? '') && /body-bytes=102400\n/.test(v[2]?.body ?? '') && /body-bytes=5\n/.test(String(o[3])) ? [] : ['bodies not relayed'];
    },
  },
  {
    name: 'POST 100 MB streamed (content-length and chunked): bounded RSS',
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    run: async (c) => {
      const total = 100 * 1024 * 1024;
      const out = [];
      for (const chunked of [false, true]) {
        const r = await bigPost(c.port(), total, c.pid, chunked);
        c.note(`${c.kind}: 100 MB POST (${chunked ? 'chunked' : 'content-length'}) in ${r.ms} ms, proxy RSS growth ${(r.rssGrowth / 1048576).toFixed(1)} MiB`);
        out.push({ line: r.response?.line ?? null, echoed: echoBody(r.response?.body.toString('latin1') ?? ''), rssGrowth: r.rssGrowth });
      }
      return out;
    },
    expect: (o: { echoed: string }[]) => {
      const sha = expectedSha(100 * 1024 * 1024);
      return o.every((x) => x.echoed.includes(`body-bytes=${100 * 1024 * 1024}\nbody-sha256=${sha}`)) ? [] : ['the backend did not get the 100 MB body intact'];
    },
    bounds: (o: { rssGrowth: number }[]) => o.filter((x) => x.rssGrowth >= 64 * 1048576).map((x) => `RSS grew by ${(x.rssGrowth / 1048576).toFixed(1)} MiB (bound 64 MiB)`),
  },
  {
    name: 'WebSocket upgrade and echo through the tunnel',
    defaults: ['timeout tunnel 5s'],
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    run: async (c) => new Promise((resolve) => {
      const s = net.connect(c.port(), '127.0.0.1');
      const frame = wsFrame('hello through the proxy');
      let got = Buffer.alloc(0);
      let head: string | null = null;
      s.on('data', (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (head === null) {
          const he = got.indexOf('\r\n\r\n');
          if (he < 0) return;
          head = got.toString('latin1', 0, he + 4);
          got = got.subarray(he + 4);
          if (!head.startsWith('HTTP/1.1 101')) { s.end(); return; }
          s.write(frame);
          s.write(frame);
        }
        if (got.length >= frame.length * 2) s.end();
      });
      s.on('error', () => undefined);
      s.on('close', () => resolve({ head, echoed: got.toString('hex'), sameAsSent: got.equals(Buffer.concat([frame, frame])) }));
      s.write(`GET /ws HTTP/1.1\r\nHost: test.local\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${WS_KEY}\r\n\r\n`);
    }),
    expect: (o: { sameAsSent: boolean }) => (o.sameAsSent ? [] : ['no echo through the tunnel']),
  },
  {
    name: 'server resets mid-response',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be',
      'frontend fe2', '    bind 127.0.0.1:@fe2', '    default_backend be2',
      'backend be', '    server r 127.0.0.1:@reset',
      'backend be2', '    server a 127.0.0.1:@a',
    ],
    run: async (c) => {
      const e = await sendRaw(c.port(), Buffer.from(get('/reset'), 'latin1'));
      const after = await onOneConnection(c.port('fe2'), [get('/after')]);
      return { got: e.raw.toString('latin1'), ended: e.ended, after: serverOf(after[0] ?? null) };
    },
    expect: (o: { got: string; after: string }) => (o.got.startsWith('HTTP/1.1 200') && o.after === 'a' ? [] : ['no partial response / proxy unusable after']),
  },
  {
    name: 'client vanishes mid-upload',
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    run: async (c) => {
      const a = c.backends.a;
      const headsBefore = a.heads.length;
      await abortEvent(c.port(), 'vanish');
      // the upload reached the server; once the client is gone its server connection must close too
      const deadline = Date.now() + 5000;
      while (a.heads.length === headsBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const closed = await Promise.race([a.idle().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      const after = await onOneConnection(c.port(), [get('/after', 'test.local', 'Connection: close\r\n')]);
      return { serverSawUpload: a.heads.length > headsBefore, serverConnectionClosed: closed, after: after[0]?.line ?? null };
    },
    expect: (o: { serverSawUpload: boolean; serverConnectionClosed: boolean }) => (o.serverSawUpload && o.serverConnectionClosed ? [] : ['upload not seen or server connection left open']),
  },
  {
    name: 'descriptors stable across 10,000 abort events (server resets, clients vanishing)',
    config: [
      'frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be',
      'frontend fe2', '    bind 127.0.0.1:@fe2', '    default_backend be2',
      'backend be', '    server r 127.0.0.1:@reset',
      'backend be2', '    server a 127.0.0.1:@a',
    ],
    run: async (c) => {
      let stuck = 0;
      const run = async (n: number): Promise<void> => {
        let i = 0;
        const worker = async (): Promise<void> => {
          while (i < n) {
            const k = i++;
            if (!await abortEvent(k % 2 === 0 ? c.port('fe') : c.port('fe2'), k % 2 === 0 ? 'reset' : 'vanish')) stuck++;
          }
        };
        await Promise.all(Array.from({ length: 50 }, worker));
      };
      await run(200);
      await c.backends.a.idle();
      const before = fdCount(c.pid);
      const t0 = Date.now();
      await run(ABORTS);
      const ms = Date.now() - t0;
      await c.backends.a.idle();
      const after = await untilFds(c.pid, before, 10_000);
      const alive = (await onOneConnection(c.port('fe2'), [get('/alive', 'test.local', 'Connection: close\r\n')]))[0]?.line ?? null;
      c.note(`${c.kind}: 10,000 abort events in ${ms} ms; open descriptors ${before} before, ${after} after; ${stuck} client connections left open by the proxy past 10 s`);
      return { stable: after <= before, alive, stuck };
    },
    expect: (o: { stable: boolean; alive: string | null; stuck: number }) => (o.stable && o.alive !== null && o.stuck === 0 ? [] : ['descriptors leaked, connections left open, or proxy dead']),
  },
  {
    name: 'tune.http.maxhdr 5: 4 header fields per request and per response; Connection: close and a repeated Host take no slot',
    global: ['tune.http.maxhdr 5'],
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    run: async (c) => rawEach(c.port(), [
      closing('X-A: 1\r\n'), closing('X-A: 1\r\nX-B: 2\r\n'), closing('X-A: 1\r\nX-B: 2\r\nX-C: 3\r\n'),
      closing(Array.from({ length: 10 }, (_, i) => `X-${i}: ${i}\r\n`).join('')),
      closing('X-A: 1\r\nX-B: 2\r\nHost: test.local\r\n'),
      closing('X-Reply-Fields: 1\r\n'), closing('X-Reply-Fields: 2\r\n'),
      ...[4, 5].map((n) => `POST /tr HTTP/1.1\r\nHost: test.local\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n${Array.from({ length: n }, (_, i) => `X-T${i}: ${i}\r\n`).join('')}\r\n`),
    ]),
    expect: (o: { raw: string }[]) => want(o, [200, 200, 400, 400, 200, 200, 502, 200, 400]),
  },
  {
    name: 'tune.bufsize 4096: request and response heads bounded by the smaller buffer (HTX room to the byte, raw room)',
    global: ['tune.bufsize 4096'],
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    run: async (c) => rawEach(c.port(), [
      sized(4096 - 1024 - 69), sized(4096 - 1024 - 68), closing(`X-Big: ${'b'.repeat(6000)}\r\n`),
      // blanks before the line end cost raw room only
      closing(`X-Ws: a${' '.repeat(3500)}\r\n`), closing(`X-Ws: a${' '.repeat(4100)}\r\n`),
      closing('X-Reply-Pad: 2000\r\n'), closing('X-Reply-Pad: 3500\r\n'),
    ]),
    expect: (o: { raw: string }[]) => want(o, [200, 400, 400, 200, 400, 200, 502]),
  },
  {
    name: 'tune.bufsize 32768: a 20 KB header and a 20 KB response header pass; the limit moves with the buffer',
    global: ['tune.bufsize 32768'],
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    run: async (c) => rawEach(c.port(), [
      closing(`X-Big: ${'b'.repeat(20000)}\r\n`), sized(32768 - 1024 - 69), sized(32768 - 1024 - 68),
      closing('X-Reply-Pad: 20000\r\n'),
    ]),
    expect: (o: { raw: string }[]) => want(o, [200, 200, 400, 200]),
  },
  {
    name: 'tune.maxrewrite 12000 is lowered to bufsize/2 (8192): heads above 8 KB refused',
    global: ['tune.maxrewrite 12000'],
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    run: async (c) => rawEach(c.port(), [
      sized(16384 - 8192 - 69), sized(16384 - 8192 - 68), closing(`X-Big: ${'b'.repeat(10000)}\r\n`),
      closing('X-Reply-Pad: 5000\r\n'), closing('X-Reply-Pad: 9000\r\n'),
    ]),
    expect: (o: { raw: string }[]) => want(o, [200, 400, 400, 200, 502]),
  },
  {
    name: 'tune.bufsize 32768 with tune.maxrewrite 12000 (below half the buffer, kept)',
    global: ['tune.bufsize 32768', 'tune.maxrewrite 12000'],
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    run: async (c) => rawEach(c.port(), [sized(32768 - 12000 - 69), sized(32768 - 12000 - 68)]),
    expect: (o: { raw: string }[]) => want(o, [200, 400]),
  },
  {
    name: 'tune.bufsize 4096: chunked trailers get the smaller HTX room (to the byte) and raw room',
    global: ['tune.bufsize 4096'],
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    // a trailer costs 8 + name + value; they may take bufsize - maxrewrite - 57
    run: async (c) => rawEach(c.port(), [...[2000, 4096 - 1024 - 57 - 12, 4096 - 1024 - 57 - 11, 3990, 4100].map((n) =>
      `POST /tr HTTP/1.1\r\nHost: test.local\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Tr: ${'t'.repeat(n)}\r\n\r\n`),
      `POST /tr HTTP/1.1\r\nHost: test.local\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n\r\n`]),
    expect: (o: { raw: string }[]) => want(o, [200, 200, 400, 400, 400, 400]),
  },
  {
    name: 'tune.http.maxhdr 200: more fields than the default (199 pass, 200 are refused)',
    global: ['tune.http.maxhdr 200'],
    config: ['frontend fe', '    bind 127.0.0.1:@fe', '    default_backend be', 'backend be', '    server a 127.0.0.1:@a'],
    // Host and User-Agent, then X- fields
    run: async (c) => rawEach(c.port(), [197, 198].map((n) => closing(Array.from({ length: n }, (_, i) => `X-${i}: ${i}\r\n`).join('')))),
    expect: (o: { raw: string }[]) => want(o, [200, 400]),
  },
];
