/**
 * Routing (use_backend / default_backend) and http-request / http-response rules, compiled once
 * per proxy into the hooks the engine calls (frontends/http/hooks.ts).
 */
import type { ProxyConfig } from '../config/model.js';
import { HalyardError } from '../errors.js';
import type { BackendRuntime } from '../runtime/backend-runtime.js';
import type { ProxyRules, Router } from '../../frontends/http/hooks.js';
import { NO_RULES } from '../../frontends/http/hooks.js';

export interface RulesEnv {
  readonly px: ProxyConfig;
  backend(name: string): BackendRuntime | undefined;
  errorPage(status: number): Buffer;
}

export function compileRouting(px: ProxyConfig, env: RulesEnv, own: BackendRuntime | null): Router {
  const target = (name: string, loc: { file: string; line: number }): BackendRuntime => {
    const b = env.backend(name);
    if (b === undefined) throw new HalyardError('HLY_CFG_REFERENCE', `${loc.file}:${loc.line} : proxy '${px.name}': backend '${name}' is missing or disabled.`);
    return b;
  };
  for (const ub of px.useBackends) {
    if (ub.dynamic || ub.cond !== undefined) {
      throw new HalyardError('HLY_CFG_UNSUPPORTED', `${ub.loc.file}:${ub.loc.line} : 'use_backend' with a condition is not supported by Halyard yet.`);
    }
  }
  const first = px.useBackends[0];
  const dflt = first !== undefined ? target(first.name, first.loc) : px.defaultBackend !== undefined ? target(px.defaultBackend.name, px.defaultBackend.loc) : own;
  return () => dflt;
}

export function compileProxyRules(px: ProxyConfig, _env: RulesEnv): ProxyRules {
  const r = px.httpRequest[0] ?? px.httpResponse[0] ?? px.redirects[0];
  if (r !== undefined) throw new HalyardError('HLY_CFG_UNSUPPORTED', `${r.loc.file}:${r.loc.line} : '${r.action}' rules are not supported by Halyard yet.`);
  return NO_RULES;
}
