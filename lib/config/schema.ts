// The JSON Schema of the compiled model (lib/config/model.ts), checked with ajv after every load:
// a mismatch is a Halyard bug, reported instead of starting with a half-built model.
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

const loc = {
  type: 'object', required: ['file', 'line'],
  properties: { file: { type: 'string' }, line: { type: 'integer', minimum: 0 }, col: { type: 'integer' } },
} as const;

const condition = {
  type: 'object', required: ['polarity', 'or', 'loc'],
  properties: {
    polarity: { enum: ['if', 'unless'] },
    or: { type: 'array', items: { type: 'array', items: { type: 'object', required: ['acl', 'negate', 'scope'] } } },
    loc,
  },
} as const;

const rule = {
  type: 'object', required: ['action', 'args', 'loc'],
  properties: {
    action: { type: 'string' }, args: { type: 'array', items: { type: 'string' } }, cond: condition, loc,
    // kw-acl: the parsed action (model.ts HttpAction), tagged by `type`
    params: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
  },
} as const;

// kw-acl: ACL tests as the runtime compiles them
const sampleExpr = {
  type: 'object', required: ['fetch', 'args', 'converters'],
  properties: {
    fetch: { type: 'string' }, args: { type: 'array', items: { type: 'string' } },
    converters: { type: 'array', items: { type: 'object', required: ['name', 'args'] } },
  },
} as const;

const acl = {
  type: 'object', required: ['name', 'scope', 'tests', 'anonymous', 'predefined', 'loc'],
  properties: {
    name: { type: 'string', minLength: 1 }, scope: { type: 'string' },
    tests: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['kw', 'expr', 'match', 'ignoreCase', 'values', 'files', 'noDns', 'loc'],
        properties: {
          expr: sampleExpr,
          match: { enum: ['found', 'bool', 'int', 'ip', 'bin', 'len', 'str', 'sub', 'reg', 'beg', 'end', 'dir', 'dom'] },
          values: { type: 'array', items: { type: 'object', required: ['kind'], properties: { kind: { enum: ['str', 'reg', 'int', 'ip', 'bin'] } } } },
        },
      },
    },
    loc,
  },
} as const;

const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;
const ms = { type: 'integer', minimum: 0, maximum: 2147483647 } as const;

const server = {
  type: 'object',
  required: ['name', 'host', 'family', 'check', 'inter', 'rise', 'fall', 'weight', 'backup', 'disabled', 'maxconn', 'maxqueue', 'slowstart', 'loc'],
  properties: {
    name: { type: 'string', minLength: 1 },
    host: { type: 'string' },
    family: { enum: ['ipv4', 'ipv6', 'host', 'unix', 'abns'] },
    // kw-server additions
    resolveFamily: { enum: [4, 6] }, template: { type: 'string' }, id: { type: 'integer', minimum: 1 },
    checkSendProxy: { type: 'boolean' }, observe: { enum: ['none', 'layer4', 'layer7'] },
    onMarkedDown: { enum: ['shutdown-sessions'] }, onMarkedUp: { enum: ['shutdown-backup-sessions'] },
    onError: { enum: ['fastinter', 'fail-check', 'sudden-death', 'mark-down'] },
    errorLimit: { type: 'integer', minimum: 1 }, initAddr: { type: 'array', items: { type: 'string' } },
    track: { type: 'string' }, poolMaxConn: { type: 'integer', minimum: -1 }, poolPurgeDelay: ms, poolLowConn: { type: 'integer' }, initAddrResult: { type: 'string' }, maxReuse: { type: 'integer' },
    port, checkPort: port,
    portOffset: { type: 'integer' },
    check: { type: 'boolean' },
    inter: ms, fastinter: ms, downinter: ms, slowstart: ms,
    rise: { type: 'integer', minimum: 1 },
    fall: { type: 'integer', minimum: 1 },
    weight: { type: 'integer', minimum: 0, maximum: 256 },
    backup: { type: 'boolean' }, disabled: { type: 'boolean' },
    cookie: { type: 'string' },
    maxconn: { type: 'integer' }, maxqueue: { type: 'integer' },
    sendProxy: { enum: ['v1', 'v2'] },
    loc,
  },
} as const;

const bind = {
  type: 'object', required: ['addresses', 'options', 'loc'],
  properties: {
    addresses: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', required: ['family', 'host', 'portLow', 'portHigh'],
        properties: {
          family: { enum: ['ipv4', 'ipv6', 'unix', 'fd', 'host', 'abns', 'sockpair'] }, host: { type: 'string' },
          portLow: port, portHigh: port, path: { type: 'string' }, fd: { type: 'integer', minimum: 0 }, resolveFamily: { enum: [4, 6] },
        },
      },
    },
    // kw-server: BindOptions
    options: {
      type: 'object',
      properties: {
        name: { type: 'string' }, id: { type: 'integer', minimum: 1 }, maxconn: { type: 'integer' }, backlog: { type: 'integer' },
        mode: { type: 'integer', minimum: 0 }, uid: { type: 'integer' }, gid: { type: 'integer' },
        level: { enum: ['user', 'operator', 'admin'] }, severityOutput: { enum: ['none', 'number', 'string'] },
      },
    },
    loc,
  },
} as const;

