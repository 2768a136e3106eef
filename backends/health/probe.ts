/**
 * One check run against one server: walks a CheckProgram's steps over a real socket and
 * reports a single CheckOutcome. It never touches the server's state; HealthCheck decides what
 * the outcome means.
 *
 * Deadlines follow HAProxy 2.6: the whole run is bounded by `inter`; when `timeout check` is
 * set, the connection attempt is bounded by min(inter, timeout connect) and, once connected,
 * the rest by `timeout check`. A deadline before the connection is up is L4TOUT, after it the
 * current expect's tout-status (L7TOUT). The deadline is a Timed on the shared scheduler: no
 * per-run Node timer.
 */
import { Socket } from 'node:net';
import { BodyFramer, HeadReader, NEED_MORE, ResponseHead, parseResponseHead, RESP_TO_HEAD } from '../../lib/http1/index.js';
import type { CheckProgram, CheckStep, ConnectStep, ExpectStep } from './rules.js';
import type { Scheduler, Timed } from './scheduler.js';
import { CheckStatus, type CheckOutcome } from './status.js';
import { httpCheckRequest, proxyV1, proxyV2 } from './wire.js';

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  /** PROXY header on the implicit connection (server `send-proxy*` without check port/addr) */
  readonly sendProxy: 'v1' | 'v2' | null;
}

export interface ProbeTimeouts {
  readonly inter: number;
  /** `timeout connect`, 0 when unset */
  readonly connect: number;
  /** `timeout check`, 0 when unset */
  readonly check: number;
}

/** What a run needs from its server while it runs. */
export interface ProbeHost {
  /** value of x-haproxy-server-state (http-check send-state) */
  stateHeader(): string;
  /** the server is not DOWN (a 404 may then mean "stopping" with disable-on-404) */
  isUp(): boolean;
  /** a check connection opened / closed: it counts as in use on the server, as in HAProxy */
  connOpened?(): void;
  connClosed?(): void;
}

/** HAProxy keeps at most one buffer (16 kB) of response for expectations. */
const MAX_DATA = 16384;

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  ETIMEDOUT: 'Connection timed out',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EPIPE: 'Broken pipe',
};

const noop = (): void => {};

export class Probe implements Timed {
  /** gives the open check connection back to the server's counts (set per connection) */
  private releaseConn: () => void = noop;
  /** the current connection closes with a FIN (`linger`), else with a reset */
  private linger = false;
  due = 0;
  slot = -1;
  private run = 0;
  private busy = false;
  private started = 0;
  private idx = 0;
  private sock: Socket | null = null;
  private connected = false;
  private eof = false;
  private data: Buffer = Buffer.alloc(0);
  private readonly reader = new HeadReader();
  private readonly head = new ResponseHead();
  private readonly framer = new BodyFramer();
  private headDone = false;
  private headBad = false;
  private bodyDone = false;
  private headReq = false;

  constructor(
    private readonly program: CheckProgram,
    private readonly target: ProbeTarget,
    private readonly timeouts: ProbeTimeouts,
    private readonly sched: Scheduler,
    private readonly host: ProbeHost,
    private readonly done: (o: CheckOutcome) => void,
  ) {}

  get running(): boolean {
    return this.busy;
  }

  start(): void {
    if (this.busy) return;
    this.busy = true;
    this.run++;
    this.started = this.sched.now();
    this.idx = 0;
    this.step();
  }

  /** Stops a run without reporting (server removed, checks stopped). */
  abort(): void {
    if (!this.busy) return;
    this.busy = false;
    this.run++;
    this.sched.cancel(this);
    this.closeSocket();
  }

  /** The deadline passed. */
  fire(): void {
    if (!this.busy) return;
    const s = this.program.steps[this.idx];
    if (!this.connected) {
      this.finish(CheckStatus.L4TOUT, 0, this.connectInfo(''));
    } else if (s !== undefined && s.kind === 'expect') {
      const info = this.program.type === 'tcp-check' ? ` at step ${s.step} of tcp-check (expect ${s.negate ? '! ' : ''}${s.match} '${s.pattern}')` : '';
      this.finish(s.toutStatus, 0, info);
    } else {
      this.finish(CheckStatus.L7TOUT, 0, '');
    }
  }

