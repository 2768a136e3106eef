/**
 * Accepted sockets that read with net's `onread` (see read-buffers.ts for why).
 *
 * net.Server builds the sockets it accepts itself and has no way to pass `onread`, so the
 * connection's handle moves to a new Socket built with it. This relies on two long-standing
 * parts of net that are not in its documentation: the `handle` constructor option (cluster and
 * child_process pass sockets this way) and `_server`, which counts the listener's connections.
 * Where either is missing the socket is returned as it was and its owner reads 'data' events.
 */
import { Socket, type OnReadOpts } from 'node:net';

interface Internals {
  _handle: { readStart?: unknown; useUserBuffer?: unknown } | null;
  _server: unknown;
  server?: unknown;
}

/** `sock` must be fresh from the listener: paused (pauseOnConnect), nothing read, no listeners. */
export function adoptWithOnread(sock: Socket, onread: OnReadOpts): Socket | null {
  const old = sock as unknown as Socket & Internals;
  const handle = old._handle;
  if (old.destroyed || handle === null || typeof handle.useUserBuffer !== 'function' || !('_server' in old)) return null;
  old._handle = null;
  const s = new Socket({ handle, allowHalfOpen: true, pauseOnCreate: true, onread } as unknown as ConstructorParameters<typeof Socket>[0]) as Socket & Internals;
  // the new socket decrements the listener's connection count when it closes; the old never will
  s._server = old._server;
  s.server = old.server;
  old._server = null;
  return s;
}
