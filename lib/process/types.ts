// What the process shell needs from whatever serves connections. The runtime (lib/runtime) meets it;
// keeping it this small is what lets the same shell drive one process today and workers tomorrow.
import type { Socket } from 'node:net';
import type { HalyardConfig } from '../config/model.js';

export interface ServedFrontend {
  readonly name: string;
  /** take an accepted (paused) connection */
  accept(socket: Socket): void;
  /** stop taking new sessions; the ones running continue */
  stopAccepting(): void;
  /** resolves when the frontend has no session left */
  drain(): Promise<void>;
  /** cut every session now (hard stop) */
  destroyAll(): void;
  /** counters for the "Proxy X stopped (cumulated conns: FE: n, BE: m)." line */
  readonly cumulatedConns: { readonly fe: number; readonly be: number };
}

export interface ServeRuntime {
  readonly frontends: readonly ServedFrontend[];
  /** stop timers (health checks, clocks) so the process can exit */
  close(): void;
}

export type RuntimeFactory = (cfg: HalyardConfig) => ServeRuntime;
