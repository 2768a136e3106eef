// Helpers shared by the benchmark scripts: ports and the processes they start.
import { createConnection, createServer } from 'node:net';

/** A port the OS had free a moment ago. */
export const freePort = () => new Promise((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });

/** The first line a child process prints on stdout (rejects if it exits first). */
export const firstLine = (proc) => new Promise((resolve, reject) => {
  let buf = '';
  proc.stdout.on('data', (d) => { buf += d; const i = buf.indexOf('\n'); if (i >= 0) resolve(buf.slice(0, i)); });
  proc.on('exit', (c) => reject(new Error(`exited with ${c}`)));
});

/** Resolves once something accepts on 127.0.0.1:port; fails early if `proc` (the server) exited. */
export async function waitPort(port, proc = null) {
  for (let i = 0; i < 400; i++) {
    if (proc !== null && proc.exitCode !== null) throw new Error(`exited with ${proc.exitCode}`);
    const ok = await new Promise((r) => { const c = createConnection({ port, host: '127.0.0.1' }); c.on('connect', () => { c.destroy(); r(true); }); c.on('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`port ${port} never opened`);
}
