/**
 * Responses the proxy makes itself for rules (HAProxy's http_reply): the built-in error pages as
 * HAProxy 2.6 sends them through HTX, errorfile contents re-encoded the way its H1 mux writes
 * them, custom deny/return replies and redirects. Bytes recorded from haproxy 2.6.12 on
 * 127.0.0.1 (test/compat/rules-haproxy.test.ts compares them). No Connection header here: the
 * engine adds `connection: close` / `keep-alive` per client, as HAProxy's mux does.
 */

export interface Reply {
  readonly status: number;
  readonly bytes: Buffer;
  /** close the client connection after it */
  readonly close: boolean;
  /** the log's termination state for it (HAProxy: PR for deny, LR for return/redirect) */
  readonly term?: string;
}

const PAGES: Readonly<Record<number, readonly [string, string]>> = {
  200: ['OK', 'Service ready.'],
  400: ['Bad request', 'Your browser sent an invalid request.'],
  401: ['Unauthorized', 'You need a valid user and password to access this content.'],
  403: ['Forbidden', 'Request forbidden by administrative rules.'],
  404: ['Not Found', 'The resource could not be found.'],
  405: ['Method Not Allowed', 'A request was made of a resource using a request method not supported by that resource'],
  407: ['Unauthorized', 'You need a valid user and password to access this content.'],
  408: ['Request Time-out', "Your browser didn't send a complete request in time."],
  410: ['Gone', 'The resource is no longer available and will not be available again.'],
  413: ['Payload Too Large', 'The request entity exceeds the maximum allowed.'],
  425: ['Too Early', 'Your browser sent early data.'],
  429: ['Too Many Requests', 'You have sent too many requests in a given amount of time.'],
  500: ['Internal Server Error', 'An internal server error occurred.'],
  501: ['Not Implemented', '.The server does not support the functionality required to fulfill the request.'],
  502: ['Bad Gateway', 'The server returned an invalid or incomplete response.'],
  503: ['Service Unavailable', 'No server is available to handle this request.'],
  504: ['Gateway Time-out', "The server didn't respond in time."],
};

export interface Page { readonly bytes: Buffer; readonly close: boolean }

const builtins = new Map<number, Page>();

/** HAProxy's built-in page for `status` as rules send it (HTX: lowercase names), or undefined. */
export function builtinPage(status: number): Page | undefined {
  let p = builtins.get(status);
  if (p !== undefined) return p;
  const def = PAGES[status];
  if (def === undefined) return undefined;
  const [reason, text] = def;
  const body = `<html><body><h1>${status} ${reason}</h1>\n${text}\n</body></html>\n`;
  const close = status === 400 || status === 408;
  p = {
    bytes: Buffer.from(`HTTP/1.1 ${status} ${reason}\r\ncontent-length: ${body.length}\r\ncache-control: no-cache\r\n`
      + `content-type: text/html\r\n${close ? 'connection: close\r\n' : ''}\r\n${body}`, 'latin1'),
    close,
  };
  builtins.set(status, p);
  return p;
}

/**
 * An errorfile's content as HAProxy sends it: the status line as written, header names
 * lowercased, values trimmed, CRLF line ends, Connection lines dropped, no Content-Length
 * added. Without a Content-Length the body ends with the connection, so the client is closed.
 */
export function errorfilePage(raw: string): Page {
  if (raw === '') return { bytes: Buffer.alloc(0), close: true };
  let end = raw.indexOf('\r\n\r\n');
  let sepLen = 4;
  const lf = raw.indexOf('\n\n');
  if (end < 0 || (lf >= 0 && lf < end)) { end = lf; sepLen = 2; }
  const head = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? '' : raw.slice(end + sepLen);
  const lines = head.split(/\r?\n/);
  const out: string[] = [`${lines[0] ?? ''}\r\n`];
  let hasLength = false;
  let close = false;
  for (const l of lines.slice(1)) {
    const c = l.indexOf(':');
    if (c <= 0) continue;
    const name = l.slice(0, c).toLowerCase();
    const value = l.slice(c + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (name === 'connection') { if (/\bclose\b/i.test(value)) close = true; continue; }
    if (name === 'content-length' || name === 'transfer-encoding') hasLength = true;
    out.push(`${name}: ${value}\r\n`);
  }
  out.push('\r\n', body);
  return { bytes: Buffer.from(out.join(''), 'latin1'), close: close || !hasLength };
}
