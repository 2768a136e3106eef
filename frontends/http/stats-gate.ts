/**
 * The engine's side of `stats enable`: which requests go to the stats page, and how they get there.
 *
 * The page itself is a Fastify app (stats-ui/) listening on a private abstract unix socket. A
 * request whose URI starts with `stats uri` (GET, HEAD or POST, as HAProxy's http_stats_check_uri)
 * is routed, after the frontend's http-request rules, to an internal backend whose one server is
 * that socket: keep-alive, logging, timeouts and counters are the engine's as for any server.
 * The engine evaluates `stats admin` (it owns the ACL engine and the client address) and passes
 * the verdict in a header that carries a per-process secret, so nothing but the engine can claim it.
 */
import { randomBytes } from 'node:crypto';
import { compileCondition, type TxnPred } from '../../lib/acl/index.js';
import type { ProxyConfig, ServerConfig } from '../../lib/config/model.js';
import { builtinProxy } from '../../lib/config/proxy-defaults.js';
import type { RulesEnv } from '../../lib/http/rules.js';
import type { HttpTxn } from '../../lib/http/txn.js';
import { BackendRuntime } from '../../lib/runtime/backend-runtime.js';

/** HAProxy's default `stats uri`. */
export const DEFAULT_STATS_URI = '/haproxy?stats';
/** The header the engine sets on every request it hands to the stats app (lowercase). */
export const STATS_HEADER = 'x-halyard-stats';

/** What the stats app needs to listen and to trust the engine: one per stats-enabled proxy. */
export interface StatsEndpoint {
  readonly px: ProxyConfig;
  /** abstract unix socket path (leading NUL) the app listens on */
  readonly path: string;
  /** proof that a request came through the engine */
  readonly secret: string;
  /** the app hooks this to end its event streams when the frontend stops accepting */
  onStop: (() => void) | null;
}

export interface StatsGate {
  readonly endpoint: StatsEndpoint;
  readonly brt: BackendRuntime;
  /** the internal backend when `txn` is a stats request (headers set for the app), else null */
  route(txn: HttpTxn): BackendRuntime | null;
}

let seq = 0;

export function compileStatsGate(px: ProxyConfig, env: RulesEnv, id: number): StatsGate {
  const uri = px.stats.uri ?? DEFAULT_STATS_URI;
  const secret = randomBytes(18).toString('base64url');
  const path = `\0halyard-stats-${process.pid}-${id}-${++seq}-${randomBytes(6).toString('hex')}`;
  const endpoint: StatsEndpoint = { px, path, secret, onStop: null };
  const admin: TxnPred[] = px.stats.admin.map((c) => compileCondition(c, px, env));
  const brt = new BackendRuntime(internalBackend(px, path), id);
  return {
    endpoint,
    brt,
    route(txn) {
      const m = txn.method();
      if (m !== 'GET' && m !== 'HEAD' && m !== 'POST') return null;
      if (!txn.uri().startsWith(uri)) return null;
      // the first matching `stats admin` rule grants admin (after auth, which the app checks)
      let isAdmin = false;
      for (const p of admin) if (p(txn)) { isAdmin = true; break; }
      const h = txn.editReq();
      h.del(STATS_HEADER);
      h.add(STATS_HEADER, `${secret} admin=${isAdmin ? 1 : 0} src=${txn.conn.srcIp}`);
      return brt;
    },
  };
}

/**
 * A backend with one server, the app's socket. HAProxy names the stats "server" `<STATS>` in its
 * logs; the backend takes the proxy's name so log lines read `stats stats/<STATS>`. No server
 * timeout: the page's event stream stays open while a browser watches.
 */
function internalBackend(px: ProxyConfig, path: string): ProxyConfig {
  const be = builtinProxy('backend', px.name, px.loc);
  be.mode = 'http';
  be.timeouts = { connect: px.timeouts.connect ?? 5000 };
  if (px.options.httpConnMode !== undefined) be.options.httpConnMode = px.options.httpConnMode;
  be.retries = 0;
  const srv: ServerConfig = {
    name: '<STATS>', host: path, family: 'unix', check: false, inter: 2000, rise: 2, fall: 3, weight: 1,
    backup: false, disabled: false, maxconn: 0, maxqueue: 0, minconn: 0, slowstart: 0, checkSendProxy: false,
    loc: px.loc,
  };
  be.servers = [srv];
  return be;
}
