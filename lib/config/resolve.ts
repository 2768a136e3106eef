// Server address resolution at load time, as HAProxy's init-addr (default last,libc): `-c` resolves
// too, so a name that does not resolve fails the check unless -dr or init-addr ...,none says otherwise.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Diag } from './diag.js';
import type { ProxyConfig } from './model.js';

export async function resolveServers(proxies: readonly ProxyConfig[], relaxed: boolean): Promise<Diag[]> {
  const out: Diag[] = [];
  const jobs: Promise<void>[] = [];
  const cache = new Map<string, Promise<boolean>>();
  const resolves = (host: string): Promise<boolean> => {
    let p = cache.get(host);
    if (p === undefined) {
      p = lookup(host).then(() => true, () => false);
      cache.set(host, p);
    }
    return p;
  };
  for (const px of proxies) {
    for (const s of px.servers) {
      if (s.family === 'unix') continue;
      const host = s.host;
      if (host === '' || host === '*' || isIP(host) !== 0) continue;
      if (/^[0-9.]+$/.test(host)) {
        // an invalid IPv4 literal such as 300.1.1.1 fails like an unresolvable name in HAProxy
        out.push(fail(px, s.name, host, s.loc, relaxed || (s.initAddr?.includes('none') ?? false)));
        continue;
      }
      const soft = relaxed || (s.initAddr?.includes('none') ?? false);
      jobs.push(resolves(host).then((ok) => { if (!ok) out.push(fail(px, s.name, host, s.loc, soft)); }));
    }
  }
  await Promise.all(jobs);
  // keep the declaration order, whatever order lookups finished in
  out.sort((a, b) => (a.loc?.line ?? 0) - (b.loc?.line ?? 0));
  if (out.some((d) => d.severity === 'alert')) {
    out.push({ severity: 'alert', code: 'HLY_CFG_RESOLVE', message: 'Failed to initialize server(s) addr.', style: 'none' });
  }
  return out;
}

function fail(px: ProxyConfig, srv: string, host: string, loc: Diag['loc'], soft: boolean): Diag {
  return {
    severity: soft ? 'warning' : 'alert', code: 'HLY_CFG_RESOLVE', style: 'bracket',
    message: `'server ${px.name}/${srv}' : could not resolve address '${host}'${soft ? ', disabling server' : ''}.`,
    ...(loc !== undefined ? { loc } : {}),
  };
}
