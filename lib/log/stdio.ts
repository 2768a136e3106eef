// Log lines to a file descriptor (stdout, stderr, fd@N) without blocking the event loop, through
// pino's asynchronous destination (sonic-boom, `pino.destination({ fd, sync: false })`).
//
// Why not process.stdout.write: on Linux it is synchronous for files and pipes, so a slow reader
// of a pipe would stall every connection. sonic-boom queues lines and writes them with fs.write
// (libuv's thread pool), coalescing whatever arrives while a write is in flight into the next
// one. Each line is already HAProxy's exact text, so the destination is used directly, without
// pino's JSON layer.
//
// Like HAProxy (which counts EAGAIN as a dropped log), the writer never grows without bound: past
// `maxQueued` bytes waiting, new lines are dropped (sonic-boom's maxLength) and counted.
import pino from 'pino';

type SonicBoom = ReturnType<typeof pino.destination>;

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
  private failed = false;
  private readonly dest: SonicBoom;

  constructor(readonly fd: number, onError: (e: Error) => void, maxQueued = DEFAULT_MAX_QUEUED) {
    this.dest = pino.destination({
      fd, sync: false, minLength: 0, maxLength: maxQueued,
      // a full non-blocking pipe: keep the lines and try again (the default gives up on them)
      retryEAGAIN: () => true,
    });
    this.dest.on('drop', () => { this.dropped++; });
    this.dest.on('error', (e: Error) => {
      if (this.failed) return;
      this.failed = true;
      onError(e);
    });
  }

  write(line: string): void {
    if (!this.failed) this.dest.write(line);
  }

  flushSync(): void {
    if (this.failed) return;
    // stdio pipes may be non-blocking: at exit, retry EAGAIN until all is out (or give up)
    for (let spins = 0; spins < 1e6; spins++) {
      try {
        this.dest.flushSync();
        return;
      } catch (e: unknown) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN') return; // closed, or still writing asynchronously: nothing more to do
      }
    }
  }
}
