#!/usr/bin/env node
// The `halyard` command: a thin shell around main(); library code never calls process.exit.
// Only the signal recorder is imported statically: it must be in place before the rest of the
// program loads, or an early SIGUSR1 would start Node's inspector instead of a soft stop.
import { recordEarlySignals } from '../process/signals.js';

recordEarlySignals();
const { main } = await import('./main.js');

const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
// Serving leaves sockets and timers behind on a hard stop (SIGTERM cuts sessions, as HAProxy does):
// the process ends when main says so, not when the event loop happens to drain.
process.exit(code);
