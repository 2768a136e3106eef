// log-format lines from records: the same httplog line as option httplog gives, separators,
// missing values, flags. The live comparison with haproxy is test/compat/log.test.ts.
import t from 'tap';
import { parseLogFormat } from '../../../lib/config/keywords/logformat.js';
import type { LogFormat } from '../../../lib/config/model.js';
import { compileLogLine } from '../../../lib/log/custom.js';
import { httplogLine, tcplogLine } from '../../../lib/log/format.js';
import { httpRecord, proxy, tcpRecord } from './records.js';

process.env.TZ = 'UTC';

function fmt(s: string, tcp = false): LogFormat {
  const r = parseLogFormat(s, 1 << 18, '.', { tcp });
  if (!('parts' in r)) throw new Error(JSON.stringify(r));
  return r;
}

t.test('the httplog and tcplog formats written out give the built-in lines', async (t) => {
  const http = compileLogLine(fmt('%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r'), proxy('fe', 'http'), 1, 1023);
  const rec = httpRecord({ retries: 1, redispatched: true });
  t.equal(http(rec, true), httplogLine(rec));
  const tcp = compileLogLine(fmt('%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq', true), proxy('fe_tcp', 'tcp'), 1, 1023);
  t.equal(tcp(tcpRecord(), false), tcplogLine(tcpRecord()));
});

t.test('separators, missing values and flags', async (t) => {
  const line = (s: string, over = {}): string => compileLogLine(fmt(s), proxy('fe', 'http'), 0x1234, 1023)(httpRecord(over), true);
  t.equal(line('  a  %hr  %hs  b   c '), 'a b c ', 'leading spaces dropped, runs merged, empty nodes leave no double space');
  t.equal(line('%CC %{+Q}CC %ID %{+Q}ID %sslv'), '- "" - "" -');
  t.equal(line('%{+X}ci %{+X}cp %{+X}pid %{+X}B %{+Q}B %{+Q}ci'), '7F000001 910E 1234 245 245 "127.0.0.1"');
  t.equal(line('%{+Q}o %b %s %ST %{-Q}b'), '"be" "s1" 200 be', '%o sets the flags of the nodes after it');
  t.equal(line('%{+E}HU', { requestLine: 'GET /a]b\\c HTTP/1.1' }), '/a\\]b\\\\c');
  t.equal(line('%HM|%HP|%HQ|%{+Q}HQ|%HV', { requestLine: 'GET /p HTTP/1.0' }), 'GET|/p||""|HTTP/1.0');
  t.equal(line('%HM %HQ %r', { requestLine: '<BADREQ>' }), '<BADREQ> <BADREQ> <BADREQ>');
  t.equal(line('%bi:%bp %{+Q}sp', {}), '-:- ""', 'no server connection');
  t.equal(line('%{+X}bi:%{+X}bp %si:%sp', { beIp: '127.0.0.1', bePort: 256, srvIp: '::ffff:127.0.0.2', srvPort: 80 }), '7F000001:0100 127.0.0.2:80');
  t.equal(line('%[src] %{+Q}[dst_port] %[srv_name,upper] %[be_name]'), '127.0.0.1 "15600" S1 be');
  t.equal(line('%rt %{+X}rt', { streamId: 26 }), '26 001A');
});
