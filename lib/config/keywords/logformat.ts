// Log-format strings in rule arguments (`set-header X %[req.hdr(host),lower]`, `%ci:%cp`): parsed
// once at load into literal/sample/variable parts, with HAProxy's error messages.
import type { LogFormat, LogFormatPart } from '../model.js';
import { parseSample } from './sample.js';

/** %x variables HAProxy 2.6 knows (log-format aliases), as its 2.6.12 binary accepts them. */
const LF_VARS: ReadonlySet<string> = new Set([
  'o', 'ci', 'cp', 'fi', 'fp', 'fc', 'bi', 'bp', 'bc', 'si', 'sp', 'sc', 't', 'tr', 'trg', 'trl', 'Ts', 'ms',
  'f', 'ft', 'b', 's', 'Th', 'Ti', 'Tw', 'Tc', 'Tr', 'Tq', 'Ta', 'Td', 'Tt', 'Tu', 'TR', 'B', 'U', 'CC',
  'CS', 'ST', 'ts', 'tsc', 'ac', 'rc', 'sq', 'bq', 'hr', 'hrl', 'hs', 'hsl', 'HM', 'HU', 'HP', 'HPO', 'HQ', 'HV',
  'r', 'ID', 'pid', 'H', 'rt', 'lc', 'sslv', 'sslc', 'Tl',
]);

/** Variables HAProxy refuses outside `mode http`: "format variable 'r' is reserved for HTTP mode." */
const HTTP_VARS: ReadonlySet<string> = new Set([
  'tr', 'trg', 'trl', 'Ti', 'Tr', 'Tq', 'Ta', 'TR', 'CC', 'CS', 'HM', 'HU', 'HP', 'HPO', 'HQ', 'HV', 'r',
]);

/** Variables Halyard's log lines can print (lib/log/custom.ts); the others are refused at load. */
export const LOG_LINE_VARS: ReadonlySet<string> = new Set([
  'o', 'ci', 'cp', 'fi', 'fp', 'fc', 'bi', 'bp', 'bc', 'si', 'sp', 'sc', 't', 'tr', 'trg', 'Ts', 'ms', 'f', 'ft', 'b', 's',
  'Th', 'Ti', 'Tw', 'Tc', 'Tr', 'Tq', 'Ta', 'Tt', 'TR', 'B', 'U', 'CC', 'CS', 'ST', 'ts', 'tsc', 'ac', 'rc',
  'sq', 'bq', 'hr', 'hrl', 'hs', 'hsl', 'HM', 'HU', 'HP', 'HPO', 'HQ', 'HV', 'r', 'ID', 'pid', 'H', 'sslv', 'sslc',
  'rt',
]);

/**
 * What a unique-id-format can use in Halyard: values known when the request arrives and the same
 * at log time, so the header sent to the server and %ID in the log are built alike.
 */
export const UNIQUE_ID_VARS: ReadonlySet<string> = new Set([
  'o', 'ci', 'cp', 'fi', 'fp', 'f', 'ft', 't', 'Ts', 'ms', 'pid', 'H', 'rt',
]);
export const UNIQUE_ID_FETCHES: ReadonlySet<string> = new Set([
  'always_true', 'always_false', 'src', 'src_port', 'dst', 'dst_port', 'fe_name', 'str', 'int', 'env',
]);

/** Sample fetches a log line can evaluate at log time on the transaction (the others are refused). */
export const LOG_LINE_FETCHES: ReadonlySet<string> = new Set([
  'always_true', 'always_false', 'src', 'src_port', 'dst', 'dst_port', 'method', 'fe_name', 'be_name', 'srv_name',
  'str', 'int', 'env',
]);

const NEED_REQ = (1 << 3) | (1 << 7);
const NEED_RES = (1 << 12) | (1 << 16);

/** Parse `s`; `where` is the checkpoint mask of the rule (fetches unusable there are errors). */
export type LfResult = LogFormat | { readonly err: string } | { readonly unsupported: string };

