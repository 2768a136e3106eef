// Diagnostics: what a keyword parser reports. Parsers write only the message; the dispatcher adds
// the location (HAProxy's cfg_keyword habit), and format() renders HAProxy's exact line shapes.
import type { ErrorCode } from '../errors.js';

export type Severity = 'alert' | 'warning' | 'notice';

/**
 * How the location is printed, because HAProxy's spacing is not uniform:
 * - parsing:  `parsing [f:l] : msg`        (most keyword errors)
 * - parsing-tight: `parsing [f:l]: msg`    (lexer errors, section errors, some post-parse)
 * - Parsing-tight: `Parsing [f:l]: msg`    (duplicate proxy names)
 * - bracket:  `[f:l] : msg`                (server lines: msg starts with `'server be/s1' : `)
 * - none:     `msg`                        (post-parse checks without a line)
 */
export type LocStyle = 'parsing' | 'parsing-tight' | 'Parsing-tight' | 'bracket' | 'none';

export interface Loc {
  readonly file: string;
  readonly line: number;
  readonly col?: number;
}

export interface Diag {
  readonly severity: Severity;
  readonly code: ErrorCode;
  readonly message: string;
  readonly loc?: Loc;
  readonly style: LocStyle;
  /** extra lines printed after the message, each prefixed with "   | " (HAProxy's multi-line warnings) */
  readonly more?: readonly string[];
  /** extra lines printed verbatim after the message (the caret display under lexical errors) */
  readonly tail?: readonly string[];
  /** The keyword the diagnostic is about, for --json consumers. */
  readonly keyword?: string;
  /** HAProxy's ERR_ABORT: the load stops after this file and no "Fatal errors" summary is printed. */
  readonly abort?: boolean;
  /** printed as an ALERT but does not fail the check ("'pidfile' already specified. Continuing.") */
  readonly nonFatal?: boolean;
}

/** What a keyword parser returns: nothing when all is well, else one or more diagnostics without location. */
export interface Verdict {
  readonly severity: Severity;
  readonly code: ErrorCode;
  readonly message: string;
  readonly style?: LocStyle;
  readonly more?: readonly string[];
  readonly tail?: readonly string[];
  readonly abort?: boolean;
  readonly nonFatal?: boolean;
  /** column of the offending word (1-based), when known */
  readonly col?: number;
}

export type ParseResult = Verdict | readonly Verdict[] | undefined | void;

export const alert = (code: ErrorCode, message: string, extra?: Partial<Verdict>): Verdict => ({
  severity: 'alert', code, message, ...extra,
});
export const warning = (code: ErrorCode, message: string, extra?: Partial<Verdict>): Verdict => ({
  severity: 'warning', code, message, ...extra,
});

const LEVEL: Record<Severity, string> = { alert: '[ALERT]', warning: '[WARNING]', notice: '[NOTICE]' };

/** One diagnostic as HAProxy prints it on stderr: `[ALERT]    (pid) : config : parsing [f:l] : msg`. */
export function formatDiag(d: Diag, pid: number): string {
  const head = `${LEVEL[d.severity].padEnd(10)} (${pid}) : config : `;
  let where = '';
  if (d.loc !== undefined) {
    const at = `[${d.loc.file}:${d.loc.line}]`;
    switch (d.style) {
      case 'parsing': where = `parsing ${at} : `; break;
      case 'parsing-tight': where = `parsing ${at}: `; break;
      case 'Parsing-tight': where = `Parsing ${at}: `; break;
      case 'bracket': where = `${at} : `; break;
      case 'none': where = ''; break;
    }
  }
  let out = head + where + d.message + '\n';
  if (d.more !== undefined) for (const m of d.more) out += `   | ${m}\n`;
  if (d.tail !== undefined) for (const m of d.tail) out += `${m}\n`;
  return out;
}

/** The diagnostics as JSON for CI tools (`halyard -c --json`). */
export function diagToJson(d: Diag): Record<string, unknown> {
  return {
    severity: d.severity,
    code: d.code,
    file: d.loc?.file ?? null,
    line: d.loc?.line ?? null,
    col: d.loc?.col ?? null,
    keyword: d.keyword ?? null,
    message: d.more === undefined ? d.message : [d.message, ...d.more].join('\n'),
  };
}
