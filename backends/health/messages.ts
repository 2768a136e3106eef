/**
 * The text of state-change and check log lines, word for word as HAProxy 2.6 prints them
 * (reference §5.6), built from plain values so the wording is tested without sockets:
 *
 *   Server be/s1 is DOWN, reason: Layer7 wrong status, code: 500, info: "X", check duration: 1ms.
 *     1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
 *   Server be/s1 is UP, reason: Layer7 check passed, code: 200, check duration: 1ms.
 *     1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.
 *   Health check for server be/s1 failed, reason: ..., status: 0/2 DOWN.
 *   backend be has no server available!
 */
import { checkStatusRow, type CheckOutcome } from './status.js';

/** ", reason: <desc>[, code: N][, info: "<info>"], check duration: Nms" (srv_append_status). */
export function reasonPart(o: CheckOutcome): string {
  const row = checkStatusRow(o.status);
  let s = `, reason: ${row.description}`;
  if (row.hasCode) s += `, code: ${o.code}`;
  if (o.info !== '') s += `, info: "${o.info}"`;
  if (o.duration >= 0) s += `, check duration: ${o.duration}ms`;
  return s;
}

/** Backend counts as the messages print them, taken after the change. */
export interface Counts {
  readonly active: number;
  readonly backup: number;
}

function runningOnBackup(c: Counts): string {
  return c.backup > 0 && c.active === 0 ? ' Running on backup.' : '';
}

function who(be: string, srv: string, backup: boolean): string {
  return `${backup ? 'Backup ' : ''}Server ${be}/${srv}`;
}

export interface DownInfo {
  readonly be: string;
  readonly srv: string;
  readonly backup: boolean;
  /** null when the reason is not printed (log-health-checks already said it) */
  readonly outcome: CheckOutcome | null;
  readonly counts: Counts;
  readonly sessions: number;
  readonly requeued: number;
  readonly queued: number;
  /** `track`: "be/srv" the state came from */
  readonly via?: string;
}

export function downMessage(d: DownInfo): string {
  return `${who(d.be, d.srv, d.backup)} is DOWN${d.via !== undefined ? ` via ${d.via}` : ''}${d.outcome !== null ? reasonPart(d.outcome) : ''}. ${d.counts.active} active and ${d.counts.backup} backup servers left.${runningOnBackup(d.counts)} ${d.sessions} sessions active, ${d.requeued} requeued, ${d.queued} remaining in queue.`;
}

export interface UpInfo {
  readonly be: string;
  readonly srv: string;
  readonly backup: boolean;
  readonly outcome: CheckOutcome | null;
  readonly counts: Counts;
  readonly requeued: number;
  /** server queue plus backend queue */
  readonly totalQueued: number;
  /** "is stopping" (L7OKC, disable-on-404) instead of "is UP" */
  readonly stopping?: boolean;
  /** `track`: "be/srv" the state came from */
  readonly via?: string;
}

export function upMessage(u: UpInfo): string {
  return `${who(u.be, u.srv, u.backup)} is ${u.stopping === true ? 'stopping' : 'UP'}${u.via !== undefined ? ` via ${u.via}` : ''}${u.outcome !== null ? reasonPart(u.outcome) : ''}. ${u.counts.active} active and ${u.counts.backup} backup servers online.${runningOnBackup(u.counts)} ${u.requeued} sessions requeued, ${u.totalQueued} total in queue.`;
}

export interface CheckLine {
  readonly be: string;
  readonly srv: string;
  readonly backup: boolean;
  readonly outcome: CheckOutcome;
  readonly result: 'failed' | 'passed' | 'condpass';
  /** "x/y" of the counter after the result */
  readonly fraction: string;
  /** UP, DRAIN (weight 0) or DOWN */
  readonly word: 'UP' | 'DRAIN' | 'DOWN';
}

/** One `option log-health-checks` line. */
export function checkLine(c: CheckLine): string {
  const verb = c.result === 'failed' ? 'failed' : c.result === 'condpass' ? 'conditionally succeeded' : 'succeeded';
  return `Health check for ${c.backup ? 'backup ' : ''}server ${c.be}/${c.srv} ${verb}${reasonPart(c.outcome)}, status: ${c.fraction} ${c.word}.`;
}

/** "backend be has no server available!" for the log, quoted on stderr; `proxy` for a listen section. */
export function noServerMessage(be: string, listen: boolean, quoted: boolean): string {
  const q = quoted ? "'" : '';
  return `${listen ? 'proxy' : 'backend'} ${q}${be}${q} has no server available!`;
}

/** The stderr prefix HAProxy puts before warnings and alerts: "[WARNING]  (1234) : ". */
export function stderrLine(kind: 'WARNING' | 'ALERT' | 'NOTICE', pid: number, text: string): string {
  const pad = kind === 'ALERT' ? '    ' : kind === 'NOTICE' ? '   ' : '  ';
  return `[${kind}]${pad}(${pid}) : ${text}\n`;
}
