/**
 * Cookie persistence end to end, Halyard beside the real haproxy: the same configuration served
 * by both (`halyard -f`, `haproxy -db -f`) in front of the same small servers. What a client
 * sees must be the same: the first response's Set-Cookie and Cache-Control lines, a sticky
 * cookie keeping 20 requests on one server without moving roundrobin, a cookie naming a DOWN
 * server redispatched with a new cookie, `option persist` trying the DOWN server first, and the
 * log's status / server / termination+cookie letters / retries. Skips without haproxy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { cliPath, skipNoHaproxy } from '../helpers/shared.js';
import { freePort } from '../helpers/ports.js';


/** A server answering every request with its name; `/etag` answers carry a validator. */
async function origin(name: string): Promise<{ port: number; server: net.Server }> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let e = buf.indexOf('\r\n\r\n'); e >= 0; e = buf.indexOf('\r\n\r\n')) {
        const path = buf.slice(0, e).split(' ')[1] ?? '/';
        buf = buf.slice(e + 4);
        const extra = path.startsWith('/etag') ? 'etag: "v1"\r\n' : '';
        s.write(`HTTP/1.1 200 OK\r\n${extra}content-length: ${name.length}\r\n\r\n${name}`);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, server };
}

interface Answer {
  readonly status: number;
  /** header lines, names lowercased, connection lines left out */
  readonly headers: string[];
  readonly body: string;
}

/** One request on its own connection (connection: close), the whole answer once the proxy closes. */
function ask(port: number, path: string, headers: readonly string[] = [], method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let got = '';
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.write(`${method} ${path} HTTP/1.1\r\nhost: x\r\n${headers.map((h) => `${h}\r\n`).join('')}${method === 'POST' ? 'content-length: 0\r\n' : ''}connection: close\r\n\r\n`);
    });
    sock.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    sock.on('end', () => {
      const e = got.indexOf('\r\n\r\n');
      const lines = got.slice(0, e).split('\r\n');
      resolve({
        status: Number((lines[0] ?? '').split(' ')[1]),
        headers: lines.slice(1).map((l) => {
          const c = l.indexOf(':');
          return `${l.slice(0, c).toLowerCase()}: ${l.slice(c + 1).trim()}`;
        }).filter((l) => !l.startsWith('connection:')),
        body: got.slice(e + 4),
      });
    });
    sock.on('error', reject);
  });
}

interface Proxy {
  readonly name: string;
  readonly ports: Map<string, number>;
  out: string;
  err: string;
  /** resolves once `cond` holds, re-checked on every output */
  until(cond: () => boolean): Promise<void>;
  /** the log line of the request for `path`, once written */
  log(path: string): Promise<LogFields>;
}

interface LogFields {
  readonly server: string;
  readonly status: string;
  readonly tsc: string;
  readonly retries: string;
}

