// Command-line parsing with HAProxy's flags (its usage text is the reference). Hand-written because
// HAProxy's options are not getopt-shaped: `-sf PID...` takes a list, `-cc` and `-vv` are two letters.

export interface CliArgs {
  files: string[];
  check: boolean;
  condition?: string;
  quiet: boolean;
  verbose: boolean;
  version: 0 | 1 | 2;
  relaxedDns: boolean;
  zeroWarning: boolean;
  json: boolean;
  debug: boolean;
  foreground: boolean;
  daemon: boolean;
  pidfile?: string;
  softStopPids: number[];
  hardStopPids: number[];
  chdir?: string;
  maxconn?: number;
}

export type ArgsResult = { ok: true; args: CliArgs } | { ok: false; error: string };

export function parseArgs(argv: readonly string[]): ArgsResult {
  const a: CliArgs = {
    files: [], check: false, quiet: false, verbose: false, version: 0, relaxedDns: false, zeroWarning: false,
    json: false, debug: false, foreground: false, daemon: false, softStopPids: [], hardStopPids: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i] ?? '';
    const next = (): string | undefined => argv[++i];
    switch (w) {
      case '-f': {
        const f = next();
        if (f === undefined) return { ok: false, error: `'-f' expects a file or directory` };
        a.files.push(f); break;
      }
      case '--': a.files.push(...argv.slice(i + 1)); i = argv.length; break;
      case '-c': a.check = true; break;
      case '-cc': {
        const c = next();
        if (c === undefined) return { ok: false, error: `'-cc' expects a condition` };
        a.condition = c; break;
      }
      case '-q': a.quiet = true; break;
      case '-V': a.verbose = true; a.quiet = false; break;
      case '-v': a.version = 1; break;
      case '-vv': a.version = 2; break;
      case '-dr': a.relaxedDns = true; break;
      case '-dW': a.zeroWarning = true; break;
      case '-dD': break; // diagnostic warnings: Halyard has none beyond the normal ones
      case '--json': a.json = true; break;
      case '-d': a.debug = true; a.foreground = true; break;
      case '-db': a.foreground = true; break;
      case '-D': a.daemon = true; break;
      case '-W': case '-Ws': break; // master-worker is Halyard's only model
      case '-p': {
        const p = next();
        if (p === undefined) return { ok: false, error: `'-p' expects a file name` };
        a.pidfile = p; break;
      }
      case '-C': {
        const d = next();
        if (d === undefined) return { ok: false, error: `'-C' expects a directory` };
        a.chdir = d; break;
      }
      case '-n': {
        const n = Number(next());
        if (!Number.isInteger(n) || n <= 0) return { ok: false, error: `'-n' expects a positive integer` };
        a.maxconn = n; break;
      }
      case '-sf': case '-st': {
        const list = w === '-sf' ? a.softStopPids : a.hardStopPids;
        while (i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('-')) {
          const pid = Number(argv[++i]);
          if (!Number.isInteger(pid) || pid <= 0) return { ok: false, error: `'${w}' expects process ids, got '${argv[i] ?? ''}'` };
          list.push(pid);
        }
        break;
      }
      default:
        return { ok: false, error: `unknown option '${w}'` };
    }
  }
  return { ok: true, args: a };
}

export const USAGE = `Usage : halyard [-f <cfgfile|cfgdir>]* [ -vdVD ] [ -n <maxconn> ] [ -p <pidfile> ]
        [ -sf/-st [pid ]* ] [ -C <dir> ] [-- <cfgfile>*]
        -v displays version ; -vv shows known build options.
        -d enters debug mode ; -db only disables background mode.
        -V enters verbose mode (disables quiet mode)
        -D goes daemon ; -C changes to <dir> before loading files.
        -p writes pids of all children to this file
        -c check mode : only check config files and exit
        -cc check condition : evaluate a condition and exit
        -q quiet mode : don't display messages
        -n sets the maximum total # of connections
        -dr ignores server address resolution failures
        -dW fails if any warning is emitted
        --json with -c: print the diagnostics as JSON on stdout
        -sf/-st [pid ]* finishes/terminates old pids.
`;
