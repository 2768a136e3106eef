// The master's part of serving: load and validate the configuration, own the listening sockets,
// handle signals and pidfile, and hand accepted connections to the runtime. Today master and
// worker live in one process; this file never reaches into a frontend beyond ServedFrontend, so
// moving the runtime into cluster workers changes how `accept` is delivered, not what this does.
import { writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { formatDiag } from '../config/diag.js';
import { loadConfig } from '../config/load.js';
import type { HalyardConfig, ProxyConfig } from '../config/model.js';
import { BindError, closeListeners, openListeners, type ListenTarget, type OnConnection, type OpenListener } from '../net/listen.js';
import type { CliIo } from '../cli/main.js';
import type { RuntimeFactory, ServeRuntime, ServedFrontend } from './types.js';
import { takeEarlySignals } from './signals.js';

export interface ServeOptions {
  readonly files: readonly string[];
  readonly relaxedDns: boolean;
  readonly pidfile?: string;
  readonly softStopPids: readonly number[];
  readonly hardStopPids: readonly number[];
  readonly quiet: boolean;
  /** called once listeners are open (daemon mode tells its parent; tests learn the ports) */
  readonly onReady?: (s: Serving) => void;
  /** global `daemon` in the file: start in the background instead (the exit code for the foreground) */
  readonly daemonize?: () => Promise<number>;
}

export interface Serving {
  readonly listeners: readonly OpenListener[];
  readonly runtime: ServeRuntime;
  /** resolves with the exit code when the process should exit */
  readonly done: Promise<number>;
  softStop(): void;
  hardStop(): void;
}

const warn = (io: CliIo, msg: string): void => io.stderr(`[WARNING]  (${process.pid}) : ${msg}\n`);
const alertLine = (io: CliIo, msg: string): void => io.stderr(`[ALERT]    (${process.pid}) : ${msg}\n`);

/**
 * HAProxy's set_identity: with a gid, drop the supplementary groups (a warning if that fails)
 * and set it; then the uid. Returns true when the process must stop (the alert is printed).
 */
function setIdentity(g: HalyardConfig['global'], io: CliIo): boolean {
  if (g.gid !== undefined && g.gid !== 0) {
    try {
      if (process.getgroups !== undefined && process.getgroups().length > 0) process.setgroups?.([]);
    } catch {
      warn(io, `[halyard.main()] Failed to drop supplementary groups. Using 'gid'/'group' without 'uid'/'user' is generally useless.`);
    }
    try {
      process.setgid?.(g.gid);
    } catch {
      alertLine(io, `[halyard.main()] Cannot set gid ${g.gid}.`);
      return true;
    }
  }
  if (g.uid !== undefined && g.uid !== 0) {
    try {
      process.setuid?.(g.uid);
    } catch {
      alertLine(io, `[halyard.main()] Cannot set uid ${g.uid}.`);
      return true;
    }
  }
  return false;
}

function listenTargets(cfg: HalyardConfig): ListenTarget[] {
  const out: ListenTarget[] = [];
  const fe = (px: ProxyConfig): boolean => (px.kind === 'frontend' || px.kind === 'listen') && !px.disabled;
  for (const px of cfg.proxies.filter(fe)) {
    for (const bind of px.binds) out.push({ proxy: px.name, kind: px.kind === 'listen' ? 'proxy' : 'frontend', bind });
  }
  return out;
}

function signalAll(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try { process.kill(pid, sig); } catch { /* already gone */ }
  }
}

/**
 * Open the listeners; on "address in use" with old processes named by -sf/-st, ask them to
 * release their sockets (SIGTTOU) and try again, as HAProxy's classic reload does; give them
 * their sockets back (SIGTTIN) if we still cannot bind.
 */
async function bindWithHandover(targets: ListenTarget[], opts: ServeOptions, onConn: OnConnection): Promise<OpenListener[]> {
  const old = [...opts.softStopPids, ...opts.hardStopPids];
  try {
    return await openListeners(targets, onConn);
  } catch (e: unknown) {
    if (!(e instanceof BindError) || old.length === 0 || !/in use/.test(e.reason)) throw e;
  }
  signalAll(old, 'SIGTTOU');
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 20));
    try {
      return await openListeners(targets, onConn);
    } catch (e: unknown) {
      last = e;
    }
  }
  signalAll(old, 'SIGTTIN');
  throw last;
}

const LATE_IGNORED: readonly NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2', 'SIGTTOU', 'SIGTTIN', 'SIGHUP'];
function ignoreLate(): void {}

