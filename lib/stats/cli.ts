/**
 * The runtime API's command interpreter (HAProxy's CLI on the `stats socket`), apart from the
 * socket so it is tested with plain strings:
 *
 *   const s = new CliSession(ctx, 'admin');
 *   s.line('show stat; show info')   // -> { out: "...\n\n...\n\n", close: true }
 *
 * Protocol as haproxy 2.6: a line holds one or more commands separated by `;`; each command's
 * output is followed by an empty line; without `prompt` the connection closes after the first
 * line. `prompt` turns on interactive mode ("> " after each reply), `quit` closes.
 */
import type { Runtime } from '../runtime/runtime.js';
import {
  getServerWeight, lookupBackend, lookupServer, setServerAddr, setServerAdminState, setServerHealthEnabled,
  setServerMaxconn, setServerWeight, type AdminContext,
} from './admin.js';
import { processInfo, showInfo, showInfoTyped, type ProcessInfoExtra } from './info.js';
import { statsCsv, statsJson, statsTyped, type StatsOptions } from './render.js';
import { VERSION } from '../version.js';

export type CliLevel = 'user' | 'operator' | 'admin';
const RANK: Readonly<Record<CliLevel, number>> = { user: 0, operator: 1, admin: 2 };

export interface CliContext extends AdminContext {
  readonly runtime: Runtime;
  /** what `show info` needs beyond the snapshot (listeners, node, ...) */
  readonly info?: () => ProcessInfoExtra;
}

interface Command {
  /** the leading words that select it */
  readonly words: readonly string[];
  readonly usage: string;
  readonly help: string;
  readonly level: CliLevel;
  run(s: CliSession, args: readonly string[]): string;
}

const PERMISSION_DENIED = 'Permission denied\n';

function statOptions(args: readonly string[], legends: boolean): { o: StatsOptions; format: 'csv' | 'typed' | 'json' } | string {
  let format: 'csv' | 'typed' | 'json' = 'csv';
  const o: { -readonly [K in keyof StatsOptions]: StatsOptions[K] } = { legends };
  const rest: string[] = [];
  for (const a of args) {
    if (a === 'typed') format = 'typed';
    else if (a === 'json') format = 'json';
    else if (a === 'up') o.up = true;
    else if (a === 'no-maint') o.noMaint = true;
    else if (a === 'desc') continue;
    else rest.push(a);
  }
  if (rest.length > 0) {
    // `<proxy> <type> <sid>`: all three or none
    if (rest.length < 3) return 'Please specify 3 arguments: proxy (or -1), type and server (or -1).\n';
    o.proxy = rest[0] as string;
    o.types = parseInt(rest[1] as string, 10) || 0;
    o.sid = parseInt(rest[2] as string, 10) || 0;
  }
  return { o, format };
}

function showServersState(s: CliSession, args: readonly string[]): string {
  const rt = s.ctx.runtime;
  const bes = args[0] !== undefined ? [lookupBackend(rt, args[0])] : [...rt.pools.values()];
  if (bes[0] === undefined) return "Can't find backend.\n";
  const snap = rt.snapshot();
  let out = '1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n';
  for (const brt of bes) {
    const bs = snap.backends.find((b) => b.pxname === brt?.name);
    if (bs === undefined) continue;
    for (const sv of bs.servers) {
      const c = sv.check;
      const maint = (sv.admin & 0x23) !== 0;
      // check state bits: 0x02 configured, 0x04 enabled, 0x08 paused (maintenance)
      // (a server `disabled` in the config has its check paused even without a check)
      const paused = maint && (c !== null || (sv.admin & 0x04) !== 0);
      const cstate = (c !== null ? 0x02 | (c.enabled ? 0x04 : 0) : 0) | (paused ? 0x08 : 0);
      const health = c !== null ? c.health : sv.everMaint ? 0 : 2;
      out += `${bs.iid} ${bs.pxname} ${sv.sid} ${sv.svname} ${sv.address === '' ? '-' : sv.address} ${sv.opState} ${sv.admin} ${sv.uweight} ${sv.iweight} ${sv.lastchg} `
        + `${c?.statusNum ?? 1} ${c?.result ?? 0} ${health} ${cstate} 0 ${bs.forcedId ? 1 : 0} ${sv.forcedId ? 1 : 0} ${sv.fqdn ?? '-'} ${sv.port} - 0 0 - - 0\n`;
    }
  }
  return out;
}

