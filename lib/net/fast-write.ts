/**
 * Writes that skip net's Writable when it has nothing to do.
 *
 * A proxied request is two small writes (the head to the server, the response to the client), and
 * on each Node's Writable machinery (state checks, a WriteWrap with its callback, afterWrite's
 * bookkeeping, the nextTick-free path included) costs about as much as the JavaScript of the
 * request itself. When the socket is idle (connected, nothing buffered or in flight, not corked,
 * ending or timed) the write can go to the handle directly, as net's own writeGeneric does; the
 * kernel almost always takes it whole. Where it does not, the rest is in flight in libuv's queue,
 * which keeps later writes (through the Writable or here) and the shutdown of `end()` in order;
 * `pending` counts it so the owner's backpressure and buffer reuse see it, and 'drain' is emitted
 * when it is done, as the Writable would.
 *
 * The handle's write method and WriteWrap are net's internals (process.binding('stream_wrap'),
 * the same objects net uses); where they are not as expected every write goes to `sock.write`.
 */
import type { Socket } from 'node:net';
import { getSystemErrorName } from 'node:util';

interface Req {
  handle: unknown;
  oncomplete: (status: number) => void;
  async: boolean;
  bytes: number;
  buffer: Buffer | null;
  sock: Socket | null;
}
interface StreamWrap {
  WriteWrap: new () => Req;
  streamBaseState: Int32Array;
  kLastWriteWasAsync: number;
}
type Handle = { writeBuffer?: (req: Req, b: Buffer) => number };
type Sock = Socket & { _handle: Handle | null; [kInFlight]?: number; [kWantDrain]?: boolean };

const kInFlight = Symbol('halyard.inFlight');
const kWantDrain = Symbol('halyard.wantDrain');

const binding = ((): StreamWrap | null => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const b = (process as any).binding('stream_wrap') as Partial<StreamWrap>;
    if (typeof b.WriteWrap !== 'function' || !(b.streamBaseState instanceof Int32Array) || typeof b.kLastWriteWasAsync !== 'number') return null;
    return b as StreamWrap;
  } catch {
    return null;
  }
})();

/** Bytes of `sock` not yet taken by the kernel: the Writable's and those of writes made here. */
export function pending(sock: Socket): boolean {
  return sock.writableLength > 0 || ((sock as Sock)[kInFlight] ?? 0) > 0;
}

function onComplete(this: Req, status: number): void {
  const sock = this.sock as Sock;
  this.sock = null;
  this.buffer = null;
  const left = (sock[kInFlight] ?? 1) - 1;
  sock[kInFlight] = left;
  if (status < 0) {
    if (!sock.destroyed) sock.destroy(writeError(status));
    return;
  }
  // the Writable may hold later bytes: a 'drain' now only lets the owner write and ask again
  if (left === 0 && sock[kWantDrain] === true) {
    sock[kWantDrain] = false;
    sock.emit('drain');
  }
}

function writeError(status: number): Error {
  const name = getSystemErrorName(status);
  const e = new Error(`write ${name}`) as Error & { code: string; errno: number; syscall: string };
  e.code = name;
  e.errno = status;
  e.syscall = 'write';
  return e;
}

/** `sock.write(b)` with the same answer: false when bytes are left waiting ('drain' follows). */
export function write(sock: Socket, b: Buffer): boolean {
  const s = sock as Sock;
  const h = s._handle;
  if (binding === null || h === null || typeof h.writeBuffer !== 'function' || s.connecting || !s.writable ||
      s.writableLength !== 0 || s.writableCorked !== 0 || s.timeout !== undefined && s.timeout > 0 || (s[kInFlight] ?? 0) > 0) {
    return sock.write(b);
  }
  const req = new binding.WriteWrap();
  req.handle = h;
  req.oncomplete = onComplete;
  req.async = false;
  req.bytes = 0;
  req.buffer = null;
  req.sock = null;
  const err = h.writeBuffer(req, b);
  if (err !== 0) {
    // nothing or part of it went: the socket is broken, as net would find on its own write
    sock.destroy(writeError(err));
    return true;
  }
  if (binding.streamBaseState[binding.kLastWriteWasAsync] === 0) return true;
  // the rest is queued in libuv, reading `b` until it completes
  req.buffer = b;
  req.sock = sock;
  req.async = true;
  s[kInFlight] = 1;
  s[kWantDrain] = true;
  return false;
}
