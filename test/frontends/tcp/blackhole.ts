/**
 * A listening port that never completes a handshake: a python3 helper listens with a backlog
 * of 0 and never accepts, and fills its own accept queue, so later SYNs are dropped and a
 * connect attempt hangs until `timeout connect`. Returns null where python3 is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const SCRIPT = `
import socket, sys, time
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(0)
port = l.getsockname()[1]
fill = []
for i in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(('127.0.0.1', port))
    except BlockingIOError: pass
    fill.append(c)
time.sleep(0.3)
print(port, flush=True)
sys.stdin.read()
`;

export async function blackhole(): Promise<{ port: number; stop(): void } | null> {
  let child: ChildProcess;
  try {
    child = spawn('python3', ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] });
  } catch {
    return null;
  }
  const port = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  if (port === null) return null;
  return { port, stop: () => { child.kill(); } };
}
