// One table of error codes (fastify's errors.js habit): every diagnostic and thrown error carries one.
// test/lib/errors.test.ts checks that each code is used somewhere and listed in the README.
export const ErrorCodes = {
  HLY_CFG_SYNTAX: 'lexical error: unmatched quote, bad escape, missing final newline',
  HLY_CFG_COND: 'bad .if/.elif/.else/.endif block or condition',
  HLY_CFG_UNKNOWN_KEYWORD: 'keyword HAProxy 2.6 does not know either',
  HLY_CFG_UNSUPPORTED: 'keyword or section HAProxy knows but Halyard does not implement',
  HLY_CFG_REMOVED: 'keyword removed from HAProxy (2.1+) with its replacement named',
  HLY_CFG_BAD_ARG: 'missing, malformed or out-of-range argument',
  HLY_CFG_PLACEMENT: 'keyword used in a section or mode where it has no effect',
  HLY_CFG_REFERENCE: 'reference to a missing backend, ACL, defaults section, server or file',
  HLY_CFG_DUPLICATE: 'duplicate proxy or server name',
  HLY_CFG_NO_EFFECT: 'accepted keyword that tunes HAProxy internals and has no effect in Halyard',
  HLY_CFG_MISSING: 'a setting HAProxy warns about when missing (timeouts, bind)',
  HLY_CFG_FILE: 'configuration file or directory cannot be read',
  HLY_CFG_RESOLVE: 'server address cannot be resolved',
  HLY_CFG_SCHEMA: 'compiled model does not match its JSON Schema (a Halyard bug)',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class HalyardError extends Error {
  constructor(readonly code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HalyardError';
  }
}
