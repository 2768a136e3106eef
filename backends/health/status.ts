/**
 * Check outcomes as one table (HAProxy's check_statuses[]): the code the stats page shows, what
 * the result means for rise/fall, and the description logs print after "reason: ". Stats, logs
 * and `show servers state` all read this table, so a status means the same thing everywhere.
 */

/** Numeric values as HAProxy's `enum healthcheck_status` (`show servers state` prints them). */
export const CheckStatus = {
  UNK: 0,
  INI: 1,
  /** a check is in progress (never stored as a result) */
  START: 2,
  HANA: 4,
  SOCKERR: 5,
  L4OK: 6,
  L4TOUT: 7,
  L4CON: 8,
  L6OK: 9,
  L6TOUT: 10,
  L6RSP: 11,
  L7TOUT: 12,
  L7RSP: 13,
  L7OK: 15,
  L7OKC: 16,
  L7STS: 17,
} as const;
export type CheckStatus = (typeof CheckStatus)[keyof typeof CheckStatus];

/** What a status does to the health counter: nothing, a failure, a pass, a conditional pass (NOLB). */
export type CheckResult = 'neutral' | 'failed' | 'passed' | 'condpass';

export interface CheckStatusRow {
  readonly status: CheckStatus;
  /** stats `check_status`, e.g. "L7STS" */
  readonly code: string;
  readonly result: CheckResult;
  /** stats/log description, e.g. "Layer7 wrong status" */
  readonly description: string;
  /** the `code:` (HTTP status) is meaningful: HAProxy prints it for statuses past L57DATA */
  readonly hasCode: boolean;
}

function row(status: CheckStatus, code: string, result: CheckResult, description: string): CheckStatusRow {
  return { status, code, result, description, hasCode: status > 14 };
}

const ROWS: readonly CheckStatusRow[] = [
  row(CheckStatus.UNK, 'UNK', 'neutral', 'Unknown'),
  row(CheckStatus.INI, 'INI', 'neutral', 'Initializing'),
  row(CheckStatus.START, '', 'neutral', '* starting *'),
  row(CheckStatus.HANA, 'HANA', 'failed', 'Health analyze'),
  row(CheckStatus.SOCKERR, 'SOCKERR', 'failed', 'Socket error'),
  row(CheckStatus.L4OK, 'L4OK', 'passed', 'Layer4 check passed'),
  row(CheckStatus.L4TOUT, 'L4TOUT', 'failed', 'Layer4 timeout'),
  row(CheckStatus.L4CON, 'L4CON', 'failed', 'Layer4 connection problem'),
  row(CheckStatus.L6OK, 'L6OK', 'passed', 'Layer6 check passed'),
  row(CheckStatus.L6TOUT, 'L6TOUT', 'failed', 'Layer6 timeout'),
  row(CheckStatus.L6RSP, 'L6RSP', 'failed', 'Layer6 invalid response'),
  row(CheckStatus.L7TOUT, 'L7TOUT', 'failed', 'Layer7 timeout'),
  row(CheckStatus.L7RSP, 'L7RSP', 'failed', 'Layer7 invalid response'),
  row(CheckStatus.L7OK, 'L7OK', 'passed', 'Layer7 check passed'),
  row(CheckStatus.L7OKC, 'L7OKC', 'condpass', 'Layer7 check conditionally passed'),
  row(CheckStatus.L7STS, 'L7STS', 'failed', 'Layer7 wrong status'),
];

const BY_STATUS: readonly (CheckStatusRow | undefined)[] = (() => {
  const a: (CheckStatusRow | undefined)[] = [];
  for (const r of ROWS) a[r.status] = r;
  return a;
})();

/** The table row of a status (every CheckStatus has one). */
export function checkStatusRow(s: CheckStatus): CheckStatusRow {
  return BY_STATUS[s] ?? (ROWS[0] as CheckStatusRow);
}

/** Every row, in enum order (for documentation and stats legends). */
export const CHECK_STATUSES: readonly CheckStatusRow[] = ROWS;

/** One finished check, as the state machine, logs and stats see it. */
export interface CheckOutcome {
  readonly status: CheckStatus;
  /** HTTP status for L7 checks, 0 otherwise (stats `check_code`) */
  readonly code: number;
  /** free text (stats `last_chk`): reason phrase, errno text, "HTTP content check did not match"... */
  readonly info: string;
  /** ms from the start of the check to its verdict (stats `check_duration`) */
  readonly duration: number;
}
