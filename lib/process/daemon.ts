// -D: run in the background. Node cannot fork(), so the foreground process starts a detached copy of
// itself and waits until that copy has its listeners open (or failed): start-up errors are still
// printed on the terminal with exit 1, as HAProxy does before it detaches.
import { spawn } from 'node:child_process';
import type { CliIo } from '../cli/main.js';

const CHILD_ENV = 'HALYARD_DAEMON_CHILD';

export const isDaemonChild = (): boolean => process.env[CHILD_ENV] === '1';

type ChildMsg = { kind: 'ready' } | { kind: 'failed'; stderr: string };

/** In the foreground process: start the daemon and return the exit code for the foreground. */
export function launchDaemon(argv: readonly string[], io: CliIo): Promise<number> {
  const args = argv.filter((a) => a !== '-D');
  const child = spawn(process.execPath, [process.argv[1] ?? '', ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, [CHILD_ENV]: '1' },
  });
  return new Promise((resolve) => {
    child.on('message', (m: ChildMsg) => {
      if (m.kind === 'ready') {
        child.disconnect();
        child.unref();
        resolve(0);
      } else {
        io.stderr(m.stderr);
        resolve(1);
      }
    });
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', (e) => { io.stderr(`[ALERT]    (${process.pid}) : cannot start the daemon: ${e.message}\n`); resolve(1); });
  });
}

/** In the daemon: an io that keeps start-up messages for the parent, then goes silent. */
export function daemonChildIo(): { io: CliIo; ready(): void; failed(): void } {
  let buf = '';
  let detached = false;
  const send = (m: ChildMsg): void => {
    if (process.send !== undefined && process.connected) process.send(m);
  };
  return {
    io: { stdout: () => undefined, stderr: (s) => { if (!detached) buf += s; } },
    ready: () => { detached = true; send({ kind: 'ready' }); if (process.connected) process.disconnect(); },
    failed: () => { send({ kind: 'failed', stderr: buf }); },
  };
}
