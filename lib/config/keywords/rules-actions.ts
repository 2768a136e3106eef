// Per-action argument parsers for http-request / http-response / http-after-response (and the
// options of `redirect`). Each returns the parsed action and the index of the first word it did not
// consume (the caller expects `if`/`unless` there), or HAProxy's message for the failure.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { HttpAction, HttpReply, LogFormat, RedirectSpec, RegexSpec } from '../model.js';
import { compileRegex } from './acl-patterns.js';
import { parseLogFormat } from './logformat.js';

export interface ActionEnv {
  /** checkpoint mask for the sample fetches in log-format arguments */
  readonly where: number;
  readonly baseDir: string;
}

export type ActionResult =
  | { readonly ok: true; readonly action: HttpAction; readonly next: number }
  | { readonly ok: false; readonly msg: string }
  | { readonly ok: false; readonly unsupported: string };

type Fail = { readonly ok: false; readonly msg: string } | { readonly ok: false; readonly unsupported: string };
const fail = (msg: string): Fail => ({ ok: false, msg });

/** Codes HAProxy has a built-in error page for (deny without a body uses them). */
export const ERROR_CODES: ReadonlySet<number> = new Set([200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504]);

/** The http-response checkpoints (FE_HRS_HDR, BE_HRS_HDR) in a rule's `where` mask. */
const RESPONSE_CKP = (1 << 16) | (1 << 12);

const isCond = (w: string | undefined): boolean => w === 'if' || w === 'unless';

function lf(s: string, env: ActionEnv): LogFormat | Fail {
  const r = parseLogFormat(s, env.where, env.baseDir);
  if ('parts' in r) return r;
  if ('err' in r) return fail(r.err);
  return { ok: false, unsupported: r.unsupported };
}
const isFail = (x: unknown): x is Fail => typeof x === 'object' && x !== null && 'ok' in x && (x as { ok: boolean }).ok === false;

function regex(src: string): RegexSpec | Fail {
  const r = compileRegex(src, false);
  return 'err' in r ? fail(`${r.err}.`) : { src, re: r.re, flags: r.flags };
}

/** `n` fixed arguments then the end or a condition, else "expects exactly n arguments". */
function fixed(a: readonly string[], n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] === undefined || a[i] === '') return false;
  return a[n] === undefined || isCond(a[n]);
}
const exactly = (n: number): Fail => fail(`expects exactly ${n} argument${n === 1 ? '' : 's'}.`);

/** deny / tarpit / return: HAProxy's http_parse_http_reply. */
function parseReply(a: readonly string[], defStatus: number, withDenyStatus: boolean, env: ActionEnv, isReturn: boolean): { reply: HttpReply; next: number } | Fail {
  let status = defStatus;
  let contentType: string | undefined;
  let body: HttpReply['body'] = { kind: 'none' };
  const headers: { name: string; value: LogFormat }[] = [];
  let i = 0;
  let explicitDefault = false;
  for (; i < a.length; i++) {
    const w = a[i] ?? '';
    const v = a[i + 1];
    if ((w === 'deny_status' && withDenyStatus) || w === 'status') {
      if (v === undefined) return fail(`'${w}' expects <status_code> as argument.`);
      status = parseInt(v, 10);
      if (!/^[0-9]+$/.test(v) || status < 200 || status > 599) return fail(`Unexpected status code '${v}'.`);
      i++;
    } else if (w === 'content-type') {
      if (v === undefined) return fail(`'content-type' expects <type> as argument.`);
      contentType = v; i++;
    } else if (w === 'string' || w === 'file' || w === 'lf-string' || w === 'lf-file' || w === 'errorfile') {
      if (v === undefined) return fail(`'${w}' expects <${w.endsWith('file') ? 'file' : 'string'}> as argument.`);
      i++;
      if (w === 'string') body = { kind: 'string', text: v };
      else if (w === 'lf-string') {
        const f = lf(v, env);
        if (isFail(f)) return f;
        body = { kind: 'lf-string', fmt: f };
      } else {
        let text: string;
        try { text = readFileSync(resolve(env.baseDir, v), 'latin1'); } catch { return fail(`error opening file '${v}'.`); }
        if (w === 'file') body = { kind: 'file', text };
        else if (w === 'errorfile') body = { kind: 'errorfile', raw: text };
        else {
          const f = lf(text, env);
          if (isFail(f)) return f;
          body = { kind: 'lf-file', fmt: f };
        }
      }
    } else if (w === 'errorfiles') {
      return { ok: false, unsupported: `'errorfiles' in http replies` };
    } else if (w === 'default-errorfiles') {
      explicitDefault = true;
    } else if (w === 'hdr') {
      const hv = a[i + 2];
      if (v === undefined || hv === undefined) return fail(`'hdr' expects <name> and <value> as arguments.`);
      const f = lf(hv, env);
      if (isFail(f)) return f;
      headers.push({ name: v, value: f });
      i += 2;
    } else {
      break;
    }
  }
  const hasBody = body.kind === 'string' || body.kind === 'file' || body.kind === 'lf-string' || body.kind === 'lf-file';
  if (hasBody && (status === 204 || status === 304)) return fail(`No body expected for ${status} responses.`);
  const nonEmpty = (body.kind === 'string' || body.kind === 'file') ? body.text !== '' : hasBody;
  if (nonEmpty && contentType === undefined) return fail(`a content type must be defined when non-empty payload is configured.`);
  // Without a body, deny/tarpit (and return with default-errorfiles) use the proxy's error page.
  if (body.kind === 'none' && (!isReturn || explicitDefault) && !ERROR_CODES.has(status)) {
    return fail(`status code '${status}' not handled by default with 'default-errorfiles' argument..`);
  }
  return {
    reply: { status, ...(contentType !== undefined ? { contentType } : {}), body, headers, ...(explicitDefault ? { defaultErrorfiles: true as const } : {}) },
    next: i,
  };
}

