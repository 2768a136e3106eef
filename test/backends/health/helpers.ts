/** Shared helpers for health-check tests: a backend with a checker, scripted runs, captured lines. */
import { Backend } from '../../../backends/backend.js';
import { balanceSpec } from '../../../backends/balance/index.js';
import { BackendChecker } from '../../../backends/health/backend-checker.js';
import type { CheckRunner } from '../../../backends/health/health-check.js';
import { checkSettings } from '../../../backends/health/index.js';
import { compileChecks, type CheckProgram } from '../../../backends/health/rules.js';
import { ManualScheduler, type Scheduler, type Timed } from '../../../backends/health/scheduler.js';
import { CheckStatus, type CheckOutcome } from '../../../backends/health/status.js';
import type { ProxyConfig, ServerConfig as ModelServer } from '../../../lib/config/model.js';

export type SrvOpts = Partial<ModelServer> & { name: string };

export function modelServer(o: SrvOpts): ModelServer {
  return {
    host: '127.0.0.1', family: 'ipv4', port: 8000, check: true, inter: 2000, rise: 2, fall: 3, weight: 1, backup: false,
    disabled: false, maxconn: 0, maxqueue: 0, minconn: 0, slowstart: 0, loc: { file: 'test.cfg', line: 1 }, ...o,
  };
}

/** The check-related part of a proxy (what compileChecks reads). */
export function checkProxy(o: Partial<Pick<ProxyConfig, 'httpCheckRules' | 'tcpCheckRules'>> & { httpchk?: boolean | ProxyConfig['options']['httpchk']; tcpCheck?: boolean; logHealthChecks?: boolean; timeouts?: ProxyConfig['timeouts'] } = {}): Pick<ProxyConfig, 'options' | 'httpCheckRules' | 'tcpCheckRules' | 'timeouts'> {
  const hc = o.httpchk === true ? { method: 'OPTIONS', uri: '/', version: 'HTTP/1.0', headers: [], body: '', loc: { file: 't', line: 1 } } : o.httpchk === false ? undefined : o.httpchk;
  return {
    options: {
      httplog: false, httplogClf: false, tcplog: false, dontlognull: false, tcpCheck: o.tcpCheck ?? false, allbackups: false,
      logHealthChecks: o.logHealthChecks ?? false, persist: false, other: {}, ...(hc !== undefined ? { httpchk: hc } : {}),
    },
    httpCheckRules: o.httpCheckRules ?? [],
    tcpCheckRules: o.tcpCheckRules ?? [],
    timeouts: o.timeouts ?? {},
  };
}

export function rule(kind: string, ...args: string[]): { kind: string; args: string[]; loc: { file: string; line: number } } {
  return { kind, args, loc: { file: 't', line: 1 } };
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

export function harness(servers: SrvOpts[], px: ReturnType<typeof checkProxy> = checkProxy(), program?: CheckProgram, listen = false): Harness {
  const be = new Backend({
    name: 'be', id: 1, balance: balanceSpec('roundrobin'),
    servers: servers.map((s) => ({
      name: s.name, address: s.host ?? '127.0.0.1', port: s.port ?? 8000, weight: s.weight ?? 1, backup: s.backup ?? false, disabled: s.disabled ?? false,
    })),
  });
  const sched = new ManualScheduler(0);
  const logs: string[] = [];
  const stderr: string[] = [];
  const runners = new Map<string, ScriptRunner>();
  const script = new Map<string, Scripted[]>();
  const checker = new BackendChecker({
    be, program: program ?? compileChecks(px).program, sched, listen, logHealthChecks: px.options.logHealthChecks,
    sink: (level, text) => logs.push(`${level} ${text}`),
    stderr: (line) => stderr.push(line.replace(/\n$/, '')),
    pid: 1234, node: 'vm',
    runner: (hc, _host, done) => {
      const r = new ScriptRunner(sched, () => script.get(hc.srv.name)?.shift() ?? { status: CheckStatus.L4OK }, done);
      runners.set(hc.srv.name, r);
      return r;
    },
  });
  for (const s of servers) {
    const srv = be.findServer(s.name);
    const settings = srv !== undefined ? checkSettings(px, modelServer(s), srv, 0) : null;
    if (srv !== undefined && settings !== null && (s.check ?? true)) checker.add(srv, settings);
  }
  return { be, checker, sched, logs, stderr, runners, script };
}
