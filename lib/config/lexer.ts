// The haproxy.cfg lexer: one physical line in, words out, with HAProxy 2.6's quoting rules
// (observed on the real binary, see test/lib/config/lexer.test.ts):
// - blanks split words; an unprotected `#` starts a comment;
// - "double quotes" protect blanks, `#` and `'`, expand $VAR / ${VAR} / ${VAR[*]}, keep backslash escapes;
// - 'single quotes' protect everything; quoted pieces concatenate with their neighbours;
// - escapes outside single quotes: `\ ` `\#` `\\` `\'` `\"` `\n` `\r` `\t` `\xNN`; any other `\c` stays as is.
// Files are read as latin1 so that a column is a byte offset, as in HAProxy's messages.

export interface Word {
  readonly text: string;
  /** 1-based byte column where the word starts in the raw line */
  readonly col: number;
  /** true when any part of the word was quoted (so "" is a real, empty word) */
  readonly quoted: boolean;
}

export interface LexError {
  readonly message: string;
  /** 1-based column of the offending byte in the raw line (HAProxy's "position") */
  readonly position: number;
}

export interface LexedLine {
  readonly words: Word[];
  readonly error?: LexError;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Pseudo-variables HAProxy offers inside double quotes. */
export interface LexContext {
  readonly env: Env;
  readonly file: string;
  readonly line: number;
  readonly section: string;
  /** Accept "${VAR-default}" (HAProxy >= 2.8 syntax; 2.6 rejects it). */
  readonly defaults: boolean;
}

const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
const isNameStart = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 0x30 && c <= 0x39);
const hexVal = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
};

function lookup(name: string, ctx: LexContext): string | undefined {
  switch (name) {
    case '.FILE': return ctx.file;
    case '.LINE': return String(ctx.line);
    case '.SECTION': return ctx.section;
    default: return ctx.env[name];
  }
}

/**
 * Split one raw line (without its line terminator) into words.
 * On a lexical error the words read so far are returned with the error.
 */
export function lexLine(raw: string, ctx: LexContext): LexedLine {
  const words: Word[] = [];
  const n = raw.length;
  let i = 0;
  let cur = '';
  let inWord = false;
  let quoted = false;
  let start = 0;
  let squote = -1; // index of the opening quote, or -1
  let dquote = -1;
  // A ${VAR[*]} expansion splits into several words; pieces before the current word are pushed here.
  const flush = (): void => {
    // a NUL byte (from \x00) ends the word, as it ends a C string in HAProxy
    const nul = cur.indexOf('\0');
    if (inWord) words.push({ text: nul >= 0 ? cur.slice(0, nul) : cur, col: start + 1, quoted });
    cur = ''; inWord = false; quoted = false;
  };
  const begin = (): void => {
    if (!inWord) { inWord = true; start = i; }
  };

  while (i < n) {
    const c = raw.charCodeAt(i);
    if (squote >= 0) {
      if (c === 0x27) { squote = -1; i++; continue; }
      cur += raw[i]; i++; continue;
    }
    if (c === 0x5c /* \ */) {
      begin();
      const d = i + 1 < n ? raw.charCodeAt(i + 1) : -1;
      if (d === 0x20 || d === 0x23 || d === 0x5c || d === 0x27 || d === 0x22) { cur += raw[i + 1]; i += 2; continue; }
      // "\$" protects a dollar from expansion inside double quotes
      if (d === 0x24 && dquote >= 0) { cur += '$'; i += 2; continue; }
      if (d === 0x6e) { cur += '\n'; i += 2; continue; }
      if (d === 0x72) { cur += '\r'; i += 2; continue; }
      if (d === 0x74) { cur += '\t'; i += 2; continue; }
      if (d === 0x78) {
        const h1 = i + 2 < n ? hexVal(raw.charCodeAt(i + 2)) : -1;
        const h2 = i + 3 < n ? hexVal(raw.charCodeAt(i + 3)) : -1;
        if (h1 < 0 || h2 < 0) return { words, error: { message: 'truncated or invalid hexadecimal sequence', position: i + 1 } };
        cur += String.fromCharCode(h1 * 16 + h2); i += 4; continue;
      }
      cur += '\\'; i++; continue;
    }
    if (dquote >= 0) {
      if (c === 0x22) { dquote = -1; i++; continue; }
      if (c === 0x24 /* $ */) {
        const r = expandVar(raw, i, ctx);
        if ('error' in r) return { words, error: r.error };
        if (r.split) {
          // "${VAR[*]}": the value's blank-separated parts become separate words
          const parts = r.value.split(/[ \t]+/).filter((p) => p.length > 0);
          parts.forEach((p, k) => {
            if (k > 0) { flush(); begin(); quoted = true; }
            cur += p;
          });
        } else {
          cur += r.value;
        }
        i = r.next; continue;
      }
      cur += raw[i]; i++; continue;
    }
    // '#' starts a comment; a CR outside quotes ends the line (HAProxy reads "\r\r\n" ends fine)
    if (c === 0x23 /* # */ || c === 0x0d) break;
    if (isBlank(c)) { flush(); i++; continue; }
    if (c === 0x22) { begin(); quoted = true; dquote = i; i++; continue; }
    if (c === 0x27) { begin(); quoted = true; squote = i; i++; continue; }
    begin(); cur += raw[i]; i++;
  }
  if (squote >= 0 || dquote >= 0) {
    return { words, error: { message: 'unmatched quote', position: Math.max(squote, dquote) + 1 } };
  }
  flush();
  return { words };
}