export async function serve(opts: ServeOptions, io: CliIo, makeRuntime: RuntimeFactory): Promise<number> {
  const res = await loadConfig(opts.files, { relaxedDns: opts.relaxedDns });
  // the same diagnostics as -c: a config that -c rejects never starts (global `quiet` is -q)
  const quiet = opts.quiet || res.config?.global.quiet === true;
  if (!quiet) for (const d of res.diags) io.stderr(formatDiag(d, process.pid));
  if (res.verdict === 'invalid' || res.config === undefined) return 1;
  const cfg = res.config;
  if (cfg.global.zeroWarning && res.diags.some((d) => d.severity === 'warning')) {
    if (!quiet) alertLine(io, `config : Some warnings were found and 'zero-warning' is set. Aborting.`);
    return 1;
  }
  // global `daemon` is -D: the foreground process starts the background one and reports
  if (cfg.global.daemon && opts.daemonize !== undefined) return opts.daemonize();
  let runtime: ServeRuntime;
  try {
    runtime = makeRuntime(cfg);
  } catch (e: unknown) {
    alertLine(io, `config : ${(e as Error).message}`);
    return 1;
  }
  const byName = new Map<string, ServedFrontend>(runtime.frontends.map((f) => [f.name, f]));
  const onConn = (proxy: string, s: Socket, l: OpenListener): void => {
    const fe = byName.get(proxy);
    if (fe === undefined) s.destroy();
    else fe.accept(s, l);
  };
  let listeners: OpenListener[];
  try {
    listeners = await bindWithHandover(listenTargets(cfg), opts, onConn);
  } catch (e: unknown) {
    runtime.close();
    alertLine(io, e instanceof BindError ? e.message : `cannot start listeners: ${(e as Error).message}`);
    alertLine(io, '[halyard.main()] Some protocols failed to start their listeners! Exiting.');
    return 1;
  }
  if (runtime.start !== undefined) {
    try {
      await runtime.start();
    } catch (e: unknown) {
      await closeListeners(listeners);
      runtime.close();
      alertLine(io, `[halyard.main()] ${(e as Error).message}`);
      return 1;
    }
  }
  // -p, else global `pidfile`
  const pidfile = opts.pidfile ?? cfg.global.pidfile;
  if (pidfile !== undefined) {
    try {
      writeFileSync(pidfile, `${process.pid}\n`);
    } catch (e: unknown) {
      alertLine(io, `[halyard.main()] Cannot create pidfile ${pidfile}: ${(e as Error).message}`);
    }
  }
  // global user/group/uid/gid: drop privileges once everything is bound, as HAProxy does
  const idError = setIdentity(cfg.global, io);
  if (idError) {
    await closeListeners(listeners);
    runtime.close();
    return 1;
  }
  signalAll(opts.softStopPids, 'SIGUSR1');
  signalAll(opts.hardStopPids, 'SIGTERM');

  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((r) => { finish = r; });
  let paused = false;
  let stopping = false;
  let hardTimer: NodeJS.Timeout | undefined;

  // SIGTERM: HAProxy exits at once, cutting sessions; the bin exits the process when done resolves
  const hardStop = (): void => {
    void closeListeners(listeners);
    runtime.close();
    finish(0);
  };
  const softStop = (): void => {
    if (stopping) return;
    stopping = true;
    runtime.stopping?.();
    void closeListeners(listeners);
    for (const f of runtime.frontends) {
      f.stopAccepting();
      warn(io, `Proxy ${f.name} stopped (cumulated conns: FE: ${f.counters.total}, BE: ${runtime.backendSessions(f.name)}).`);
    }
    const limit = cfg.global.hardStopAfter;
    if (limit !== undefined) {
      hardTimer = setTimeout(hardStop, limit);
      hardTimer.unref();
    }
    void Promise.all(runtime.frontends.map((f) => f.drain())).then(() => {
      if (hardTimer !== undefined) clearTimeout(hardTimer);
      runtime.close();
      finish(0);
    });
  };
  // SIGTTOU releases the listening sockets so a new process can bind them; SIGTTIN takes them back.
  // Without its listeners an idle process has nothing left in Node's event loop and would exit
  // (code 13, or killed by the SIGUSR1 that -sf sends next): a timer keeps it up while paused.
  let pausedKeepAlive: NodeJS.Timeout | undefined;
  const pause = (): void => {
    if (paused || stopping) return;
    paused = true;
    pausedKeepAlive = setInterval(() => undefined, 0x7fffffff);
    void closeListeners(listeners);
    for (const f of runtime.frontends) f.pause();
    warn(io, 'Pausing listeners (SIGTTOU).');
  };
  const resume = (): void => {
    if (!paused || stopping) return;
    paused = false;
    clearInterval(pausedKeepAlive);
    for (const f of runtime.frontends) f.resume();
    void openListeners(listenTargets(cfg), onConn).then(
      (ls) => { listeners = ls; warn(io, 'Resuming listeners (SIGTTIN).'); },
      (e: unknown) => alertLine(io, `cannot resume listeners: ${(e as Error).message}`),
    );
  };
  const handlers: [NodeJS.Signals, () => void][] = [
    ['SIGTERM', hardStop], ['SIGINT', hardStop], ['SIGUSR1', softStop], ['SIGTTOU', pause], ['SIGTTIN', resume],
    ['SIGHUP', () => undefined],
    ['SIGUSR2', () => warn(io, 'SIGUSR2 (reload) is not implemented yet; use -sf with a new process.')],
  ];
  for (const [sig, h] of handlers) process.on(sig, h);
  // signals that came while loading (a fast `kill -USR1` after start) are handled now
  for (const sig of takeEarlySignals()) handlers.find(([s]) => s === sig)?.[1]();
  // Once done, the process is about to exit: a late signal must not kill it on the way (with no
  // listener, SIGUSR1/SIGTTOU fall back to their default actions), so they are ignored.
  void done.then(() => {
    clearInterval(pausedKeepAlive);
    for (const [sig, h] of handlers) process.off(sig, h);
    for (const sig of LATE_IGNORED) if (process.listenerCount(sig) === 0) process.once(sig, ignoreLate);
  });

  const serving: Serving = { listeners, runtime, done, softStop, hardStop };
  opts.onReady?.(serving);
  return done;
}
