/**
 * HTML rendering with eta: the page, one proxy's table, one row. Views live in stats-ui/views at
 * the package root (tsc does not copy .eta files into dist/, so they are never looked up there).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Eta } from 'eta';
import { packageRoot } from '../lib/version.js';
import type { InfoView, ProxyView, Row } from './model.js';

export const VIEWS = join(packageRoot(), 'stats-ui', 'views');

export interface PageOptions {
  up: boolean;
  norefresh: boolean;
  problems: boolean;
}

export interface PageData {
  readonly info: InfoView;
  readonly proxies: readonly ProxyView[];
  readonly uri: string;
  readonly opts: PageOptions;
  readonly admin: boolean;
  readonly csrf: string;
  readonly legends: boolean;
  readonly showNode: boolean;
  /** seconds; 0 = no automatic refresh */
  readonly refresh: number;
  /** the event stream's URL, '' when live updates are off */
  readonly events: string;
  readonly scope: string;
  readonly message: { ok: boolean; text: string } | null;
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class Renderer {
  readonly eta = new Eta({ views: VIEWS, cache: true, autoEscape: true, autoTrim: false });
  private readonly css = readFileSync(join(VIEWS, 'stats.css'), 'utf8');
  private readonly js = readFileSync(join(VIEWS, 'stats.js'), 'utf8');

  row(r: Row, admin: boolean, legends: boolean): string {
    return this.eta.render('./row', { r, admin, legends, esc });
  }

  page(d: PageData): string {
    const row = (r: Row): string => this.row(r, d.admin, d.legends);
    const proxy = (p: ProxyView): string => this.eta.render('./proxy', { p, admin: d.admin, legends: d.legends, uri: d.uri, csrf: d.csrf, row });
    const link = (o: Partial<PageOptions>): string => {
      const m = { ...d.opts, ...o };
      return d.uri + (m.up ? ';up' : '') + (m.norefresh ? ';norefresh' : '') + (m.problems ? ';problems' : '');
    };
    return this.eta.render('./page', { ...d, css: this.css, js: this.js, proxy, link });
  }
}