function watch(name: string, child: ChildProcess, ports: Map<string, number>): Proxy {
  const waiters: (() => void)[] = [];
  const wake = (): void => { for (const w of waiters.splice(0)) w(); };
  const p: Proxy = {
    name, ports, out: '', err: '',
    async until(cond) {
      while (!cond()) {
        if (child.exitCode !== null) throw new Error(`${name} exited: ${p.err}`);
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    async log(path) {
      const needle = ` ${path} HTTP/1.1"`;
      await p.until(() => p.out.includes(needle));
      const line = p.out.split('\n').find((l) => l.includes(needle)) ?? '';
      const m = / \S+ [^/\s]+\/(\S+) \S+ (\d+) \d+ \S+ \S+ (\S{4}) \d+\/\d+\/\d+\/\d+\/(\+?\d+) /.exec(line);
      if (m === null) throw new Error(`${name}: unexpected log line ${line}`);
      return { server: m[1] as string, status: m[2] as string, tsc: m[3] as string, retries: m[4] as string };
    },
  };
  child.stdout?.on('data', (d: Buffer) => { p.out += d.toString(); wake(); });
  child.stderr?.on('data', (d: Buffer) => { p.err += d.toString(); wake(); });
  child.on('exit', wake);
  return p;
}

/** Resolves once something accepts on `port`. */
async function listening(port: number, proxy: Proxy): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1', () => { c.destroy(); r(true); });
      c.on('error', () => r(false));
    });
    if (ok) return;
    if (proxy.err.includes('[ALERT]')) throw new Error(`${proxy.name} failed: ${proxy.err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const SECTIONS: Record<string, string[]> = {
  first: ['balance roundrobin', 'cookie SRV insert indirect nocache httponly domain .example.com attr "SameSite=Lax"', 'server a A cookie a', 'server b B cookie b', 'server c C cookie c'],
  sticky: ['balance roundrobin', 'cookie SRV insert indirect', 'server a A cookie a', 'server b B cookie b', 'server c C cookie c'],
  down: ['balance roundrobin', 'cookie SRV insert indirect', 'server a A cookie a', 'server b B cookie b', 'server d DEAD cookie d check inter 100 fall 1'],
  persist: ['option persist', 'option redispatch', 'timeout connect 100', 'cookie SRV insert', 'server a A cookie a', 'server d DEAD cookie d check inter 100 fall 1'],
  persistonly: ['option persist', 'retries 1', 'timeout connect 100', 'cookie SRV insert', 'server a A cookie a', 'server d DEAD cookie d check inter 100 fall 1'],
};

async function config(dir: string, who: string, addr: Record<string, number>): Promise<[string, Map<string, number>]> {
  const ports = new Map<string, number>();
  let c = 'global\n  log stdout format raw local0\ndefaults\n  mode http\n  log global\n  option httplog\n  timeout connect 1s\n  timeout client 5s\n  timeout server 5s\n';
  for (const [name, lines] of Object.entries(SECTIONS)) {
    const port = await freePort();
    ports.set(name, port);
    c += `listen ${name}\n  bind 127.0.0.1:${port}\n`;
    for (const l of lines) c += `  ${l.replace(/ (A|B|C|DEAD) /, (_m, k: string) => ` 127.0.0.1:${addr[k] ?? 0} `)}\n`;
  }
  const f = join(dir, `${who}.cfg`);
  writeFileSync(f, c);
  return [f, ports];
}

const skip = skipNoHaproxy();
t.test('cookie persistence: Halyard and haproxy side by side', { skip }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halyard-cookie-e2e-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const addr: Record<string, number> = { DEAD: await freePort() };
  for (const n of ['A', 'B', 'C']) {
    const o = await origin(n.toLowerCase());
    addr[n] = o.port;
    t.teardown(() => o.server.close());
  }

  const [hxFile, hxPorts] = await config(dir, 'haproxy', addr);
  const hxChild = spawn('haproxy', ['-db', '-f', hxFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { hxChild.kill(); });
  const hx = watch('haproxy', hxChild, hxPorts);
  const [hyFile, hyPorts] = await config(dir, 'halyard', addr);
  const hyChild = spawn(process.execPath, [cliPath, '-f', hyFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { hyChild.kill(); });
  const hy = watch('halyard', hyChild, hyPorts);
  const both = [hx, hy];
  for (const p of both) for (const port of p.ports.values()) await listening(port, p);
  // the dead server fails its first check on both sides
  for (const p of both) await p.until(() => ['down', 'persist', 'persistonly'].every((s) => p.err.includes(`Server ${s}/d is DOWN`)));

  t.test('the first response carries the same Set-Cookie and Cache-Control', async (t) => {
    for (const [path, method] of [['/etag/1', 'GET'], ['/plain/1', 'GET'], ['/etag/2', 'POST']] as const) {
      const [a, b] = await Promise.all(both.map((p) => ask(p.ports.get('first') as number, path, [], method)));
      if (a === undefined || b === undefined) throw new Error('no answer');
      t.same(b.headers, a.headers, `${method} ${path}: every response header line`);
      t.ok(a.headers.some((h) => h.startsWith('set-cookie: SRV=')), `${method} ${path}: a cookie is inserted`);
      t.equal(b.headers.filter((h) => h.startsWith('set-cookie:')).join('\n'), a.headers.filter((h) => h.startsWith('set-cookie:')).join('\n'), `${method} ${path}: Set-Cookie`);
      t.equal(b.headers.filter((h) => h.startsWith('cache-control:')).join('\n'), a.headers.filter((h) => h.startsWith('cache-control:')).join('\n'), `${method} ${path}: Cache-Control`);
      const [la, lb] = await Promise.all(both.map((p) => p.log(path)));
      t.same(lb, la, `${method} ${path}: log fields`);
    }
  });

  t.test('a sticky cookie keeps 20 requests on one server, and roundrobin does not move', async (t) => {
    const seqs: string[][] = [];
    for (const p of both) {
      const port = p.ports.get('sticky') as number;
      const seq: string[] = [];
      let set = '';
      for (let i = 0; i < 2; i++) {
        const r = await ask(port, `/rr/${i}`);
        seq.push(r.body);
        set = r.headers.find((h) => h.startsWith('set-cookie:')) ?? set;
      }
      // the second answer's cookie, sent back 20 times
      const cookie = set.replace(/^set-cookie: ([^;]*).*$/, '$1');
      t.match(cookie, /^SRV=[abc]$/, `${p.name}: cookie from ${set}`);
      for (let i = 0; i < 20; i++) {
        const r = await ask(port, `/sticky/${i}`, [`cookie: other=1; ${cookie}`]);
        seq.push(r.body);
        t.notOk(r.headers.some((h) => h.startsWith('set-cookie:')), `${p.name}: no new cookie for sticky request ${i}`);
      }
      for (let i = 2; i < 5; i++) seq.push((await ask(port, `/rr/${i}`)).body);
      seqs.push(seq);
      t.same(new Set(seq.slice(2, 22)).size, 1, `${p.name}: 20 requests on one server`);
      t.equal((await p.log('/sticky/19')).tsc, '--VN', `${p.name}: logged as a valid cookie`);
    }
    t.same(seqs[1], seqs[0], 'the same servers in the same order on both');
  });

  t.test('a cookie for a DOWN server is redispatched with a new cookie', async (t) => {
    const answers: Answer[] = [];
    for (const p of both) {
      const r = await ask(p.ports.get('down') as number, '/down/1', ['cookie: SRV=d; k=v']);
      answers.push(r);
      t.equal(r.status, 200, `${p.name}: answered`);
      t.match(r.body, /^[ab]$/, `${p.name}: by a live server`);
      t.same(r.headers.filter((h) => h.startsWith('set-cookie:')), [`set-cookie: SRV=${r.body}; path=/`], `${p.name}: a new cookie for it`);
      const l = await p.log('/down/1');
      t.equal(l.tsc, '--DI', `${p.name}: logged --DI`);
    }
    t.same(answers[1]?.headers, answers[0]?.headers, 'same response headers');
  });

  t.test('option persist tries the DOWN server; option redispatch then moves the request', async (t) => {
    const logs: LogFields[] = [];
    for (const p of both) {
      const r = await ask(p.ports.get('persist') as number, '/persist/1', ['cookie: SRV=d']);
      t.equal(r.status, 200, `${p.name}: answered after the retry`);
      t.same(r.headers.filter((h) => h.startsWith('set-cookie:')), ['set-cookie: SRV=a; path=/'], `${p.name}: the new server's cookie`);
      logs.push(await p.log('/persist/1'));
    }
    t.same(logs[1], logs[0], 'same server, status, letters and retries');
    t.same(logs[0], { server: 'a', status: '200', tsc: '--DI', retries: '+1' }, 'haproxy: redispatched once');

    const only: LogFields[] = [];
    for (const p of both) {
      const r = await ask(p.ports.get('persistonly') as number, '/persistonly/1', ['cookie: SRV=d']);
      t.equal(r.status, 503, `${p.name}: without redispatch the DOWN server's failure is final`);
      only.push(await p.log('/persistonly/1'));
    }
    t.same(only[1], only[0], 'same log fields');
    t.same(only[0], { server: 'd', status: '503', tsc: 'SCDN', retries: '1' }, 'haproxy: SCDN after one retry');
  });
});
