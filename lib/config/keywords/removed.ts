// Keywords HAProxy 2.6 still recognises only to refuse them, with the exact message it prints
// (recorded from haproxy 2.6.12 into test/fixtures/config/haproxy-2.6-keywords.json). Data, not code.
export const REMOVED_PROXY: Readonly<Record<string, string>> = {
  "appsession": "'appsession' is not supported anymore since HAProxy 1.6.",
  "block": "The 'block' directive is not supported anymore since HAProxy 2.1. Use 'http-request deny' which uses the exact same syntax.",
  "cliexp": "The 'cliexp' directive is not supported anymore since HAProxy 2.1. Use 'http-request replace-path', 'http-request replace-uri' or 'http-request replace-header' instead.",
  "clitimeout": "the 'clitimeout' directive is not supported anymore since HAProxy 2.1. Use 'timeout client'.",
  "contimeout": "the 'contimeout' directive is not supported anymore since HAProxy 2.1. Use 'timeout connect'.",
  "monitor-net": "'monitor-net' doesn't exist anymore. Please use 'http-request return status 200 if { src <arg> }' instead.",
  "redisp": "keyword 'redisp' directive is not supported anymore since HAProxy 2.1. Use 'option redispatch'.",
  "redispatch": "keyword 'redispatch' directive is not supported anymore since HAProxy 2.1. Use 'option redispatch'.",
  "reqadd": "The 'reqadd' directive is not supported anymore since HAProxy 2.1. Use 'http-request add-header' instead.",
  "reqallow": "The 'reqallow' directive is not supported anymore since HAProxy 2.1. Use 'http-request allow' instead.",
  "reqdel": "The 'reqdel' directive is not supported anymore since HAProxy 2.1. Use 'http-request del-header' instead.",
  "reqdeny": "The 'reqdeny' not supported anymore since HAProxy 2.1. Use 'http-request deny' instead.",
  "reqiallow": "The 'reqiallow' directive is not supported anymore since HAProxy 2.1. Use 'http-request allow' instead.",
  "reqidel": "The 'reqidel' directive is not supported anymore since HAProxy 2.1. Use 'http-request del-header' instead.",
  "reqideny": "The 'reqideny' directive is not supported anymore since HAProxy 2.1. Use 'http-request deny' instead.",
  "reqipass": "The 'reqipass' directive is not supported anymore since HAProxy 2.1.",
  "reqirep": "The 'reqirep' directive is not supported anymore since HAProxy 2.1. Use 'http-request replace-header' instead.",
  "reqitarpit": "The 'reqitarpit' directive is not supported anymore since HAProxy 2.1. Use 'http-request tarpit' instead.",
  "reqpass": "The 'reqpass' not supported anymore since HAProxy 2.1.",
  "reqrep": "The 'reqrep' directive is not supported anymore since HAProxy 2.1. Use 'http-request replace-path', 'http-request replace-uri' or 'http-request replace-header' instead.",
  "reqtarpit": "The 'reqtarpit' directive is not supported anymore since HAProxy 2.1. Use 'http-request tarpit' instead.",
  "rspadd": "The 'rspadd' directive is not supported anymore since HAProxy 2.1. Use 'http-response add-header' instead.",
  "rspdel": "The 'rspdel' directive is not supported anymore since HAProxy 2.1. Use 'http-response del-header' .",
  "rspdeny": "The 'rspdeny' directive is not supported anymore since HAProxy 2.1. Use 'http-response deny' instead.",
  "rspidel": "The 'rspidel' directive is not supported anymore since HAProxy 2.1. Use 'http-response del-header' instead.",
  "rspideny": "The 'rspideny' directive is not supported anymore since HAProxy 2.1. Use 'http-response deny' instead.",
  "rspirep": "The 'rspirep' directive is not supported anymore since HAProxy 2.1. Use 'http-response replace-header' instead.",
  "rsprep": "The 'rsprep' directive is not supported anymore since HAProxy 2.1. Use 'http-response replace-header' instead.",
  "srvexp": "The 'srvexp' directive is not supported anymore since HAProxy 2.1. Use 'http-response replace-header' instead.",
  "srvtimeout": "the 'srvtimeout' directive is not supported anymore since HAProxy 2.1. Use 'timeout server'.",
};

/** Accepted with a warning and no effect by 2.6 (`parsing [f:l]: ...`). */
export const DEPRECATED_PROXY: Readonly<Record<string, string>> = { 'bind-process': "'bind-process' has no effect, is deprecated, and will be removed in version 2.7." };

export const REMOVED_GLOBAL: Readonly<Record<string, string>> = { nbproc: "nbproc is not supported any more since HAProxy 2.5. Threads will automatically be used on multi-processor machines if available.", 'tune.chksize': "option 'tune.chksize' is not supported any more (tune.bufsize is used instead)." };