function showServersConn(s: CliSession, args: readonly string[]): string {
  const rt = s.ctx.runtime;
  const bes = args[0] !== undefined ? [lookupBackend(rt, args[0])] : [...rt.pools.values()];
  if (bes[0] === undefined) return "Can't find backend.\n";
  let out = '# bkname/svname bkid/svid addr port - purge_delay used_cur used_max need_est unsafe_nb safe_nb idle_lim idle_cur idle_per_thr[1]\n';
  for (const brt of bes) {
    if (brt === undefined) continue;
    for (const sv of brt.be.servers) {
      out += `${brt.name}/${sv.name} ${brt.be.id}/${sv.puid} ${sv.address} ${sv.port} - 5000 ${sv.served} ${sv.counters.maxSess} 0 0 0 -1 0 0\n`;
    }
  }
  return out;
}

/** Runs a server command after the lookup, turning lookup errors into the reply. */
function onServer(s: CliSession, arg: string | undefined, fn: (t: Exclude<ReturnType<typeof lookupServer>, string>) => string): string {
  const t = lookupServer(s.ctx, arg);
  return typeof t === 'string' ? t : fn(t);
}

const SET_SERVER_USAGE = 'usage: set server <backend>/<server> addr | agent | agent-addr | agent-port | agent-send | check-addr | check-port | fqdn | health | ssl | state | weight\n';

const COMMANDS: readonly Command[] = [
  { words: ['disable', 'health'], usage: 'disable health', help: "stop running a server's health check", level: 'admin',
    run: (s, a) => onServer(s, a[0], (t) => setServerHealthEnabled(s.ctx, t, false) ?? '') },
  { words: ['disable', 'server'], usage: 'disable server (DEPRECATED)', help: "put a server in maintenance (use 'set server')", level: 'admin',
    run: (s, a) => onServer(s, a[0], (t) => { setServerAdminState(s.ctx, t, 'maint'); return ''; }) },
  { words: ['enable', 'health'], usage: 'enable health', help: "run a server's health check again", level: 'admin',
    run: (s, a) => onServer(s, a[0], (t) => setServerHealthEnabled(s.ctx, t, true) ?? '') },
  { words: ['enable', 'server'], usage: 'enable server  (DEPRECATED)', help: "take a server out of maintenance (use 'set server')", level: 'admin',
    run: (s, a) => onServer(s, a[0], (t) => { setServerAdminState(s.ctx, t, 'ready'); return ''; }) },
  { words: ['get', 'weight'], usage: 'get weight <bk>/<srv>', help: "current and initial weight of a server", level: 'user',
    run: (s, a) => onServer(s, a[0], (t) => getServerWeight(t)) },
  { words: ['operator'], usage: 'operator', help: 'lower this session to operator level', level: 'user',
    run: (s) => s.lower('operator') },
  { words: ['set', 'maxconn', 'server'], usage: 'set maxconn server <bk>/<srv>', help: "change a server's maxconn", level: 'admin',
    run: (s, a) => onServer(s, a[0], (t) => setServerMaxconn(s.ctx, t, a[1]) ?? '') },
  { words: ['set', 'server'], usage: 'set server <bk>/<srv> [opts]', help: "change a server's state, weight or address", level: 'admin',
    run: (s, a) => onServer(s, a[0], (t) => {
      switch (a[1]) {
        case 'state': {
          const st = a[2];
          if (st !== 'ready' && st !== 'drain' && st !== 'maint') return "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
          setServerAdminState(s.ctx, t, st);
          return '';
        }
        case 'weight': return setServerWeight(s.ctx, t, a[2] ?? '') ?? '';
        case 'addr': return setServerAddr(s.ctx, t, a[2], a[3] === 'port' ? (a[4] ?? '') : undefined);
        default: return SET_SERVER_USAGE;
      }
    }) },
  { words: ['set', 'weight'], usage: 'set weight <bk>/<srv>  (DEPRECATED)', help: "change a server's weight (use 'set server')", level: 'admin',
    run: (s, a) => onServer(s, a[0], (t) => setServerWeight(s.ctx, t, a[1] ?? '') ?? '') },
  { words: ['show', 'backend'], usage: 'show backend', help: 'list the backends', level: 'user',
    run: (s) => `# name\n${[...s.ctx.runtime.pools.keys()].map((n) => `${n}\n`).join('')}` },
  { words: ['show', 'cli', 'level'], usage: 'show cli level', help: "this session's level", level: 'user',
    run: (s) => `${s.level}\n` },
  { words: ['show', 'info'], usage: 'show info [typed]', help: 'process information', level: 'user',
    run: (s, a) => {
      const info = processInfo(s.ctx.runtime.snapshot(), s.ctx.info?.() ?? {});
      return a.includes('typed') ? showInfoTyped(info) : showInfo(info);
    } },
  { words: ['show', 'servers', 'conn'], usage: 'show servers conn [<backend>]', help: 'server connection counts', level: 'user',
    run: (s, a) => showServersConn(s, a) },
  { words: ['show', 'servers', 'state'], usage: 'show servers state [<backend>]', help: 'server states (the server-state-file format)', level: 'user',
    run: (s, a) => showServersState(s, a) },
  { words: ['show', 'stat'], usage: 'show stat [json|no-maint|typed|up]*', help: 'counters of every proxy and server', level: 'user',
    run: (s, a) => {
      const p = statOptions(a, RANK[s.level] >= RANK.operator);
      if (typeof p === 'string') return p;
      const snap = s.ctx.runtime.snapshot();
      if (p.o.proxy !== undefined && p.o.proxy !== '-1' && !snap.proxies.some((x) => x.name === p.o.proxy || `#${x.iid}` === p.o.proxy || String(x.iid) === p.o.proxy)) return 'No such proxy.\n';
      return p.format === 'typed' ? statsTyped(snap, p.o) : p.format === 'json' ? statsJson(snap, p.o) : statsCsv(snap, p.o);
    } },
  { words: ['show', 'version'], usage: 'show version', help: 'the version of this process', level: 'user',
    run: () => `${VERSION}\n` },
  { words: ['user'], usage: 'user', help: 'lower this session to user level', level: 'user',
    run: (s) => s.lower('user') },
];

