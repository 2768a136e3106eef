// Loading a configuration the way `haproxy -c` does: read every file (stop on an abort), stop
// after fatal parse errors, run the post-parse checks, resolve server names, then give the verdict.
import { dirname } from 'node:path';
import type { Diag } from './diag.js';
import type { HalyardConfig } from './model.js';
import { ConfigParser } from './parser.js';
import { expandPaths, readFile } from './reader.js';
import { hasListener, postChecks } from './compile.js';
import { resolveServers } from './resolve.js';
import { validateModel } from './schema.js';

export interface LoadOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly relaxedDns?: boolean;
  /** skip DNS resolution entirely (for tests and fuzzing of the parser) */
  readonly noResolve?: boolean;
}

export type Verdict = 'valid' | 'invalid' | 'no-listener';

export interface LoadResult {
  readonly verdict: Verdict;
  /** every message in the order HAProxy would print it */
  readonly diags: readonly Diag[];
  readonly config?: HalyardConfig;
}

const summary = (message: string): Diag => ({ severity: 'alert', code: 'HLY_CFG_FILE', message, style: 'none' });
const isFatal = (d: Diag): boolean => d.severity === 'alert' && d.nonFatal !== true;

export async function loadConfig(paths: readonly string[], opts: LoadOptions = {}): Promise<LoadResult> {
  // a copy: setenv/unsetenv in the file change what later lines expand, not the caller's environment
  const env = { ...(opts.env ?? process.env) };
  const { files, errors } = expandPaths(paths);
  if (errors.length > 0) return { verdict: 'invalid', diags: errors };
  const parser = new ConfigParser({ env, relaxedDns: opts.relaxedDns === true, baseDir: dirname(files[0] ?? '.') });
  const diags: Diag[] = [];
  let fatal = false;
  for (const f of files) {
    const before = parser.diags.length;
    const stopped = readFile(f, parser);
    const mine = parser.diags.slice(before);
    const aborted = stopped || mine.some((d) => d.abort === true);
    diags.push(...mine);
    const fileFatal = mine.some(isFatal);
    if (fileFatal || aborted) diags.push(summary(`Error(s) found in configuration file : ${f}`));
    if (aborted) return { verdict: 'invalid', diags };
    fatal ||= fileFatal;
  }
  if (fatal) {
    diags.push(summary('Fatal errors found in configuration.'));
    return { verdict: 'invalid', diags };
  }
  const checks = postChecks(parser);
  diags.push(...checks);
  if (checks.some(isFatal)) {
    diags.push(summary('Fatal errors found in configuration.'));
    return { verdict: 'invalid', diags };
  }
  if (opts.noResolve !== true) {
    const dns = await resolveServers(parser.proxies, opts.relaxedDns === true);
    diags.push(...dns);
    if (dns.some(isFatal)) return { verdict: 'invalid', diags };
  }
  const config: HalyardConfig = {
    files, global: parser.global, defaults: [...parser.namedDefaults.values()], proxies: parser.proxies,
  };
  const schemaErrors = validateModel(config);
  if (schemaErrors !== undefined) {
    diags.push({ severity: 'alert', code: 'HLY_CFG_SCHEMA', style: 'none', message: `internal error: the compiled model does not match its schema: ${schemaErrors}` });
    return { verdict: 'invalid', diags };
  }
  return { verdict: hasListener(parser) ? 'valid' : 'no-listener', diags, config };
}
