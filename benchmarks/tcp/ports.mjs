// Port helpers shared by the TCP benchmark scripts.
import { createConnection, createServer } from 'node:net';

/** A port the OS had free a moment ago. */
export const freePort = () => new Promise((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });

/** Resolves once something accepts on 127.0.0.1:port (a proxy has finished starting). */
export async function waitPort(port) {
  for (let i = 0; i < 400; i++) {
    const ok = await new Promise((r) => { const c = createConnection({ port, host: '127.0.0.1' }); c.on('connect', () => { c.destroy(); r(true); }); c.on('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`port ${port} never opened`);
}
