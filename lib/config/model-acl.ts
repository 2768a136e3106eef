// The ACL engine's part of the compiled model (re-exported by model.ts): compiled once at load by
// the runtime; every pattern is already parsed and validated here, pattern and map files are read.
import type { Loc } from './diag.js';

// --- ACL engine model (kw-acl branch). Compiled once at load by the runtime: every pattern is
// --- already parsed/validated here, regexes are JS sources, pattern and map files are read.

/** A sample expression: a fetch with its arguments, then converters in order (`req.hdr(host),lower`). */
export interface SampleExpr {
  readonly fetch: string;
  readonly args: string[];
  readonly converters: SampleConverter[];
}

/** A map file read at load time (`key value` lines). */
export interface MapFile {
  readonly file: string;
  readonly entries: [string, string][];
}

export interface SampleConverter {
  readonly name: string;
  readonly args: string[];
  /** for map* converters: the file's content */
  readonly map?: MapFile;
}

export type AclMatch = 'found' | 'bool' | 'int' | 'ip' | 'bin' | 'len' | 'str' | 'sub' | 'reg' | 'beg' | 'end' | 'dir' | 'dom';

/** One parsed pattern. int/len: inclusive bounds (operators already applied). ip: network + prefix. */
export type AclValue =
  | { readonly kind: 'str'; readonly str: string }
  | { readonly kind: 'reg'; readonly re: string; readonly flags: string }
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'ip'; readonly family: 4 | 6; readonly addr: string; readonly prefix: number }
  | { readonly kind: 'bin'; readonly hex: string };

/** One `acl` line (or anonymous ACL, or predefined ACL body): a sample, a matcher, patterns. */
export interface AclTest {
  /** the criterion as written (`path_beg`, `req.hdr(host),lower`) */
  readonly kw: string;
  readonly expr: SampleExpr;
  readonly match: AclMatch;
  /** -i: case-insensitive string/regex matching */
  readonly ignoreCase: boolean;
  /** inline patterns then file patterns, parsed for `match` */
  readonly values: AclValue[];
  /** pattern files named with -f (already read into values) */
  readonly files: string[];
  readonly noDns: boolean;
  readonly loc: Loc;
}


/** A named ACL: its tests are ORed (several `acl` lines with one name add tests). */
export interface AclConfig {
  readonly name: string;
  /** the section that defined it, `<kind> <name>` ("defaults base", "frontend fe") */
  readonly scope: string;
  readonly tests: AclTest[];
  readonly anonymous: boolean;
  /** a predefined ACL (TRUE, METH_GET, ...) materialized on first use, as HAProxy does */
  readonly predefined: boolean;
  readonly loc: Loc;
}

/** A log-format string compiled: literal text, %[sample] expressions and %x variables. */
export type LogFormatPart =
  | { readonly lit: string }
  | { readonly expr: SampleExpr; readonly opts?: string }
  | { readonly var: string; readonly opts?: string };

export interface LogFormat {
  readonly raw: string;
  readonly parts: LogFormatPart[];
}
