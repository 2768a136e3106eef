// The cookie module against the real haproxy 2.6, case by case: haproxy runs one `listen`
// section per cookie configuration in front of small servers in this process; each case sends a
// request through it and records what the server received and what the client got back. The
// module is then given the same request bytes (and the same server's response bytes) and must
// produce the same forwarded header lines, the same Set-Cookie / Cache-Control lines, the same
// server choice and the same log letters. Dates are compared decoded (within one 4 s step).
// Skips without haproxy.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { SrvState } from '../../../backends/server.js';
import { decodeCookieDate, encodeCookieDate } from '../../../backends/persistence/dates.js';
import { skipNoHaproxy } from '../../helpers/shared.js';
import { forwardedRequest, forwardedResponse, loadCookies, requestTxn, respond, type Loaded } from './helpers.js';
import { freePort } from '../../helpers/ports.js';

interface Case {
  readonly section: string;
  readonly method?: string;
  /** request header lines (cookie ...) */
  readonly headers?: readonly string[];
  /** response header lines the server sends (a content-length follows) */
  readonly res?: readonly string[];
  readonly status?: number;
  readonly note: string;
}

const hour = 3600;

/** Sections: name -> lines (servers use the placeholders A, B for the two live servers). */
const SECTIONS: Record<string, string[]> = {
  ins: ['cookie SRV insert', 'server a A cookie a', 'server b B cookie b'],
  full: ['cookie SRV insert indirect nocache httponly secure domain .example.com domain .example.org attr "SameSite=Lax" attr Partitioned', 'server a A cookie a', 'server b B cookie b'],
  nocache: ['cookie SRV insert nocache', 'server a A cookie a'],
  post: ['cookie SRV insert postonly', 'server a A cookie a'],
  keep: ['cookie SRV insert preserve', 'server a A cookie a'],
  keepind: ['cookie SRV insert indirect preserve', 'server a A cookie a'],
  rw: ['cookie JSESSIONID rewrite', 'server a A cookie a'],
  rwn: ['cookie JSESSIONID rewrite', 'server n A'],
  pfx: ['cookie JS prefix', 'server a A cookie a', 'server b B cookie b'],
  pfxind: ['cookie JS prefix indirect', 'server a A cookie a'],
  passive: ['cookie SRV', 'server a A cookie a', 'server b B cookie b'],
  passind: ['cookie SRV indirect', 'server a A cookie a'],
  nocookie: ['cookie SRV insert', 'server bk A'],
  dates: ['cookie SRV insert maxidle 30m maxlife 8h', 'server a A cookie a', 'server b B cookie b'],
  idle: ['cookie SRV insert maxidle 1m', 'server a A cookie a'],
  dyn: ['dynamic-cookie-key secret', 'cookie SRV insert dynamic', 'server a A', 'server b B'],
  down: ['cookie SRV insert', 'server a A cookie a', 'server d DEAD cookie d check inter 100 fall 1'],
  downredisp: ['option redispatch', 'cookie SRV insert', 'server a A cookie a', 'server d DEAD cookie d check inter 100 fall 1'],
  downpersist: ['option persist', 'retries 1', 'timeout connect 100', 'cookie SRV insert', 'server a A cookie a', 'server d DEAD cookie d check inter 100 fall 1'],
  persistredisp: ['option persist', 'option redispatch', 'timeout connect 100', 'cookie SRV insert', 'server a A cookie a', 'server d DEAD cookie d check inter 100 fall 1'],
  maint: ['cookie SRV insert', 'server a A cookie a', 'server m B cookie m disabled'],
  maintpersist: ['option persist', 'cookie SRV insert', 'server a A cookie a', 'server m B cookie m disabled'],
};
const DOWN_SECTIONS = ['down', 'downredisp', 'downpersist', 'persistredisp'];