type Expansion = { value: string; next: number; split: boolean } | { error: LexError };

function expandVar(raw: string, at: number, ctx: LexContext): Expansion {
  let i = at + 1;
  const n = raw.length;
  if (raw.charCodeAt(i) === 0x7b /* { */) {
    const brace = i;
    i++;
    const nameStart = i;
    // braced names may start with '.' for the pseudo-variables (.FILE, .LINE, .SECTION)
    if (i < n && (isNameStart(raw.charCodeAt(i)) || raw.charCodeAt(i) === 0x2e)) i++;
    else return { error: { message: 'forbidden first char in environment variable name', position: i + 1 } };
    while (i < n && isNameChar(raw.charCodeAt(i))) i++;
    const name = raw.slice(nameStart, i);
    let split = false;
    let fallback: string | undefined;
    if (raw.startsWith('[*]', i)) { split = true; i += 3; }
    if (ctx.defaults && raw.charCodeAt(i) === 0x2d /* - */) {
      const close = raw.indexOf('}', i);
      if (close >= 0) { fallback = raw.slice(i + 1, close); i = close; }
    }
    if (raw.charCodeAt(i) !== 0x7d /* } */) {
      return { error: { message: 'unmatched brace in environment variable name', position: brace + 1 } };
    }
    const v = lookup(name, ctx);
    return { value: v ?? fallback ?? '', next: i + 1, split };
  }
  if (i >= n || !isNameStart(raw.charCodeAt(i))) {
    return { error: { message: 'forbidden first char in environment variable name', position: i + 1 } };
  }
  const nameStart = i;
  while (i < n && isNameChar(raw.charCodeAt(i))) i++;
  return { value: lookup(raw.slice(nameStart, i), ctx) ?? '', next: i, split: false };
}

/** The line as HAProxy echoes it under a lexical error: leading blanks stripped, two-space indent, caret. */
export function caretLines(raw: string, position: number): string[] {
  let lead = 0;
  while (lead < raw.length && isBlank(raw.charCodeAt(lead))) lead++;
  const shown = raw.slice(lead);
  const at = Math.max(0, position - 1 - lead);
  return [`  ${shown}`, `  ${' '.repeat(at)}^`];
}
