// Differential test: real haproxy 2.6 and Halyard's rules executors on one config. haproxy runs
// in front of an echo origin (which answers with the request head it received as body); for each
// request the bytes haproxy's client sees are compared with what lib/http/rules produces from the
// same config loaded through loadConfig: replies byte for byte, forwarded heads as the origin saw
// them, response heads after http-response rules. Skips when haproxy is not installed.
import t from 'tap';
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileText, configText, dir, forwardedHead, responseHead, txnOf, withResponse } from '../lib/http/rules-helper.js';
import { freePort } from '../helpers/ports.js';

const haproxy = spawnSync('haproxy', ['-v'], { stdio: 'ignore' }).status === 0;

function originResponse(head: string): string {
  return `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(head, 'latin1')}\r\nx-server: s1\r\nx-multi: a, b\r\nset-cookie: SID=abc; path=/\r\n\r\n${head}`;
}

function echoOrigin(): net.Server {
  return net.createServer((c) => {
    c.on('error', () => undefined);
    let b = '';
    c.on('data', (d: Buffer) => {
      b += d.toString('latin1');
      for (let e = b.indexOf('\r\n\r\n'); e >= 0; e = b.indexOf('\r\n\r\n')) {
        const head = b.slice(0, e + 4);
        b = b.slice(e + 4);
        c.write(originResponse(head));
      }
    });
  });
}


/** One request on a new connection; resolves with the first complete response (head + CL body). */
function exchange(port: number, req: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => c.write(req));
    let buf = '';
    const done = (): void => { c.destroy(); resolve(buf); };
    c.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const e = buf.indexOf('\r\n\r\n');
      if (e < 0) return;
      const m = /\r\ncontent-length: (\d+)/i.exec(buf.slice(0, e));
      const noBody = / (204|304) /.test(buf.slice(0, 13));
      if (noBody || (m !== null && buf.length >= e + 4 + Number(m[1]))) done();
    });
    c.on('end', done);
    c.on('error', reject);
  });
}

async function listening(port: number): Promise<boolean> {
  return new Promise((r) => { const c = net.connect(port, '127.0.0.1', () => { c.destroy(); r(true); }); c.on('error', () => r(false)); });
}

const LINES = [
  'http-request deny if { path /deny }',
  'http-request deny deny_status 429 if { path /deny429 }',
  'http-request deny status 400 content-type text/plain string "nope" hdr X-Why "because %[path]" if { path /denystr }',
  'http-request return if { path /ret }',
  'http-request return status 204 if { path /ret204 }',
  'http-request return status 201 content-type "application/json" string "{}" hdr X-A a hdr X-B "%[method]" if { path /retjson }',
  'http-request return status 200 content-type text/plain lf-string "hi %[path] %[req.hdr(host),lower] %[url_param(a)]" if { path /retlf }',
  'http-request return status 410 default-errorfiles if { path /gone }',
  'http-request redirect location /new code 301 if { path /r1 }',
  'http-request redirect prefix https://ex.com if { path_beg /r2 }',
  'http-request redirect prefix https://ex.com drop-query if { path_beg /r3 }',
  'http-request redirect scheme https if { path_beg /r4 }',
  'http-request redirect location /x set-cookie FOO=bar if { path /r5 }',
  'http-request redirect location /x code 303 clear-cookie FOO if { path /r6 }',
  'http-request redirect prefix / append-slash if { path_beg /r7 }',
  'http-request redirect prefix /p code 307 append-slash drop-query if { path_beg /r8 }',
  'http-request redirect location "%[req.hdr(x-loc)]" ignore-empty if { path /r9 }',
  'redirect location /legacy if { path /r10 }',
  'acl api path_beg /api',
  'acl post method POST',
  'http-request return status 200 content-type text/plain string "api-post" if api post || { hdr_dom(host) -i api.example.com }',
  'http-request set-header X-Set "v %[path] %[src]"',
  'http-request add-header X-Add one',
  'http-request add-header X-Add "%[req.hdr(x-in),upper]"',
  'http-request del-header X-Del',
  'http-request del-header x-pre -m beg',
  'http-request replace-header X-Rep (.*)-(.*) \\2-\\1',
  'http-request replace-value X-Val ^a(.*) A\\1',
  'http-request set-path /sp%[path] if { path_beg /sp }',
  'http-request set-query q=new if { path_beg /sq }',
  'http-request set-uri /su?x=1 if { path_beg /su }',
  'http-request set-method PUT if { path_beg /sm }',
  'http-request replace-path /rp/(.*) /replaced/\\1 if { path_beg /rp }',
  'http-request replace-uri ^/ru/(.*) /RU/\\1 if { path_beg /ru }',
  'http-response set-header X-Resp yes',
  'http-response del-header X-Server',
  'http-response replace-value X-Multi ^a$ A',
  'http-response set-status 203 if { res.hdr(content-length) -m len 2 } { res.hdr(x-multi) -m found }',
  'http-response deny if { res.hdr_cnt(set-cookie) gt 0 } { res.hdr(content-length) gt 300 }',
  'http-response set-header X-St "%[status]"',
  'default_backend be',
];

