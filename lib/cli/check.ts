// `halyard -c`: print the verdict exactly as `haproxy -c` prints it, or as JSON with --json.
import type { Diag } from '../config/diag.js';
import { diagToJson, formatDiag } from '../config/diag.js';
import { loadConfig } from '../config/load.js';
import type { HalyardConfig } from '../config/model.js';
import { HalyardError, type ErrorCode } from '../errors.js';
import { buildRuntime } from '../runtime/runtime.js';
import { createHealthChecks } from '../../backends/health/index.js';
import { httpFrontendFactory } from '../../frontends/http/index.js';
import { VERSION } from '../version.js';
import type { CliArgs } from './args.js';
import type { CliIo } from './main.js';

export async function runCheck(args: CliArgs, io: CliIo): Promise<number> {
  const res = await loadConfig(args.files, { relaxedDns: args.relaxedDns, env: io.env ?? process.env });
  const diags: Diag[] = [...res.diags];
  let verdict = res.verdict;
  // what only building the runtime finds (rules, checks and options refused at start) fails -c too
  if (res.verdict !== 'invalid' && res.config !== undefined) {
    const refused = runtimeProblems(res.config);
    if (refused !== null) {
      diags.push({ severity: 'alert', code: refused.code, style: 'none', message: refused.message });
      verdict = 'invalid';
    }
  }
  const warnings = diags.some((d) => d.severity === 'warning');
  let code = verdict === 'invalid' ? 1 : verdict === 'no-listener' ? 2 : 0;
  const zeroWarning = args.zeroWarning || res.config?.global.zeroWarning === true;
  if (code !== 1 && warnings && zeroWarning) {
    diags.push({ severity: 'alert', code: 'HLY_CFG_FILE', style: 'none', message: `Some warnings were found and 'zero-warning' is set. Aborting.` });
    code = 1;
  }
  if (args.json) {
    io.stdout(JSON.stringify({
      valid: code !== 1, exitCode: code, files: args.files, diagnostics: diags.map(diagToJson),
    }, null, 2) + '\n');
    return code;
  }
  // global `quiet` is -q: nothing printed
  if (args.quiet || res.config?.global.quiet === true) return code;
  const pid = process.pid;
  let noticed = false;
  for (const d of diags) {
    if (!noticed && d.severity !== 'notice') {
      io.stderr(noticeBanner());
      noticed = true;
    }
    io.stderr(formatDiag(d, pid));
  }
  if (code === 1) return 1;
  if (warnings) io.stdout('Warnings were found.\n');
  if (code === 2) io.stdout('Configuration file has no error but will not start (no listener) => exit(2).\n');
  else io.stdout('Configuration file is valid\n');
  return code;
}

/**
 * Builds the runtime as serving would, without listening or starting checks: the first problem
 * (a HalyardError naming file:line), or null.
 */
function runtimeProblems(cfg: HalyardConfig): { code: ErrorCode; message: string } | null {
  try {
    const rt = buildRuntime(cfg, { frontends: { http: httpFrontendFactory } });
    const { problems } = createHealthChecks(cfg, rt.backends, { sink: () => undefined, stderr: () => undefined });
    if (problems.length > 0) return { code: 'HLY_CFG_UNSUPPORTED', message: `health checks: ${problems.join('; ')}` };
    return null;
  } catch (e: unknown) {
    return { code: e instanceof HalyardError ? e.code : 'HLY_CFG_UNSUPPORTED', message: (e as Error).message };
  }
}

/** The two NOTICE lines HAProxy prints once, before its first warning or alert. */
export function noticeBanner(): string {
  const pid = process.pid;
  return `[NOTICE]   (${pid}) : halyard version is ${VERSION}\n[NOTICE]   (${pid}) : path to executable is ${process.argv[1] ?? 'halyard'}\n`;
}