export function parseLogFormat(s: string, where: number, baseDir: string, mode: { tcp?: boolean } = {}): LfResult {
  const fail = (err: string): LfResult => ({ err });
  const parts: LogFormatPart[] = [];
  let lit = '';
  let i = 0;
  const flush = (): void => { if (lit !== '') { parts.push({ lit }); lit = ''; } };
  while (i < s.length) {
    const ch = s[i];
    if (ch !== '%') { lit += ch; i++; continue; }
    i++;
    if (i >= s.length) return fail(`truncated line after '%'.`);
    if (s[i] === '%') { lit += '%'; i++; continue; }
    let opts: string | undefined;
    if (s[i] === '{') {
      const close = s.indexOf('}', i);
      if (close < 0) return fail(`missing '}' after '${s.slice(i)}'.`);
      opts = s.slice(i + 1, close);
      i = close + 1;
    }
    if (s[i] === '[') {
      const start = i + 1;
      let depth = 0;
      let j = start;
      for (; j < s.length; j++) {
        const cj = s[j];
        if (cj === '(') depth++;
        else if (cj === ')') depth--;
        else if (cj === ']' && depth <= 0) break;
      }
      if (j >= s.length) return fail(`missing ']' after '${s.slice(start)}'.`);
      const rest = s.slice(start);
      const r = parseSample(s.slice(start, j), { baseDir });
      if (!r.ok) {
        const e = r.err;
        switch (e.kind) {
          case 'missing-fetch': return fail(`failed to parse sample expression <${rest}> : missing fetch method.`);
          case 'unknown-fetch': return fail(`failed to parse sample expression <${rest}> : unknown fetch method '${e.name}'.`);
          case 'fetch-args': return fail(`failed to parse sample expression <${rest}> : fetch method '${e.name}' : ${e.msg}.`);
          case 'unknown-conv': return fail(`failed to parse sample expression <${rest}> : unknown converter '${e.name}'.`);
          case 'conv-arg': return fail(`failed to parse sample expression <${rest}> : ${e.msg}.`);
          case 'unsupported': return { unsupported: e.what };
        }
      }
      if ((r.use & where) === 0) {
        const need = (r.use & NEED_REQ) !== 0 ? 'HTTP request headers' : (r.use & NEED_RES) !== 0 ? 'HTTP response headers' : 'internal information';
        return fail(`sample fetch <${rest}> may not be reliably used here because it needs '${need}' which is not available here.`);
      }
      flush();
      parts.push({ expr: r.expr, ...(opts !== undefined ? { opts } : {}) });
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z]+/.exec(s.slice(i));
    const name = m?.[0] ?? '';
    if (!LF_VARS.has(name)) {
      return fail(`no such format variable '${name === '' ? s.slice(i) : name}'. If you wanted to emit the '%' character verbatim, you need to use '%%'.`);
    }
    if (mode.tcp === true && HTTP_VARS.has(name)) return fail(`format variable '${name}' is reserved for HTTP mode.`);
    flush();
    parts.push({ var: name, ...(opts !== undefined ? { opts } : {}) });
    i += name.length;
  }
  flush();
  return { raw: s, parts };
}


/** The first variable or fetch of a compiled log-format that Halyard's log lines cannot print. */
export function logLineUnsupported(fmt: LogFormat, uniqueId = false): string | undefined {
  const vars = uniqueId ? UNIQUE_ID_VARS : LOG_LINE_VARS;
  const fetches = uniqueId ? UNIQUE_ID_FETCHES : LOG_LINE_FETCHES;
  for (const p of fmt.parts) {
    if ('var' in p && !vars.has(p.var)) return `log-format variable '%${p.var}'`;
    if ('expr' in p && !fetches.has(p.expr.fetch)) return `sample fetch '${p.expr.fetch}'`;
  }
  return undefined;
}
