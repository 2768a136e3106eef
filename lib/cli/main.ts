// The command line: check mode, condition evaluation, version; serving comes with the listeners.
import { evalCondition } from '../config/cond.js';
import { expandPaths } from '../config/reader.js';
import { HAPROXY_COMPAT, VERSION } from '../version.js';
import { parseArgs, USAGE, type CliArgs } from './args.js';
import { serve } from '../process/master.js';
import { makeServeRuntime } from '../process/runtime-factory.js';
import { daemonChildIo, isDaemonChild, launchDaemon } from '../process/daemon.js';
import { noticeBanner, runCheck } from './check.js';

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  /** the environment "${VAR}" expands from (process.env when absent) */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const banner = (): string => `Halyard version ${VERSION} - HAProxy ${HAPROXY_COMPAT} compatible configuration and behaviour\n`;

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    io.stderr(`[ALERT]    (${process.pid}) : ${parsed.error}\n${USAGE}`);
    return 1;
  }
  const args = parsed.args;
  if (args.version > 0) {
    io.stdout(banner());
    if (args.version === 2) {
      io.stdout(`Running on: Node.js ${process.version} ${process.platform} ${process.arch}\n`);
      io.stdout(`Emulated HAProxy version for .if conditions: 2.6.12\n`);
    }
    return 0;
  }
  if (args.condition !== undefined) {
    const r = evalCondition([args.condition], { env: io.env ?? process.env });
    if (r.ok) return r.value ? 0 : 1;
    io.stderr(noticeBanner());
    io.stderr(`[ALERT]    (${process.pid}) : config : Failed to evaluate condition: ${r.error}\n`);
    return 2;
  }
  if (args.chdir !== undefined) {
    try {
      process.chdir(args.chdir);
    } catch {
      io.stderr(`[ALERT]    (${process.pid}) : Cannot chdir to ${args.chdir}\n`);
      return 1;
    }
  }
  if (args.files.length === 0) {
    io.stdout(banner());
    io.stderr(USAGE);
    return 1;
  }
  if (args.check) {
    // a directory with no *.cfg leaves nothing to load: HAProxy prints its usage then
    if (expandPaths(args.files).files.length === 0 && expandPaths(args.files).errors.length === 0) {
      io.stdout(banner());
      io.stderr(USAGE);
      return 1;
    }
    return runCheck(args, io);
  }
  if (args.daemon && !isDaemonChild()) return launchDaemon(argv, io);
  return runServe(args, io, argv);
}

async function runServe(args: CliArgs, io: CliIo, argv: readonly string[]): Promise<number> {
  const child = isDaemonChild() ? daemonChildIo() : undefined;
  const out = child?.io ?? io;
  const quiet = args.quiet || child !== undefined;
  const code = await serve({
    files: args.files, relaxedDns: args.relaxedDns, quiet: args.quiet,
    softStopPids: args.softStopPids, hardStopPids: args.hardStopPids,
    ...(args.pidfile !== undefined ? { pidfile: args.pidfile } : {}),
    onReady: () => child?.ready(),
    // global `daemon`: as -D (the daemon itself serves; -d/-db keep it in the foreground)
    ...(child === undefined && !args.foreground ? { daemonize: () => launchDaemon(argv, io) } : {}),
  }, out, (cfg) => makeServeRuntime(cfg, quiet || cfg.global.quiet));
  if (code !== 0) child?.failed();
  return code;
}
