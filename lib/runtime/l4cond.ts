/**
 * Conditions a TCP frontend can evaluate before the ACL engine exists: ACLs built only on
 * layer-4 facts known at accept time (src, src_port, dst_port, always_true/false and the
 * predefined TRUE/FALSE/LOCALHOST). Anything else is refused at build time with file:line,
 * because ignoring a routing rule silently would send traffic to the wrong place.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { HalyardError } from '../errors.js';
import type { AclConfig, Condition } from '../config/model.js';

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

function refuse(acl: AclConfig, why: string): never {
  throw new HalyardError('HLY_CFG_UNSUPPORTED', `${acl.loc.file}:${acl.loc.line} : ${why} is not supported by Halyard yet in a TCP frontend (only src, src_port, dst_port, always_true and always_false ACLs can route TCP connections for now).`);
}

function ipMatcher(acl: AclConfig): L4Pred {
  const list = new BlockList();
  for (const p of acl.patterns) {
    const slash = p.indexOf('/');
    const ip = slash < 0 ? p : p.slice(0, slash);
    const type = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : null;
    if (type === null) refuse(acl, `the pattern '${p}' (a host name in an ACL)`);
    if (slash < 0) { list.addAddress(ip, type); continue; }
    const mask = p.slice(slash + 1);
    // A dotted netmask (10.0.0.0/255.0.0.0) is accepted by HAProxy; count its bits.
    const bits = isIPv4(mask) ? mask.split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0) : Number(mask);
    if (!Number.isInteger(bits)) refuse(acl, `the pattern '${p}'`);
    list.addSubnet(ip, bits, type);
  }
  return (f) => f.src !== '' && list.check(f.src, isIPv4(f.src) ? 'ipv4' : 'ipv6');
}

type IntTest = (v: number) => boolean;

function intMatcher(acl: AclConfig, pick: (f: L4Facts) => number): L4Pred {
  const tests: IntTest[] = [];
  const pats = acl.patterns;
  const OPS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
    eq: (a, b) => a === b, ge: (a, b) => a >= b, gt: (a, b) => a > b, le: (a, b) => a <= b, lt: (a, b) => a < b,
  };
  let op: ((a: number, b: number) => boolean) | undefined;
  for (const p of pats) {
    if (OPS[p] !== undefined) { op = OPS[p]; continue; }
    const m = /^(\d*):(\d*)$/.exec(p);
    if (m !== null) {
      const lo = m[1] === '' ? -Infinity : Number(m[1]);
      const hi = m[2] === '' ? Infinity : Number(m[2]);
      tests.push((v) => v >= lo && v <= hi);
    } else if (/^\d+$/.test(p)) {
      const n = Number(p);
      const cmp = op ?? OPS['eq'];
      if (cmp === undefined) refuse(acl, 'an integer operator');
      tests.push((v) => cmp(v, n));
    } else {
      refuse(acl, `the integer pattern '${p}'`);
    }
  }
  return (f) => {
    const v = pick(f);
    for (const t of tests) if (t(v)) return true;
    return false;
  };
}

function compileAcl(acl: AclConfig): L4Pred {
  if (acl.files.length > 0) refuse(acl, `an ACL pattern file (-f)`);
  if (acl.converters.length > 0) refuse(acl, `a converter on '${acl.fetch}'`);
  switch (acl.fetch) {
    case 'always_true': return always(true);
    case 'always_false': return always(false);
    case 'src':
      if (acl.match !== 'str' && acl.match !== 'ip') refuse(acl, `'-m ${acl.match}' on src`);
      return ipMatcher(acl);
    case 'dst_port':
    case 'src_port':
      if (acl.match !== 'str' && acl.match !== 'int') refuse(acl, `'-m ${acl.match}' on ${acl.fetch}`);
      return intMatcher(acl, acl.fetch === 'dst_port' ? (f) => f.dstPort : (f) => f.srcPort);
    default:
      return refuse(acl, `the ACL fetch '${acl.fetch}'`);
  }
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
export function compileL4Condition(cond: Condition, acls: readonly AclConfig[]): L4Pred {
  const byName = (name: string): L4Pred => {
    if (name === 'TRUE') return always(true);
    if (name === 'FALSE') return always(false);
    if (name === 'LOCALHOST') return LOCALHOST;
    const defs = acls.filter((a) => a.name === name);
    if (defs.length === 0) {
      throw new HalyardError('HLY_CFG_UNSUPPORTED', `${cond.loc.file}:${cond.loc.line} : the predefined ACL '${name}' is not supported by Halyard yet in a TCP frontend.`);
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
