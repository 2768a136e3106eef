/**
 * Shared by the cookie persistence tests: configurations loaded the way Halyard loads them, and
 * transactions built from real request/response bytes with lib/http1's parsers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cookiePersistence, type CookiePersistence } from '../../../backends/persistence/cookie.js';
import { loadConfig } from '../../../lib/config/load.js';
import type { ProxyConfig } from '../../../lib/config/model.js';
import { HttpTxn } from '../../../lib/http/txn.js';
import { parseRequestHead, parseResponseHead, RequestHead, ResponseHead, responseContext } from '../../../lib/http1/index.js';
import { BackendRuntime } from '../../../lib/runtime/backend-runtime.js';

export interface Loaded {
  readonly px: ProxyConfig;
  readonly brt: BackendRuntime;
  readonly pers: CookiePersistence;
}

/** Every proxy of `text` that has a `cookie` line, by name (the file is loaded, then removed). */
export async function loadCookies(text: string): Promise<Map<string, Loaded>> {
  const dir = mkdtempSync(join(tmpdir(), 'halyard-cookie-'));
  try {
    const f = join(dir, 'h.cfg');
    writeFileSync(f, text);
    const r = await loadConfig([f], { noResolve: true, env: {} });
    if (r.config === undefined) throw new Error(`config rejected: ${r.diags.map((d) => d.message).join(' / ')}`);
    const out = new Map<string, Loaded>();
    r.config.proxies.forEach((px, i) => {
      if (px.cookie === undefined || px.mode !== 'http') return;
      const brt = new BackendRuntime(px, i + 1);
      out.set(px.name, { px, brt, pers: cookiePersistence(px, brt.be) });
    });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The path of a config file kept for the test's duration (for error locations). */
export function configFile(text: string): { file: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'halyard-cookie-'));
  const file = join(dir, 'h.cfg');
  writeFileSync(file, text);
  return { file, done: () => rmSync(dir, { recursive: true, force: true }) };
}

const CONN = { srcIp: '127.0.0.1', srcPort: 40000, dstIp: '127.0.0.1', dstPort: 80, logIp: '127.0.0.1', logPort: 40000 };

/** A transaction for a request head given as wire text ("GET / HTTP/1.1\r\n...\r\n\r\n"). */
export function requestTxn(raw: string): HttpTxn {
  const buf = Buffer.from(raw, 'latin1');
  const head = new RequestHead();
  const st = parseRequestHead(buf, 0, buf.length, head);
  if (st !== 0) throw new Error(`request rejected by the parser (${st}): ${JSON.stringify(raw)}`);
  return new HttpTxn(head, CONN);
}

/** A request from its method, target and header lines. */
export function request(method: string, target: string, headers: readonly string[] = []): HttpTxn {
  return requestTxn(`${method} ${target} HTTP/1.1\r\nhost: x\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`);
}

/** Gives `txn` the response head `raw` (wire text), as the engine does once it is parsed. */
export function respond(txn: HttpTxn, raw: string): HttpTxn {
  const buf = Buffer.from(raw, 'latin1');
  const head = new ResponseHead();
  const st = parseResponseHead(buf, 0, buf.length, head, responseContext(txn.req));
  if (st !== 0) throw new Error(`response rejected by the parser (${st}): ${JSON.stringify(raw)}`);
  txn.res = head;
  return txn;
}

/** A response from its status and header lines (a content-length: 0 is added). */
export function response(txn: HttpTxn, status: number, headers: readonly string[] = []): HttpTxn {
  return respond(txn, `HTTP/1.1 ${status} X\r\n${headers.map((h) => `${h}\r\n`).join('')}content-length: 0\r\n\r\n`);
}

/** Every header line of the request as it will be forwarded, "name: value". */
export function forwardedRequest(txn: HttpTxn): string[] {
  const l = txn.reqHeaderAll();
  return l.names.map((n, i) => `${n}: ${l.values[i] ?? ''}`);
}

/** Every header line of the response as it will be forwarded, "name: value". */
export function forwardedResponse(txn: HttpTxn): string[] {
  if (txn.resHeaders !== null) return txn.resHeaders.names.map((n, i) => `${n}: ${txn.resHeaders?.values[i] ?? ''}`);
  const h = txn.res;
  if (h === null) return [];
  const out: string[] = [];
  for (let i = 0; i < h.count; i++) if (h.drop[i] === 0) out.push(`${h.name(i).toLowerCase()}: ${h.value(i)}`);
  return out;
}
