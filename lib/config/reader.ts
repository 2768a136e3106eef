// Reading configuration files: -f FILE|DIR expansion, line splitting, the lexer, conditional
// blocks and .notice/.warning/.alert, then each statement goes to the ConfigParser.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diag } from './diag.js';
import { caretLines, lexLine, type Word } from './lexer.js';

/** HAProxy's MAX_LINE_ARGS: words kept per line. */
const MAX_LINE_ARGS = 64;
import { evalCondition } from './cond.js';
import type { ConfigParser } from './parser.js';

/** Expand -f arguments: a directory gives its regular, non-hidden *.cfg files in C-locale order. */
export function expandPaths(paths: readonly string[]): { files: string[]; errors: Diag[] } {
  const files: string[] = [];
  const errors: Diag[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e: unknown) {
      errors.push(cannotOpen(p, e));
      continue;
    }
    if (!st.isDirectory()) { files.push(p); continue; }
    let names: string[];
    try {
      names = readdirSync(p);
    } catch (e: unknown) {
      errors.push(cannotOpen(p, e));
      continue;
    }
    names.sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
    for (const n of names) {
      if (n.startsWith('.') || !n.endsWith('.cfg')) continue;
      const full = join(p, n);
      try {
        if (statSync(full).isFile()) files.push(full);
      } catch {
        // vanished between readdir and stat: HAProxy skips such entries too
      }
    }
  }
  return { files, errors };
}

function cannotOpen(p: string, e: unknown): Diag {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why = code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : code === 'EISDIR' ? 'Is a directory' : String((e as Error).message);
  return { severity: 'alert', code: 'HLY_CFG_FILE', message: `Cannot open configuration file/directory ${p} : ${why}`, style: 'none' };
}

interface CondFrame {
  /** this branch is being read */
  active: boolean;
  /** some branch of this block was already taken */
  taken: boolean;
  /** an .else was seen */
  sawElse: boolean;
  /** the enclosing block was active */
  parentActive: boolean;
  line: number;
}

/**
 * Feed one file's text to the parser. Returns true when reading had to stop (HAProxy's ERR_ABORT:
 * broken conditional blocks), so the caller stops loading further files.
 */
