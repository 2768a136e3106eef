// Shared by the keyword-family tests: load a small configuration from a temp dir and check the
// verdict, the line and the message of its diagnostics.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { loadConfig, type LoadResult } from '../../../lib/config/load.js';

export const DEFAULTS = `defaults
    mode http
    timeout connect 5s
    timeout client 5s
    timeout server 5s
`;
/** A valid frontend/backend pair; `be` and `fe` bodies are inserted in the sections. */
export function pair(fe: string, be: string, global = ''): string {
  return `${global !== '' ? `global\n${global}` : ''}${DEFAULTS}frontend fe
    bind 127.0.0.1:18080
${fe}    default_backend be
backend be
${be}    server s1 127.0.0.1:18081
`;
}

export async function load(text: string, env: Record<string, string> = {}): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hly-kw-'));
  try {
    const f = join(dir, 'x.cfg');
    writeFileSync(f, text);
    return await loadConfig([f], { noResolve: true, env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Case {
  readonly name: string;
  readonly cfg: string;
  /** 'valid' | 'invalid' */
  readonly verdict: 'valid' | 'invalid' | 'no-listener';
  /** exact message expected somewhere (without location) and, if given, its line */
  readonly msg?: string;
  readonly line?: number;
  readonly severity?: 'alert' | 'warning';
  /** no warning or alert at all */
  readonly clean?: boolean;
}

export function runCases(t: Test, cases: readonly Case[]): void {
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const r = await load(c.cfg);
      t.equal(r.verdict, c.verdict, 'verdict');
      if (c.clean === true) t.same(r.diags.filter((d) => d.severity !== 'notice').map((d) => d.message), [], 'no diagnostics');
      if (c.msg !== undefined) {
        const d = r.diags.find((x) => x.message === c.msg);
        t.ok(d, `message: ${c.msg}\n  got: ${r.diags.map((x) => x.message).join('\n       ')}`);
        if (d !== undefined && c.line !== undefined) t.equal(d.loc?.line, c.line, 'line');
        if (d !== undefined && c.severity !== undefined) t.equal(d.severity, c.severity, 'severity');
      }
    });
  }
}