const TAIL: readonly (readonly [string, string])[] = [
  ['help [<command>]', 'list matching or all commands'],
  ['prompt', 'toggle interactive mode with prompt'],
  ['quit', 'disconnect'],
];

function helpLine(usage: string, help: string): string {
  return `  ${usage.padEnd(40)}: ${help}\n`;
}

/** Splits a line into commands on unescaped `;`, and commands into words. */
export function splitCommands(line: string): string[][] {
  const cmds: string[][] = [];
  let words: string[] = [];
  let w = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === '\\' && i + 1 < line.length) {
      w += line[++i];
      inWord = true;
    } else if (ch === ';') {
      if (inWord) words.push(w);
      cmds.push(words);
      words = [];
      w = '';
      inWord = false;
    } else if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(w);
      w = '';
      inWord = false;
    } else {
      w += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(w);
  cmds.push(words);
  return cmds;
}

export interface LineResult {
  readonly out: string;
  /** close the connection after writing */
  readonly close: boolean;
}

export class CliSession {
  interactive = false;

  constructor(readonly ctx: CliContext, public level: CliLevel) {}

  lower(to: CliLevel): string {
    if (RANK[to] > RANK[this.level]) return PERMISSION_DENIED;
    this.level = to;
    return '';
  }

  help(): string {
    return `The following commands are valid at this level:\n${this.commandLines(COMMANDS)}`;
  }

  private commandLines(cmds: readonly Command[]): string {
    return cmds.map((c) => helpLine(c.usage, c.help)).join('') + TAIL.map(([u, h]) => helpLine(u, h)).join('');
  }

  /** The closest commands to an unknown one (same first word first), as HAProxy suggests. */
  private unknown(words: readonly string[]): string {
    const first = words[0] ?? '';
    const score = (c: Command): number => {
      let n = 0;
      for (let i = 0; i < Math.min(c.words.length, words.length); i++) if (c.words[i] === words[i]) n += 2;
      if (n === 0) for (const w of c.words) if (w.startsWith(first.slice(0, 2)) && first.length >= 2) n += 1;
      return n;
    };
    const best = COMMANDS.map((c) => [score(c), c] as const).filter(([n]) => n > 0).sort((a, b) => b[0] - a[0]).slice(0, 5).map(([, c]) => c);
    return `Unknown command, but maybe one of the following ones is a better match:\n${this.commandLines(best)}`;
  }

  /** One command's reply (without the empty line that ends it); null for `quit`. */
  command(words: readonly string[]): string | null {
    const first = words[0];
    if (first === undefined) return '';
    if (first === 'quit') return null;
    if (first === 'prompt') {
      this.interactive = !this.interactive;
      return '';
    }
    if (first === 'help') return this.help();
    let match: Command | undefined;
    for (const c of COMMANDS) {
      if (c.words.every((w, i) => words[i] === w) && (match === undefined || c.words.length > match.words.length)) match = c;
    }
    if (match === undefined) return this.unknown(words);
    if (RANK[this.level] < RANK[match.level]) return PERMISSION_DENIED;
    return match.run(this, words.slice(match.words.length));
  }

  /**
   * A received line: every command's reply, each followed by an empty line, and in prompt
   * mode by the "> " prompt (after each command of a `;` list, as HAProxy prints it).
   */
  line(text: string): LineResult {
    let out = '';
    for (const words of splitCommands(text)) {
      if (words.length === 0) continue;
      const r = this.command(words);
      if (r === null) return { out, close: true };
      out += `${r}\n`;
      if (this.interactive) out += '> ';
    }
    if (out === '' && this.interactive) out = '> ';
    return { out, close: !this.interactive };
  }
}
