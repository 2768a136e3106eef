// Where finished lines go: UDP syslog (one datagram per line), a file descriptor (stdout, stderr,
// fd@N) and unix datagram sockets such as /dev/log. Sinks are shared: like HAProxy (one socket per
// address family for all its loggers), every UDP target of a family uses one socket.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import { FdWriter, type LineWriter } from './stdio.js';

export interface Sink {
  /** send one line; `line` ends with '\n' and is already cut to the target's `len` */
  send(line: string): void;
  close(): void;
}

/** Reports a sink failure once (HAProxy prints an ALERT on stderr and goes on without that logger). */
export type SinkAlert = (text: string) => void;

export interface UdpAddress { host: string; port: number; family: 4 | 6 | 0 }

/** `127.0.0.1`, `127.0.0.1:514`, `[::1]:514`, `::1`, `udp@host:port`, `ipv6@host`... (514 by default). */
export function parseUdpAddress(target: string): UdpAddress | undefined {
  let family: 4 | 6 | 0 = 0;
  let t = target;
  const at = t.indexOf('@');
  if (at >= 0) {
    const p = t.slice(0, at);
    if (p === 'udp4' || p === 'ipv4') family = 4;
    else if (p === 'udp6' || p === 'ipv6') family = 6;
    else if (p !== 'udp') return undefined;
    t = t.slice(at + 1);
  }
  let host: string;
  let port = 514;
  if (t.startsWith('[')) {
    const end = t.indexOf(']');
    if (end < 0) return undefined;
    host = t.slice(1, end);
    const rest = t.slice(end + 1);
    if (rest.startsWith(':') && rest.length > 1) port = Number(rest.slice(1));
    else if (rest !== '' && rest !== ':') return undefined;
  } else {
    const first = t.indexOf(':');
    if (first >= 0 && t.indexOf(':', first + 1) >= 0) {
      host = t; // a bare IPv6 address carries no port
    } else if (first >= 0) {
      host = t.slice(0, first);
      if (first + 1 < t.length) port = Number(t.slice(first + 1));
    } else {
      host = t;
    }
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535 || host === '') return undefined;
  const ipf = isIP(host);
  if (ipf === 4 || ipf === 6) family = ipf;
  return { host, port, family };
}

/** One UDP socket per family, created on first use and unref'd so logging never keeps a process alive. */
class UdpSockets {
  private s4: Socket | undefined;
  private s6: Socket | undefined;
  constructor(private readonly alert: SinkAlert) {}
  get(family: 4 | 6): Socket {
    let s = family === 4 ? this.s4 : this.s6;
    if (s === undefined) {
      s = createSocket(family === 4 ? 'udp4' : 'udp6');
      let told = false;
      s.on('error', (e) => { if (!told) { told = true; this.alert(`sendmsg()/writev() failed in logger: ${e.message}`); } });
      s.unref();
      if (family === 4) this.s4 = s; else this.s6 = s;
    }
    return s;
  }
  close(): void {
    this.s4?.close();
    this.s6?.close();
    this.s4 = this.s6 = undefined;
  }
}

class UdpSink implements Sink {
  private ip: string | undefined;
  private family: 4 | 6 = 4;
  private pending: string[] | undefined;
  constructor(private readonly sockets: UdpSockets, private readonly addr: UdpAddress, alert: SinkAlert) {
    if (addr.family !== 0 && isIP(addr.host) !== 0) {
      this.ip = addr.host;
      this.family = addr.family;
      return;
    }
    // a name: resolve once (HAProxy resolves at startup), hold the first lines until then
    this.pending = [];
    lookup(addr.host, { family: addr.family }, (err, address, fam) => {
      const queued = this.pending ?? [];
      this.pending = undefined;
      if (err !== null) { alert(`cannot resolve log server '${addr.host}': ${err.message}`); return; }
      this.ip = address;
      this.family = fam === 6 ? 6 : 4;
      for (const l of queued) this.send(l);
    });
  }
  send(line: string): void {
    if (this.ip === undefined) {
      if (this.pending !== undefined && this.pending.length < 1000) this.pending.push(line);
      return;
    }
    this.sockets.get(this.family).send(line, this.addr.port, this.ip);
  }
  close(): void { /* the shared sockets are closed by the registry */ }
}