export function readText(text: string, file: string, parser: ConfigParser): boolean {
  const lines = text.split('\n');
  const missingLf = text.length > 0 && !text.endsWith('\n');
  if (!missingLf) lines.pop();
  const stack: CondFrame[] = [];
  const abort = (line: number, message: string, tail?: string[]): boolean => {
    parser.diags.push({ severity: 'alert', code: 'HLY_CFG_COND', message, loc: { file, line }, style: 'parsing-tight', abort: true, ...(tail !== undefined ? { tail } : {}) });
    return true;
  };
  for (let n = 0; n < lines.length; n++) {
    if (missingLf && n === lines.length - 1) {
      // HAProxy parses the unterminated line, then refuses the file
      const last = lines[n] ?? '';
      const stop = readLine(last, n + 1);
      parser.diags.push({
        severity: 'alert', code: 'HLY_CFG_SYNTAX', style: 'parsing-tight', loc: { file, line: n + 1 },
        message: `Missing LF on last line, file might have been truncated at position ${last.length + 1}.`,
      });
      if (stop) return true;
      continue;
    }
    if (readLine(lines[n] ?? '', n + 1)) return true;
  }
  const open = stack[stack.length - 1];
  // reported at the file's last line, where HAProxy notices it
  if (open !== undefined) return abort(lines.length, `non-terminated '.if' block.`);
  parser.endOfFile();
  return false;

  /** One physical line; true when reading must stop. */
  function readLine(rawIn: string, lineNo: number): boolean {
    let raw = rawIn;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const loc = { file, line: lineNo };
    const lexed = lexLine(raw, { env: parser.opts.env, file, line: lineNo, section: parser.sectionName, defaults: true });
    if (lexed.error !== undefined) {
      parser.diags.push({
        severity: 'alert', code: 'HLY_CFG_SYNTAX', style: 'parsing-tight', loc: { ...loc, col: lexed.error.position },
        message: `${lexed.error.message} at position ${lexed.error.position}:`, tail: caretLines(raw, lexed.error.position),
      });
      return false;
    }
    let words = lexed.words;
    if (words.length > MAX_LINE_ARGS) {
      // HAProxy keeps 64 words, says where it cut (1-based, leading blanks not counted) and fails
      const last = words[MAX_LINE_ARGS - 1] as Word;
      const lead = raw.length - raw.trimStart().length;
      parser.diags.push({
        severity: 'alert', code: 'HLY_CFG_SYNTAX', style: 'parsing-tight', loc,
        message: `too many words, truncating after word ${MAX_LINE_ARGS}, position ${last.col - lead}: <${last.text}>.`,
      });
      words = words.slice(0, MAX_LINE_ARGS);
    }
    const first = words[0];
    if (first === undefined) return false;
    const active = stack.length === 0 || (stack[stack.length - 1]?.active ?? true);
    const dir = first.text;
    if (dir.startsWith('.') && !first.quoted) {
      const exprWords = words.slice(1).map((w) => w.text);
      const evalAt = (): boolean | undefined => {
        const r = evalCondition(exprWords, { env: parser.opts.env });
        if (r.ok) return r.value;
        const exprCol = (words[1]?.col ?? raw.length + 1) - 1 + r.pos;
        abort(lineNo, `${r.error} in '${dir}' at position ${r.pos}:`, caretLines(raw, exprCol));
        return undefined;
      };
      switch (dir) {
        case '.if': {
          if (!active) { stack.push({ active: false, taken: true, sawElse: false, parentActive: false, line: lineNo }); return false; }
          const v = evalAt();
          if (v === undefined) return true;
          stack.push({ active: v, taken: v, sawElse: false, parentActive: true, line: lineNo });
          return false;
        }
        case '.elif': {
          const top = stack[stack.length - 1];
          if (top === undefined) return abort(lineNo, `lone '.elif' with no matching '.if'.`);
          if (top.sawElse) return abort(lineNo, `'.elif' after '.else' is not permitted.`);
          if (!top.parentActive || top.taken) { top.active = false; return false; }
          const v = evalAt();
          if (v === undefined) return true;
          top.active = v; top.taken = v;
          return false;
        }
        case '.else': {
          if (words.length > 1) { abort(lineNo, `Unexpected argument '${words[1]?.text ?? ''}' for '.else'.`); return false; }
          const top = stack[stack.length - 1];
          if (top === undefined) return abort(lineNo, `lone '.else' with no matching '.if'.`);
          if (top.sawElse) return abort(lineNo, `'.else' after '.else' is not permitted.`);
          top.sawElse = true;
          top.active = top.parentActive && !top.taken;
          top.taken = true;
          return false;
        }
        case '.endif':
          if (words.length > 1) { abort(lineNo, `Unexpected argument '${words[1]?.text ?? ''}' for '.endif'.`); return false; }
          if (stack.pop() === undefined) return abort(lineNo, `lone '.endif' with no matching '.if'.`);
          return false;
        case '.notice': case '.warning': case '.alert': case '.diag': {
          if (!active) return false;
          if (words.length > 2) {
            parser.diags.push({ severity: 'alert', code: 'HLY_CFG_BAD_ARG', style: 'parsing-tight', loc, message: `Unexpected argument '${words[2]?.text ?? ''}' for '${dir}'. Use quotes if the message should contain spaces.` });
            return false;
          }
          if (dir === '.diag') return false; // printed only with -dD by HAProxy
          const sev = dir === '.notice' ? 'notice' : dir === '.warning' ? 'warning' : 'alert';
          parser.diags.push({ severity: sev, code: 'HLY_CFG_COND', style: 'parsing-tight', loc, message: `'${words[1]?.text ?? ''}'.`, ...(sev === 'alert' ? { abort: true } : {}) });
          return false;
        }
        default:
          if (!active) return false;
          parser.diags.push({ severity: 'alert', code: 'HLY_CFG_COND', style: 'parsing-tight', loc, message: `unknown directive '${dir}'.` });
          return false;
      }
    }
    if (!active) return false;
    // A keyword verdict flagged `abort` (HAProxy's ERR_ABORT) stops this file too (kw-acl: http rules).
    const before = parser.diags.length;
    parser.statement({ loc, words, raw });
    return parser.stopFile || parser.diags.slice(before).some((d) => d.abort === true);
  }
}

/** Read one file from disk as latin1 (byte columns, any encoding survives). */
export function readFile(file: string, parser: ConfigParser): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (e: unknown) {
    parser.diags.push(cannotOpen(file, e));
    return false;
  }
  return readText(text, file, parser);
}
