/**
 * One stats app per `stats enable` proxy: a Fastify instance on the private socket the engine
 * routes the stats URI to (frontends/http/stats-gate.ts). It trusts only requests carrying the
 * engine's secret, then applies `stats auth`, serves the page, the exports, the event stream and
 * the admin form.
 *
 * The socket is bound synchronously when the app is created (an abstract unix socket needs no
 * lookup), so the first request the frontend accepts can already reach it; requests that come
 * before Fastify is ready wait for it.
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyView from '@fastify/view';
import { ERR_401 } from '../lib/http1/error-pages.js';
import { DEFAULT_STATS_URI, STATS_HEADER, type StatsEndpoint } from '../frontends/http/stats-gate.js';
import { ADMIN_MESSAGES, applyAdmin, type AdminStatus } from './admin.js';
import { DEFAULT_REALM, authenticate, csrfOk, csrfToken } from './auth.js';
import { EventHub } from './events.js';
import { infoView, proxyViews, visibleProxies, type StatsSource } from './model.js';
import { exportStats } from './exports.js';
import { Renderer, VIEWS, type PageOptions } from './render.js';

export interface StatsApp {
  readonly endpoint: StatsEndpoint;
  /** browsers watching the live page now */
  readonly watchers: () => number;
  close(): Promise<void>;
}

/** The options HAProxy reads after the stats URI (`;csv`, `;up`, `;norefresh`, `;st=DONE`...). */
export interface UriOptions extends PageOptions {
  csv: boolean;
  json: boolean;
  typed: boolean;
  events: boolean;
  metrics: boolean;
  st: string | null;
  scope: string | null;
}

export function parseUriOptions(rest: string): UriOptions {
  const o: UriOptions = { up: false, norefresh: false, problems: false, csv: false, json: false, typed: false, events: false, metrics: false, st: null, scope: null };
  for (const part of rest.split(/[;?&]/)) {
    if (part === 'up') o.up = true;
    else if (part === 'norefresh') o.norefresh = true;
    else if (part === 'problems') o.problems = true;
    else if (part === 'csv') o.csv = true;
    else if (part === 'json') o.json = true;
    else if (part === 'typed') o.typed = true;
    else if (part === 'events') o.events = true;
    else if (part === 'metrics') o.metrics = true;
    else if (part.startsWith('st=')) o.st = part.slice(3);
    else if (part.startsWith('scope=')) o.scope = decodeURIComponent(part.slice(6).replace(/\+/g, ' '));
  }
  return o;
}

interface Caller {
  readonly admin: boolean;
  readonly user: string;
}