export const REDIRECT_EXPECTS = `expects 'code', 'prefix', 'location', 'scheme', 'set-cookie', 'clear-cookie', 'drop-query', 'ignore-empty' or 'append-slash'`;

/** The options of `redirect` and `http-request redirect`. */
export function parseRedirectArgs(a: readonly string[], env: ActionEnv): { redirect: RedirectSpec; next: number } | Fail {
  let type: RedirectSpec['type'] | undefined;
  let value: LogFormat | undefined;
  let code: RedirectSpec['code'] = 302;
  let dropQuery = false;
  let appendSlash = false;
  let ignoreEmpty = false;
  let setCookie: string | undefined;
  let clearCookie: string | undefined;
  let i = 0;
  for (; i < a.length; i++) {
    const w = a[i] ?? '';
    if (isCond(w)) break;
    const v = a[i + 1];
    switch (w) {
      case 'location': case 'prefix': case 'scheme': {
        if (v === undefined) return fail(`missing argument for '${w}'.`);
        const f = lf(v, env);
        if (isFail(f)) return f;
        type = w; value = f; i++;
        break;
      }
      case 'code': {
        if (v === undefined) return fail(`missing HTTP code.`);
        const n = parseInt(v, 10);
        if (n !== 301 && n !== 302 && n !== 303 && n !== 307 && n !== 308) {
          return fail(`'code': unsupported HTTP code '${v}' (must be one of 301, 302, 303, 307 or 308).`);
        }
        code = n; i++;
        break;
      }
      case 'set-cookie': case 'clear-cookie':
        if (v === undefined) return fail(`missing argument for '${w}'.`);
        if (w === 'set-cookie') setCookie = v; else clearCookie = v;
        i++;
        break;
      case 'drop-query': dropQuery = true; break;
      case 'append-slash': appendSlash = true; break;
      case 'ignore-empty': ignoreEmpty = true; break;
      default:
        return fail(`${REDIRECT_EXPECTS} (was '${w}').`);
    }
  }
  if (type === undefined || value === undefined) return fail(`redirection type expected ('prefix', 'location', or 'scheme').`);
  return {
    redirect: {
      type, value, code, dropQuery, appendSlash, ignoreEmpty,
      ...(setCookie !== undefined ? { setCookie } : {}), ...(clearCookie !== undefined ? { clearCookie } : {}),
    },
    next: i,
  };
}

const DEL_HEADER_METHODS = new Set(['str', 'beg', 'end', 'sub', 'reg']);

