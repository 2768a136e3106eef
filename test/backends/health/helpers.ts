/**
 * Shared helpers for health-check tests: backends built from configuration text the way users
 * build them (loadConfig on a file), a checker with scripted runs, captured lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../../../backends/backend.js';
import { balanceSpec } from '../../../backends/balance/index.js';
import { BackendChecker } from '../../../backends/health/backend-checker.js';
import type { CheckRunner, CheckSettings } from '../../../backends/health/health-check.js';
import { checkSettings } from '../../../backends/health/index.js';
import { compileChecks, type CheckProgram } from '../../../backends/health/rules.js';
import { ManualScheduler, type Scheduler, type Timed } from '../../../backends/health/scheduler.js';
import { CheckStatus, type CheckOutcome } from '../../../backends/health/status.js';
import { loadConfig } from '../../../lib/config/load.js';
import type { ProxyConfig } from '../../../lib/config/model.js';

const dir = mkdtempSync(join(tmpdir(), 'halyard-health-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/**
 * The proxy `be` of a configuration whose `backend be` (or `listen be`) section holds `lines`
 * (one directive a line, indentation added here), loaded as `halyard -f` loads a file. Any alert
 * fails loudly: a test must not run on a half-read configuration.
 */
export async function loadBackend(lines: string, o: { mode?: 'tcp' | 'http'; listen?: boolean } = {}): Promise<ProxyConfig> {
  const body = lines.split('\n').map((l) => `    ${l.trim()}`).join('\n');
  const text = `defaults\n    mode ${o.mode ?? 'http'}\n    timeout connect 5s\n    timeout client 5s\n    timeout server 5s\n`
    + `${o.listen === true ? 'listen' : 'backend'} be\n${body}\n`;
  const f = join(dir, `c${++files}.cfg`);
  writeFileSync(f, text);
  const r = await loadConfig([f], { noResolve: true, env: {} });
  const alerts = r.diags.filter((d) => d.severity === 'alert');
  const px = r.config?.proxies.find((p) => p.name === 'be');
  if (alerts.length > 0 || px === undefined) throw new Error(`test configuration refused:\n${text}\n${alerts.map((d) => d.message).join('\n')}`);
  return px;
}

/** The check program of a backend section, with the forms the checker cannot run. */
export async function compiled(lines: string, o: { mode?: 'tcp' | 'http' } = {}): Promise<ReturnType<typeof compileChecks>> {
  return compileChecks(await loadBackend(lines, o));
}

/** A scripted run: after `after` ms it reports this status. */
export interface Scripted {
  status: CheckStatus;
  code?: number;
  info?: string;
  after?: number;
}

class ScriptRunner implements CheckRunner, Timed {
  due = 0;
  slot = -1;
  running = false;
  starts = 0;
  private startedAt = 0;
  private current: Scripted | null = null;
  constructor(
    private readonly sched: Scheduler,
    private readonly next: () => Scripted,
    private readonly done: (o: CheckOutcome) => void,
  ) {}
  start(): void {
    this.running = true;
    this.starts++;
    this.startedAt = this.sched.now();
    this.current = this.next();
    this.sched.schedule(this, this.startedAt + (this.current.after ?? 0));
  }
  abort(): void {
    this.running = false;
    this.sched.cancel(this);
  }
  fire(): void {
    const c = this.current as Scripted;
    this.running = false;
    this.done({ status: c.status, code: c.code ?? 0, info: c.info ?? '', duration: this.sched.now() - this.startedAt });
  }
}

export interface Harness {
  be: Backend;
  checker: BackendChecker;
  sched: ManualScheduler;
  /** log sink lines, "level text" */
  logs: string[];
  /** stderr lines without the trailing newline */
  stderr: string[];
  runners: Map<string, ScriptRunner>;
  /** what each server's next run reports (default L4OK) */
  script: Map<string, Scripted[]>;
}

/**
 * A backend `be` from configuration lines (servers, check options), its checker on a manual
 * clock, and scripted runs instead of sockets. Only servers with `check` get a check.
 */
export async function harness(lines: string, o: { listen?: boolean; program?: CheckProgram } = {}): Promise<Harness> {
  const px = await loadBackend(lines, o.listen === true ? { listen: true } : {});
  const be = new Backend({
    name: 'be', id: 1, balance: balanceSpec('roundrobin'),
    servers: px.servers.map((s) => ({ name: s.name, address: s.host, port: s.port ?? 0, weight: s.weight, backup: s.backup, disabled: s.disabled, maxconn: s.maxconn, slowstart: s.slowstart })),
  });
  const sched = new ManualScheduler(0);
  const logs: string[] = [];
  const stderr: string[] = [];
  const runners = new Map<string, ScriptRunner>();
  const script = new Map<string, Scripted[]>();
  const checker = new BackendChecker({
    be, program: o.program ?? compileChecks(px).program, sched, listen: px.kind === 'listen', logHealthChecks: px.options.logHealthChecks,
    sink: (level, text) => logs.push(`${level} ${text}`),
    stderr: (line) => stderr.push(line.replace(/\n$/, '')),
    pid: 1234, node: 'vm',
    runner: (hc, _host, done) => {
      const r = new ScriptRunner(sched, () => script.get(hc.srv.name)?.shift() ?? { status: CheckStatus.L4OK }, done);
      runners.set(hc.srv.name, r);
      return r;
    },
  });
  for (const sc of px.servers) {
    const srv = be.findServer(sc.name);
    const settings = srv !== undefined && sc.check ? checkSettings(px, sc, srv, 0) : null;
    if (srv !== undefined && settings !== null) checker.add(srv, settings);
  }
  return { be, checker, sched, logs, stderr, runners, script };
}

/**
 * The first server of a backend section, as the checker sees it: its backend's check program
 * and its own settings (target, timeouts, intervals) from the server line and `timeout` lines.
 */
export async function firstServer(lines: string): Promise<{ program: CheckProgram; problems: readonly string[]; settings: CheckSettings }> {
  const px = await loadBackend(lines);
  const sc = px.servers[0];
  if (sc === undefined) throw new Error('no server line');
  const be = new Backend({
    name: 'be', id: 1, balance: balanceSpec('roundrobin'),
    servers: [{ name: sc.name, address: sc.host, port: sc.port ?? 0, weight: sc.weight, backup: sc.backup, disabled: sc.disabled }],
  });
  const settings = checkSettings(px, sc, be.findServer(sc.name)!, 0);
  if (settings === null) throw new Error('server without a port to check');
  const { program, problems } = compileChecks(px);
  return { program, problems, settings };
}
