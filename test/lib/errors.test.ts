// Every error code is used somewhere and documented in the README (fastify's errors test habit).
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes } from '../../lib/errors.js';
import { repoRoot } from '../helpers/shared.js';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const f = join(dir, n);
    if (statSync(f).isDirectory()) out.push(...sources(f));
    else if (n.endsWith('.ts') && n !== 'errors.ts') out.push(readFileSync(f, 'utf8'));
  }
  return out;
}

t.test('each error code is raised somewhere and listed in the README', async (t) => {
  const code = ['lib', 'backends', 'frontends'].flatMap((d) => sources(join(repoRoot, d))).join('\n');
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  for (const c of Object.keys(ErrorCodes)) {
    t.ok(code.includes(`'${c}'`), `${c} is used`);
    t.ok(readme.includes(`\`${c}\``), `${c} is in the README`);
  }
});
