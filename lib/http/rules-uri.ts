/**
 * Request-line actions of http-request rules (HAProxy's http_req_replace_stline / http_replace_req_*):
 * set-method, set-uri, set-path, set-pathq, set-query and the replace-* forms. Results go to the
 * transaction's reqMethod / reqUri; the engine re-encodes the request line from them.
 */
import type { Loc } from '../config/diag.js';
import type { HttpAction } from '../config/model.js';
import { compileLogFormat, type AclEnv } from '../acl/index.js';
import { expReplace, regexOf } from './rules-headers.js';
import type { HttpTxn } from './txn.js';

/** A target split as HAProxy sees it: scheme://authority (or ''), path, query (null = no '?'). */
export function splitUri(uri: string): { pre: string; path: string; query: string | null } {
  let pre = '';
  let rest = uri;
  if (uri.charCodeAt(0) !== 0x2f) {
    const s = uri.indexOf('://');
    if (s > 0) {
      const p = uri.indexOf('/', s + 3);
      const q = uri.indexOf('?', s + 3);
      const cut = p < 0 ? (q < 0 ? uri.length : q) : q >= 0 && q < p ? q : p;
      pre = uri.slice(0, cut);
      rest = uri.slice(cut);
    }
  }
  const q = rest.indexOf('?');
  return q < 0 ? { pre, path: rest, query: null } : { pre, path: rest.slice(0, q), query: rest.slice(q + 1) };
}

const withQuery = (query: string | null): string => (query === null ? '' : `?${query}`);

export function editUri(a: HttpAction, env: AclEnv, loc: Loc): (txn: HttpTxn) => null {
  switch (a.type) {
    case 'set-method': {
      const v = compileLogFormat(a.value, env, loc);
      return (txn) => { txn.reqMethod = v(txn); return null; };
    }
    case 'set-uri': {
      const v = compileLogFormat(a.value, env, loc);
      return (txn) => { txn.reqUri = v(txn); return null; };
    }
    case 'set-path': case 'set-pathq': case 'set-query': {
      const v = compileLogFormat(a.value, env, loc);
      const type = a.type;
      return (txn) => {
        const val = v(txn);
        const u = splitUri(txn.uri());
        txn.reqUri = type === 'set-path' ? u.pre + val + withQuery(u.query)
          : type === 'set-pathq' ? u.pre + val
            : u.pre + u.path + '?' + val;
        return null;
      };
    }
    case 'replace-path': case 'replace-pathq': case 'replace-uri': {
      const re = regexOf(a.regex);
      const repl = compileLogFormat(a.replace, env, loc);
      const type = a.type;
      return (txn) => {
        const uri = txn.uri();
        if (type === 'replace-uri') {
          const m = re.exec(uri);
          if (m !== null) txn.reqUri = expReplace(m, repl(txn));
          return null;
        }
        const u = splitUri(uri);
        const subject = type === 'replace-path' ? u.path : u.path + withQuery(u.query);
        const m = re.exec(subject);
        if (m === null) return null;
        const out = expReplace(m, repl(txn));
        txn.reqUri = type === 'replace-path' ? u.pre + out + withQuery(u.query) : u.pre + out;
        return null;
      };
    }
    default:
      throw new Error(`editUri: ${a.type}`);
  }
}
