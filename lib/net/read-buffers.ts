/**
 * Read buffers for relays that read with net's `onread` instead of 'data' events: the TCP
 * relay reads into buffers its sessions own (below); the HTTP engine reads into one shared
 * buffer and copies large reads into pooled buffers (`Copies`, at the end).
 *
 * Why: on the 'data' path Node mallocs 64 KiB for every read and frees it at the next GC. glibc
 * gives the freed top of the heap back to the kernel and takes it again at the next reads, so
 * every page of a bulk transfer costs a page fault: perf showed two thirds of the proxy's CPU in
 * page faults and the copies that trigger them (2.5-5 s of CPU per GB relayed, HAProxy 0.86).
 * With buffers that are kept and reused, the kernel copies into pages that are already mapped.
 *
 * In the TCP relay a socket owns one buffer (the next read lands in it). It starts SMALL, so an idle connection
 * costs little, moves to BIG when a read fills it (a bulk flow: 64 KiB reads, as libuv's) and back
 * when reads get small. A buffer handed to a write that did not complete at once is still the
 * kernel's to read: it is held until the destination has nothing pending, then reused.
 */
import type { Socket } from 'node:net';
import { pending } from './fast-write.js';

export const SMALL = 8 * 1024;
export const BIG = 64 * 1024;
/** free buffers kept per size (at most 2 MiB + 4 MiB) */
const KEEP_SMALL = 256;
const KEEP_BIG = 64;

const freeSmall: Buffer[] = [];
const freeBig: Buffer[] = [];

export function takeSmall(): Buffer {
  return freeSmall.pop() ?? Buffer.allocUnsafeSlow(SMALL);
}

export function takeBig(): Buffer {
  return freeBig.pop() ?? Buffer.allocUnsafeSlow(BIG);
}

/** Give back a buffer nothing refers to any more (no read or write pending on it). */
export function release(b: Buffer): void {
  if (b.length === BIG) {
    if (freeBig.length < KEEP_BIG) freeBig.push(b);
  } else if (b.length === SMALL) {
    if (freeSmall.length < KEEP_SMALL) freeSmall.push(b);
  }
}

/**
 * The buffer for the read after one of `n` bytes into `buf` whose bytes went to a write:
 * `retained` says the write kept a reference (it did not complete synchronously).
 */
export function nextBuffer(buf: Buffer, n: number, retained: boolean): Buffer {
  const big = buf.length === BIG;
  const wantBig = big ? n >= SMALL : n === buf.length;
  if (retained) return wantBig ? takeBig() : takeSmall();
  if (wantBig === big) return buf;
  release(buf);
  return wantBig ? takeBig() : takeSmall();
}

/** Reads at least this long are copied into pooled buffers (shorter ones: Node's buffer pool). */
export const COPY_MIN = 4096;

/** A copy of src[0, n) from Node's buffer pool, for short reads. */
export function copyOf(src: Uint8Array, n: number): Buffer {
  const c = Buffer.allocUnsafe(n);
  c.set(n === src.length ? src : src.subarray(0, n));
  return c;
}

/**
 * Copies of large reads for one direction of a relay that reads into a shared buffer (the HTTP
 * engine). The bytes must leave the shared buffer before the next read; a fresh allocation for
 * each 64 KiB read is what this module avoids, so they go to a pooled buffer, which comes back
 * once the socket it was written to has nothing pending. A copy the consumer kept (bytes of a
 * next message) is left to the garbage collector.
 */
export class Copies {
  /** copies that pending writes on `heldFor` still read from */
  private readonly held: Buffer[] = [];
  private heldFor: Socket | null = null;
  private last: Buffer | null = null;

  /** A copy of src[0, n) (n <= BIG) for bytes about to be written to `dest`. */
  copy(src: Uint8Array, n: number, dest: Socket): Buffer {
    if (this.held.length > 0) this.sweep(dest);
    const b = takeBig();
    b.set(n === src.length ? src : src.subarray(0, n));
    this.last = b;
    return n === BIG ? b : b.subarray(0, n);
  }

  /** The last copy was consumed; `kept`: something other than a write to `dest` refers to it. */
  settle(dest: Socket, kept: boolean): void {
    const b = this.last;
    this.last = null;
    if (b === null || kept || dest.destroyed) return;
    if (!pending(dest)) {
      release(b);
      return;
    }
    // held copies are for one destination: the ones written elsewhere are left to the GC
    if (this.heldFor !== dest) this.drop();
    this.heldFor = dest;
    this.held.push(b);
  }

  /**
   * Held copies come back once the socket they were written to has flushed. The destination
   * can change (a session's next request may go to another server connection): copies still
   * pending on the old one are not ours to reuse, and go to the GC.
   */
  private sweep(dest: Socket): void {
    const owner = this.heldFor as Socket;
    if (!pending(owner) && !owner.destroyed) {
      for (const b of this.held) release(b);
      this.held.length = 0;
      this.heldFor = null;
    } else if (owner !== dest) {
      this.drop();
    }
  }

  private drop(): void {
    this.held.length = 0;
    this.heldFor = null;
  }
}
