// Small helpers shared by keyword parsers, so that messages stay uniform (HAProxy's too_many_args habit).
import { alert, warning, type Verdict } from '../diag.js';
import { parseTime } from '../values.js';
import type { KwContext } from '../parser.js';

export function tooManyArgs(c: KwContext, max: number): Verdict | undefined {
  if (c.a.length - 1 > max) {
    const kw = c.a[0] ?? '';
    return alert('HLY_CFG_BAD_ARG', `'${kw}' cannot handle unexpected argument '${c.a[max + 1] ?? ''}'.`, { col: c.args[max + 1]?.col ?? 0 });
  }
  return undefined;
}

/** A time argument for `what`: the value, or the HAProxy-worded verdict. */
export function timeArg(text: string | undefined, what: string): { ms: number; warn?: Verdict } | Verdict {
  if (text === undefined || text === '') return alert('HLY_CFG_BAD_ARG', `'${what}' expects an integer value (in milliseconds)`);
  const r = parseTime(text);
  if (!r.ok) {
    if (r.kind === 'overflow') {
      return alert('HLY_CFG_BAD_ARG', `timer overflow in argument '${text}' to '${what}' (maximum value is 2147483647 ms or ~24.8 days)`);
    }
    return alert('HLY_CFG_BAD_ARG', `unexpected character '${r.ch}' in '${what}'`);
  }
  if (r.trailing !== undefined) {
    return {
      ms: r.ms,
      warn: warning('HLY_CFG_BAD_ARG', `unexpected character '${r.trailing[0] ?? ''}' after the timer value '${text}', only (us=microseconds,ms=milliseconds,s=seconds,m=minutes,h=hours,d=days) are supported. This will be reported as an error in next versions.`),
    };
  }
  return { ms: r.ms };
}

export function isVerdict(x: unknown): x is Verdict {
  return typeof x === 'object' && x !== null && 'severity' in x;
}

export const unsupported = (what: string, why?: string): Verdict =>
  alert('HLY_CFG_UNSUPPORTED', `${what} is not supported by Halyard${why !== undefined ? ` (${why})` : ''}.`);

export const noEffect = (what: string, why?: string): Verdict =>
  warning('HLY_CFG_NO_EFFECT', `${what} has no effect in Halyard${why !== undefined ? ` (${why})` : ''}; ignored.`);