/** Parse the arguments `a` (the words after the action name) of `action`. */
export function parseAction(action: string, a: readonly string[], env: ActionEnv): ActionResult {
  switch (action) {
    case 'allow': case 'reject':
      return { ok: true, action: { type: action }, next: 0 };
    case 'deny': case 'tarpit': {
      // http-response deny defaults to 502, http-request deny to 403 (HAProxy's parse_http_deny)
      const r = parseReply(a, action === 'deny' ? ((env.where & RESPONSE_CKP) !== 0 ? 502 : 403) : 500, true, env, false);
      if (isFail(r)) return r;
      return { ok: true, action: { type: action, reply: r.reply }, next: r.next };
    }
    case 'return': {
      const r = parseReply(a, 200, false, env, true);
      if (isFail(r)) return r;
      return { ok: true, action: { type: 'return', reply: r.reply }, next: r.next };
    }
    case 'auth': {
      if (a[0] === 'realm') {
        if (a[1] === undefined) return fail(`missing realm value.`);
        return { ok: true, action: { type: 'auth', realm: a[1] }, next: 2 };
      }
      return { ok: true, action: { type: 'auth' }, next: 0 };
    }
    case 'redirect': {
      const r = parseRedirectArgs(a, env);
      if (isFail(r)) return r;
      return { ok: true, action: { type: 'redirect', redirect: r.redirect }, next: r.next };
    }
    case 'set-header': case 'add-header': {
      if (!fixed(a, 2)) return exactly(2);
      const f = lf(a[1] ?? '', env);
      if (isFail(f)) return f;
      return { ok: true, action: { type: action, name: a[0] ?? '', value: f }, next: 2 };
    }
    case 'del-header': {
      const name = a[0];
      if (name === undefined || isCond(name)) return fail(`expects at least 1 argument.`);
      let match = 'str' as 'str' | 'beg' | 'end' | 'sub' | 'reg';
      let next = 1;
      if (a[1] === '-m') {
        const m = a[2] ?? '';
        if (!DEL_HEADER_METHODS.has(m)) return fail(`-m with unsupported matching method '${m}'.`);
        match = m as typeof match;
        next = 3;
      }
      if (match === 'reg') {
        const re = regex(name);
        if (isFail(re)) return re;
        return { ok: true, action: { type: 'del-header', name, match, regex: re }, next };
      }
      return { ok: true, action: { type: 'del-header', name, match }, next };
    }
    case 'replace-header': case 'replace-value': {
      if (!fixed(a, 3)) return exactly(3);
      const re = regex(a[1] ?? '');
      if (isFail(re)) return re;
      const f = lf(a[2] ?? '', env);
      if (isFail(f)) return f;
      return { ok: true, action: { type: action, name: a[0] ?? '', regex: re, replace: f }, next: 3 };
    }
    case 'set-path': case 'set-pathq': case 'set-query': case 'set-uri': case 'set-method': {
      if (!fixed(a, 1)) return exactly(1);
      const f = lf(a[0] ?? '', env);
      if (isFail(f)) return f;
      return { ok: true, action: { type: action, value: f }, next: 1 };
    }
    case 'replace-path': case 'replace-pathq': case 'replace-uri': {
      if (!fixed(a, 2)) return exactly(2);
      const re = regex(a[0] ?? '');
      if (isFail(re)) return re;
      const f = lf(a[1] ?? '', env);
      if (isFail(f)) return f;
      return { ok: true, action: { type: action, regex: re, replace: f }, next: 2 };
    }
    case 'set-status': {
      const v = a[0] ?? '';
      const n = parseInt(v, 10);
      if (!/^[0-9]+$/.test(v) || n < 100 || n > 999) return fail(`expects an integer status code between 100 and 999.`);
      if (a[1] === 'reason') {
        if (a[2] === undefined) return fail(`expects a reason string after 'reason'.`);
        return { ok: true, action: { type: 'set-status', status: n, reason: a[2] }, next: 3 };
      }
      return { ok: true, action: { type: 'set-status', status: n }, next: 1 };
    }
    default:
      return { ok: false, unsupported: `'${action}'` };
  }
}

/** Actions after which HAProxy warns that later unconditional rules are NOOP. */
export const FINAL_ACTIONS: ReadonlySet<string> = new Set(['allow', 'deny', 'tarpit', 'auth', 'redirect', 'return']);