function cases(now: number): Case[] {
  const d = (dt: number): string => encodeCookieDate(now + dt);
  return [
    { section: 'ins', note: 'no cookie: inserted' },
    { section: 'ins', headers: ['cookie: SRV=b'], note: 'valid cookie' },
    { section: 'ins', headers: ['cookie: SRV=zzz'], note: 'invalid cookie' },
    { section: 'ins', headers: ['cookie: SRV='], note: 'empty cookie' },
    { section: 'ins', headers: ['cookie: SRV=a'], res: ['set-cookie: SRV=mine; Path=/x', 'set-cookie: other=1'], note: 'server sets our cookie, valid request' },
    { section: 'ins', res: ['set-cookie: SRV=mine'], note: 'server sets our cookie, new client' },
    { section: 'ins', res: ['set-cookie: a=1; Expires=Thu, 01 Jan 2037 00:00:00 GMT', 'set-cookie:  SRV = x ; path=/'], note: 'spaces around = in Set-Cookie' },
    { section: 'ins', res: ['set-cookie2: x=1, SRV=y; Version=1, z=2'], note: 'Set-Cookie2 with several cookies' },
    { section: 'ins', res: ['set-cookie2: SRV=y, xy=1, z=2'], note: 'Set-Cookie2, ours first' },
    { section: 'ins', res: ['set-cookie2: x=1, SRV=y'], note: 'Set-Cookie2, ours last' },
    { section: 'ins', res: ['set-cookie2: x=1, SRV=y, a = 2; Port="80,81"'], note: 'Set-Cookie2, an edit after the removal' },
    { section: 'rw', res: ['set-cookie2: x=1, JSESSIONID=abc, JSESSIONID = d'], note: 'Set-Cookie2 rewritten twice' },
    { section: 'ins', headers: ['cookie: SRV=b; SRV=a'], note: 'two occurrences' },
    { section: 'ins', headers: ['cookie: SRV=zzz; SRV=a'], note: 'invalid then valid' },
    { section: 'full', note: 'attributes, nocache without validator' },
    { section: 'full', res: ['etag: "1"'], note: 'attributes, nocache with validator' },
    { section: 'full', headers: ['cookie: a=1; SRV=b; b=2'], note: 'indirect: middle' },
    { section: 'full', headers: ['cookie: SRV=a'], note: 'indirect: alone' },
    { section: 'full', headers: ['cookie: SRV=a; b=2'], note: 'indirect: first' },
    { section: 'full', headers: ['cookie: a=1;SRV=a'], note: 'indirect: last' },
    { section: 'full', headers: ['cookie: a=1 ;  SRV=a ;b=2'], note: 'indirect: blanks' },
    { section: 'full', headers: ['cookie: a=1, SRV=a, b=2'], note: 'indirect: commas' },
    { section: 'full', headers: ['cookie: a = 1 ; SRV = a'], note: 'indirect: blanks around =' },
    { section: 'full', headers: ['cookie: $Version=1; SRV=a; $Path=/'], note: 'indirect: RFC 2109 attributes' },
    { section: 'full', headers: ['cookie: x; SRV=a'], note: 'indirect: a cookie without =' },
    { section: 'full', headers: ['cookie: SRV=a; SRV=b; c=3'], note: 'indirect: twice' },
    { section: 'full', headers: ['cookie: c="x;SRV=a"; SRV=b'], note: 'indirect: quoted value' },
    { section: 'full', headers: ['cookie: SRV=a', 'x-y: 1', 'cookie: k=v; SRV=a'], note: 'indirect: two Cookie lines' },
    { section: 'full', headers: ['cookie: a=1; SRV=a '], note: 'indirect: trailing blank' },
    { section: 'full', headers: ['cookie: SRV=a; '], note: 'indirect: trailing delimiter' },
    { section: 'full', headers: ['cookie: SRV=a'], res: ['set-cookie: SRV=srv'], note: 'indirect: server cookie on a direct request' },
    { section: 'nocache', res: ['etag: 1'], note: 'etag' },
    { section: 'nocache', res: ['last-modified: Sun, 22 Nov 2026 10:00:00 GMT'], note: 'last-modified' },
    { section: 'nocache', res: ['expires: Sun, 22 Nov 2026 10:00:00 GMT'], note: 'expires' },
    { section: 'nocache', res: ['cache-control: max-age=60'], note: 'max-age' },
    { section: 'nocache', res: ['cache-control: public'], note: 'public alone' },
    { section: 'nocache', res: ['cache-control: public, max-age=60'], note: 'public max-age' },
    { section: 'nocache', res: ['cache-control: max-age=0, s-maxage=10'], note: 'max-age=0 then s-maxage' },
    { section: 'nocache', res: ['cache-control: no-cache="set-cookie"', 'etag: 1'], note: 'no-cache="set-cookie"' },
    { section: 'nocache', res: ['cache-control: private=x', 'expires: x'], note: 'private=x' },
    { section: 'nocache', res: ['cache-control: NO-STORE', 'etag: 1'], note: 'NO-STORE' },
    { section: 'nocache', res: ['pragma: no-cache', 'etag: 1'], note: 'pragma' },
    { section: 'nocache', status: 302, res: ['etag: 1', 'location: /x'], note: '302' },
    { section: 'nocache', status: 404, res: ['etag: 1'], note: '404' },
    { section: 'nocache', method: 'HEAD', res: ['etag: 1'], note: 'HEAD' },
    { section: 'nocache', method: 'POST', res: ['etag: 1'], note: 'POST' },
    { section: 'nocache', method: 'POST', res: ['cache-control: public, max-age=5'], note: 'POST public' },
    { section: 'nocache', status: 500, res: ['cache-control: public, max-age=5'], note: '500 public' },
    { section: 'post', note: 'GET' },
    { section: 'post', method: 'POST', note: 'POST' },
    { section: 'keep', res: ['set-cookie: SRV=; Max-Age=0'], note: 'server ends persistence' },
    { section: 'keep', note: 'nothing from the server' },
    { section: 'keepind', headers: ['cookie: SRV=a'], res: ['set-cookie: SRV=z'], note: 'preserve + indirect, direct' },
    { section: 'rw', res: ['set-cookie: JSESSIONID=abc123; Path=/'], note: 'rewritten' },
    { section: 'rw', headers: ['cookie: JSESSIONID=a'], res: ['set-cookie: JSESSIONID=abc; Path=/'], note: 'rewritten, direct' },
    { section: 'rw', note: 'no server cookie' },
    { section: 'rwn', res: ['set-cookie: JSESSIONID=abc123'], note: 'server without value' },
    { section: 'pfx', res: ['set-cookie: JS=abc123; Path=/'], note: 'prefixed' },
    { section: 'pfx', headers: ['cookie: x=1; JS=b~xyz; y=2'], note: 'unprefixed for the server' },
    { section: 'pfx', headers: ['cookie: JS=q~xyz'], note: 'unknown server part' },
    { section: 'pfx', headers: ['cookie: JS=b'], note: 'no ~' },
    { section: 'pfxind', headers: ['cookie: JS=a~v'], res: ['set-cookie: JS=w'], note: 'indirect, direct' },
    { section: 'pfxind', res: ['set-cookie: JS=w'], note: 'indirect, new client' },
    { section: 'passive', headers: ['cookie: SRV=b'], res: ['set-cookie: SRV=x'], note: 'selects b' },
    { section: 'passind', headers: ['cookie: SRV=a; o=1'], res: ['set-cookie: SRV=x'], note: 'indirect, direct' },
    { section: 'nocookie', note: 'server without cookie value' },
    { section: 'dates', note: 'new client' },
    { section: 'dates', headers: [`cookie: SRV=b|${d(-600)}|${d(-2 * hour)}`], note: 'refresh' },
    { section: 'dates', headers: [`cookie: SRV=b|${d(-hour)}|${d(-2 * hour)}`], note: 'idle too long' },
    { section: 'dates', headers: [`cookie: SRV=b|${d(-60)}|${d(-9 * hour)}`], note: 'too old' },
    { section: 'dates', headers: [`cookie: SRV=b|${d(2 * 86400)}`], note: 'future' },
    { section: 'dates', headers: [`cookie: SRV=b|${d(-60)}`], note: 'no first date' },
    { section: 'dates', headers: [`cookie: SRV=zzz|${d(-60)}|${d(-hour)}`], note: 'invalid server, dates kept' },
    { section: 'dates', headers: ['cookie: SRV=b|garbage'], note: 'garbage date' },
    { section: 'idle', headers: ['cookie: SRV=a'], note: 'undated' },
    { section: 'idle', headers: [`cookie: SRV=a|${d(-30)}|${d(-30)}`], note: 'first date dropped' },
    { section: 'dyn', note: 'dynamic value' },
    { section: 'dyn', headers: ['cookie: SRV=DYN_B'], note: 'dynamic value selects b' },
    { section: 'down', headers: ['cookie: SRV=d'], note: 'DOWN server' },
    { section: 'downredisp', headers: ['cookie: SRV=d'], note: 'DOWN server, redispatch' },
    { section: 'downpersist', headers: ['cookie: SRV=d'], note: 'DOWN server, persist: 503' },
    { section: 'persistredisp', headers: ['cookie: SRV=d'], note: 'DOWN server, persist + redispatch' },
    { section: 'maint', headers: ['cookie: SRV=m'], note: 'maintenance' },
    { section: 'maintpersist', headers: ['cookie: SRV=m'], note: 'maintenance, persist' },
  ];
}


