/**
 * Balance scenarios replayed both on the real haproxy (record-balance.ts) and on our balancers
 * (test/backends/balance/compat-fixtures.test.ts). Each is a backend as haproxy.cfg would write
 * it plus a list of requests; the recording is which server answered each one.
 */
import { Backend } from '../../backends/backend.js';
import { balanceSpec, hashType, type BalanceAlgo, type BalanceSpec, type HashType } from '../../backends/balance/index.js';
import type { Server, ServerConfig } from '../../backends/server.js';
import { ipv4, TestCtx } from '../backends/helpers.js';

export interface Req {
  /** client address (127.0.0.x, bound with localAddress) */
  readonly src?: string;
  /** HTTP request target (http mode only) */
  readonly uri?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** keep this connection open until the end of the scenario */
  readonly hold?: boolean;
}

export interface Scenario {
  readonly name: string;
  readonly mode: 'tcp' | 'http';
  /** words after `balance` */
  readonly balance: string;
  /** words after `hash-type`, if any */
  readonly hashType?: string;
  /** extra backend lines, e.g. `option allbackups` */
  readonly options?: readonly string[];
  /** server name and the parameters after its address */
  readonly servers: readonly { readonly name: string; readonly params: string }[];
  readonly requests: readonly Req[];
}

export interface Recorded extends Scenario {
  /** server name per request, "-" when none answered */
  readonly picks: readonly string[];
}

const srv = (name: string, params = ''): { name: string; params: string } => ({ name, params });
const times = (n: number, r: Req = {}): Req[] => Array.from({ length: n }, () => r);
const URIS = [
  '/', '/index.html', '/a', '/a/b', '/a/b/c', '/a/b/c?x=1', '/img/logo.png', '/api/v1/users',
  '/api/v1/users/42', '/api/v2/orders?id=7', '/static/app.js', '/static/app.css', '/x?y', '/Z',
  '/search?q=haproxy', '/very/long/path/with/many/segments/file.txt', '/%7Euser/', '/a/b?c=d&e=f',
  '/favicon.ico', '/robots.txt',
];
const HOSTS = [
  'example.com', 'www.example.com', 'api.example.com', 'example.org', 'www.example.org',
  'localhost', 'localhost:8080', 'a.b.c.d.e', 'shop.example.co.uk', 'foo.test',
  'bar.test', 'static.cdn.net', 'cdn.net', 'x', 'www.haproxy.org', 'haproxy.org',
];
const SRCS = Array.from({ length: 24 }, (_, i) => `127.0.0.${i + 1}`);
const ABC = [srv('a'), srv('b'), srv('c')];
const ABCD = [srv('a'), srv('b'), srv('c'), srv('d')];

