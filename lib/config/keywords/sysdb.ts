// User and group names as getpwnam()/getgrnam() see them: HAProxy resolves `user`/`group` while
// parsing, so `-c` fails on a name the system does not know. Node has no getpwnam, so read the files,
// then ask `getent` (which follows NSS: LDAP, sssd...) before giving up.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

function fromFile(path: string, name: string): number | undefined {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return undefined; }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] !== undefined && /^[0-9]+$/.test(f[2])) return Number(f[2]);
  }
  return undefined;
}

function fromGetent(db: 'passwd' | 'group', name: string): number | undefined {
  if (name === '' || name.startsWith('-')) return undefined;
  try {
    const r = spawnSync('getent', [db, name], { encoding: 'utf8', timeout: 5000 });
    if (r.status !== 0 || typeof r.stdout !== 'string') return undefined;
    const f = r.stdout.split('\n')[0]?.split(':');
    return f?.[2] !== undefined && /^[0-9]+$/.test(f[2]) ? Number(f[2]) : undefined;
  } catch {
    return undefined;
  }
}

export function lookupUser(name: string): number | undefined {
  return fromFile('/etc/passwd', name) ?? fromGetent('passwd', name);
}

export function lookupGroup(name: string): number | undefined {
  return fromFile('/etc/group', name) ?? fromGetent('group', name);
}