class FdSink implements Sink {
  constructor(private readonly w: LineWriter) {}
  send(line: string): void { this.w.write(line); }
  close(): void { this.w.flushSync(); }
}

/**
 * Node has no unix datagram sockets, so lines for /dev/log-style targets go through one
 * util-linux `logger` child per socket, fed `<PRI>message` lines on stdin (--prio-prefix). logger
 * builds the same header HAProxy's default ("local") format has: `<PRI>Mon dd HH:MM:SS tag[pid]: `.
 */
class UnixSink implements Sink {
  private child: ChildProcess | undefined;
  private dead = false;
  constructor(path: string, tag: string, pid: number, len: number, rfc3164: boolean, private readonly alert: SinkAlert) {
    const args = ['-u', path, '--socket-errors=on', '--prio-prefix', '-t', tag, `--id=${pid}`, '--size', String(len)];
    if (rfc3164) args.push('--rfc3164');
    let child: ChildProcess;
    try {
      child = spawn('logger', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (e: unknown) {
      this.fail(`cannot log to unix socket '${path}': ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.child = child;
    let err = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('error', (e) => this.fail(`cannot log to unix socket '${path}' (needs util-linux 'logger'): ${e.message}`));
    child.on('exit', () => { if (!this.dead) this.fail(`logger for unix socket '${path}' exited${err === '' ? '' : ': ' + err.trim()}`); });
    child.stdin?.on('error', () => { /* reported by 'exit' */ });
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  }
  private fail(text: string): void {
    if (this.dead) return;
    this.dead = true;
    this.alert(text);
  }
  send(line: string): void {
    if (!this.dead) this.child?.stdin?.write(line);
  }
  close(): void {
    this.dead = true;
    this.child?.stdin?.end();
  }
}

/** Opens and shares sinks for a whole process. */
export class SinkRegistry {
  private readonly udp: UdpSockets;
  private readonly byKey = new Map<string, Sink>();
  private readonly writers = new Map<number, FdWriter>();

  constructor(private readonly alert: SinkAlert, private readonly tag: string, private readonly pid: number) {
    this.udp = new UdpSockets(alert);
  }

  /** The writer for a descriptor, shared by every target on it (also used for stderr messages). */
  fdWriter(fd: number): FdWriter {
    let w = this.writers.get(fd);
    if (w === undefined) {
      w = new FdWriter(fd, (e) => this.alert(`writev() failed on fd ${fd}: ${e.message}`));
      this.writers.set(fd, w);
    }
    return w;
  }

  /** The sink for a `log` target, or a reason it cannot be opened. */
  open(target: string, len: number, format: string | undefined): Sink | string {
    const key = target + '\0' + len + '\0' + (format ?? '');
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    let sink: Sink | string;
    if (target === 'stdout') sink = new FdSink(this.fdWriter(1));
    else if (target === 'stderr') sink = new FdSink(this.fdWriter(2));
    else if (target.startsWith('fd@')) {
      const fd = Number(target.slice(3));
      sink = Number.isInteger(fd) && fd >= 0 ? new FdSink(this.fdWriter(fd)) : `invalid file descriptor in '${target}'`;
    } else if (target.startsWith('/') || target.startsWith('unix@')) {
      const path = target.startsWith('unix@') ? target.slice(5) : target;
      sink = new UnixSink(path, this.tag, this.pid, len, format === 'rfc3164', this.alert);
    } else {
      const addr = parseUdpAddress(target);
      sink = addr === undefined ? `unknown log address '${target}'` : new UdpSink(this.udp, addr, this.alert);
    }
    if (typeof sink !== 'string') this.byKey.set(key, sink);
    return sink;
  }

  close(): void {
    for (const s of this.byKey.values()) s.close();
    for (const w of this.writers.values()) w.flushSync();
    this.byKey.clear();
    this.udp.close();
  }
}
