import t from 'tap';
import { ERROR_PAGES } from '../../../lib/http1/index.js';
import { haproxyAvailable, startLab } from './haproxy-harness.js';

// Content-Length of each page as listed in reference/haproxy-2.6-behaviour.md §8.6 (405
// and 422 observed on haproxy 2.6.12; 200, the monitor-uri answer, too).
const LENGTHS: Record<number, number> = {
  200: 58, 400: 90, 401: 112, 403: 93, 405: 146, 408: 110, 422: 116, 429: 117, 500: 97, 502: 107, 503: 107, 504: 92,
};

t.test('each built-in error page carries a Content-Length equal to its body', async (t) => {
  for (const [code, page] of Object.entries(ERROR_PAGES)) {
    const text = page.toString('latin1');
    const sep = text.indexOf('\r\n\r\n');
    const body = text.slice(sep + 4);
    const cl = /\r\ncontent-length: (\d+)\r\n/i.exec(text.slice(0, sep + 2));
    t.equal(Number(cl?.[1]), body.length, `${code} length`);
    t.equal(body.length, LENGTHS[Number(code)], `${code} matches the reference`);
    t.ok(text.startsWith(`HTTP/1.1 ${code} `), `${code} status line`);
    t.ok(body.endsWith('</body></html>\n'));
  }
});

t.test('the raw mux pages keep mixed case and close; the HTX ones are lowercase', async (t) => {
  t.match(ERROR_PAGES[400]?.toString('latin1'), 'Content-length: 90\r\nCache-Control: no-cache\r\nConnection: close\r\n');
  t.match(ERROR_PAGES[408]?.toString('latin1'), 'Connection: close');
  t.match(ERROR_PAGES[503]?.toString('latin1'), 'content-length: 107\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n\r\n');
  t.notMatch(ERROR_PAGES[503]?.toString('latin1'), /connection/i);
});

t.test('the pages are what haproxy 2.6 sends for a deny', { skip: haproxyAvailable() ? false : 'haproxy is not on PATH' }, async (t) => {
  const codes = [401, 403, 405, 429, 500, 502, 503, 504];
  const lab = await startLab(codes.map((c) => `http-request deny deny_status ${c} if { path /${c} }`));
  t.teardown(() => lab.stop());
  for (const c of codes) {
    const { raw } = await lab.send(Buffer.from(`GET /${c} HTTP/1.1\r\nHost: a\r\n\r\n`));
    t.equal(raw, ERROR_PAGES[c]?.toString('latin1'), `${c}`);
  }
  const bad = await lab.send(Buffer.from('GET / HTTP/1.1\r\nX-A : b\r\n\r\n'));
  t.equal(bad.raw, ERROR_PAGES[400]?.toString('latin1'), '400');
  const slow = await lab.send(Buffer.from('GET / HTTP/1.1\r\n'));
  t.equal(slow.raw, ERROR_PAGES[408]?.toString('latin1'), '408');
  const te = await lab.send(Buffer.from('POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'));
  t.equal(te.raw, ERROR_PAGES[422]?.toString('latin1'), '422');
});
