// Public face of lib/log: what frontends, backends and the CLI import.
export type { HttpRecord, SessionLogger, SessionRecord } from './record.js';
export { connectLine, encodeRequestLine, httplogClfLine, httplogLine, tcplogLine } from './format.js';
export { buildHeader, type LogFormat, type LogLevel } from './header.js';
export { createSessionLogger, LogSystem, ProxyLogger, stderrLine, type LogEnv, type StderrLevel } from './logger.js';
