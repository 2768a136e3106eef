// Listening sockets for `bind` lines: every address form HAProxy 2.6 accepts that Node can serve
// (ip:port, [v6]:port, *:port, port ranges, comma lists, unix@/path with mode/user/group, fd@N).
// One net.Server per port; connections go to a callback, so whoever owns the sockets (the master
// today, shared with workers tomorrow) stays apart from whoever serves them.
import { chmodSync, chownSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { execFileSync } from 'node:child_process';
import type { BindAddress, BindConfig } from '../config/model.js';

export interface ListenTarget {
  /** the proxy that owns the bind line, for messages and routing */
  readonly proxy: string;
  /** 'frontend' or 'proxy' (listen sections), as HAProxy words its bind errors */
  readonly kind: string;
  readonly bind: BindConfig;
}

export interface OpenListener {
  readonly proxy: string;
  readonly bind: BindConfig;
  /** what was asked for, printable: `127.0.0.1:8080`, `/run/x.sock`, `fd@3` */
  readonly label: string;
  readonly server: Server;
}

/**
 * Called for every accepted connection. Sockets arrive paused (pauseOnConnect): the frontend
 * resumes them when it has a slot, which is how maxconn holds connections without reading them.
 */
export type OnConnection = (proxy: string, socket: Socket, l: OpenListener) => void;

export class BindError extends Error {
  constructor(readonly target: ListenTarget, readonly label: string, readonly reason: string) {
    super(`Binding [${target.bind.loc.file}:${target.bind.loc.line}] for ${target.kind} ${target.proxy}: cannot bind socket (${reason}) for [${label}]`);
  }
}

const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'Address already in use',
  EACCES: 'Permission denied',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EBADF: 'Bad file descriptor',
  ENOENT: 'No such file or directory',
  EINVAL: 'Invalid argument',
};

function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? '';
  return REASONS[code] ?? ((e as Error | undefined)?.message ?? String(e));
}

interface Endpoint {
  label: string;
  options: { host?: string; port?: number; path?: string; fd?: number; ipv6Only?: boolean; backlog?: number };
  /** unix sockets: permissions applied once the socket file exists (mode is already numeric) */
  unix?: { path: string; mode?: number; uid?: number; gid?: number; user?: string; group?: string };
}

function endpoints(a: BindAddress, bind: BindConfig): Endpoint[] {
  const o = bind.options;
  const common = o.backlog !== undefined ? { backlog: o.backlog } : {};
  switch (a.family) {
    case 'unix': {
      const path = a.path ?? '';
      const unix: NonNullable<Endpoint['unix']> = {
        path,
        ...(o.mode !== undefined ? { mode: o.mode } : {}),
        ...(o.uid !== undefined ? { uid: o.uid } : {}),
        ...(o.gid !== undefined ? { gid: o.gid } : {}),
        ...(o.user !== undefined ? { user: o.user } : {}),
        ...(o.group !== undefined ? { group: o.group } : {}),
      };
      return [{ label: path, options: { path, ...common }, unix }];
    }
    case 'fd':
      return [{ label: `fd@${a.fd ?? ''}`, options: { fd: a.fd ?? -1, ...common } }];
    case 'abns':
    case 'sockpair':
      throw new Error(`'${a.family}@' listeners are not supported by Halyard`);
    default: {
      const out: Endpoint[] = [];
      const v6only = o.v6only === true;
      for (let p = a.portLow; p <= a.portHigh; p++) {
        const host = a.host;
        const label = a.family === 'ipv6' ? `[${host}]:${p}` : `${host}:${p}`;
        out.push({ label, options: { host, port: p, ...(v6only ? { ipv6Only: true } : {}), ...common } });
      }
      return out;
    }
  }
}

function listenOne(server: Server, ep: Endpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => { server.off('listening', onListening); reject(e); };
    const onListening = (): void => { server.off('error', onError); resolve(); };
    server.once('error', onError);
    server.once('listening', onListening);
    if (ep.unix !== undefined) {
      // a stale socket file from a previous run would make listen() fail: HAProxy replaces it too
      try { unlinkSync(ep.unix.path); } catch { /* absent: fine */ }
    }
    server.listen(ep.options);
  });
}

function idOf(kind: 'user' | 'group', name: string): number {
  return Number(execFileSync('id', [kind === 'user' ? '-u' : '-g', name], { encoding: 'utf8' }).trim());
}

