// Checks HAProxy makes on servers once every section is read (check_config_validity): duplicate
// names and `track` targets. compile.ts calls serverPostChecks() for each backend.
import type { Diag } from '../diag.js';
import type { ProxyConfig, ServerConfig } from '../model.js';

function kindWord(px: ProxyConfig): string { return px.kind === 'listen' ? 'proxy' : px.kind; }

function at(s: ServerConfig, px: ProxyConfig, message: string): Diag {
  return { severity: 'alert', code: 'HLY_CFG_REFERENCE', style: 'bracket', loc: s.loc, message: `'server ${px.name}/${s.name}' : ${message}` };
}

/** `backends`: every proxy with the backend capability, by name. */
export function serverPostChecks(px: ProxyConfig, backends: ReadonlyMap<string, ProxyConfig>): Diag[] {
  const out: Diag[] = [];
  // HAProxy compares a server only with the earlier ones that have no forced `id`
  px.servers.forEach((s, i) => {
    const other = px.servers.slice(0, i).find((o) => o.id === undefined && o.name === s.name);
    if (other !== undefined) {
      out.push({
        severity: 'alert', code: 'HLY_CFG_DUPLICATE', style: 'none',
        message: `parsing [${s.loc.file}:${s.loc.line}] : ${kindWord(px)} '${px.name}', another server named '${s.name}' was already defined at line ${other.loc.line}, please use distinct names.`,
      });
    }
  });
  for (const s of px.servers) {
    if (s.track === undefined) continue;
    const slash = s.track.indexOf('/');
    const pxName = slash >= 0 ? s.track.slice(0, slash) : px.name;
    const srvName = slash >= 0 ? s.track.slice(slash + 1) : s.track;
    const tpx = slash >= 0 ? backends.get(pxName) : px;
    if (tpx === undefined) { out.push(at(s, px, `unable to find required proxy '${pxName}' for tracking.`)); continue; }
    const target = tpx.servers.find((x) => x.name === srvName);
    if (target === undefined) { out.push(at(s, px, `unable to find required server '${srvName}' for tracking.`)); continue; }
    if (!target.check && target.track === undefined) {
      out.push(at(s, px, `unable to use ${tpx.name}/${target.name} for tracking as it does not have any check nor agent enabled.`));
      continue;
    }
    // follow the chain: it must end on a checked server, not come back here
    const seen = new Set<ServerConfig>([s]);
    let cur: ServerConfig | undefined = target;
    let curPx = tpx;
    while (cur?.track !== undefined) {
      if (seen.has(cur)) { out.push(at(s, px, `unable to track ${tpx.name}/${target.name} as it belongs to a tracking chain looping back to ${curPx.name}/${cur.name}.`)); break; }
      seen.add(cur);
      const sl: number = cur.track.indexOf('/');
      const np: ProxyConfig | undefined = sl >= 0 ? backends.get(cur.track.slice(0, sl)) : curPx;
      const nextName: string = sl >= 0 ? cur.track.slice(sl + 1) : cur.track;
      if (np === undefined) break;
      curPx = np;
      cur = np.servers.find((x) => x.name === nextName);
    }
  }
  return out;
}
