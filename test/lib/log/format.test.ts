// Log lines and syslog headers, compared with text the real haproxy 2.6.12 produced.
process.env.TZ = 'UTC';
import t from 'tap';
import { connectLine, encodeRequestLine, httplogClfLine, httplogLine, tcplogLine } from '../../../lib/log/format.js';
import { buildHeader, resolveFormat, type HeaderMeta } from '../../../lib/log/header.js';
import { cutToLen } from '../../../lib/log/logger.js';
import { isoDate, logDate, rfc3164Date } from '../../../lib/log/time.js';
import { at, httpRecord, tcpRecord } from './records.js';

t.test('option tcplog prints the fields haproxy prints', async (t) => {
  t.equal(tcplogLine(tcpRecord()), '127.0.0.1:38006 [22/Nov/2026:11:58:16.756] fe_tcp be_tcp/s1 1/0/1 246 -- 1/1/0/0/0 0/0');
  t.equal(tcplogLine(tcpRecord({ retries: 1, redispatched: true, termState: 'SC', server: '<NOSRV>', tc: -1 })),
    '127.0.0.1:38006 [22/Nov/2026:11:58:16.756] fe_tcp be_tcp/<NOSRV> 1/-1/1 246 SC 1/1/0/0/+1 0/0',
    'a redispatch shows as +N retries');
});

t.test('option httplog prints the lines from the reference, field for field', async (t) => {
  t.equal(httplogLine(httpRecord()),
    '127.0.0.1:37134 [22/Nov/2026:11:52:42.557] fe be/s1 0/0/0/4/4 200 245 - - --NI 1/1/0/0/0 0/0 "GET /a/b?x=1 HTTP/1.1"');
  t.equal(httplogLine(httpRecord({
    clientPort: 59656, acceptDate: at('2026-11-22T11:57:22.826Z'), backend: 'nosrv', server: '<NOSRV>',
    tw: -1, tc: -1, trResp: -1, ta: 0, status: 503, bytesRead: 217, termState: 'SC', cookieState: '--', requestLine: 'GET /nosrv HTTP/1.1',
  })), '127.0.0.1:59656 [22/Nov/2026:11:57:22.826] fe nosrv/<NOSRV> 0/-1/-1/-1/0 503 217 - - SC-- 1/1/0/0/0 0/0 "GET /nosrv HTTP/1.1"');
  t.equal(httplogLine(httpRecord({
    clientPort: 59684, acceptDate: at('2026-11-22T11:57:27.286Z'), backend: 'fe', server: '<NOSRV>',
    tr: -1, tw: -1, tc: -1, trResp: -1, ta: 0, ti: -1, status: 400, bytesRead: 0, termState: 'PR', cookieState: '--',
    requestLine: '<BADREQ>',
  })), '127.0.0.1:59684 [22/Nov/2026:11:57:27.286] fe fe/<NOSRV> -1/-1/-1/-1/0 400 0 - - PR-- 1/1/0/0/0 0/0 "<BADREQ>"');
});

t.test('the httplog date is the start of the request: accept date plus handshake and idle time', async (t) => {
  const line = httplogLine(httpRecord({ th: 2, ti: 1500 }));
  t.match(line, '[22/Nov/2026:11:52:44.059]');
});

t.test('option httplog clf matches haproxy, trailing space included', async (t) => {
  const rec = httpRecord({
    clientPort: 54078, acceptDate: at('2026-11-24T05:14:04.269Z'), frontend: 'fe_clf', tc: 0, trResp: 1, ta: 1,
    bytesRead: 122, cookieState: '--', requestLine: 'GET /a/b?x=1&y="q" HTTP/1.1',
  });
  t.equal(httplogClfLine(rec),
    '127.0.0.1 - - [24/Nov/2026:05:14:04 +0000] "GET /a/b?x=1&y=#22q#22 HTTP/1.1" 200 122 "" "" 54078 269 "fe_clf" "be" "s1" 0 0 0 1 1 ---- 1 1 0 0 0 0 0 "" "" ');
  const bad = httpRecord({
    clientPort: 54094, acceptDate: at('2026-11-24T05:14:05.541Z'), frontend: 'fe_clf', backend: 'fe_clf', server: '<NOSRV>',
    tr: -1, tw: -1, tc: -1, trResp: -1, ta: 7, ti: -1, status: 400, bytesRead: 0, termState: 'CR', cookieState: '--',
    requestLine: '<BADREQ>',
  });
  t.equal(httplogClfLine(bad),
    '127.0.0.1 - - [24/Nov/2026:05:14:05 +0000] "<BADREQ>" 400 0 "" "" 54094 541 "fe_clf" "fe_clf" "<NOSRV>" -1 -1 -1 -1 7 CR-- 1 1 0 0 0 0 0 "" "" ');
});

