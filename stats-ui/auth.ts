/**
 * `stats auth` (HTTP Basic, several users) and the admin form's CSRF defence.
 *
 * The form carries a token bound to the authenticated user and the proxy (an HMAC under the
 * process secret), and a POST is refused when its Origin (or Referer) names another site. A page
 * from elsewhere can neither read the token nor forge the origin of a browser's request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { StatsConfig } from '../lib/config/model.js';

/** HAProxy's default realm, as browsers show it in the login prompt. */
export const DEFAULT_REALM = 'HAProxy Statistics';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The user an `Authorization: Basic` header proves, '' when the page needs no auth, null when
 * it needs one and the header does not match any `stats auth` account.
 */
export function authenticate(stats: StatsConfig, header: string | undefined): string | null {
  if (stats.auth.length === 0) return '';
  if (header === undefined) return null;
  const m = /^basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
  if (m === null) return null;
  const pair = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const k = pair.indexOf(':');
  if (k < 0) return null;
  const user = pair.slice(0, k);
  const pass = pair.slice(k + 1);
  let ok: string | null = null;
  // every account is compared, so the time taken does not tell which user exists
  for (const a of stats.auth) if (a.noPassword !== true && same(a.user, user) && same(a.password, pass) && ok === null) ok = user;
  return ok;
}

export function csrfToken(secret: string, proxy: string, user: string): string {
  return createHmac('sha256', secret).update(`${proxy}\n${user}`).digest('base64url').slice(0, 32);
}

/** The form's token matches, and the request comes from this page's own origin (when it says). */
export function csrfOk(token: string | undefined, expected: string, headers: Record<string, string | string[] | undefined>): boolean {
  if (token === undefined || !same(token, expected)) return false;
  const host = typeof headers.host === 'string' ? headers.host.toLowerCase() : '';
  const from = typeof headers.origin === 'string' ? headers.origin : typeof headers.referer === 'string' ? headers.referer : undefined;
  if (from === undefined) return true; // not a browser's cross-site form: the token is the proof
  try {
    return new URL(from).host.toLowerCase() === host;
  } catch {
    return false;
  }
}
