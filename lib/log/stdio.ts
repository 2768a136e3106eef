// Log lines to a file descriptor (stdout, stderr, fd@N) without blocking the event loop.
//
// Why not process.stdout.write: on Linux it is synchronous for files and pipes, so a slow reader
// of a pipe would stall every connection. Lines are queued and written by fs.write (libuv's thread
// pool) one batch at a time, as pino's sonic-boom does; a batch is flushed on setImmediate so a
// burst of sessions becomes one write. Each line is already HAProxy's exact text, which is why
// this is a raw writer and not a JSON logger: pino could replace it (pino.destination({ fd,
// sync: false }) is the same machine) behind the `LineWriter` interface, nothing else changes.
//
// Like HAProxy (which counts EAGAIN as a dropped log), the writer never grows without bound: past
// `maxQueued` bytes waiting, new lines are dropped and counted.
import { write, writeSync } from 'node:fs';

export interface LineWriter {
  /** queue one line; `line` must already end with '\n' */
  write(line: string): void;
  /** lines dropped because the queue was full */
  readonly dropped: number;
  /** write what is queued, synchronously (at exit) */
  flushSync(): void;
}

const DEFAULT_MAX_QUEUED = 4 * 1024 * 1024;

export class FdWriter implements LineWriter {
  dropped = 0;
  private queue: string[] = [];
  private queued = 0;
  private inFlight = false;
  private scheduled = false;
  private failed = false;
  private readonly flushNow = (): void => { this.scheduled = false; this.flush(); };
  private readonly onWritten = (err: NodeJS.ErrnoException | null, n: number, buf: Buffer): void => {
    this.written(err, n, buf);
  };

  constructor(readonly fd: number, private readonly onError: (e: Error) => void,
    private readonly maxQueued = DEFAULT_MAX_QUEUED) {}

  write(line: string): void {
    if (this.failed) return;
    if (this.queued + line.length > this.maxQueued) { this.dropped++; return; }
    this.queue.push(line);
    this.queued += line.length;
    if (!this.inFlight && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushNow);
    }
  }

  private flush(): void {
    if (this.inFlight || this.queue.length === 0) return;
    const buf = Buffer.from(this.queue.length === 1 ? (this.queue[0] as string) : this.queue.join(''), 'utf8');
    this.queue = [];
    this.queued = 0;
    this.inFlight = true;
    write(this.fd, buf, 0, buf.length, null, this.onWritten);
  }

  private written(err: NodeJS.ErrnoException | null, n: number, buf: Buffer): void {
    if (err !== null) {
      if (err.code === 'EAGAIN') {
        // a non-blocking pipe is full: try again shortly, keeping order
        setTimeout(() => write(this.fd, buf, 0, buf.length, null, this.onWritten), 1);
        return;
      }
      this.inFlight = false;
      this.failed = true;
      this.queue = [];
      this.onError(err);
      return;
    }
    if (n < buf.length) {
      const rest = buf.subarray(n);
      write(this.fd, rest, 0, rest.length, null, this.onWritten);
      return;
    }
    this.inFlight = false;
    if (this.queue.length > 0) this.flush();
  }

  flushSync(): void {
    if (this.failed || this.queue.length === 0) return;
    const buf = Buffer.from(this.queue.join(''), 'utf8');
    this.queue = [];
    this.queued = 0;
    // stdio pipes may be non-blocking: at exit, retry EAGAIN and partial writes until all is out
    let off = 0;
    let spins = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off);
        spins = 0;
      } catch (e: unknown) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || ++spins > 1e6) return; // closed, or nobody reads
      }
    }
  }
}
