// Address resolution at load time, as HAProxy does it even under -c: server names through their
// init-addr methods (default last,libc; -dr appends none), bind names through libc. Only names go to
// DNS: a file with IP literals only never makes a lookup.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Diag } from './diag.js';
import type { ProxyConfig, ServerConfig } from './model.js';

type Lookup = (host: string, family: 0 | 4 | 6) => Promise<boolean>;

function makeLookup(): Lookup {
  const cache = new Map<string, Promise<boolean>>();
  return (host, family) => {
    const key = `${family}/${host}`;
    let p = cache.get(key);
    if (p === undefined) {
      // a literal of the other family (ipv6@127.0.0.1) or a bad dotted quad (300.1.1.1) fails like
      // an unknown name in HAProxy, without asking DNS
      const lit = isIP(host);
      if (lit !== 0) p = Promise.resolve(family === 0 || family === lit);
      else if (/^[0-9.]+$/.test(host)) p = Promise.resolve(false);
      else p = (family === 0 ? lookup(host) : lookup(host, { family })).then(() => true, () => false);
      cache.set(key, p);
    }
    return p;
  };
}

const diag = (severity: Diag['severity'], message: string, loc: Diag['loc'], style: Diag['style'] = 'bracket'): Diag => ({
  severity, code: 'HLY_CFG_RESOLVE', style, message, ...(loc !== undefined ? { loc } : {}),
});

/** HAProxy's srv_iterate_initaddr() for one named server; undefined when all is quiet. */
async function initAddr(px: ProxyConfig, s: ServerConfig, relaxed: boolean, resolves: Lookup): Promise<Diag | undefined> {
  const who = `'server ${px.name}/${s.name}'`;
  const methods = [...(s.initAddr !== undefined && s.initAddr.length > 0 ? s.initAddr : ['last', 'libc'])];
  if (relaxed) methods.push('none');
  let failed = false;
  for (const m of methods) {
    if (m === 'last') continue; // no server-state-file in Halyard: nothing to reuse, not a failure
    if (m === 'libc') {
      if (await resolves(s.host, s.resolveFamily ?? 0)) return undefined;
      failed = true;
      continue;
    }
    if (m === 'none') {
      // the server starts in maintenance until its address is known (the runtime reads initAddrResult)
      (s as { initAddrResult?: string }).initAddrResult = 'none';
      return failed ? diag('warning', `${who} : could not resolve address '${s.host}', disabling server.`, s.loc) : undefined;
    }
    // an IP literal: the address the server uses
    (s as { initAddrResult?: string }).initAddrResult = m;
    return failed ? diag('warning', `${who} : could not resolve address '${s.host}', falling back to configured address.`, s.loc) : undefined;
  }
  return diag('alert', `${who} : ${failed ? 'could not resolve' : 'no method found to resolve'} address '${s.host}'.`, s.loc);
}

export async function resolveServers(proxies: readonly ProxyConfig[], relaxed: boolean): Promise<Diag[]> {
  const resolves = makeLookup();
  const jobs: Promise<Diag | undefined>[] = [];
  for (const px of proxies) {
    if (px.disabled) continue;
    for (const b of px.binds) {
      for (const a of b.addresses) {
        if (a.family !== 'host') continue;
        const text = a.portLow === a.portHigh ? `${a.host}:${a.portLow}` : `${a.host}:${a.portLow}-${a.portHigh}`;
        // HAProxy resolves bind names while parsing, so the failure is a parse error of that line
        jobs.push(resolves(a.host, a.resolveFamily ?? 0).then((ok) => ok ? undefined
          : diag('alert', `'bind' : invalid address: '${a.host}' in '${text}'`, b.loc, 'parsing')));
      }
    }
    if (px.kind !== 'backend' && px.kind !== 'listen') continue;
    for (const s of px.servers) {
      if (s.family !== 'host') continue;
      jobs.push(initAddr(px, s, relaxed, resolves));
    }
  }
  // declaration order, whatever order the lookups finished in
  const out = (await Promise.all(jobs)).filter((d): d is Diag => d !== undefined);
  if (out.some((d) => d.severity === 'alert' && d.style === 'bracket')) {
    out.push({ severity: 'alert', code: 'HLY_CFG_RESOLVE', message: 'Failed to initialize server(s) addr.', style: 'none' });
  }
  return out;
}