/** The head of one HTTP message from `text` (up to the blank line): [start line, header lines]. */
function head(text: string): [string, string[]] {
  const end = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, end < 0 ? text.length : end).split('\r\n');
  return [lines[0] ?? '', lines.slice(1)];
}

/** Header lines as compared: names lowercased, connection-management lines left out. */
function comparable(lines: readonly string[]): string[] {
  return lines
    .map((l) => {
      const c = l.indexOf(':');
      return `${l.slice(0, c).toLowerCase()}: ${l.slice(c + 1).trim()}`;
    })
    .filter((l) => !l.startsWith('connection:'));
}

/** Dates in SRV=x|d1|d2 values replaced by '<date>' once both sides agree within 4 s. */
function undated(t: Test, mine: string[], theirs: string[], what: string): [string[], string[]] {
  const re = /(=[^|;\s]*)\|([A-Za-z0-9+/]{5})(?:\|([A-Za-z0-9+/]{5}))?/;
  const m2 = [...mine];
  const t2 = [...theirs];
  for (let i = 0; i < Math.min(m2.length, t2.length); i++) {
    const a = re.exec(m2[i] ?? '');
    const b = re.exec(t2[i] ?? '');
    if (a === null || b === null) continue;
    for (const k of [2, 3]) {
      const x = a[k];
      const y = b[k];
      if (x === undefined || y === undefined) continue;
      t.ok(Math.abs(decodeCookieDate(x) - decodeCookieDate(y)) <= 4, `${what}: date ${x} ~ ${y}`);
    }
    const strip = (s: string): string => s.replace(re, (_all, v: string, _d1: string, d2: string | undefined) => `${v}|<date>${d2 === undefined ? '' : '|<date>'}`);
    m2[i] = strip(m2[i] ?? '');
    t2[i] = strip(t2[i] ?? '');
  }
  return [m2, t2];
}

