// global `stats maxconn`: a stats socket serves at most that many connections at once.
import t from 'tap';
import { connect, type Socket } from 'node:net';
import { cleanupDir, freePort, haveHalyardBuild, startProxy } from '../../compat/http-lab.js';

/** A CLI connection in prompt mode: resolves with the first bytes it gets, or '(closed)'. */
function firstReply(port: number, line: string): Promise<{ sock: Socket; reply: string }> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let out = '';
    sock.setEncoding('latin1');
    sock.on('connect', () => sock.write(`${line}\n`));
    sock.on('data', (d: string) => {
      out += d;
      if (out.includes('\n> ')) resolve({ sock, reply: out });
    });
    sock.on('close', () => resolve({ sock, reply: out === '' ? '(closed)' : out }));
    sock.on('error', () => undefined);
  });
}

t.test('stats maxconn 1: a second connection is refused while the first is open', { skip: haveHalyardBuild() }, async (t) => {
  const port = await freePort();
  const probe = await freePort();
  const proc = await startProxy('halyard', `global
    stats socket ipv4@127.0.0.1:${port} level admin
    stats socket ipv4@127.0.0.1:${probe} level admin
    stats maxconn 1
`, probe);
  t.teardown(async () => {
    await proc.stop();
    cleanupDir();
  });
  const first = await firstReply(port, 'prompt');
  t.match(first.reply, /\n> $/, 'the first connection gets the prompt');
  const second = await firstReply(port, 'show info');
  t.equal(second.reply, '(closed)', 'the second is closed without a reply');
  first.sock.destroy();
  await new Promise((r) => first.sock.once('close', r));
  // the slot is free again (the close reaches the proxy asynchronously: ask until it answers)
  let third = '';
  for (let i = 0; i < 50 && !/\n> $/.test(third); i++) {
    const r = await firstReply(port, 'prompt');
    third = r.reply;
    r.sock.destroy();
  }
  t.match(third, /\n> $/, 'once the first is gone, a new connection is served');
});