export function startStatsApp(ep: StatsEndpoint, src: StatsSource): StatsApp {
  const px = ep.px;
  const uri = px.stats.uri ?? DEFAULT_STATS_URI;
  const render = new Renderer();
  const clientTimeout = px.timeouts.client ?? 0;
  const hub = new EventHub(src, px, render, clientTimeout > 0 ? Math.max(1000, Math.min(10_000, Math.floor(clientTimeout / 3))) : 10_000);
  ep.onStop = () => hub.closeAll();

  let server: HttpServer | null = null;
  let ready = false;
  let whenReady: Promise<void> = Promise.resolve();
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    serverFactory: (handler) => {
      server = createServer((req: IncomingMessage, res: ServerResponse) => {
        res.sendDate = false;
        if (ready) handler(req, res);
        else whenReady.then(() => handler(req, res), () => res.writeHead(503).end());
      });
      // the engine pools its connections to us and closes idle ones itself (this also keeps
      // Node's Keep-Alive header out of the responses)
      server.keepAliveTimeout = 0;
      return server;
    },
  });
  void app.register(fastifyView, { engine: { eta: render.eta }, root: VIEWS });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, new URLSearchParams(body as string));
  });

  const allowed = (): Set<string> => new Set(visibleProxies(src, px).map((p) => p.name));

  const handle = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const caller = trust(req);
    if (caller === null) return reply.code(403).type('text/plain').send('forbidden\n');
    const raw = req.raw.url ?? '/';
    const rest = raw.startsWith(uri) ? raw.slice(uri.length) : '';
    const opts = parseUriOptions(rest);
    const user = authenticate(px.stats, req.headers.authorization);
    if (user === null) {
      // HAProxy's 401 page, with the realm
      const page = ERR_401.toString('latin1');
      const body = page.slice(page.indexOf('\r\n\r\n') + 4);
      return reply.code(401).header('cache-control', 'no-cache').type('text/html')
        .header('www-authenticate', `Basic realm="${px.stats.realm ?? DEFAULT_REALM}"`).send(body);
    }
    const admin = caller.admin;
    const token = csrfToken(ep.secret, px.name, user);
    if (req.method === 'POST') {
      let st: AdminStatus;
      const form = req.body instanceof URLSearchParams ? req.body : null;
      if (!admin) st = 'DENY';
      else if (form === null) st = 'ERRP';
      else if (!csrfOk(form.get('csrf') ?? undefined, token, req.headers)) {
        return reply.code(403).header('cache-control', 'no-cache').type('text/plain').send('stats admin: the form is stale or comes from another site; reload the page.\n');
      } else {
        st = applyAdmin(src, allowed(), form.get('b') ?? '', form.getAll('s'), form.get('action') ?? '', form.get('weight') ?? '');
      }
      return reply.code(303).header('cache-control', 'no-cache').header('location', `${uri};st=${st}`).type('text/plain').send('');
    }
    if (opts.events && !opts.norefresh) {
      reply.hijack();
      hub.add(reply.raw, admin);
      return reply;
    }
    if (opts.csv || opts.json || opts.metrics) {
      const out = exportStats(src, px, opts);
      const r = reply.code(out.status).header('cache-control', 'no-cache').type(out.type);
      if (!opts.norefresh && !opts.metrics && px.stats.refresh !== undefined && px.stats.refresh > 0) r.header('refresh', String(px.stats.refresh));
      return r.send(out.body);
    }
    const snap = src.runtime.snapshot();
    let proxies = proxyViews(src, px, snap);
    if (opts.scope !== null && opts.scope !== '') proxies = proxies.filter((p) => p.name.includes(opts.scope as string));
    if (opts.up) proxies = proxies.map((p) => ({ ...p, rows: p.rows.filter((r) => !r.down) }));
    if (opts.problems) proxies = proxies.filter((p) => p.problem).map((p) => ({ ...p, rows: p.rows.filter((r) => r.problem) }));
    const refresh = opts.norefresh ? 0 : px.stats.refresh ?? 0;
    const st = opts.st !== null ? ADMIN_MESSAGES[(opts.st in ADMIN_MESSAGES ? opts.st : 'UNKN') as AdminStatus] : null;
    const html = render.page({
      info: infoView(src, px, snap), proxies, uri, opts, admin, csrf: token,
      legends: px.stats.showLegends, showNode: px.stats.showNode !== undefined,
      refresh, events: opts.norefresh ? '' : `${uri};events`,
      scope: opts.scope ?? '', message: st,
    });
    // no Refresh header: the page refreshes through its event stream, or a <noscript> meta refresh
    return reply.code(200).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  };

  /** The engine's verdicts, when the request carries its secret. */
  function trust(req: FastifyRequest): Caller | null {
    const h = req.headers[STATS_HEADER];
    if (typeof h !== 'string') return null;
    const [secret, adminWord] = h.split(' ');
    if (secret !== ep.secret) return null;
    return { admin: adminWord === 'admin=1', user: '' };
  }

  app.route({ method: ['GET', 'HEAD', 'POST'], url: '/*', handler: handle });
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('text/plain').send('not found\n'));

  // bind now (synchronous for a unix socket), serve once Fastify is ready; a failure must not
  // take the serving process down: the engine then answers 503 for the stats URI
  const srv = server as HttpServer | null;
  srv?.on('error', (e: Error) => process.stderr.write(`[ALERT]    (${process.pid}) : stats page of '${px.name}' cannot listen: ${e.message}\n`));
  srv?.listen(ep.path);
  whenReady = Promise.resolve(app.ready()).then(() => { ready = true; });
  whenReady.catch(() => undefined);

  return {
    endpoint: ep,
    watchers: () => hub.size,
    async close() {
      hub.closeAll();
      const s = server as HttpServer | null;
      if (s !== null) {
        s.close();
        s.closeAllConnections();
      }
      await app.close().catch(() => undefined);
    },
  };
}
