// `stats socket <address> [options]` in global: the runtime API listener.
import { alert, type Loc, type Verdict } from '../diag.js';

export interface StatsSocketConfig {
  address: string;
  options: Record<string, string | boolean>;
  loc: Loc;
}

const VALUED = new Set(['mode', 'user', 'group', 'uid', 'gid', 'level', 'expose-fd', 'severity-output', 'name', 'id', 'process', 'thread', 'maxconn', 'backlog']);
const FLAGS = new Set(['accept-proxy', 'transparent', 'v4v6', 'v6only']);

export function parseStatsSocket(a: readonly string[], loc: Loc): StatsSocketConfig | Verdict {
  const address = a[0];
  if (address === undefined || address === '') return alert('HLY_CFG_BAD_ARG', `'stats socket' requires an address`);
  const options: Record<string, string | boolean> = {};
  for (let i = 1; i < a.length; i++) {
    const k = a[i] ?? '';
    if (FLAGS.has(k)) { options[k] = true; continue; }
    if (k === 'ssl' || k === 'crt') return alert('HLY_CFG_UNSUPPORTED', `'stats socket' option '${k}' is not supported by Halyard (no TLS).`);
    if (!VALUED.has(k)) return alert('HLY_CFG_UNKNOWN_KEYWORD', `'stats socket' : unknown keyword '${k}'.`);
    const v = a[i + 1];
    if (v === undefined) return alert('HLY_CFG_BAD_ARG', `'stats socket' : '${k}' expects an argument.`);
    if (k === 'level' && v !== 'user' && v !== 'operator' && v !== 'admin') {
      return alert('HLY_CFG_BAD_ARG', `'stats socket' : 'level' only supports 'user', 'operator', and 'admin' (got '${v}').`);
    }
    options[k] = v;
    i++;
  }
  return { address, options, loc };
}