  /** Runs steps until one must wait for the network, or the program ends. */
  private step(): void {
    const steps = this.program.steps;
    while (this.busy) {
      const s: CheckStep | undefined = steps[this.idx];
      if (s === undefined) return this.succeed();
      switch (s.kind) {
        case 'connect':
          this.connect(s);
          return;
        case 'send':
          this.data = Buffer.alloc(0);
          this.write(s.data);
          break;
        case 'http-send': {
          this.resetResponse();
          this.headReq = s.method === 'HEAD';
          this.write(httpCheckRequest(s, this.program.sendState ? this.host.stateHeader() : null));
          break;
        }
        case 'expect': {
          const verdict = s.http ? this.expectHttp(s) : this.expectTcp(s);
          if (verdict !== 'pass') return;
          break;
        }
        default: {
          const never: never = s;
          return never;
        }
      }
      this.idx++;
    }
  }

  private connect(s: ConnectStep): void {
    this.closeSocket();
    this.connected = false;
    this.eof = false;
    this.data = Buffer.alloc(0);
    const now = this.sched.now();
    const t = this.timeouts;
    let deadline = now + t.inter;
    if (t.check > 0 && t.connect > 0) deadline = Math.min(deadline, now + t.connect);
    this.sched.schedule(this, deadline);
    const run = this.run;
    const sock = new Socket();
    this.sock = sock;
    this.linger = s.linger === true;
    const host = this.host;
    if (host.connOpened !== undefined) {
      host.connOpened();
      // released when the run lets go of it (closeSocket) or when it closes first, once
      let open = true;
      this.releaseConn = () => {
        if (open) host.connClosed?.();
        open = false;
      };
      sock.once('close', this.releaseConn);
    }
    const proxy = s.sendProxy ? (this.target.sendProxy ?? 'v1') : s.useServer ? this.target.sendProxy : null;
    sock.on('connect', () => {
      if (run !== this.run) return;
      this.connected = true;
      if (t.check > 0) this.sched.schedule(this, this.sched.now() + t.check);
      if (proxy !== null) {
        const fam = sock.remoteFamily === 'IPv6' ? 6 : 4;
        const mk = proxy === 'v2' ? proxyV2 : proxyV1;
        sock.write(mk(fam, sock.localAddress ?? '', sock.remoteAddress ?? '', sock.localPort ?? 0, sock.remotePort ?? 0));
      }
      this.idx++;
      this.step();
    });
    sock.on('data', (chunk: Buffer) => {
      if (run === this.run) this.onData(chunk);
    });
    sock.on('end', () => {
      if (run !== this.run) return;
      this.eof = true;
      this.framer.eof();
      this.bodyDone = true;
      this.step();
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (run === this.run) this.onError(e);
    });
    sock.connect({ host: s.addr ?? this.target.host, port: s.port ?? this.target.port });
  }

  private onError(e: NodeJS.ErrnoException): void {
    const text = ERRNO_TEXT[e.code ?? ''];
    if (!this.connected) {
      if (text === undefined) this.finish(CheckStatus.SOCKERR, 0, e.message);
      else this.finish(CheckStatus.L4CON, 0, this.connectInfo(text));
      return;
    }
    // A reset or broken pipe once connected ends the response: judge what was received.
    this.eof = true;
    this.bodyDone = true;
    this.step();
    if (this.busy) this.finish(CheckStatus.L7RSP, 0, '');
  }

  /** errno text plus the tcp-check step suffix HAProxy appends. */
  private connectInfo(text: string): string {
    if (this.program.type !== 'tcp-check') return text;
    const s = this.program.steps[this.idx];
    if (s === undefined || s.kind !== 'connect' || s.step === 0) return `${text} at initial connection step of tcp-check`;
    return `${text} at step ${s.step} of tcp-check (connect${s.port !== null ? ` port ${s.port}` : ''})`;
  }

  private write(b: Buffer): void {
    const sock = this.sock;
    if (sock !== null && !sock.destroyed) sock.write(b);
  }

  private onData(chunk: Buffer): void {
    const s = this.program.steps[this.idx];
    if (s !== undefined && s.kind === 'expect' && s.http) this.feedHttp(chunk);
    else if (this.data.length < MAX_DATA) this.data = this.data.length === 0 ? chunk : Buffer.concat([this.data, chunk]);
    this.step();
  }

  private resetResponse(): void {
    this.reader.reset();
    this.headDone = false;
    this.headBad = false;
    this.bodyDone = false;
    this.data = Buffer.alloc(0);
  }

  private feedHttp(chunk: Buffer): void {
    if (this.headBad) return;
    if (!this.headDone) {
      const end = this.reader.push(chunk);
      if (end === NEED_MORE) return;
      if (end < 0 || parseResponseHead(this.reader.buffer, this.reader.start, end, this.head, this.headReq ? RESP_TO_HEAD : 0) !== 0) {
        this.headBad = true;
        return;
      }
      const rest = this.reader.buffer.subarray(end);
      if (this.head.interim) {
        this.reader.reset();
        if (rest.length > 0) this.feedHttp(rest);
        return;
      }
      this.headDone = true;
      this.bodyDone = this.framer.start(this.head);
      if (rest.length > 0) this.feedBody(rest);
      return;
    }
    this.feedBody(chunk);
  }

