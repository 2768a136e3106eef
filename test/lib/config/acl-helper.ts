// Shared by the ACL and rules tests: wrap lines in a minimal HTTP frontend and load it as `-c` would.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { loadConfig, type LoadResult } from '../../../lib/config/load.js';

export const dir = mkdtempSync(join(tmpdir(), 'hly-acl-'));
writeFileSync(join(dir, 'paths.lst'), '# comment\n\n  /a\n/b\r\n');
writeFileSync(join(dir, 'ips.lst'), '10.0.0.0/8\n192.168.1.1\n');
writeFileSync(join(dir, 'hosts.map'), 'example.com be\n# c\nwww.example.com be2\n');
writeFileSync(join(dir, 'bad-ips.lst'), '10.0.0.0/8\nnot-an-ip\n');
writeFileSync(join(dir, '503.http'), 'HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/html\r\n\r\n<h1>down</h1>\n');
writeFileSync(join(dir, 'bad.http'), 'this is not an http response\n');
writeFileSync(join(dir, 'empty.http'), '');
writeFileSync(join(dir, 'body.txt'), 'hello\n');

/** The frontend's lines start at line 8 of the generated file. */
export const FIRST = 8;

let n = 0;
/** Load a config whose frontend `fe` (mode http) holds `lines`; `extra` is appended (e.g. a backend). */
export async function load(lines: readonly string[], extra: readonly string[] = []): Promise<LoadResult> {
  const text = [
    'defaults', '  mode http', '  timeout client 1s', '  timeout server 1s', '  timeout connect 1s',
    'frontend fe', '  bind 127.0.0.1:18080', ...lines.map((l) => `  ${l}`), '  default_backend be',
    'backend be', '  server s1 127.0.0.1:18081', ...extra, '',
  ].join('\n');
  const f = join(dir, `t${++n}.cfg`);
  writeFileSync(f, text);
  return loadConfig([f], { noResolve: true, env: {} });
}

/** The diagnostics that are not the "Error(s) found" / "Fatal errors" summaries. */
export function msgs(r: LoadResult): { sev: string; line: number | undefined; msg: string }[] {
  return r.diags.filter((d) => d.code !== 'HLY_CFG_FILE').map((d) => ({ sev: d.severity, line: d.loc?.line, msg: d.message }));
}

/** A table row: name, the frontend's lines, the verdict, and the first alert's text and line. */
export type Case = readonly [name: string, lines: readonly string[], verdict: 'valid' | 'invalid', msg?: string, line?: number];
export const bad = (name: string, lines: readonly string[], msg: string, line = FIRST): Case => [name, lines, 'invalid', msg, line];

/** Load the case and assert its verdict; when a message is given, an alert `match`ing it at `line`. */
export async function check(t: Test, c: Case, match: 'startsWith' | 'includes'): Promise<void> {
  const [, lines, verdict, msg, line] = c;
  const r = await load(lines);
  const m = msgs(r);
  t.equal(r.verdict, verdict, JSON.stringify(m));
  if (msg !== undefined) {
    const hit = m.find((d) => d.sev === 'alert' && d.msg[match](msg));
    t.ok(hit, `message: ${msg}\n got: ${JSON.stringify(m)}`);
    t.equal(hit?.line, line);
  }
}
