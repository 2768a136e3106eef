// Built-in values every proxy starts from (HAProxy's defproxy), and the copy a proxy takes of its
// defaults section: in HAProxy a proxy is a copy of its defaults, then its own keywords apply.
import type { Loc } from './diag.js';
import type { GlobalConfig, ProxyConfig, ProxyKind } from './model.js';

export function builtinGlobal(): GlobalConfig {
  return {
    daemon: false, logs: [], statsSockets: [], masterWorker: false, quiet: false, zeroWarning: false,
    tune: {}, setenv: {},
  };
}

export function builtinProxy(kind: ProxyKind, name: string, loc: Loc): ProxyConfig {
  return {
    kind, name, loc,
    mode: 'tcp',
    disabled: false,
    binds: [],
    maxconn: 0,
    fullconn: 0,
    timeouts: {},
    balance: { algo: 'roundrobin', args: [] },
    hashType: { method: 'map-based', fn: 'sdbm', avalanche: false },
    servers: [],
    defaultServer: {},
    useBackends: [],
    useServers: [],
    acls: [],
    options: {
      httplog: false, httplogClf: false, tcplog: false, dontlognull: false, tcpCheck: false, allbackups: false,
      logHealthChecks: false, persist: false, other: {},
    },
    retries: 3,
    httpCheckRules: [],
    tcpCheckRules: [],
    httpRequest: [],
    httpResponse: [],
    httpAfterResponse: [],
    redirects: [],
    errorfiles: {},
    stats: { enabled: false, auth: [], admin: [], hideVersion: false, showLegends: false, scope: [] },
    logs: [],
  };
}

/** A new proxy of `kind` inheriting everything a defaults section may preset. */
export function proxyFromDefaults(def: ProxyConfig, kind: ProxyKind, name: string, loc: Loc): ProxyConfig {
  const copy = structuredClone(def);
  copy.kind = kind;
  copy.name = name;
  copy.loc = loc;
  // Rules and ACLs of a named defaults section come first in the copy, which is where HAProxy runs
  // them (before the proxy's own). Servers, binds and use_backend never live in defaults.
  if (def.kind === 'defaults' && def.name !== '') copy.from = def.name;
  else delete copy.from;
  delete copy.id;
  delete copy.description;
  // HAProxy copies a defaults' default_backend only into proxies that can use one (frontend capability)
  if (kind === 'backend') delete copy.defaultBackend;
  return copy;
}