const skip = skipNoHaproxy();
t.test('the cookie module does what haproxy 2.6 does, case by case', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halyard-cookie-hx-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const now = Math.floor(Date.now() / 1000);
  const all = cases(now);

  // two live servers; each answers the case named by x-case with that case's response
  const received = new Map<number, string>();
  const servers: net.Server[] = [];
  const ports: number[] = [];
  for (const name of ['A', 'B']) {
    const srv = net.createServer((s) => {
      s.on('error', () => undefined);
      let buf = '';
      s.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        for (let e = buf.indexOf('\r\n\r\n'); e >= 0; e = buf.indexOf('\r\n\r\n')) {
          const reqHead = buf.slice(0, e + 4);
          buf = buf.slice(e + 4);
          const id = Number(/\r\nx-case: (\d+)/i.exec(reqHead)?.[1] ?? -1);
          received.set(id, reqHead);
          const c = all[id];
          const body = `${name}\n`;
          s.write(`HTTP/1.1 ${c?.status ?? 200} X\r\n${(c?.res ?? []).map((h) => `${h}\r\n`).join('')}content-length: ${body.length}\r\n\r\n${body}`);
        }
      });
    });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    servers.push(srv);
    ports.push((srv.address() as net.AddressInfo).port);
  }
  t.teardown(() => servers.forEach((s) => s.close()));
  const dead = await freePort();

  const binds = new Map<string, number>();
  let cfg = 'global\n  log stdout format raw local0\ndefaults\n  mode http\n  log global\n  option httplog\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n';
  for (const [name, lines] of Object.entries(SECTIONS)) {
    const port = await freePort();
    binds.set(name, port);
    cfg += `listen ${name}\n  bind 127.0.0.1:${port}\n`;
    for (const l of lines) cfg += `  ${l.replace(' A', ` 127.0.0.1:${ports[0]}`).replace(' B', ` 127.0.0.1:${ports[1]}`).replace(' DEAD', ` 127.0.0.1:${dead}`)}\n`;
  }
  const cfgFile = join(dir, 'h.cfg');
  writeFileSync(cfgFile, cfg);

  const proc = spawn('haproxy', ['-db', '-f', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { proc.kill(); });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  const wake = (): void => { for (const w of waiters.splice(0)) w(); };
  proc.stdout.on('data', (d: Buffer) => { out += d.toString(); wake(); });
  proc.stderr.on('data', (d: Buffer) => { err += d.toString(); wake(); });
  proc.on('exit', wake);
  const until = async (cond: () => boolean): Promise<void> => {
    while (!cond()) {
      if (proc.exitCode !== null) throw new Error(`haproxy exited: ${err}`);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  // the dead servers' checks fail once: every DOWN case then sees them DOWN
  await until(() => DOWN_SECTIONS.every((s) => err.includes(`Server ${s}/d is DOWN`)));

  const mods = await loadCookies(cfg);
  for (const s of DOWN_SECTIONS) {
    const l = mods.get(s) as Loaded;
    l.brt.be.setServerState(l.brt.be.findServer('d')!, SrvState.STOPPED);
  }
  const dynB = (mods.get('dyn') as Loaded).pers.valueOf((mods.get('dyn') as Loaded).brt.be.findServer('b')!) ?? '';

  for (let id = 0; id < all.length; id++) {
    const c = all[id] as Case;
    const what = `${c.section}: ${c.note}`;
    const method = c.method ?? 'GET';
    const reqText = `${method} /case/${id} HTTP/1.1\r\nhost: x\r\nx-case: ${id}\r\n${(c.headers ?? []).map((h) => `${h.replace('DYN_B', dynB)}\r\n`).join('')}${method === 'POST' ? 'content-length: 0\r\n' : ''}connection: close\r\n\r\n`;
    const sentAt = Math.floor(Date.now() / 1000);
    const answer = await new Promise<string>((resolve, reject) => {
      let got = '';
      const sock = net.connect(binds.get(c.section) as number, '127.0.0.1', () => sock.write(reqText));
      sock.on('data', (d: Buffer) => { got += d.toString('latin1'); });
      sock.on('end', () => resolve(got));
      sock.on('error', reject);
    });
    await until(() => out.includes(`/case/${id} HTTP/1.1"`));
    const logLine = out.split('\n').find((l) => l.includes(`/case/${id} HTTP/1.1"`)) ?? '';
    const lm = / \S+ ([^/\s]+)\/(\S+) \S+ (\d+) \d+ \S+ \S+ (\S{4}) /.exec(logLine);
    t.ok(lm, `${what}: log line parsed: ${logLine}`);
    if (lm === null) continue;
    const hxServer = lm[2] as string;
    const hxLetters = (lm[4] as string).slice(2);
    const [, hxRes] = head(answer);

    // the module, same bytes
    const l = mods.get(c.section) as Loaded;
    const txn = requestTxn(reqText);
    const picked = l.pers.request(txn, sentAt);
    if (picked !== null && picked.name !== hxServer) {
      // haproxy went elsewhere: persist tried the DOWN server, then redispatched
      t.equal(c.section, 'persistredisp', `${what}: only a redispatch moves a direct request`);
      l.pers.redispatched(txn);
    }
    const direct = picked !== null && picked.name === hxServer;
    const got = received.get(id);
    if (got !== undefined) {
      t.same(comparable(forwardedRequest(txn)), comparable(head(got)[1]), `${what}: request the server received`);
      const srv = l.brt.be.findServer(hxServer);
      t.ok(srv, `${what}: server ${hxServer}`);
      if (srv === undefined) continue;
      const raw = `HTTP/1.1 ${c.status ?? 200} X\r\n${(c.res ?? []).map((h) => `${h}\r\n`).join('')}content-length: 2\r\n\r\n`;
      l.pers.response(respond(txn, raw), srv, direct, sentAt);
      const [mine, theirs] = undated(t, comparable(forwardedResponse(txn)), comparable(hxRes), what);
      t.same(mine, theirs, `${what}: response headers`);
    } else {
      t.equal(hxServer, 'd', `${what}: no server answered (haproxy: ${lm[3]})`);
    }
    t.equal(txn.cookieState, hxLetters, `${what}: log letters`);
  }
});
