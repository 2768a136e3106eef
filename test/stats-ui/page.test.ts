// The stats page served by Halyard (`stats enable`): auth, layout, exports of the live state,
// the admin form and its CSRF defence, as a client sees them over a real socket.
import t from 'tap';
import { freePort, origin, startProxy, until, type Origin, type Proc } from '../frontends/http/helpers.js';
import { csrfOf, http, statusOf } from './helpers.js';

async function setup(t: { teardown(f: () => unknown): void }, extra: string, opts: { admin?: string } = {}): Promise<{ port: number; web: number; a: Origin; b: Origin; p: Proc }> {
  const a = await origin('a');
  const b = await origin('b');
  const port = await freePort();
  const web = await freePort();
  const cfg = `global
    maxconn 100
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend web
    bind 127.0.0.1:${web}
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /health
    server a 127.0.0.1:${a.port} check inter 200 fall 2 rise 1
    server b 127.0.0.1:${b.port} check inter 200 fall 2 rise 1
listen stats
    bind 127.0.0.1:${port}
    stats enable
    stats uri /
    stats refresh 5s
    stats auth admin:secret
    stats auth viewer:view
    ${opts.admin ?? 'stats admin if TRUE'}
${extra}
`;
  const p = await startProxy('halyard', cfg, port);
  t.teardown(async () => { await p.stop(); await a.close(); await b.close(); });
  return { port, web, a, b, p };
}

t.test('without credentials the page answers 401 with the realm; a wrong password too', async (t) => {
  const { port } = await setup(t, '    stats realm Ops\\ only');
  const r = await http(port, '/');
  t.equal(r.status, 401);
  t.equal(r.headers['www-authenticate'], 'Basic realm="Ops only"');
  t.match(r.body, /401 Unauthorized/);
  t.equal((await http(port, '/', { auth: 'admin:nope' })).status, 401);
  t.equal((await http(port, '/', { auth: 'nobody:secret' })).status, 401);
  t.equal((await http(port, '/', { auth: 'viewer:view' })).status, 200, 'every `stats auth` user can log in');
});

t.test('the page lists every proxy with its frontend, server and backend rows', async (t) => {
  const { port } = await setup(t, '');
  const r = await http(port, '/', { auth: 'admin:secret' });
  t.equal(r.status, 200);
  t.match(r.headers['content-type'], /text\/html/);
  t.equal(r.headers['refresh'], undefined, 'refresh happens in place (events) or by <noscript> meta');
  t.match(r.body, /<noscript><meta http-equiv="refresh" content="5"><\/noscript>/);
  for (const id of ['web/Frontend', 'app/a', 'app/b', 'app/Backend', 'stats/Frontend', 'stats/Backend']) t.match(r.body, `<tr id="${id}"`, id);
  for (const col of ['Queue', 'Session rate', 'Sessions', 'Bytes', 'Denied', 'Errors', 'Warnings', 'LbTot', 'LastChk', 'Wght', 'Dwntme']) t.match(r.body, `>${col}<`);
  t.match(r.body, /<b>pid = <\/b>\d+/);
  await until(() => true, '');
});