const proxy = {
  type: 'object',
  required: ['kind', 'name', 'loc', 'mode', 'binds', 'timeouts', 'balance', 'hashType', 'servers', 'useBackends', 'acls', 'options', 'retries', 'httpRequest', 'httpResponse', 'redirects', 'stats', 'logs'],
  properties: {
    kind: { enum: ['defaults', 'frontend', 'backend', 'listen'] },
    name: { type: 'string' },
    loc,
    mode: { enum: ['tcp', 'http'] },
    binds: { type: 'array', items: bind },
    maxconn: { type: 'integer' },
    timeouts: { type: 'object', additionalProperties: ms },
    balance: { type: 'object', required: ['algo', 'args'], properties: { algo: { enum: ['roundrobin', 'static-rr', 'leastconn', 'first', 'source', 'uri', 'url_param', 'hdr', 'random'] }, args: { type: 'array', items: { type: 'string' } } } },
    hashType: { type: 'object', required: ['method', 'fn', 'avalanche'], properties: { method: { enum: ['map-based', 'consistent'] }, fn: { enum: ['sdbm', 'djb2', 'wt6', 'crc32', 'none'] } } },
    servers: { type: 'array', items: server },
    defaultBackend: { type: 'object', required: ['name', 'loc'] },
    useBackends: { type: 'array', items: { type: 'object', required: ['name', 'dynamic', 'loc'], properties: { name: { type: 'string' }, dynamic: { type: 'boolean' }, cond: condition, loc } } },
    // kw-acl: named ACLs, each a list of tests (model.ts AclConfig/AclTest)
    acls: { type: 'array', items: acl },
    options: { type: 'object', required: ['httplog', 'tcplog', 'dontlognull', 'tcpCheck', 'allbackups', 'logHealthChecks', 'persist'] },
    retries: { type: 'integer' },
    // kw-tcp-rules: tcp-request inspect-delay and accept/reject rules per stage
    tcpRequest: {
      type: 'object', required: ['connection', 'session', 'content'],
      properties: Object.fromEntries([['inspectDelay', ms], ...['connection', 'session', 'content'].map((k) => [k, {
        type: 'array', items: { type: 'object', required: ['action', 'loc'], properties: { action: { enum: ['accept', 'reject'] }, cond: condition, loc } },
      }])]),
    },
    httpRequest: { type: 'array', items: rule },
    httpResponse: { type: 'array', items: rule },
    httpAfterResponse: { type: 'array', items: rule },
    redirects: { type: 'array', items: rule },
    stats: { type: 'object', required: ['enabled', 'auth', 'admin'] },
    logs: { type: 'array', items: { type: 'object', required: ['target', 'loc'] } },
    // kw-proxy: the compiled health-check rules and the cookie settings
    checkRules: { type: 'array', items: { type: 'object', required: ['kind', 'loc'], properties: { kind: { enum: ['connect', 'send', 'http-send', 'expect'] }, loc } } },
    cookie: { type: 'object', required: ['name', 'mode', 'maxidle', 'maxlife'], properties: { mode: { enum: ['insert', 'rewrite', 'prefix', 'passive'] }, maxidle: { type: 'integer', minimum: 0 }, maxlife: { type: 'integer', minimum: 0 } } },
  },
} as const;

export const configSchema = {
  $id: 'https://halyard.invalid/config.json',
  type: 'object',
  required: ['files', 'global', 'defaults', 'proxies'],
  properties: {
    files: { type: 'array', items: { type: 'string' } },
    global: {
      type: 'object', required: ['daemon', 'logs', 'statsSockets'],
      properties: {
        maxconn: { type: 'integer' }, nbthread: { type: 'integer', minimum: 1, maximum: 64 }, daemon: { type: 'boolean' }, logs: { type: 'array' },
        // kw-proxy: stats sockets carry their parsed address and level
        statsSockets: { type: 'array', items: { type: 'object', required: ['address', 'family', 'level', 'loc'], properties: { family: { enum: ['unix', 'ipv4', 'ipv6'] }, level: { enum: ['user', 'operator', 'admin'] }, loc } } },
      },
    },
    defaults: { type: 'array', items: proxy },
    proxies: { type: 'array', items: proxy },
  },
} as const;

export const AJV_OPTIONS = { allErrors: false, strict: false } as const;

let validate: ValidateFunction | undefined;

/** The validator `npm run build` precompiled beside this file (scripts/build-schema.mjs), if any. */
function precompiled(): ValidateFunction | undefined {
  try {
    return createRequire(import.meta.url)('./schema-validate.cjs') as ValidateFunction;
  } catch {
    return undefined;
  }
}

/** undefined when the model is valid, else ajv's error text. Compiled once, on first use. */
export function validateModel(model: unknown): string | undefined {
  validate ??= precompiled() ?? new Ajv(AJV_OPTIONS).compile(configSchema);
  if (validate(model)) return undefined;
  const e = validate.errors?.[0];
  return e === undefined ? 'unknown error' : `${e.instancePath} ${e.message ?? ''}`;
}
