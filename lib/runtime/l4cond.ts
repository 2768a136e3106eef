/**
 * Conditions a TCP frontend can evaluate before the ACL engine exists: ACLs built only on
 * layer-4 facts known at accept time (src, src_port, dst_port, always_true/false and the
 * predefined TRUE/FALSE/LOCALHOST). Anything else is refused at build time with file:line,
 * because ignoring a routing rule silently would send traffic to the wrong place.
 */
import { BlockList, isIPv4 } from 'node:net';
import { HalyardError } from '../errors.js';
import type { AclConfig, AclTest, Condition } from '../config/model.js';

/** What a layer-4 condition may look at; the session fills one per connection. */
export interface L4Facts {
  /** client IP as text, IPv4-mapped IPv6 already unwrapped */
  src: string;
  srcPort: number;
  dstPort: number;
}

export type L4Pred = (f: L4Facts) => boolean;

const always = (v: boolean): L4Pred => () => v;

/** `::ffff:1.2.3.4` (a dual-stack listener's view of an IPv4 client) as `1.2.3.4`. */
export function plainIp(addr: string | undefined): string {
  if (addr === undefined) return '';
  return addr.startsWith('::ffff:') && isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
}

/** where the condition is evaluated, for refusals: a TCP frontend's routing or a tcp-request rule */
let refusing = 'in a TCP frontend (only src, src_port, dst_port, always_true and always_false ACLs can route TCP connections for now)';
const IN_TCP_FRONTEND = refusing;
const IN_TCP_REQUEST = 'in a tcp-request rule (only src, src_port, dst_port, always_true and always_false ACLs for now)';

function refuse(at: { loc: { file: string; line: number } }, why: string): never {
  throw new HalyardError('HLY_CFG_UNSUPPORTED', `${at.loc.file}:${at.loc.line} : ${why} is not supported by Halyard yet ${refusing}.`);
}

/** The config side already parsed the IP patterns (family, address, prefix length). */
function ipMatcher(t: AclTest): L4Pred {
  const list = new BlockList();
  for (const v of t.values) {
    if (v.kind !== 'ip') refuse(t, `the pattern kind '${v.kind}' on src`);
    const type = v.family === 4 ? 'ipv4' : 'ipv6';
    if (v.prefix === (v.family === 4 ? 32 : 128)) list.addAddress(v.addr, type);
    else list.addSubnet(v.addr, v.prefix, type);
  }
  return (f) => f.src !== '' && list.check(f.src, isIPv4(f.src) ? 'ipv4' : 'ipv6');
}

/** Integer patterns arrive as inclusive [min, max] ranges (operators already folded in). */
function intMatcher(t: AclTest, pick: (f: L4Facts) => number): L4Pred {
  const ranges: [number, number][] = [];
  for (const v of t.values) {
    if (v.kind !== 'int') refuse(t, `the pattern kind '${v.kind}' on ${t.expr.fetch}`);
    ranges.push([v.min ?? -Infinity, v.max ?? Infinity]);
  }
  return (f) => {
    const x = pick(f);
    for (const [lo, hi] of ranges) if (x >= lo && x <= hi) return true;
    return false;
  };
}

function compileTest(t: AclTest): L4Pred {
  if (t.expr.converters.length > 0) refuse(t, `a converter on '${t.expr.fetch}'`);
  switch (t.expr.fetch) {
    case 'always_true': return always(true);
    case 'always_false': return always(false);
    case 'src':
      if (t.match !== 'ip') refuse(t, `'-m ${t.match}' on src`);
      return ipMatcher(t);
    case 'dst_port':
    case 'src_port':
      if (t.match !== 'int') refuse(t, `'-m ${t.match}' on ${t.expr.fetch}`);
      return intMatcher(t, t.expr.fetch === 'dst_port' ? (f) => f.dstPort : (f) => f.srcPort);
    default:
      return refuse(t, `the ACL fetch '${t.expr.fetch}'`);
  }
}

function compileAcl(acl: AclConfig): L4Pred {
  const preds = acl.tests.map(compileTest);
  return preds.length === 1 ? (preds[0] as L4Pred) : (f) => preds.some((p) => p(f));
}

const LOCALHOST: L4Pred = (() => {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  return (f: L4Facts) => f.src !== '' && list.check(f.src, isIPv4(f.src) ? 'ipv4' : 'ipv6');
})();

/**
 * Compiles `if|unless <cond>` against the proxy's ACLs (several lines with one name are ORed).
 * Throws a HalyardError naming file:line for anything a TCP frontend cannot evaluate yet.
 */
export function compileL4Condition(cond: Condition, acls: readonly AclConfig[], forTcpRequest = false): L4Pred {
  refusing = forTcpRequest ? IN_TCP_REQUEST : IN_TCP_FRONTEND;
  const byName = (name: string): L4Pred => {
    if (name === 'TRUE') return always(true);
    if (name === 'FALSE') return always(false);
    if (name === 'LOCALHOST') return LOCALHOST;
    const defs = acls.filter((a) => a.name === name && !a.predefined);
    if (defs.length === 0) {
      throw new HalyardError('HLY_CFG_UNSUPPORTED', `${cond.loc.file}:${cond.loc.line} : the predefined ACL '${name}' is not supported by Halyard yet ${forTcpRequest ? 'in a tcp-request rule' : 'in a TCP frontend'}.`);
    }
    const preds = defs.map(compileAcl);
    return preds.length === 1 ? (preds[0] as L4Pred) : (f) => preds.some((p) => p(f));
  };
  const or = cond.or.map((and) => and.map((t) => ({ pred: byName(t.acl), negate: t.negate })));
  const unless = cond.polarity === 'unless';
  return (f) => {
    let v = false;
    for (const and of or) {
      let all = true;
      for (const t of and) {
        if (t.pred(f) === t.negate) { all = false; break; }
      }
      if (all) { v = true; break; }
    }
    return v !== unless;
  };
}