  private feedBody(b: Buffer): void {
    if (this.bodyDone) return;
    const n = this.framer.feed(b, 0, b.length);
    if (n < 0) {
      this.bodyDone = true;
      return;
    }
    if (this.data.length < MAX_DATA) this.data = Buffer.concat([this.data, b.subarray(0, Math.min(n, MAX_DATA - this.data.length))]);
    if (this.framer.done || this.data.length >= MAX_DATA) this.bodyDone = true;
  }

  private expectHttp(s: ExpectStep): 'pass' | 'wait' | 'fail' {
    if (this.headBad || (!this.headDone && this.eof)) return this.fail(CheckStatus.L7RSP, 0, '');
    if (!this.headDone) return 'wait';
    const code = this.head.status;
    if (s.match === 'status' || s.match === 'rstatus') {
      if (this.program.disableOn404 && code === 404 && this.host.isUp()) return this.fail(CheckStatus.L7OKC, code, '');
      let m = false;
      if (s.match === 'status') {
        for (const [lo, hi] of s.ranges) if (code >= lo && code <= hi) m = true;
      } else m = s.regex !== null && s.regex.test(String(code));
      return m !== s.negate ? 'pass' : this.fail(s.errorStatus, code, this.head.reason());
    }
    if (!this.bodyDone && !this.eof) return 'wait';
    const m = this.matches(s, this.data);
    if (m !== s.negate) return 'pass';
    return this.fail(s.errorStatus, code, m ? 'HTTP check matched unwanted content' : 'HTTP content check did not match');
  }

  private expectTcp(s: ExpectStep): 'pass' | 'wait' | 'fail' {
    const d = this.data;
    const last = this.eof || d.length >= MAX_DATA;
    if (!last && s.minRecv > 0 && d.length < s.minRecv) return 'wait';
    if (last && d.length === 0) return this.fail(CheckStatus.L7RSP, 0, `TCPCHK got an empty response at step ${s.step}`);
    const m = this.matches(s, d);
    // A mismatch may still become a match with more bytes, unless min-recv says it is enough.
    if (!m && !last && s.minRecv === -1) return 'wait';
    if (m !== s.negate) return 'pass';
    return this.fail(s.errorStatus, 0, `TCPCHK ${m ? 'matched unwanted' : 'did not match'} content '${s.pattern}' at step ${s.step}`);
  }

  private matches(s: ExpectStep, d: Buffer): boolean {
    switch (s.match) {
      case 'string':
      case 'binary':
        return s.bytes !== null && d.indexOf(s.bytes) >= 0;
      case 'rstring':
        return s.regex !== null && s.regex.test(d.toString('latin1'));
      case 'rbinary':
        return s.regex !== null && s.regex.test(d.toString('hex').toUpperCase());
      default:
        return false;
    }
  }

  private fail(status: CheckStatus, code: number, info: string): 'fail' {
    this.finish(status, code, info);
    return 'fail';
  }

  /** Every step passed. */
  private succeed(): void {
    const p = this.program;
    if (p.type === 'tcp') return this.finish(CheckStatus.L4OK, 0, '');
    const last = p.steps[p.steps.length - 1];
    // as haproxy 2.6: a script ending on its connect is L4OK, one ending on a send L7OK "(tcp-check)"
    if (last === undefined || last.kind === 'connect') return this.finish(CheckStatus.L4OK, 0, '');
    if (last.kind !== 'expect') return this.finish(CheckStatus.L7OK, 0, '(tcp-check)');
    if (p.type === 'http') return this.finish(last.okStatus, this.head.status, '');
    return this.finish(last.okStatus, 0, '(tcp-check)');
  }

  private finish(status: CheckStatus, code: number, info: string): void {
    if (!this.busy) return;
    this.busy = false;
    this.run++;
    this.sched.cancel(this);
    this.closeSocket();
    this.done({ status, code, info, duration: Math.max(0, Math.floor(this.sched.now() - this.started)) });
  }

  private closeSocket(): void {
    const s = this.sock;
    if (s === null) return;
    this.sock = null;
    this.releaseConn();
    this.releaseConn = noop;
    // HAProxy closes check connections with a reset unless the connect rule says `linger`
    if (!this.linger && !s.destroyed && !s.connecting && typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
    else s.destroy();
  }
}