function applyUnixPerms(ep: Endpoint): void {
  const u = ep.unix;
  if (u === undefined) return;
  if (u.mode !== undefined) chmodSync(u.path, u.mode);
  const uid = u.uid ?? (u.user !== undefined ? idOf('user', u.user) : undefined);
  const gid = u.gid ?? (u.group !== undefined ? idOf('group', u.group) : undefined);
  if (uid !== undefined || gid !== undefined) chownSync(u.path, uid ?? -1, gid ?? -1);
}

/** An accept-proxy listener as HAProxy's logs name it: its `name`, else its numeric id. */
export interface ProxyListener {
  readonly name: string;
  /** the listener id (HAProxy's luid: 1, 2, ... in bind order within the proxy, or `id`) */
  readonly id: number;
}

/** accept-proxy listeners, by their net.Server */
const proxyListeners = new WeakMap<Server, ProxyListener>();

/** unix socket listeners' ids, by their net.Server: HAProxy names such a client `unix:<id>` */
const unixListenerIds = new WeakMap<Server, number>();

/** The listener id of a socket accepted on a unix socket bind, else -1. */
export function unixListenerId(sock: Socket): number {
  const srv = (sock as Socket & { server?: Server }).server;
  return srv === undefined ? -1 : unixListenerIds.get(srv) ?? -1;
}

/** The listener of a socket accepted on a `bind ... accept-proxy` line; undefined for any other. */
export function acceptProxyListener(sock: Socket): ProxyListener | undefined {
  const srv = (sock as Socket & { server?: Server }).server;
  return srv === undefined ? undefined : proxyListeners.get(srv);
}

/**
 * HAProxy's listener ids per proxy, in listener order: a bind's `id`, else the first free
 * number from a counter that starts at 1 and moves past every listener (explicit ones too).
 */
class ListenerIds {
  private readonly used = new Map<string, Set<number>>();
  private readonly next = new Map<string, number>();

  constructor(targets: readonly ListenTarget[]) {
    for (const t of targets) if (t.bind.options.id !== undefined) this.usedBy(t.proxy).add(t.bind.options.id);
  }

  private usedBy(proxy: string): Set<number> {
    let u = this.used.get(proxy);
    if (u === undefined) this.used.set(proxy, (u = new Set()));
    return u;
  }

  take(t: ListenTarget): number {
    let id = this.next.get(t.proxy) ?? 1;
    if (t.bind.options.id !== undefined) {
      this.next.set(t.proxy, id + 1);
      return t.bind.options.id;
    }
    const used = this.usedBy(t.proxy);
    while (used.has(id)) id++;
    this.next.set(t.proxy, id + 1);
    return id;
  }
}

/**
 * Open every listener of `targets`. All or nothing: on the first failure the ones already open
 * are closed and a BindError says which bind line and why (HAProxy's "cannot bind socket" line).
 */
export async function openListeners(targets: readonly ListenTarget[], onConnection: OnConnection): Promise<OpenListener[]> {
  const open: OpenListener[] = [];
  const ids = new ListenerIds(targets);
  try {
    for (const t of targets) {
      for (const a of t.bind.addresses) {
        for (const ep of endpoints(a, t.bind)) {
          const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
          const id = ids.take(t);
          if (t.bind.options.acceptProxy === true) proxyListeners.set(server, { name: t.bind.options.name ?? String(id), id });
          if (ep.unix !== undefined) unixListenerIds.set(server, id);
          const l: OpenListener = { proxy: t.proxy, bind: t.bind, label: ep.label, server };
          server.on('connection', (s: Socket) => onConnection(t.proxy, s, l));
          try {
            await listenOne(server, ep);
            applyUnixPerms(ep);
          } catch (e: unknown) {
            throw new BindError(t, ep.label, reasonOf(e));
          }
          open.push(l);
        }
      }
    }
  } catch (e: unknown) {
    await closeListeners(open);
    throw e;
  }
  return open;
}

export function closeListeners(ls: readonly OpenListener[]): Promise<void> {
  return Promise.all(ls.map((l) => new Promise<void>((r) => { if (!l.server.listening) r(); else l.server.close(() => r()); }))).then(() => undefined);
}

/** The port the OS chose, for `bind :0`-style tests. */
export function boundPort(l: OpenListener): number {
  const a = l.server.address();
  return typeof a === 'object' && a !== null ? a.port : 0;
}
