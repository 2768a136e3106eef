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

function compile(rules: readonly TcpRule[] | undefined, px: ProxyConfig): L4Rule[] {
  return compileWith(rules, (c) => compileL4Condition(c, px.acls, true));
}

/** Rules with conditions compiled by `cond` (HTTP mode: the HTTP ACL engine, on the request). */
export function compileWith<F>(rules: readonly TcpRule[] | undefined, cond: (c: Condition) => (f: F) => boolean): TcpRuleOf<F>[] {
  return (rules ?? []).map((r) => ({ reject: r.action === 'reject', cond: r.cond === undefined ? null : cond(r.cond) }));
}

/** A frontend's connection and session rules, or null when it has none. */
export interface AcceptRules {
  readonly connection: readonly L4Rule[];
  readonly session: readonly L4Rule[];
}

export function acceptRules(px: ProxyConfig): AcceptRules | null {
  const t = px.tcpRequest;
  if (t === undefined || t.connection.length + t.session.length === 0) return null;
  return { connection: compile(t.connection, px), session: compile(t.session, px) };
}

/** A proxy's content rules, or null when it has none. */
export function contentRules(px: ProxyConfig): readonly L4Rule[] | null {
  const t = px.tcpRequest;
  return t === undefined || t.content.length === 0 ? null : compile(t.content, px);
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

/**
 * The frontend side of a proxy's tcp-request rules, refusing what Halyard cannot run as haproxy
 * does. `content` is left out for HTTP frontends, which compile theirs on the request.
 */
export function frontendTcpRules(px: ProxyConfig, withContent = true): { accept: AcceptRules | null; content: readonly L4Rule[] | null } {
  const t = px.tcpRequest;
  const first = t?.session[0];
  if (first !== undefined && px.binds.some((b) => b.options.acceptProxy === true)) {
    // haproxy runs session rules on the PROXY header's addresses; Halyard checks them at accept
    throw new HalyardError('HLY_CFG_UNSUPPORTED', `${first.loc.file}:${first.loc.line} : 'tcp-request session' rules on a frontend with 'accept-proxy' binds are not supported by Halyard yet.`);
  }
  return { accept: acceptRules(px), content: withContent ? contentRules(px) : null };
}
