// Which accepted sockets wait for a PROXY header (lib/net/listen.ts acceptProxyListener), and the
// listener name HAProxy's log gives a refused one: the bind's `name`, else its listener id
// (explicit `id`, else the next free number from 1 in bind order within the proxy).
import t from 'tap';
import { connect, type Socket } from 'node:net';
import type { BindConfig } from '../../../lib/config/model.js';
import { acceptProxyListener, boundPort, closeListeners, openListeners, type ListenTarget, type OpenListener } from '../../../lib/net/listen.js';

function bind(options: BindConfig['options'], ports = 1): BindConfig {
  return {
    addresses: [{ family: 'ipv4', host: '127.0.0.1', portLow: 0, portHigh: ports - 1 }],
    options,
    loc: { file: 'test.cfg', line: 1 },
  };
}

t.test('accept-proxy listeners are named as HAProxy names them; other sockets are not asked', async (t) => {
  const targets: ListenTarget[] = [
    { proxy: 'fe', kind: 'frontend', bind: bind({}) },
    { proxy: 'fe', kind: 'frontend', bind: bind({ acceptProxy: true }) },
    { proxy: 'fe', kind: 'frontend', bind: bind({ acceptProxy: true, id: 3 }) },
    { proxy: 'fe', kind: 'frontend', bind: bind({ acceptProxy: true }) },
    { proxy: 'fe', kind: 'frontend', bind: bind({ acceptProxy: true, name: 'edge' }) },
    { proxy: 'other', kind: 'frontend', bind: bind({ acceptProxy: true }) },
    // the counter moves past a listener with an explicit id: the next one is 2, not 1
    { proxy: 'third', kind: 'frontend', bind: bind({ acceptProxy: true, id: 10 }) },
    { proxy: 'third', kind: 'frontend', bind: bind({ acceptProxy: true }) },
  ];
  const seen = new Map<OpenListener, string | undefined>();
  const waiters = new Map<OpenListener, () => void>();
  const ls = await openListeners(targets, (_p: string, s: Socket, l: OpenListener) => {
    seen.set(l, acceptProxyListener(s)?.name);
    s.destroy();
    waiters.get(l)?.();
  });
  t.teardown(() => closeListeners(ls));
  for (const l of ls) {
    const done = new Promise<void>((r) => waiters.set(l, r));
    const c = connect(boundPort(l), '127.0.0.1');
    c.on('error', () => undefined);
    await done;
    c.destroy();
  }
  // ids: 1 (plain bind), 2, 3 (explicit), 4, a name; each proxy counts from 1
  t.same(ls.map((l) => seen.get(l)), [undefined, '2', '3', '4', 'edge', '1', '10', '2']);
});
