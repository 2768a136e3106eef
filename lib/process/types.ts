// What the process shell needs from whatever serves connections. The runtime (lib/runtime) meets it;
// keeping it this small is what lets the same shell drive one process today and workers tomorrow.
import type { Socket } from 'node:net';
import type { BindConfig, HalyardConfig } from '../config/model.js';
import type { Runtime } from '../runtime/runtime.js';
import type { HealthChecks } from '../../backends/health/index.js';
import type { CliContext } from '../stats/cli.js';

export interface ServedFrontend {
  readonly name: string;
  /** take an accepted (paused) connection, from the listening socket `on` */
  accept(socket: Socket, on?: { readonly bind: BindConfig; readonly label: string }): void;
  /** stop taking new sessions; the ones running continue */
  stopAccepting(): void;
  /** resolves when the frontend has no session left */
  drain(): Promise<void>;
  /** SIGTTOU / SIGTTIN */
  pause(): void;
  resume(): void;
  /** sessions ever accepted: the FE figure of "Proxy X stopped (cumulated conns: FE: n, BE: m)." */
  readonly counters: { readonly total: number };
}

export interface ServeRuntime {
  /** the runtime objects the stats page and runtime API read (absent in minimal test shells) */
  readonly runtime?: Runtime;
  readonly checks?: HealthChecks;
  /** the runtime API's context (the stats page's admin form uses the same actions) */
  readonly cli?: CliContext;
  /** opens what listens beside the frontends (stats sockets); rejects with a message */
  start?(): Promise<void>;
  /** soft stop began (show info `Stopping: 1`) */
  stopping?(): void;
  readonly frontends: readonly ServedFrontend[];
  /** sessions ever assigned by the backend of that name (the BE figure of the stop line), 0 if none */
  backendSessions(name: string): number;
  /** stop timers (health checks, clocks) so the process can exit */
  close(): void;
}

export type RuntimeFactory = (cfg: HalyardConfig) => ServeRuntime;