t.test('the request line escapes quotes, #, controls and 8-bit bytes as #XX and keeps 1023 bytes', async (t) => {
  t.equal(encodeRequestLine('GET /a/b?x=1&y="q" HTTP/1.1'), 'GET /a/b?x=1&y=#22q#22 HTTP/1.1');
  t.equal(encodeRequestLine('GET /#frag\x01\x7f HTTP/1.1'), 'GET /#23frag#01#7F HTTP/1.1');
  t.equal(encodeRequestLine('GET /caf\xe9 HTTP/1.1'), 'GET /caf#E9 HTTP/1.1', 'latin1 text is one byte per char');
  t.equal(encodeRequestLine('GET /\u20ac HTTP/1.1'), 'GET /#E2#82#AC HTTP/1.1', 'other text is escaped as its UTF-8 bytes');
  t.equal(encodeRequestLine('GET /' + 'a'.repeat(2000)).length, 1023);
});

t.test('the default line at accept names the frontend and its mode', async (t) => {
  t.equal(connectLine('127.0.0.1', 46068, '127.0.0.1', 15601, 'fe_def', false), 'Connect from 127.0.0.1:46068 to 127.0.0.1:15601 (fe_def/TCP)');
  t.equal(connectLine('::1', 40052, '::1', 15602, 'fe_def', true), 'Connect from ::1:40052 to ::1:15602 (fe_def/HTTP)');
});

t.test('dates: %t with milliseconds, rfc3164 with a space-padded day, iso with microseconds and offset', async (t) => {
  t.equal(logDate(at('2026-11-04T01:02:03.004Z')), '04/Nov/2026:01:02:03.004');
  t.equal(rfc3164Date(at('2026-11-04T01:02:03.004Z')), 'Nov  4 01:02:03');
  t.equal(rfc3164Date(at('2026-11-24T05:13:30.000Z')), 'Nov 24 05:13:30');
  t.equal(isoDate(at('2026-11-24T05:13:48.368Z') * 1000 + 71), '2026-11-24T05:13:48.368071+00:00');
  t.equal(isoDate(at('2026-01-02T03:04:05Z') * 1000 + 7), '2026-01-02T03:04:05.000007+00:00');
});

t.test('syslog headers are byte for byte those haproxy sends for each format', async (t) => {
  const meta: HeaderMeta = { tag: 'haproxy', pid: 22035, hostname: undefined };
  const ms = at('2026-11-24T05:13:48.368Z');
  const us = ms * 1000 + 71;
  const local0 = 16;
  t.equal(buildHeader(resolveFormat(undefined, meta), local0, 6, meta, ms, us), '<134>Nov 24 05:13:48 haproxy[22035]: ');
  t.equal(buildHeader('rfc3164', local0, 6, meta, ms, us), '<134>Nov 24 05:13:48 localhost haproxy[22035]: ');
  t.equal(buildHeader('rfc5424', 17, 6, meta, ms, us), '<142>1 2026-11-24T05:13:48.368071+00:00 - haproxy 22035 - - ');
  t.equal(buildHeader('short', 18, 6, meta, ms, us), '<6>');
  t.equal(buildHeader('iso', 19, 6, meta, ms, us), '2026-11-24T05:13:48.368071+00:00 ');
  t.equal(buildHeader('timed', 20, 6, meta, ms, us), '<6>2026-11-24T05:13:48.368071+00:00 ');
  t.equal(buildHeader('priority', 21, 6, meta, ms, us), '<174>');
  t.equal(buildHeader('raw', 22, 6, meta, ms, us), '');
  t.equal(buildHeader('local', 23, 6, meta, ms, us), '<190>Nov 24 05:13:48 haproxy[22035]: ');
  t.equal(buildHeader('local', 1, 4, meta, ms, us), '<12>Nov 24 05:13:48 haproxy[22035]: ', 'user.warning');
  const named: HeaderMeta = { tag: 'mytag', pid: 7, hostname: 'vm' };
  t.equal(resolveFormat(undefined, named), 'rfc3164', 'log-send-hostname turns the default into rfc3164');
  t.equal(buildHeader('rfc3164', local0, 6, named, ms, us), '<134>Nov 24 05:13:48 vm mytag[7]: ');
  t.equal(buildHeader('rfc5424', local0, 6, named, ms, us), '<134>1 2026-11-24T05:13:48.368071+00:00 vm mytag 7 - - ');
});

t.test('len cuts header plus message to that many bytes, as haproxy does before the newline', async (t) => {
  const line = '<150>Nov 24 05:13:30 haproxy[21855]: 127.0.0.1:60884 [24/Nov/2026:05:13:30.445] fe_tcp be/s1 1/0/43 10 -- 1/1/0/0/0 0/0';
  t.equal(cutToLen(line, 100), '<150>Nov 24 05:13:30 haproxy[21855]: 127.0.0.1:60884 [24/Nov/2026:05:13:30.445] fe_tcp be/s1 1/0/43 ');
  t.equal(cutToLen(line, 1024), line);
  t.equal(cutToLen('é'.repeat(100), 81), 'é'.repeat(40), 'never splits a UTF-8 character');
});
