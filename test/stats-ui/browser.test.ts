// The stats page in a real browser (Debian's headless chromium driven by playwright-core): it lists
// every proxy and server, a killed server turns DOWN in place (event stream, no reload), an admin
// puts a server in MAINT from the form and traffic stops reaching it, and without credentials the
// page answers 401. Leaves a screenshot in test/artifacts/ for humans.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { repoRoot } from '../helpers/shared.js';
import { freePort, origin, startProxy } from '../frontends/http/helpers.js';
import { http } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
type Playwright = typeof import('playwright-core');

async function loadPlaywright(): Promise<Playwright | string> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is absent (apt-get install chromium): this test drives the stats page in a browser`;
  try {
    return await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm ci installs it as a devDependency)';
  }
}

const pw = await loadPlaywright();
if (typeof pw === 'string') {
  t.plan(0, pw);
} else {
  t.test('the stats page in chromium: rows, live DOWN, admin MAINT, 401', async (t) => {
    const a = await origin('a');
    const b = await origin('b');
    const port = await freePort();
    const web = await freePort();
    const inter = 300;
    const fall = 2;
    const p = await startProxy('halyard', `global
    maxconn 100
defaults
    mode http
    timeout connect 1s
    timeout client 10s
    timeout server 10s
frontend web
    bind 127.0.0.1:${web}
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /health
    server a 127.0.0.1:${a.port} check inter ${inter} fall ${fall} rise 1
    server b 127.0.0.1:${b.port} check inter ${inter} fall ${fall} rise 1
backend spare
    server s1 127.0.0.1:${a.port}
listen stats
    bind 127.0.0.1:${port}
    stats enable
    stats uri /stats
    stats refresh 10s
    stats auth admin:secret
    stats admin if TRUE
    stats show-legends
`, port);
    const profile = mkdtempSync(join(tmpdir(), 'halyard-chromium-'));
    const ctx = await pw.chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      viewport: { width: 1500, height: 900 },
    });
    t.teardown(async () => {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
      await p.stop();
      await a.close();
      await b.close();
    });
    const page = ctx.pages()[0] ?? await ctx.newPage();
    const url = `http://127.0.0.1:${port}/stats`;

    // without credentials: 401 (headless chromium then gives up the navigation: no one to ask)
    const seen: number[] = [];
    const onResponse = (r: { url(): string; status(): number }): void => { if (r.url() === url) seen.push(r.status()); };
    page.on('response', onResponse);
    const denied = await page.goto(url).then((r) => r?.status() ?? 0, (e: unknown) => String(e));
    page.off('response', onResponse);
    t.ok(seen.includes(401) || denied === 401, `without credentials: 401 (${String(denied)})`);

    await page.setExtraHTTPHeaders({ authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}` });
    const ok = await page.goto(url);
    t.equal(ok?.status(), 200);
    for (const px of ['web', 'app', 'spare', 'stats']) t.ok(await page.locator(`a.px[id="${px}"]`).isVisible(), `proxy ${px} is listed`);
    for (const id of ['app/a', 'app/b', 'spare/s1', 'app/Backend', 'web/Frontend']) t.equal(await page.locator(`tr[id="${id}"]`).count(), 1, `row ${id}`);
    // page-side code as strings: the test itself is compiled without DOM types
    await page.waitForFunction("document.getElementById('live-state')?.textContent === 'on'");
    const status = (id: string): Promise<string> => page.locator(`tr[id="${id}"] td.status`).innerText();
    t.match(await status('app/b'), /UP$/);

    // a marker that a reload would wipe out
    await page.evaluate('window.marker = 42');
    await b.close();
    const killedAt = Date.now();
    await page.waitForFunction(`/DOWN$/.test(document.querySelector('tr[id="app/b"] td.status')?.textContent ?? '')`, null, { timeout: 20_000 });
    t.comment(`DOWN shown ${Date.now() - killedAt} ms after the kill (fall x inter = ${fall * inter} ms, plus up to one check interval and one 200 ms update poll)`);
    t.equal(await page.evaluate('window.marker'), 42, 'the row changed without a reload');
    t.match(await page.locator('tr[id="app/b"]').getAttribute('class'), /active_down/);
    t.match(await page.locator('tr[id="app/b"] td.lastchk').innerText(), /L4CON/);

    // show only problems: the healthy server's row disappears, the DOWN one stays
    await page.locator('#problems-only').check();
    t.notOk(await page.locator('tr[id="app/a"]').isVisible());
    t.ok(await page.locator('tr[id="app/b"]').isVisible());
    await page.locator('#problems-only').uncheck();
    mkdirSync(join(repoRoot, 'test', 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test', 'artifacts', 'stats-page.png'), fullPage: true });

    // admin: MAINT on a from the page's form; traffic then avoids it
    await page.locator('tr[id="app/a"] input[name="s"]').check();
    await page.locator('section#px-app select[name="action"]').selectOption('maint');
    await Promise.all([page.waitForURL(/;st=DONE$/), page.locator('section#px-app button[type="submit"]').click()]);
    t.match(await status('app/a'), /MAINT$/);
    t.match(await page.locator('p.msg').innerText(), /Done/);
    const before = a.seen.length;
    for (let i = 0; i < 4; i++) t.equal((await http(web, `/after-maint-${i}`)).status, 503, 'a in MAINT, b DOWN: no server left');
    t.equal(a.seen.length, before, 'no request reached the server in maintenance');
    await page.screenshot({ path: join(repoRoot, 'test', 'artifacts', 'stats-page-maint.png'), fullPage: true });
  });
}
