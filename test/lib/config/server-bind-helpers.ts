// Shared by server.test.ts and bind.test.ts: load a small configuration (a frontend `fe` whose lines
// start at line 7, a backend `be` whose lines start at line 10) and summarise the verdict.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type LoadOptions } from '../../../lib/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'halyard-srvbind-'));
let n = 0;

export const HEAD = 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n';

/** The same layout as the haproxy runs the expectations were recorded from. */
export function layout(be: string, fe = '    bind 127.0.0.1:18080'): string {
  return `${HEAD}frontend fe\n${fe}\n    default_backend be\nbackend be\n${be}\n`;
}

export async function load(text: string, opts: LoadOptions = {}) {
  const f = join(dir, `c${++n}.cfg`);
  writeFileSync(f, text);
  const r = await loadConfig([f], { env: {}, noResolve: true, ...opts });
  const shown = r.diags.filter((d) => !/^(Error\(s\) found|Fatal errors found)/.test(d.message));
  return {
    ...r,
    file: f,
    /** `line: message` of every alert and warning, summaries left out */
    alerts: shown.filter((d) => d.severity === 'alert').map((d) => `${d.loc?.line ?? '-'}: ${d.message}`),
    warnings: shown.filter((d) => d.severity === 'warning').map((d) => `${d.loc?.line ?? '-'}: ${d.message}`),
  };
}