t.test('a server that stops answering checks is shown DOWN with its check result', async (t) => {
  const { port, b } = await setup(t, '');
  await b.close();
  let page = '';
  for (let i = 0; i < 200; i++) {
    page = (await http(port, '/', { auth: 'admin:secret' })).body;
    if (/ DOWN$/.test(statusOf(page, 'app/b') ?? '')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  t.match(statusOf(page, 'app/b'), / DOWN$/);
  t.match(page, /<tr id="app\/b" class="active_down problem"/);
  // refused; reset when a check was connecting as the origin closed; no response when one was in flight
  t.match(page, /L4CON in \d+ms<span class="tips">Layer4 connection problem: Connection (refused|reset by peer)|L7RSP in \d+ms<span class="tips">Layer7 invalid response/);
  t.match(statusOf(page, 'app/a'), / UP$/);
  const only = (await http(port, '/;problems', { auth: 'admin:secret' })).body;
  t.match(only, '<tr id="app/b"');
  t.notMatch(only, '<tr id="app/a"', 'the problems view leaves healthy servers out');
  const up = (await http(port, '/;up', { auth: 'admin:secret' })).body;
  t.notMatch(up, '<tr id="app/b"', ';up hides DOWN servers');
});

t.test('an admin puts a server in MAINT from the form and traffic stops reaching it', async (t) => {
  const { port, web, a, b } = await setup(t, '');
  const page = (await http(port, '/', { auth: 'admin:secret' })).body;
  const csrf = csrfOf(page);
  const form = `b=app&s=b&action=maint&csrf=${encodeURIComponent(csrf)}`;
  // without the token, or from another site: refused, nothing changes
  const noTok = await http(port, '/', { method: 'POST', auth: 'admin:secret', body: 'b=app&s=b&action=maint' });
  t.equal(noTok.status, 403);
  const cross = await http(port, '/', { method: 'POST', auth: 'admin:secret', body: form, headers: { origin: 'http://evil.example' } });
  t.equal(cross.status, 403);
  const viewerTok = await http(port, '/', { method: 'POST', auth: 'viewer:view', body: form });
  t.equal(viewerTok.status, 403, "a token is bound to its user");
  t.match(statusOf((await http(port, '/', { auth: 'admin:secret' })).body, 'app/b'), /UP/);
  // GET does not act
  const get = await http(port, `/?${form}`, { auth: 'admin:secret' });
  t.equal(get.status, 200);
  t.match(statusOf(get.body, 'app/b'), /UP/);

  const ok = await http(port, '/', { method: 'POST', auth: 'admin:secret', body: form, headers: { origin: `http://127.0.0.1:${port}` } });
  t.equal(ok.status, 303);
  t.equal(ok.headers.location, '/;st=DONE');
  const after = (await http(port, '/;st=DONE', { auth: 'admin:secret' })).body;
  t.match(after, /class="msg active_up"/);
  t.match(statusOf(after, 'app/b'), / MAINT$/);
  t.match(after, '<tr id="app/b" class="maintain problem"');
  const before = b.seen.length;
  for (let i = 0; i < 6; i++) t.equal((await http(web, `/x${i}`)).headers['x-served-by'], 'a');
  t.equal(b.seen.length, before, 'no request reached the server in maintenance');
  // and back
  const ready = await http(port, '/', { method: 'POST', auth: 'admin:secret', body: `b=app&s=b&action=ready&csrf=${encodeURIComponent(csrf)}` });
  t.equal(ready.headers.location, '/;st=DONE');
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) seen.add(String((await http(web, '/y')).headers['x-served-by']));
  t.same([...seen].sort(), ['a', 'b']);
  t.ok(a.seen.length > 0);
});

t.test('weights change from the form; a bad weight is refused', async (t) => {
  const { port } = await setup(t, '');
  const csrf = encodeURIComponent(csrfOf((await http(port, '/', { auth: 'admin:secret' })).body));
  const ok = await http(port, '/', { method: 'POST', auth: 'admin:secret', body: `b=app&s=a&s=b&action=weight&weight=7&csrf=${csrf}` });
  t.equal(ok.headers.location, '/;st=DONE');
  t.match((await http(port, '/', { auth: 'admin:secret' })).body, /<td class="ac">7\/7<\/td>/);
  const bad = await http(port, '/', { method: 'POST', auth: 'admin:secret', body: `b=app&s=a&action=weight&weight=999&csrf=${csrf}` });
  t.equal(bad.headers.location, '/;st=NONE');
  const junk = await http(port, '/', { method: 'POST', auth: 'admin:secret', body: `b=app&s=a&action=explode&csrf=${csrf}` });
  t.equal(junk.headers.location, '/;st=ERRP');
});

t.test('without a matching `stats admin` there is no form and a POST is denied; a client cannot claim admin', async (t) => {
  const { port } = await setup(t, '', { admin: 'stats admin if FALSE' });
  const page = await http(port, '/', { auth: 'admin:secret', headers: { 'x-halyard-stats': 'forged admin=1' } });
  t.equal(page.status, 200, 'the engine replaces a client-sent internal header');
  t.notMatch(page.body, 'name="csrf"');
  const post = await http(port, '/', { method: 'POST', auth: 'admin:secret', body: 'b=app&s=a&action=maint' });
  t.equal(post.headers.location, '/;st=DENY');
});

t.test('the live event stream sends rows as HTML', async (t) => {
  const { port } = await setup(t, '');
  const got = await new Promise<string>((resolve, reject) => {
    import('node:http').then(({ request }) => {
      const req = request({ host: '127.0.0.1', port, path: '/;events', headers: { authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}` } }, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          buf += d;
          if (buf.includes('\n\nevent: rows') && buf.endsWith('\n\n')) { req.destroy(); resolve(`${String(res.headers['content-type'])}\n${buf}`); }
        });
      });
      req.on('error', reject);
      req.end();
    }, reject);
  });
  t.match(got, /^text\/event-stream/);
  const data = JSON.parse(/event: rows\ndata: (.*)\n/.exec(got)?.[1] ?? '{}') as { rows: { id: string; html: string }[] };
  t.same(data.rows.map((r) => r.id).sort(), ['app/Backend', 'app/a', 'app/b', 'stats/Backend', 'stats/Frontend', 'web/Frontend'].sort());
  t.match(data.rows.find((r) => r.id === 'app/a')?.html, /^<tr id="app\/a"/);
});

t.test('a listen section with servers keeps proxying paths outside the stats URI', async (t) => {
  const o = await origin('o');
  const port = await freePort();
  const p = await startProxy('halyard', `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen both
    bind 127.0.0.1:${port}
    stats enable
    stats scope .
    server o 127.0.0.1:${o.port}
`, port);
  t.teardown(async () => { await p.stop(); await o.close(); });
  const proxied = await http(port, '/haproxy');
  t.equal(proxied.headers['x-served-by'], 'o');
  const page = await http(port, '/haproxy?stats');
  t.equal(page.status, 200);
  t.match(page.body, '<tr id="both/o"');
  t.match(page.body, 'href="/haproxy?stats;csv;norefresh"');
  t.equal((await http(port, '/other')).headers['x-served-by'], 'o');
});

t.test('`stats` in a backend section is refused with file:line', async (t) => {
  const port = await freePort();
  await t.rejects(startProxy('halyard', `defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend f
    bind 127.0.0.1:${port}
    default_backend b
backend b
    stats enable
    server o 127.0.0.1:1
`, port), /c\d+\.cfg:9 : 'stats' in backend 'b' is not supported/);
});

t.test('exports: ;csv with HAProxy 2.6 header, ;json, and /metrics in Prometheus text', async (t) => {
  const { port, web } = await setup(t, '');
  for (let i = 0; i < 3; i++) await http(web, `/c${i}`);
  const csv = await http(port, '/;csv', { auth: 'admin:secret' });
  t.equal(csv.status, 200);
  t.match(csv.headers['content-type'], /^text\/plain/);
  t.match(csv.body, /^# pxname,svname,qcur,qmax,scur,smax,slim,stot,/);
  const lines = csv.body.trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 2).join('/'));
  t.same(lines, ['web/FRONTEND', 'app/a', 'app/b', 'app/BACKEND', 'stats/FRONTEND', 'stats/BACKEND']);
  t.match(csv.body, /^app,BACKEND,(?:[^,]*,){5}3,/m, 'stot of the backend counts the 3 requests');
  t.equal(csv.headers['refresh'], '5');
  t.equal((await http(port, '/;csv;norefresh', { auth: 'admin:secret' })).headers['refresh'], undefined);
  const json = await http(port, '/;json', { auth: 'admin:secret' });
  t.match(json.headers['content-type'], /application\/json/);
  const rows = JSON.parse(json.body) as { field: { name: string }; value: { value: unknown } }[][];
  t.equal(rows.length, 6);
  t.equal(rows[0]?.find((f) => f.field.name === 'pxname')?.value.value, 'web');
  const m = await http(port, '/metrics', { auth: 'admin:secret' });
  t.equal(m.status, 200);
  t.match(m.body, /^# HELP haproxy_process_/);
  t.match(m.body, /haproxy_server_status\{proxy="app",server="a",state="UP"\} 1/);
  t.equal((await http(port, '/;csv')).status, 401, 'exports need the credentials too');
});

t.test('hide-version, show-node and show-desc change the header; scope limits the proxies; HEAD answers', async (t) => {
  const { port } = await setup(t, '    stats hide-version\n    stats show-node lb-7\n    stats show-desc edge pair\n    stats scope app');
  const r = await http(port, '/', { auth: 'admin:secret' });
  t.notMatch(r.body, /version \d/);
  t.match(r.body, /on lb-7 \(edge pair\)<\/h2>/);
  t.match(r.body, /<b>node = <\/b>lb-7/);
  t.match(r.body, '<tr id="app/a"');
  t.notMatch(r.body, '<tr id="web/Frontend"', 'stats scope app leaves web out');
  const csv = await http(port, '/;csv', { auth: 'admin:secret' });
  t.same(csv.body.trim().split('\n').slice(1).map((l) => l.split(',')[0]), ['app', 'app', 'app']);
  const head = await http(port, '/', { method: 'HEAD', auth: 'admin:secret' });
  t.equal(head.status, 200);
  t.equal(head.body, '');
});
