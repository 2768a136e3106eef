// Records for the log tests, matching sessions seen on the real haproxy 2.6.12 (lines quoted in
// reference/haproxy-2.6-behaviour.md §8.8 and recorded for this module). Dates are UTC: the
// tests set TZ=UTC, as the machine that recorded them ran in UTC.
import { builtinProxy } from '../../../lib/config/proxy-defaults.js';
import type { ProxyConfig } from '../../../lib/config/model.js';
import type { HttpRecord, SessionRecord } from '../../../lib/log/record.js';

export const at = (iso: string): number => Date.parse(iso);

export function tcpRecord(over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    clientIp: '127.0.0.1', clientPort: 38006, frontendIp: '127.0.0.1', frontendPort: 15600,
    acceptDate: at('2026-11-22T11:58:16.756Z'), frontend: 'fe_tcp', backend: 'be_tcp', server: 's1',
    tw: 1, tc: 0, tt: 1, bytesRead: 246, bytesUploaded: 5, termState: '--',
    actconn: 1, feconn: 1, beconn: 0, srvconn: 0, retries: 0, redispatched: false, srvQueue: 0, backendQueue: 0,
    ...over,
  };
}

export function httpRecord(over: Partial<HttpRecord> = {}): HttpRecord {
  return {
    ...tcpRecord({ clientPort: 37134, acceptDate: at('2026-11-22T11:52:42.557Z'), frontend: 'fe', backend: 'be', tw: 0, bytesRead: 245, tt: 4 }),
    th: 0, ti: 0, tr: 0, trResp: 4, ta: 4, status: 200, requestLine: 'GET /a/b?x=1 HTTP/1.1', cookieState: 'NI',
    ...over,
  };
}

export function proxy(name: string, mode: 'tcp' | 'http', opts: Partial<ProxyConfig['options']> = {},
  logs: ProxyConfig['logs'] = [{ target: 'global', loc: { file: 't.cfg', line: 1 } }]): ProxyConfig {
  const p = builtinProxy('frontend', name, { file: 't.cfg', line: 1 });
  p.mode = mode;
  p.options = { ...p.options, ...opts };
  p.logs = logs;
  return p;
}
