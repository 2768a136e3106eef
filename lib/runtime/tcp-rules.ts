/**
 * `tcp-request connection|session|content accept|reject` at run time. A stage's rules are tried in
 * order and the first whose condition holds decides: accept ends the stage, reject ends the
 * connection; when none holds the connection goes on. Conditions are layer-4 ones (l4cond.ts),
 * which are final at once, so `inspect-delay` never has to wait for data here.
 *
 * What a rejection does, as haproxy 2.6 does it (checked on the binary): at the connection stage a
 * reset, counted in `dcon` and `conn_tot` but not as a session, no log; at the session stage a
 * close (FIN), counted in `dses`; at the content stage the session is logged with `PR` and the
 * frontend's `dreq`, and closed without a reply.
 */
import type { Socket } from 'node:net';
import type { Condition, ProxyConfig, TcpRule } from '../config/model.js';
import { HalyardError } from '../errors.js';
import { compileL4Condition, plainIp, type L4Facts } from './l4cond.js';

/** A compiled rule; F is what its condition looks at (layer-4 facts, or an HTTP transaction). */
export interface TcpRuleOf<F> {
  readonly reject: boolean;
  /** null: unconditional */
  readonly cond: ((f: F) => boolean) | null;
}
export type L4Rule = TcpRuleOf<L4Facts>;

/** Layer-4 conditions on the proxy's ACLs (TCP mode, and connection/session rules). */
export function l4Cond(px: ProxyConfig): (c: Condition) => (f: L4Facts) => boolean {
  return (c) => compileL4Condition(c, px.acls, true);
}

function compileWith<F>(rules: readonly TcpRule[], cond: (c: Condition) => (f: F) => boolean): TcpRuleOf<F>[] {
  return rules.map((r) => ({ reject: r.action === 'reject', cond: r.cond === undefined ? null : cond(r.cond) }));
}

/** A frontend's connection and session rules, or null when it has none. */
export interface AcceptRules {
  readonly connection: readonly L4Rule[];
  readonly session: readonly L4Rule[];
}

/** Refuses what Halyard cannot run as haproxy does. */
export function acceptRules(px: ProxyConfig): AcceptRules | null {
  const t = px.tcpRequest;
  if (t === undefined || t.connection.length + t.session.length === 0) return null;
  const first = t.session[0];
  if (first !== undefined && px.binds.some((b) => b.options.acceptProxy === true)) {
    // haproxy runs session rules on the PROXY header's addresses; Halyard checks them at accept
    throw new HalyardError('HLY_CFG_UNSUPPORTED', `${first.loc.file}:${first.loc.line} : 'tcp-request session' rules on a frontend with 'accept-proxy' binds are not supported by Halyard yet.`);
  }
  const cond = l4Cond(px);
  return { connection: compileWith(t.connection, cond), session: compileWith(t.session, cond) };
}

/**
 * A proxy's content rules, or null when it has none. `cond` compiles their conditions: layer-4
 * ones in TCP mode (l4Cond), the HTTP ACL engine on the parsed request in HTTP mode.
 */
export function contentRules<F>(px: ProxyConfig, cond: (c: Condition) => (f: F) => boolean): readonly TcpRuleOf<F>[] | null {
  const t = px.tcpRequest;
  return t === undefined || t.content.length === 0 ? null : compileWith(t.content, cond);
}

/** True when the first rule whose condition holds is a reject. */
export function rejects<F>(rules: readonly TcpRuleOf<F>[], f: F): boolean {
  for (const r of rules) if (r.cond === null || r.cond(f)) return r.reject;
  return false;
}

/** The facts of a socket fresh from the listener (the peer's own address, before any PROXY header). */
export function socketFacts(s: Socket): L4Facts {
  return { src: plainIp(s.remoteAddress), srcPort: s.remotePort ?? 0, dstPort: s.localPort ?? 0 };
}
