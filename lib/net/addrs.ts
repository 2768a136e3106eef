/**
 * A client connection's two addresses, read when first asked for.
 *
 * Node does not get the peer address from accept(): each address is a syscall (getpeername,
 * getsockname) and an object. A connection that is neither logged nor matched on src/dst nor
 * given X-Forwarded-For needs neither. The local address is the listener's own where it is
 * bound to one address (read once per listener); only a wildcard bind asks the socket.
 *
 * On an accept-proxy listener the PROXY header replaces both (`setProxied`).
 *
 * A destroyed socket no longer knows its addresses: an owner that needs them after the
 * connection may be gone (the log line at the end) calls `read()` while it is still open.
 */
import type { Server, Socket } from 'node:net';
import { plainIp } from '../runtime/l4cond.js';
import { unixListenerId } from './listen.js';

/** per listener: its address when it is bound to one, null for a wildcard bind */
const listenerAddr = new WeakMap<Server, { ip: string; port: number } | null>();

function boundTo(srv: Server | undefined): { ip: string; port: number } | null {
  if (srv === undefined || srv === null) return null;
  let a = listenerAddr.get(srv);
  if (a === undefined) {
    const info = srv.address();
    a = info !== null && typeof info === 'object' && info.address !== '0.0.0.0' && info.address !== '::'
      ? { ip: plainIp(info.address), port: info.port }
      : null;
    listenerAddr.set(srv, a);
  }
  return a;
}

export class ConnAddrs {
  private peerRead = false;
  private localRead = false;
  private sip = '';
  private sport = 0;
  private dip = '';
  private dport = 0;
  /** the addresses as the socket gives them (`::ffff:127.0.0.1` on a dual-stack bind), for logs */
  private rawSip = '';
  private rawDip = '';
  /** a unix socket client: its listener's id (HAProxy logs it as `unix:<id>`), else -1 */
  private unixId = -1;

  constructor(private readonly sock: Socket) {}

  get srcIp(): string {
    if (!this.peerRead) this.readPeer();
    return this.sip;
  }

  get srcPort(): number {
    if (!this.peerRead) this.readPeer();
    return this.sport;
  }

  get dstIp(): string {
    if (!this.localRead) this.readLocal();
    return this.dip;
  }

  get dstPort(): number {
    if (!this.localRead) this.readLocal();
    return this.dport;
  }

  /**
   * The client as HAProxy's %ci prints it: its address, or `unix` for a unix socket client (which
   * has none; src, X-Forwarded-For and balancing still see no address).
   */
  get logIp(): string {
    if (!this.peerRead) this.readPeer();
    return this.unixId > 0 ? 'unix' : this.rawSip;
  }

  /** The frontend address as HAProxy logs it ("Connect from ... to <here>"): as the socket has it. */
  get logDstIp(): string {
    if (!this.localRead) this.readLocal();
    return this.rawDip;
  }

  /** %cp: the client's port, or the listener id for a unix socket client. */
  get logPort(): number {
    if (!this.peerRead) this.readPeer();
    return this.unixId > 0 ? this.unixId : this.sport;
  }

  /**
   * The addresses a PROXY protocol header gave (accept-proxy): from now on they are the
   * connection's, for logs, X-Forwarded-For, ACLs, balancing and send-proxy alike.
   */
  setProxied(srcIp: string, srcPort: number, dstIp: string, dstPort: number): void {
    this.peerRead = true;
    this.localRead = true;
    this.unixId = -1;
    this.sip = srcIp;
    this.rawSip = srcIp;
    this.rawDip = dstIp;
    this.sport = srcPort;
    this.dip = dstIp;
    this.dport = dstPort;
  }

  /** Reads both now, while the socket is open. */
  read(): void {
    if (!this.peerRead) this.readPeer();
    if (!this.localRead) this.readLocal();
  }

  private readPeer(): void {
    this.peerRead = true;
    const ip = this.sock.remoteAddress;
    // a unix socket peer has no address (nor has a socket already destroyed: no id either)
    if (ip === undefined) this.unixId = unixListenerId(this.sock);
    this.rawSip = ip ?? '';
    this.sip = plainIp(ip);
    this.sport = this.sock.remotePort ?? 0;
  }

  private readLocal(): void {
    this.localRead = true;
    const known = boundTo((this.sock as Socket & { server?: Server }).server);
    if (known !== null) {
      this.dip = known.ip;
      this.rawDip = known.ip;
      this.dport = known.port;
      return;
    }
    this.rawDip = this.sock.localAddress ?? '';
    this.dip = plainIp(this.rawDip);
    this.dport = this.sock.localPort ?? 0;
  }
}
