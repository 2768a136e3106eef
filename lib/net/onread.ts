/**
 * Accepted sockets that read with net's `onread` (see read-buffers.ts for why).
 *
 * net.Server builds the sockets it accepts itself and has no way to pass `onread`. A socket
 * built with `onread` differs from one without only in three symbol-keyed fields (the buffer,
 * its generator, the callback) and in its handle having been told to read into that buffer
 * (`useUserBuffer`); net's read callback checks the fields on every read. So a socket fresh from
 * the listener, paused before its first read (pauseOnConnect), is switched in place: no second
 * Socket object per connection. The field names are not part of net's documented API; they are
 * looked up by description on a Socket built with `onread`, and where they or `useUserBuffer`
 * are missing the socket is left as it is and its owner reads 'data' events.
 */
import { Socket, type OnReadOpts } from 'node:net';

type Fields = Record<symbol, unknown> & { _handle: { useUserBuffer?: (b: Uint8Array) => void } | null };

const probe = new Socket({ onread: { buffer: new Uint8Array(1), callback: () => true } } as ConstructorParameters<typeof Socket>[0]) as unknown as Fields;
const field = (name: string): symbol | undefined =>
  Object.getOwnPropertySymbols(probe).find((s) => s.description === name && probe[s] !== null && probe[s] !== undefined);
const kBuffer = field('kBuffer');
const kBufferCb = field('kBufferCb');
const kBufferGen = Object.getOwnPropertySymbols(probe).find((s) => s.description === 'kBufferGen');

/**
 * Makes `sock` (fresh from the listener, nothing read yet) read with `onread`, as if it had been
 * built with it, and leaves it paused. Returns false, changing nothing, where net's internals
 * are not as expected.
 */
export function useOnread(sock: Socket, onread: OnReadOpts): boolean {
  const s = sock as unknown as Fields;
  const handle = s._handle;
  if (kBuffer === undefined || kBufferCb === undefined || kBufferGen === undefined) return false;
  if (sock.destroyed || handle === null || typeof handle.useUserBuffer !== 'function' || s[kBuffer] !== null) return false;
  const b = onread.buffer;
  const gen = typeof b === 'function' ? b : null;
  const buf = typeof b === 'function' ? b() : b;
  s[kBuffer] = buf;
  s[kBufferGen] = gen;
  s[kBufferCb] = onread.callback;
  handle.useUserBuffer(buf);
  // as a socket built with pauseOnCreate: the owner resumes it when it wants bytes (net's pause
  // also stops the handle's reading for an onread socket; a listener without pauseOnConnect has
  // started it, though nothing has been read before the 'connection' event returns)
  sock.pause();
  return true;
}
