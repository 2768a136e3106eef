#!/usr/bin/env node
// The `halyard` command: a thin shell around main(); library code never calls process.exit.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
