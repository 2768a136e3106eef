// `log` targets, shared by global and proxy sections.
import { alert, type Verdict } from '../diag.js';
import type { Loc } from '../diag.js';
import type { LogTarget } from '../model.js';
import { parseUint } from '../values.js';

export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit',
  'alert', 'cron2', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
export const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
const FORMATS = new Set(['local', 'rfc3164', 'rfc5424', 'priority', 'short', 'timed', 'iso', 'raw']);

/** Parse `log <target> [len N] [format F] [sample R:S] <facility> [level [minlevel]]` (args[0] is 'log'). */
export function parseLogTarget(a: readonly string[], loc: Loc): LogTarget | Verdict {
  const target = a[1];
  if (target === undefined || target === '') return alert('HLY_CFG_BAD_ARG', `'log' expects either <address[:port]> and <facility> or 'global' as arguments.`);
  let i = 2;
  let len: number | undefined;
  let format: string | undefined;
  for (;;) {
    if (a[i] === 'len') {
      const n = parseUint(a[i + 1] ?? '');
      if (n === undefined || n < 80 || n > 65535) return alert('HLY_CFG_BAD_ARG', `invalid log length '${a[i + 1] ?? ''}', must be a number between 80 and 65535.`);
      len = n; i += 2; continue;
    }
    if (a[i] === 'format') {
      const f = a[i + 1] ?? '';
      if (!FORMATS.has(f)) return alert('HLY_CFG_BAD_ARG', `unknown log format '${f}'`);
      format = f; i += 2; continue;
    }
    if (a[i] === 'sample') {
      if (!/^[0-9,-]+:[0-9]+$/.test(a[i + 1] ?? '')) return alert('HLY_CFG_BAD_ARG', `invalid sample expression '${a[i + 1] ?? ''}'`);
      i += 2; continue;
    }
    break;
  }
  const facility = a[i];
  if (facility === undefined) return alert('HLY_CFG_BAD_ARG', `'log' expects <facility> as argument.`);
  if (!(FACILITIES as readonly string[]).includes(facility)) return alert('HLY_CFG_BAD_ARG', `unknown log facility '${facility}'`);
  const level = a[i + 1];
  const minLevel = a[i + 2];
  if (level !== undefined && !(LEVELS as readonly string[]).includes(level)) return alert('HLY_CFG_BAD_ARG', `unknown optional log level '${level}'`);
  if (minLevel !== undefined && !(LEVELS as readonly string[]).includes(minLevel)) return alert('HLY_CFG_BAD_ARG', `unknown optional minimum log level '${minLevel}'`);
  if (a[i + 3] !== undefined) return alert('HLY_CFG_BAD_ARG', `'log' cannot handle unexpected argument '${a[i + 3]}'.`);
  const addr = checkLogAddress(target);
  if (addr !== undefined) return addr;
  return {
    target, facility, loc,
    ...(format !== undefined ? { format } : {}),
    ...(level !== undefined ? { level } : {}),
    ...(minLevel !== undefined ? { minLevel } : {}),
    ...(len !== undefined ? { len } : {}),
  };
}

function checkLogAddress(t: string): Verdict | undefined {
  if (t === 'stdout' || t === 'stderr' || t.startsWith('/') || t.startsWith('fd@') || t.startsWith('unix@')) return undefined;
  if (t.startsWith('ring@') || t.startsWith('tcp@') || t.startsWith('tcp4@') || t.startsWith('tcp6@')) {
    return alert('HLY_CFG_UNSUPPORTED', `log target '${t}' is not supported by Halyard (rings and TCP syslog); use a UDP address, a unix socket, stdout or stderr.`);
  }
  const body = t.replace(/^(udp|udp4|udp6|ipv4|ipv6)@/, '');
  const m = /^(?:\[([^\]]*)\]|([^:]*(?::[^:]*){2,})|([^:]*))(?::([0-9]*))?$/.exec(body);
  if (m === null) return alert('HLY_CFG_BAD_ARG', `unknown log address '${t}'`);
  const port = m[4];
  if (port !== undefined && port !== '' && (Number(port) < 1 || Number(port) > 65535)) {
    return alert('HLY_CFG_BAD_ARG', `invalid port '${port}' in log address '${t}'`);
  }
  return undefined;
}
