// Signals that arrive while the configuration is still loading. Node starts its inspector on a
// SIGUSR1 nobody listens to, and SIGUSR2/SIGTTOU would kill or stop the process: the bin installs
// these recorders first thing, and the serve loop replays what was recorded once it is ready.
const early: NodeJS.Signals[] = [];
const recorder = (sig: NodeJS.Signals): void => { early.push(sig); };
const SIGNALS: readonly NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2', 'SIGTTOU', 'SIGTTIN', 'SIGHUP'];

export function recordEarlySignals(): void {
  for (const s of SIGNALS) process.on(s, recorder);
}

/** Stop recording; returns what arrived meanwhile, in order. */
export function takeEarlySignals(): NodeJS.Signals[] {
  for (const s of SIGNALS) process.off(s, recorder);
  return early.splice(0);
}