export const SCENARIOS: readonly Scenario[] = [
  { name: 'roundrobin 3:1', mode: 'tcp', balance: 'roundrobin', servers: [srv('a', 'weight 3'), srv('b', 'weight 1')], requests: times(16) },
  { name: 'roundrobin 2:1:1', mode: 'tcp', balance: 'roundrobin', servers: [srv('a', 'weight 2'), srv('b'), srv('c')], requests: times(12) },
  { name: 'roundrobin 5:3:2', mode: 'tcp', balance: 'roundrobin', servers: [srv('a', 'weight 5'), srv('b', 'weight 3'), srv('c', 'weight 2')], requests: times(30) },
  { name: 'roundrobin 80/10/10', mode: 'tcp', balance: 'roundrobin', servers: [srv('a', 'weight 80'), srv('b', 'weight 10'), srv('c', 'weight 10')], requests: times(100) },
  { name: 'roundrobin 7:4:2:1 with a weight-0 server', mode: 'tcp', balance: 'roundrobin', servers: [srv('a', 'weight 7'), srv('z', 'weight 0'), srv('b', 'weight 4'), srv('c', 'weight 2'), srv('d', 'weight 1')], requests: times(42) },
  { name: 'static-rr 5:3:2', mode: 'tcp', balance: 'static-rr', servers: [srv('a', 'weight 5'), srv('b', 'weight 3'), srv('c', 'weight 2')], requests: times(30) },
  { name: 'static-rr 80/10/10', mode: 'tcp', balance: 'static-rr', servers: [srv('a', 'weight 80'), srv('b', 'weight 10'), srv('c', 'weight 10')], requests: times(40) },
  { name: 'leastconn sequential', mode: 'tcp', balance: 'leastconn', servers: [srv('a', 'weight 3'), srv('b'), srv('c')], requests: times(9) },
  { name: 'leastconn held 2:1', mode: 'tcp', balance: 'leastconn', servers: [srv('a', 'weight 2'), srv('b')], requests: times(9, { hold: true }) },
  { name: 'first with maxconn 2', mode: 'tcp', balance: 'first', servers: [srv('a', 'maxconn 2'), srv('b', 'maxconn 2'), srv('c', 'maxconn 2')], requests: times(5, { hold: true }) },
  { name: 'first sequential', mode: 'tcp', balance: 'first', servers: [srv('a', 'maxconn 2'), srv('b', 'maxconn 2')], requests: times(4) },
  { name: 'source map-based', mode: 'tcp', balance: 'source', servers: ABC, requests: SRCS.map((src) => ({ src })) },
  { name: 'source map-based 3:2:1', mode: 'tcp', balance: 'source', servers: [srv('a', 'weight 3'), srv('b', 'weight 2'), srv('c')], requests: SRCS.map((src) => ({ src })) },
  { name: 'source consistent', mode: 'tcp', balance: 'source', hashType: 'consistent', servers: ABCD, requests: SRCS.map((src) => ({ src })) },
  { name: 'source consistent avalanche', mode: 'tcp', balance: 'source', hashType: 'consistent sdbm avalanche', servers: ABCD, requests: SRCS.map((src) => ({ src })) },
  { name: 'uri map-based', mode: 'http', balance: 'uri', servers: ABCD, requests: URIS.map((uri) => ({ uri })) },
  { name: 'uri whole', mode: 'http', balance: 'uri whole', servers: ABCD, requests: URIS.map((uri) => ({ uri })) },
  { name: 'uri depth 2 len 12', mode: 'http', balance: 'uri depth 2 len 12', servers: ABCD, requests: URIS.map((uri) => ({ uri })) },
  { name: 'uri consistent', mode: 'http', balance: 'uri', hashType: 'consistent', servers: ABCD, requests: URIS.map((uri) => ({ uri })) },
  { name: 'uri consistent djb2', mode: 'http', balance: 'uri', hashType: 'consistent djb2', servers: ABCD, requests: URIS.map((uri) => ({ uri })) },
  { name: 'uri map-based wt6', mode: 'http', balance: 'uri', hashType: 'map-based wt6', servers: ABCD, requests: URIS.map((uri) => ({ uri })) },
  { name: 'uri map-based crc32 avalanche', mode: 'http', balance: 'uri', hashType: 'map-based crc32 avalanche', servers: ABCD, requests: URIS.map((uri) => ({ uri })) },
  { name: 'hdr(host)', mode: 'http', balance: 'hdr(host)', servers: ABCD, requests: HOSTS.map((h) => ({ uri: '/', headers: { Host: h } })) },
  { name: 'hdr(host) use_domain_only', mode: 'http', balance: 'hdr(host) use_domain_only', servers: ABCD, requests: HOSTS.map((h) => ({ uri: '/', headers: { Host: h } })) },
  {
    name: 'hdr(x-user) absent falls back to round robin',
    mode: 'http',
    balance: 'hdr(X-User)',
    servers: ABC,
    requests: [
      { uri: '/', headers: { 'X-User': 'alice' } }, { uri: '/' }, { uri: '/' }, { uri: '/', headers: { 'X-User': 'bob' } },
      { uri: '/' }, { uri: '/', headers: { 'X-User': 'alice, carol' } }, { uri: '/' }, { uri: '/', headers: { 'X-User': 'carol' } },
    ],
  },
  {
    name: 'url_param userid',
    mode: 'http',
    balance: 'url_param userid',
    servers: ABCD,
    requests: [
      '/?userid=1', '/?userid=2', '/?userid=3', '/x?a=b&userid=alice', '/x?userid=alice&a=b', '/none', '/none?user=1',
      '/?userid=', '/?userid=bob', '/?xuserid=9', '/a', '/b?userid=1', '/c?userid=carol&userid=dave', '/d',
    ].map((uri) => ({ uri })),
  },
  { name: 'backup: first backup only', mode: 'tcp', balance: 'roundrobin', servers: [srv('a', 'disabled'), srv('b1', 'backup'), srv('b2', 'backup')], requests: times(6) },
  { name: 'backup: allbackups', mode: 'tcp', balance: 'roundrobin', options: ['option allbackups'], servers: [srv('a', 'disabled'), srv('b1', 'backup'), srv('b2', 'backup')], requests: times(6) },
  { name: 'backup: not used while an active is up', mode: 'tcp', balance: 'roundrobin', servers: [srv('a'), srv('b1', 'backup')], requests: times(4) },
  { name: 'static-rr backups of unequal weight', mode: 'tcp', balance: 'static-rr', servers: [srv('a', 'disabled'), srv('b1', 'backup weight 2'), srv('b2', 'backup weight 4')], requests: times(8) },
  { name: 'source map-based backups of unequal weight', mode: 'tcp', balance: 'source', servers: [srv('a', 'disabled'), srv('b1', 'backup weight 2'), srv('b2', 'backup weight 4')], requests: SRCS.slice(0, 8).map((src) => ({ src })) },
];

