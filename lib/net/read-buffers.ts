/**
 * Read buffers for relays that read with net's `onread` instead of 'data' events.
 *
 * Why: on the 'data' path Node mallocs 64 KiB for every read and frees it at the next GC. glibc
 * gives the freed top of the heap back to the kernel and takes it again at the next reads, so
 * every page of a bulk transfer costs a page fault: perf showed two thirds of the proxy's CPU in
 * page faults and the copies that trigger them (2.5-5 s of CPU per GB relayed, HAProxy 0.86).
 * With buffers that are kept and reused, the kernel copies into pages that are already mapped.
 *
 * A socket owns one buffer (the next read lands in it). It starts SMALL, so an idle connection
 * costs little, moves to BIG when a read fills it (a bulk flow: 64 KiB reads, as libuv's) and back
 * when reads get small. A buffer handed to a write that did not complete at once is still the
 * kernel's to read: it is held until the destination has nothing pending, then reused.
 */
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
