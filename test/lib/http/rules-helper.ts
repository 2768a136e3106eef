// Shared by the ACL, rules and compat tests: a config loaded as users write it (loadConfig), its
// frontend's rules and routing compiled, transactions built from raw request/response bytes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../lib/config/load.js';
import type { ProxyConfig } from '../../../lib/config/model.js';
import { RequestHead, ResponseHead, parseRequestHead, parseResponseHead, responseContext } from '../../../lib/http1/index.js';
import { compileProxyRules, compileRouting, type ProxyRules, type RulesEnv } from '../../../lib/http/rules.js';
import { HttpTxn, HeaderList, type ConnFacts } from '../../../lib/http/txn.js';
import { BackendRuntime } from '../../../lib/runtime/backend-runtime.js';

export const dir = mkdtempSync(join(tmpdir(), 'hly-rules-'));
let n = 0;

export interface Compiled {
  readonly fe: ProxyConfig;
  readonly env: RulesEnv;
  readonly rules: ProxyRules;
  readonly route: (txn: HttpTxn) => BackendRuntime | null;
  readonly backends: Map<string, BackendRuntime>;
}

/** A config text with `fe` holding `lines` (port `port`), backend `be` on `origin`, then `extra`. */
export function configText(lines: readonly string[], extra: readonly string[] = [], port = 18080, origin = 18081): string {
  return [
    'defaults', '  mode http', '  timeout client 2s', '  timeout server 2s', '  timeout connect 2s',
    'frontend fe', `  bind 127.0.0.1:${port}`, ...lines.map((l) => `  ${l}`),
    'backend be', `  server s1 127.0.0.1:${origin}`, ...extra, '',
  ].join('\n');
}

/** Loads the text through loadConfig; throws with the diagnostics when it is not valid. */
export async function loadText(text: string): Promise<{ proxies: ProxyConfig[]; file: string }> {
  const f = join(dir, `c${++n}.cfg`);
  writeFileSync(f, text);
  const r = await loadConfig([f], { noResolve: true, env: {} });
  if (r.verdict !== 'valid' || r.config === undefined) throw new Error(`config invalid: ${JSON.stringify(r.diags.map((d) => d.message))}`);
  return { proxies: r.config.proxies, file: f };
}

export async function compile(lines: readonly string[], extra: readonly string[] = []): Promise<Compiled> {
  return compileText(configText(lines, extra));
}

export async function compileText(text: string, feName = 'fe'): Promise<Compiled> {
  const { proxies } = await loadText(text);
  const backends = new Map<string, BackendRuntime>();
  proxies.forEach((p, i) => { if (p.kind !== 'frontend') backends.set(p.name, new BackendRuntime(p, i + 1)); });
  const fe = proxies.find((p) => p.name === feName) as ProxyConfig;
  const env: RulesEnv = { px: fe, backend: (name) => backends.get(name), errorPage: () => Buffer.alloc(0) };
  return { fe, env, rules: compileProxyRules(fe, env), route: compileRouting(fe, env), backends };
}

export const CONN: ConnFacts = { srcIp: '127.0.0.1', srcPort: 40000, dstIp: '127.0.0.1', dstPort: 18080, logIp: '127.0.0.1', logPort: 40000 };

/** The connection facts of an inet client (%ci/%cp are its address and port unless given). */
export type TestConn = Omit<ConnFacts, 'logIp' | 'logPort'> & Partial<Pick<ConnFacts, 'logIp' | 'logPort'>>;

/** A transaction from raw request head bytes (`\n` in `raw` is turned into CRLF). */
export function txnOf(raw: string, c: TestConn = CONN): HttpTxn {
  const conn: ConnFacts = { logIp: c.srcIp, logPort: c.srcPort, ...c };
  const buf = Buffer.from(raw.includes('\r\n') ? raw : raw.replace(/\n/g, '\r\n'), 'latin1');
  const head = new RequestHead();
  const st = parseRequestHead(buf, 0, buf.length, head);
  if (st !== 0) throw new Error(`request did not parse (${st}, ${head.error ?? ''}): ${JSON.stringify(raw)}`);
  const txn = new HttpTxn(head, conn);
  txn.frontend = 'fe';
  return txn;
}

/** Attaches a response head parsed from raw bytes. */
export function withResponse(txn: HttpTxn, raw: string): HttpTxn {
  const buf = Buffer.from(raw.includes('\r\n') ? raw : raw.replace(/\n/g, '\r\n'), 'latin1');
  const head = new ResponseHead();
  const st = parseResponseHead(buf, 0, buf.length, head, responseContext(txn.req));
  if (st !== 0) throw new Error(`response did not parse: ${st}`);
  txn.res = head;
  return txn;
}

function lines(h: HeaderList): string {
  let s = '';
  for (let i = 0; i < h.names.length; i++) if (h.names[i] !== 'connection') s += `${h.names[i] ?? ''}: ${h.values[i] ?? ''}\r\n`;
  return s;
}

/** The request head as forwarded (HAProxy's re-encoding: lowercase names, HTTP/1.1). */
export function forwardedHead(txn: HttpTxn): string {
  return `${txn.method()} ${txn.uri()} HTTP/1.1\r\n${lines(txn.reqHeaderAll())}\r\n`;
}

/** The response head as forwarded (status and reason from set-status when a rule set it). */
export function responseHead(txn: HttpTxn): string {
  const res = txn.res as ResponseHead;
  const reason = txn.resReason ?? res.reason();
  return `HTTP/1.1 ${txn.status()} ${reason}\r\n${lines(txn.resHeaderAll())}\r\n`;
}
