/**
 * Builds HTTP frontends for the runtime (lib/runtime's FrontendFactory for `mode http`):
 * routing, rules, error pages and per-backend settings, compiled once from the configuration.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { ProxyConfig } from '../../lib/config/model.js';
import { compileCondition } from '../../lib/acl/index.js';
import { HalyardError } from '../../lib/errors.js';
import { compileProxyRules, compileRouting } from '../../lib/http/rules.js';
import type { BackendRuntime } from '../../lib/runtime/backend-runtime.js';
import type { Frontend } from '../../lib/runtime/frontend.js';
import type { FrontendContext } from '../../lib/runtime/runtime.js';
import { cookiePersistence } from '../../backends/persistence/cookie.js';
import type { HttpTxn } from '../../lib/http/txn.js';
import { h1Limits } from '../../lib/http1/index.js';
import { acceptRules, contentRules } from '../../lib/runtime/tcp-rules.js';
import { DEFAULT_STATS_URI, compileStatsGate } from './stats-gate.js';
import { HttpFrontend, connMode, errorPages, type BackendHttp, type ForwardFor } from './frontend.js';

export { HttpFrontend } from './frontend.js';
export { STATS_HEADER, DEFAULT_STATS_URI, type StatsEndpoint } from './stats-gate.js';

export function httpFrontendFactory(ctx: FrontendContext): Frontend {
  const px = ctx.px;
  const env = { px, backend: ctx.backend, errorPage: errorPages(px) };
  const proxied = compileRouting(px, env, ctx.own);
  // `stats enable`: the stats URI goes to the stats app, everything else is proxied as usual
  const stats = px.stats.enabled ? compileStatsGate(px, env, ctx.id) : null;
  const router = stats === null ? proxied : (txn: HttpTxn) => stats.route(txn) ?? proxied(txn);
  const rules = compileProxyRules(px, env);
  const perBackend = new Map<BackendRuntime, BackendHttp>();
  const backendOf = (brt: BackendRuntime): BackendHttp => {
    let bh = perBackend.get(brt);
    if (bh === undefined) {
      bh = buildBackendHttp(brt, px, ctx.backend);
      perBackend.set(brt, bh);
    }
    return bh;
  };
  // Compile every backend this frontend can reach now, so configuration errors stop start-up.
  for (const ub of px.useBackends) if (!ub.dynamic) { const b = ctx.backend(ub.name); if (b !== undefined) backendOf(b); }
  if (px.defaultBackend !== undefined) { const b = ctx.backend(px.defaultBackend.name); if (b !== undefined) backendOf(b); }
  if (ctx.own !== null) backendOf(ctx.own);
  const fe = new HttpFrontend({
    px, id: ctx.id, binds: px.binds,
    maxconn: px.maxconn > 0 ? px.maxconn : ctx.global.max,
    logger: ctx.logger, router, rules, backendOf,
    forwardfor: forwardFor(px), errorPage: env.errorPage,
    stats: stats?.endpoint ?? null,
    limits: h1Limits(ctx.tune),
    tcpContent: contentRules(px, (c) => compileCondition(c, px, env)),
  }, ctx.global);
  fe.tcpAccept = acceptRules(px);
  return fe;
}

/** Per-backend settings, built once per (frontend, backend) pair. */
const backendCache = new WeakMap<BackendRuntime, BackendHttp>();

function buildBackendHttp(brt: BackendRuntime, fe: ProxyConfig, backend: (name: string) => BackendRuntime | undefined): BackendHttp {
  const cached = backendCache.get(brt);
  if (cached !== undefined) return cached;
  const px = brt.px;
  // A backend's own stats page would answer what reaches it; the frontend's page (same URI, e.g.
  // both inherited from defaults) catches those requests first, so only other cases are refused.
  const sameUri = (a: ProxyConfig): string => a.stats.uri ?? DEFAULT_STATS_URI;
  if (px.kind === 'backend' && px.stats.enabled && !(fe.stats.enabled && sameUri(fe) === sameUri(px))) {
    throw new HalyardError('HLY_CFG_UNSUPPORTED', `${px.loc.file}:${px.loc.line} : 'stats' in backend '${px.name}' is not supported by Halyard yet; enable the stats page in a frontend or listen section.`);
  }
  if (px.mode !== 'http') {
    throw new HalyardError('HLY_CFG_UNSUPPORTED', `${px.loc.file}:${px.loc.line} : HTTP frontend '${fe.name}' using TCP backend '${px.name}' is not supported by Halyard.`);
  }
  const errorPage = errorPages(px);
  const bh: BackendHttp = {
    brt,
    // a listen section's rules run once, as the frontend's
    rules: px === fe ? { request: () => null, response: () => null, empty: true } : compileProxyRules(px, { px, backend, errorPage }),
    mode: connMode(px),
    forwardfor: forwardFor(px),
    errorPage,
    persistence: px.cookie !== undefined ? cookiePersistence(px, brt.be) : null,
    useServers: brt.compileUseServers((c) => compileCondition(c, px, { px, backend })),
    // a listen section's rules run once, as the frontend's
    tcpContent: px === fe ? null : contentRules(px, (c) => compileCondition(c, px, { px, backend })),
  };
  backendCache.set(brt, bh);
  return bh;
}

function forwardFor(px: ProxyConfig): ForwardFor | null {
  const f = px.options.forwardfor;
  if (f === undefined) return null;
  let except: ((ip: string) => boolean) | null = null;
  if (f.except !== undefined) {
    const list = new BlockList();
    const [addr = '', bits] = f.except.split('/');
    const v6 = isIPv6(addr);
    if (!isIPv4(addr) && !v6) {
      throw new HalyardError('HLY_CFG_UNSUPPORTED', `${px.loc.file}:${px.loc.line} : 'option forwardfor except ${f.except}' in '${px.name}': the network must be an IP address or CIDR.`);
    }
    const type = v6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else if (/^\d+$/.test(bits)) list.addSubnet(addr, Number(bits), type);
    else list.addSubnet(addr, maskBits(bits), type);
    except = (ip) => list.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
  }
  return { header: f.header.toLowerCase(), ifNone: f.ifNone, except };
}

/** A dotted netmask (255.255.0.0) as a prefix length. */
function maskBits(mask: string): number {
  let n = 0;
  for (const part of mask.split('.')) n += (Number(part) >>> 0).toString(2).split('').filter((c) => c === '1').length;
  return n;
}
