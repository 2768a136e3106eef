// Post-parse checks (HAProxy's check_config_validity): cross references, capability/mode
// warnings, missing timeouts. They run only when parsing found no fatal error, as in HAProxy.
import type { Diag } from './diag.js';
import type { ProxyConfig } from './model.js';
import type { ConfigParser } from './parser.js';
import { serverPostChecks } from './keywords/server-post.js'; // kw-server: duplicate names, track
import { finalizeChecks } from './keywords/checks.js';
import { logLineUnsupported, parseLogFormat } from './keywords/logformat.js';

const post = (severity: Diag['severity'], code: Diag['code'], message: string, extra?: Partial<Diag>): Diag => ({
  severity, code, message, style: 'none', ...extra,
});

function fe(px: ProxyConfig): boolean { return px.kind === 'frontend' || px.kind === 'listen'; }
function be(px: ProxyConfig): boolean { return px.kind === 'backend' || px.kind === 'listen'; }
function kindWord(px: ProxyConfig): string { return px.kind === 'listen' ? 'proxy' : px.kind; }

export function postChecks(p: ConfigParser): Diag[] {
  const out: Diag[] = [];
  const backends = new Map<string, ProxyConfig>();
  for (const px of p.proxies) if (be(px) && !backends.has(px.name)) backends.set(px.name, px);

  for (const px of p.proxies) {
    // kw-proxy: compile the health-check rule list (implicit connect/expect), warn about unused http-check rules
    const chk = finalizeChecks(px);
    if (chk !== undefined) out.push(post('warning', 'HLY_CFG_PLACEMENT', chk));
    if (px.disabled) continue;
    // a proxy switching to itself: HAProxy reports the loop even where the rule was "ignored"
    if (px.defaultBackend !== undefined && backends.get(px.defaultBackend.name) === px) {
      out.push(post('alert', 'HLY_CFG_REFERENCE', `Proxy '${px.name}': loop detected for default_backend: '${px.name}'.`));
      continue;
    }
    const selfUse = px.useBackends.find((u) => !u.dynamic && backends.get(u.name) === px);
    if (selfUse !== undefined) {
      out.push(post('alert', 'HLY_CFG_REFERENCE', `Proxy '${px.name}': loop detected for use_backend: '${px.name}'.`));
      continue;
    }
    if (fe(px)) {
      if (px.binds.length === 0) {
        out.push(post('warning', 'HLY_CFG_MISSING', `${px.kind === 'listen' ? 'proxy' : 'frontend'} '${px.name}' has no 'bind' directive. Please declare it as a backend if this was intended.`));
      }
      if (px.defaultBackend !== undefined) {
        const target = backends.get(px.defaultBackend.name);
        if (target === undefined) {
          out.push(post('alert', 'HLY_CFG_REFERENCE', `Proxy '${px.name}': unable to find required default_backend: '${px.defaultBackend.name}'.`));
        } else if (px.mode === 'http' && target.mode === 'tcp') {
          out.push(post('alert', 'HLY_CFG_REFERENCE', `http frontend '${px.name}' (${px.loc.file}:${px.loc.line}) tries to use incompatible tcp backend '${target.name}' (${target.loc.file}:${target.loc.line}) as its default backend (see 'mode').`));
        }
        if (px.kind === 'listen' && px.servers.length > 0) {
          out.push(post('warning', 'HLY_CFG_PLACEMENT', `In proxy '${px.name}', the 'default_backend' rule always has precedence over the servers, which will never be used.`));
        }
      }
      for (const ub of px.useBackends) {
        if (ub.dynamic) {
          // kw-acl: a dynamic name is a log-format string; its sample expressions are checked here,
          // after parsing, as HAProxy does (bit 5 = the frontend use-backend checkpoint).
          const lf = parseLogFormat(ub.name, 1 << 5, p.opts.baseDir);
          if ('err' in lf) {
            out.push(post('alert', 'HLY_CFG_BAD_ARG', `failed to parse use_backend rule '${ub.name}' : ${lf.err}`, { style: 'Parsing-tight', loc: ub.loc }));
          } else if ('unsupported' in lf) {
            out.push(post('alert', 'HLY_CFG_UNSUPPORTED', `${lf.unsupported} in use_backend rule '${ub.name}' is not supported by Halyard.`, { style: 'parsing', loc: ub.loc }));
          }
          continue;
        }
        const target = backends.get(ub.name);
        if (target === undefined) {
          out.push(post('alert', 'HLY_CFG_REFERENCE', `Proxy '${px.name}': unable to find required use_backend: '${ub.name}'.`));
        } else if (px.mode === 'http' && target.mode === 'tcp') {
          out.push(post('alert', 'HLY_CFG_REFERENCE', `http frontend '${px.name}' (${px.loc.file}:${px.loc.line}) tries to use incompatible tcp backend '${target.name}' (${target.loc.file}:${target.loc.line}) in a 'use_backend' rule (see 'mode').`));
        }
      }
      const lfmt = px.options.logFormat;
      if (lfmt !== undefined) {
        // kw-log: compiled here, after parsing, as HAProxy does; only the 'logs' checkpoint (bit 18)
        // applies, whatever the mode (req.hdr is refused there: HAProxy has freed the request)
        const lf = parseLogFormat(lfmt.raw, 1 << 18, p.opts.baseDir, { tcp: px.mode !== 'http' });
        if ('err' in lf) {
          out.push(post('alert', 'HLY_CFG_BAD_ARG', `failed to parse log-format : ${lf.err}`, { style: 'Parsing-tight', loc: lfmt.loc }));
        } else if ('unsupported' in lf) {
          out.push(post('alert', 'HLY_CFG_UNSUPPORTED', `${lf.unsupported} in a log-format is not supported by Halyard.`, { style: 'parsing', loc: lfmt.loc }));
        } else {
          const bad = logLineUnsupported(lf);
          if (bad !== undefined) out.push(post('alert', 'HLY_CFG_UNSUPPORTED', `${bad} in a log-format is not supported by Halyard.`, { style: 'parsing', loc: lfmt.loc }));
        }
      }
      const uid = px.options.uniqueIdFormat;
      if (uid !== undefined) {
        // kw-log: HAProxy compiles it at the http-request header checkpoint (bit 3)
        const lf = parseLogFormat(uid.raw, 1 << 3, p.opts.baseDir, { tcp: px.mode !== 'http' });
        if ('err' in lf) {
          out.push(post('alert', 'HLY_CFG_BAD_ARG', `failed to parse unique-id : ${lf.err}`, { style: 'Parsing-tight', loc: uid.loc }));
        } else {
          const bad = 'unsupported' in lf ? lf.unsupported : logLineUnsupported(lf, true);
          if (bad !== undefined) out.push(post('alert', 'HLY_CFG_UNSUPPORTED', `${bad} in a unique-id-format is not supported by Halyard.`, { style: 'parsing', loc: uid.loc }));
        }
      }
      if (px.mode === 'tcp') {
        if (px.options.httplog) {
          // kw-proxy: HAProxy names the line of the `option httplog`
          const at = px.options.httplogLoc;
          out.push(post('warning', 'HLY_CFG_PLACEMENT', `'option httplog' not usable with ${kindWord(px)} '${px.name}' (needs 'mode http'). Falling back to 'option tcplog'.`, at !== undefined ? { loc: at, style: 'parsing' } : {}));
        }
        if (px.httpRequest.length > 0) out.push(post('warning', 'HLY_CFG_PLACEMENT', `'http-request' rules ignored for ${kindWord(px)} '${px.name}' as they require HTTP mode.`));
        if (px.httpResponse.length > 0) out.push(post('warning', 'HLY_CFG_PLACEMENT', `'http-response' rules ignored for ${kindWord(px)} '${px.name}' as they require HTTP mode.`));
      }
    }
    if (px.kind === 'backend' && px.mode === 'tcp') {
      // kw-acl: HTTP rules in a TCP backend are ignored with a warning (frontends are handled above).
      if (px.httpRequest.length > 0) out.push(post('warning', 'HLY_CFG_PLACEMENT', `'http-request' rules ignored for backend '${px.name}' as they require HTTP mode.`));
      if (px.httpResponse.length > 0) out.push(post('warning', 'HLY_CFG_PLACEMENT', `'http-response' rules ignored for backend '${px.name}' as they require HTTP mode.`));
      if (px.redirects.length > 0) out.push(post('warning', 'HLY_CFG_PLACEMENT', `'redirect' rules ignored for backend '${px.name}' as they require HTTP mode.`));
    }
    if (be(px)) {
      out.push(...serverPostChecks(px, backends)); // kw-server
      for (const s of px.servers) {
        // kw-server: a +N/-N offset is no service port for checks (HAProxy refuses it too)
        if (s.check && s.port === undefined && s.checkPort === undefined && s.family !== 'unix' && s.family !== 'abns') {
          out.push(post('alert', 'HLY_CFG_BAD_ARG', `config: ${kindWord(px)} '${px.name}': server '${s.name}' has neither service port nor check port.`));
        }
      }
      if (px.mode === 'tcp') {
        // kw-proxy: the backend-level warning, and the per-server one even without a `cookie` line
        if (px.cookie !== undefined) out.push(post('warning', 'HLY_CFG_PLACEMENT', `cookie will be ignored for ${kindWord(px)} '${px.name}' (needs 'mode http').`));
        for (const s of px.servers) {
          if (s.cookie !== undefined) out.push(post('warning', 'HLY_CFG_PLACEMENT', `${kindWord(px)} '${px.name}' : ignoring cookie for server '${s.name}' as HTTP mode is disabled.`));
        }
        if (['uri', 'url_param', 'hdr'].includes(px.balance.algo)) {
          out.push(post('warning', 'HLY_CFG_PLACEMENT', `Layer 7 hash not possible for ${kindWord(px)} '${px.name}' (needs 'mode http'). Falling back to round robin.`));
        }
      }
      for (const us of px.useServers) {
        if (!px.servers.some((s) => s.name === us.name)) {
          out.push(post('alert', 'HLY_CFG_REFERENCE', `${kindWord(px)} '${px.name}' : unable to find server '${us.name}' referenced in a 'use-server' rule.`));
        }
      }
    }
    const t = px.timeouts;
    const missing = (fe(px) && t.client === undefined) || (be(px) && (t.connect === undefined || t.server === undefined));
    if (missing) {
      out.push(post('warning', 'HLY_CFG_MISSING', `missing timeouts for ${kindWord(px)} '${px.name}'.`, {
        more: [
          'While not properly invalid, you will certainly encounter various problems',
          'with such a configuration. To fix this, please ensure that all following',
          `timeouts are set to a non-zero value: 'client', 'connect', 'server'.`,
        ],
      }));
    }
    const logCount = px.logs.reduce((n, l) => n + (l.target === 'global' ? p.global.logs.length : 1), 0);
    if (fe(px) && (px.options.httplog || px.options.tcplog || px.options.logFormat !== undefined) && logCount === 0) {
      out.push(post('warning', 'HLY_CFG_PLACEMENT', `log format ignored for ${kindWord(px)} '${px.name}' since it has no log address.`));
    }
  }
  return out;
}

/** True when something would listen: an enabled frontend/listen with a bind, or a stats socket. */
export function hasListener(p: ConfigParser): boolean {
  if (p.global.statsSockets.length > 0) return true;
  return p.proxies.some((px) => fe(px) && !px.disabled && px.binds.length > 0);
}
