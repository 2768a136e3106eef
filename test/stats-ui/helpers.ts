// Helpers for the stats page tests: an HTTP client that keeps the exact status, headers and body.
import { request } from 'node:http';

export interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function http(port: number, path: string, o: { method?: string; auth?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.auth !== undefined) headers.authorization = `Basic ${Buffer.from(o.auth).toString('base64')}`;
    if (o.body !== undefined) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(o.body));
    }
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/** The admin form's hidden token on a page. */
export function csrfOf(page: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(page);
  if (m === null) throw new Error('no admin form on the page');
  return m[1] as string;
}

/** The status cell of a row (`proxy/server`) on a page, e.g. "3s UP". */
export function statusOf(page: string, id: string): string | null {
  const i = page.indexOf(`<tr id="${id}"`);
  if (i < 0) return null;
  const m = /<td class="ac status">([^<]*)<\/td>/.exec(page.slice(i));
  return m === null ? null : (m[1] as string);
}