/** Server params to a ServerConfig (only what the scenarios use). */
function serverConfig(name: string, params: string, i: number): ServerConfig {
  const w = params.split(/\s+/).filter((x) => x !== '');
  const num = (k: string): number | undefined => {
    const j = w.indexOf(k);
    return j < 0 ? undefined : Number(w[j + 1]);
  };
  const weight = num('weight');
  const maxconn = num('maxconn');
  return {
    name,
    address: '127.0.0.1',
    port: 9000 + i,
    ...(weight !== undefined ? { weight } : {}),
    ...(maxconn !== undefined ? { maxconn } : {}),
    backup: w.includes('backup'),
    disabled: w.includes('disabled'),
  };
}

/** `balance` and `hash-type` words to a BalanceSpec (only what the scenarios use). */
export function scenarioSpec(sc: Scenario): BalanceSpec {
  const words = sc.balance.split(/\s+/);
  const first = words[0] as string;
  const hdr = /^hdr\((.+)\)$/.exec(first);
  const algo = (hdr !== null ? 'hdr' : first) as BalanceAlgo;
  const over: { -readonly [K in keyof BalanceSpec]?: BalanceSpec[K] } = {};
  if (hdr !== null) over.argName = hdr[1] as string;
  if (algo === 'url_param') over.argName = words[1] as string;
  for (let i = 1; i < words.length; i++) {
    const k = words[i];
    if (k === 'whole') over.uriWhole = true;
    else if (k === 'path-only') over.uriPathOnly = true;
    else if (k === 'use_domain_only') over.useDomainOnly = true;
    else if (k === 'len') over.uriLen = Number(words[++i]);
    else if (k === 'depth') over.uriDepth = Number(words[++i]);
  }
  if (sc.hashType !== undefined) {
    const h = sc.hashType.split(/\s+/);
    over.hashType = hashType(h[0] as HashType['method'], h[1] as HashType['fn'] | undefined, h[2] === 'avalanche');
  }
  over.allBackups = (sc.options ?? []).includes('option allbackups');
  return balanceSpec(algo, over);
}

export function scenarioBackend(sc: Scenario): Backend {
  return new Backend({
    name: 'be',
    id: 2,
    balance: scenarioSpec(sc),
    servers: sc.servers.map((s, i) => serverConfig(s.name, s.params, i + 1)),
  });
}

/** The haproxy.cfg for a scenario: frontend on `port`, servers on `ports`, a probe frontend. */
export function scenarioConfig(sc: Scenario, port: number, probePort: number, ports: readonly number[]): string {
  const lines = [
    'global',
    '    nbthread 1',
    'defaults',
    `    mode ${sc.mode}`,
    '    timeout connect 2s',
    '    timeout client 10s',
    '    timeout server 10s',
    'frontend probe',
    '    mode http',
    `    bind 127.0.0.1:${probePort}`,
    '    http-request return status 200',
    'frontend fe',
    `    bind 127.0.0.1:${port}`,
    '    default_backend be',
    'backend be',
    `    balance ${sc.balance}`,
    ...(sc.hashType !== undefined ? [`    hash-type ${sc.hashType}`] : []),
    ...(sc.options ?? []).map((o) => `    ${o}`),
    ...sc.servers.map((s, i) => `    server ${s.name} 127.0.0.1:${ports[i] as number} ${s.params}`.trimEnd()),
  ];
  return lines.join('\n') + '\n';
}

/** Replays a scenario on our balancers: which server each request gets. */
export function replay(sc: Scenario): string[] {
  const be = scenarioBackend(sc);
  const picks: string[] = [];
  const open: Server[] = [];
  for (const r of sc.requests) {
    const ctx = sc.mode === 'http' ? TestCtx.http(r.uri ?? '/', r.headers ?? {}, r.src) : TestCtx.tcp(r.src);
    if (sc.mode === 'http' && r.src === undefined) ctx.src = ipv4('127.0.0.1');
    if (sc.mode === 'tcp' && r.src === undefined) ctx.src = ipv4('127.0.0.1');
    const s = be.pick(ctx);
    picks.push(s === null ? '-' : s.name);
    if (s === null) continue;
    be.takeConn(s);
    if (r.hold === true) open.push(s);
    else be.releaseConn(s);
  }
  for (const s of open) be.releaseConn(s);
  return picks;
}
