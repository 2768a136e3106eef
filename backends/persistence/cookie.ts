import type { ProxyConfig } from '../../lib/config/model.js';
import { HalyardError } from '../../lib/errors.js';
import type { BackendRuntime } from '../../lib/runtime/backend-runtime.js';
import type { Persistence } from '../../frontends/http/frontend.js';

export function cookiePersistence(px: ProxyConfig, _brt: BackendRuntime): Persistence {
  const c = px.cookie!;
  throw new HalyardError('HLY_CFG_UNSUPPORTED', `${c.loc.file}:${c.loc.line} : 'cookie' persistence is not supported by Halyard yet.`);
}