const REQS = [
  ...['/deny', '/deny429', '/denystr', '/ret', '/ret204', '/retjson', '/retlf?a=7', '/gone', '/r1', '/r2/a?b=1', '/r3/a?b=1', '/r4/a?b=1',
    '/r5', '/r6', '/r7/x?q', '/r8/x.html?q', '/r10', '/api/x'].map((p) => `GET ${p} HTTP/1.1\r\nHost: Ex.com\r\n\r\n`),
  'POST /api/x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: www.API.example.com:81\r\n\r\n',
  'GET /r9 HTTP/1.1\r\nHost: x\r\nX-Loc: /there\r\n\r\n',
  'GET /r9 HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /plain HTTP/1.1\r\nHost: ex.com\r\nX-Del: 1\r\nX-Pre-a: 1\r\nx-pre: 2\r\nX-Rep: a-b\r\nX-Val: abc, xa, ax\r\nX-In: shout\r\n\r\n',
  'GET /sp/x?q=1 HTTP/1.1\r\nHost: h\r\n\r\n',
  'GET /sq/x HTTP/1.1\r\nHost: h\r\n\r\n',
  'GET /su/x?q=1 HTTP/1.1\r\nHost: h\r\n\r\n',
  'GET /sm HTTP/1.1\r\nHost: h\r\n\r\n',
  'GET /rp/x/y?q=1 HTTP/1.1\r\nHost: h\r\n\r\n',
  'GET /ru/x/y?q=1 HTTP/1.1\r\nHost: h\r\n\r\n',
  'GET /a-very-long-path-to-make-the-echo-body-longer-than-three-hundred-bytes/0123456789012345678901234567890123456789012345678901234567890123456789 HTTP/1.1\r\nHost: h\r\nX-Pad: 01234567890123456789012345678901234567890123456789\r\n\r\n',
];

t.test('haproxy and Halyard agree on replies, forwarded heads and response edits', { skip: haproxy ? false : 'haproxy is not installed' }, async (t) => {
  const origin = echoOrigin();
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  t.teardown(() => origin.close());
  const oport = (origin.address() as net.AddressInfo).port;
  const port = await freePort();
  const text = configText(LINES, [], port, oport);
  const cfg = join(dir, 'compat.cfg');
  writeFileSync(cfg, `global\n  noreuseport\n${text}`);
  const hp = spawn('haproxy', ['-db', '-f', cfg], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => hp.on('exit', () => r()));
  t.teardown(async () => { hp.kill(); await exited; });
  for (let i = 0; !(await listening(port)); i++) {
    if (i > 500 || hp.exitCode !== null) throw new Error('haproxy did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  const mine = await compileText(text);
  for (const req of REQS) {
    const theirs = await exchange(port, req);
    const txn = txnOf(req, { srcIp: '127.0.0.1', srcPort: 1, dstIp: '127.0.0.1', dstPort: port });
    const reqLine = req.split('\r\n')[0] as string;
    const r = mine.rules.request(txn);
    if (r !== null) {
      t.equal(r.bytes.toString('latin1'), theirs, `reply: ${reqLine}`);
      continue;
    }
    const fwd = forwardedHead(txn);
    const res = originResponse(fwd);
    withResponse(txn, res);
    const rr = mine.rules.response(txn);
    if (rr !== null) {
      t.equal(rr.bytes.toString('latin1'), theirs, `response reply: ${reqLine}`);
      continue;
    }
    const theirHead = theirs.slice(0, theirs.indexOf('\r\n\r\n') + 4);
    t.equal(responseHead(txn), theirHead, `response head: ${reqLine}`);
    t.equal(fwd, theirs.slice(theirHead.length), `forwarded head: ${reqLine}`);
  }
});
