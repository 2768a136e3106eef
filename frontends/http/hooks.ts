/**
 * What the engine asks of the routing and rules layer for each transaction, in HAProxy's order
 * (reference §7.6): frontend http-request rules and redirects, use_backend/default_backend,
 * the backend's http-request rules; on the way back the backend's http-response rules, then
 * the frontend's. lib/acl and lib/http/rules compile these from the configuration at start-up.
 */
import type { HttpTxn } from '../../lib/http/txn.js';
import type { BackendRuntime } from '../../lib/runtime/backend-runtime.js';

/** A complete response the proxy sends itself (deny, return, redirect, error page). */
export interface Reply {
  readonly status: number;
  readonly bytes: Buffer;
  /** close the client connection after it */
  readonly close: boolean;
  /** the log's termination state for it (HAProxy: PR for deny, LR for return/redirect) */
  readonly term?: string;
}

export interface ProxyRules {
  /** http-request rules then `redirect` rules of this proxy; a Reply ends the request */
  request(txn: HttpTxn): Reply | null;
  /** http-response rules of this proxy; a Reply replaces the server's response */
  response(txn: HttpTxn): Reply | null;
  /** true when both are no-ops: the engine skips the calls */
  readonly empty: boolean;
}

/** Connection modes: keep-alive, http-server-close, httpclose (the strongest of both sides wins). */
export type ConnMode = 0 | 1 | 2;
export const MODE_KAL = 0;
export const MODE_SCL = 1;
export const MODE_CLO = 2;

export type Router = (txn: HttpTxn) => BackendRuntime | null;

export const NO_RULES: ProxyRules = { request: () => null, response: () => null, empty: true };
