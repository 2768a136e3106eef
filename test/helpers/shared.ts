// Where ../shared is (beside the repository), and whether the real haproxy is installed.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDir = join(repoRoot, '..', 'shared');
export const hasShared = existsSync(sharedDir);
export const skipNoShared = hasShared ? false : `../shared is absent (${sharedDir}): it holds the corpora this test replays`;

let haproxyChecked: string | false | undefined;
/** false when haproxy is on PATH, else the reason to skip. */
export function skipNoHaproxy(): string | false {
  if (haproxyChecked === undefined) {
    try {
      execFileSync('haproxy', ['-v'], { stdio: 'pipe' });
      haproxyChecked = false;
    } catch {
      haproxyChecked = 'haproxy is not installed (apt-get install haproxy): this test compares with the real thing';
    }
  }
  return haproxyChecked;
}

export const cliPath = join(repoRoot, 'dist', 'lib', 'cli', 'halyard.js');
