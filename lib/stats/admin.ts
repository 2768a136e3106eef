/**
 * Admin actions on servers, shared by the runtime API and the stats page's admin form, so both
 * change state the same way: through Backend/BackendRuntime/HealthCheck public methods, with
 * HAProxy 2.6's replies and log lines.
 *
 *   const ctx: AdminContext = { runtime, checks, events };
 *   const t = lookupServer(ctx, 'be/s1');          // or an error text ("No such server.")
 *   setServerAdminState(ctx, t, 'maint');          // logs "Server be/s1 is going DOWN for maintenance. ..."
 *   setServerWeight(ctx, t, '50%');                // null, or HAProxy's error text
 */
import { isIP } from 'node:net';
import { SrvAdmin, SrvState, type Server } from '../../backends/server.js';
import type { HealthCheck } from '../../backends/health/health-check.js';
import type { BackendRuntime } from '../runtime/backend-runtime.js';
import type { Runtime } from '../runtime/runtime.js';

/** Where admin log lines go: the backend's log targets and stderr, as health-check messages. */
export type AdminEvents = (be: string, level: 'notice' | 'alert' | 'warning', text: string) => void;

export interface AdminContext {
  readonly runtime: Runtime;
  /** a server's health check, if it has one */
  readonly checkOf?: (srv: Server) => HealthCheck | undefined;
  readonly events?: AdminEvents;
  /**
   * The backend's last usable server just went (HAProxy's set_backend_down): "backend 'be' has
   * no server available!", an emergency in the logs and an ALERT on stderr.
   */
  readonly noServer?: (be: string) => void;
}

export interface ServerTarget {
  readonly brt: BackendRuntime;
  readonly srv: Server;
}

/** A backend by name or `#id`. */
export function lookupBackend(rt: Runtime, name: string): BackendRuntime | undefined {
  if (name.startsWith('#')) {
    const id = Number(name.slice(1));
    for (const b of rt.pools.values()) if (b.be.id === id) return b;
    return undefined;
  }
  return rt.pools.get(name);
}

/** `<backend>/<server>` (either may be `#id`): the server, or HAProxy's error text. */
export function lookupServer(ctx: AdminContext, arg: string | undefined): ServerTarget | string {
  const k = arg === undefined ? -1 : arg.indexOf('/');
  if (arg === undefined || k < 0) return "Require 'backend/server'.\n";
  const brt = lookupBackend(ctx.runtime, arg.slice(0, k));
  if (brt === undefined) return 'No such backend.\n';
  const sname = arg.slice(k + 1);
  const srv = sname.startsWith('#') ? brt.be.servers.find((s) => s.puid === Number(sname.slice(1))) : brt.be.findServer(sname);
  if (srv === undefined) return 'No such server.\n';
  return { brt, srv };
}

/** "1 active and 0 backup servers" + `tail`, with HAProxy's " Running on backup." after it. */
function counts(brt: BackendRuntime, tail: string): string {
  const lb = brt.be.lb;
  return `${lb.srvAct} active and ${lb.srvBck} backup servers ${tail}${lb.srvAct === 0 && lb.srvBck > 0 ? ' Running on backup.' : ''}`;
}

/** Servers that take traffic now (HAProxy's srv_act + srv_bck). */
function usable(brt: BackendRuntime): number {
  return brt.be.lb.srvAct + brt.be.lb.srvBck;
}

/** After an admin change: the alert when it took the backend's last usable server. */
function noServerLeft(ctx: AdminContext, brt: BackendRuntime, before: number): void {
  if (before > 0 && usable(brt) === 0) ctx.noServer?.(brt.name);
}

function emit(ctx: AdminContext, t: ServerTarget, level: 'notice' | 'alert' | 'warning', text: string): void {
  ctx.events?.(t.brt.name, level, text);
}

export type AdminState = 'ready' | 'drain' | 'maint';

/**
 * `set server <b>/<s> state ready|drain|maint` (and `enable/disable server`): as HAProxy,
 * maint clears a forced drain, drain clears a forced maintenance, ready clears both.
 */
export function setServerAdminState(ctx: AdminContext, t: ServerTarget, state: AdminState): void {
  const before = usable(t.brt);
  applyAdminState(ctx, t, state);
  noServerLeft(ctx, t.brt, before);
}

function applyAdminState(ctx: AdminContext, t: ServerTarget, state: AdminState): void {
  const { brt, srv } = t;
  const be = brt.be;
  const who = `${srv.backup ? 'Backup ' : ''}Server ${brt.name}/${srv.name}`;
  const wasForced = (srv.admin & SrvAdmin.FMAINT) !== 0;
  // maintenance for another reason (no address yet, the tracked server's): it outlasts ours
  const otherMaint = (srv.admin & SrvAdmin.MAINT & ~(SrvAdmin.FMAINT | SrvAdmin.CMAINT)) !== 0;
  const wasDrain = (srv.admin & SrvAdmin.FDRAIN) !== 0;
  const wasStopped = srv.state === SrvState.STOPPED;
  // a server already on its way out (stopping, draining) going down is a notice, not an alert
  const wasLeaving = srv.state === SrvState.STOPPING || srv.draining;
  if (state === 'maint') {
    if (wasForced) return;
    if (wasDrain) be.setAdmin(srv, SrvAdmin.FDRAIN, false, 'cli');
    be.setAdmin(srv, SrvAdmin.FMAINT, true, 'cli');
    ctx.checkOf?.(srv)?.syncMaint();
    // already in maintenance: nothing changes that HAProxy would report
    if (otherMaint) return;
    const requeued = wasStopped ? 0 : brt.markedDown(srv, false);
    emit(ctx, t, wasStopped || wasLeaving ? 'notice' : 'alert', wasStopped
      ? `${who} was DOWN and now enters maintenance.`
      : `${who} is going DOWN for maintenance. ${counts(brt, 'left.')} ${srv.served} sessions active, ${requeued} requeued, ${srv.queueLength} remaining in queue.`);
    return;
  }
  if (wasForced) {
    be.setAdmin(srv, SrvAdmin.FMAINT, false, 'cli');
    ctx.checkOf?.(srv)?.syncMaint();
    if (otherMaint) {
      emit(ctx, t, 'notice', `${who} is leaving forced maintenance but remains in maintenance${srv.tracked !== null && (srv.admin & SrvAdmin.IMAINT) !== 0 ? ` via ${srv.tracked.be.name}/${srv.tracked.srv.name}` : ''}.`);
    } else if (state === 'drain') {
      // straight from maintenance to drain: HAProxy words it as two steps
      be.setAdmin(srv, SrvAdmin.FDRAIN, true, 'cli');
      emit(ctx, t, 'notice', `${who} is UP/DRAIN (leaving forced maintenance).`);
      emit(ctx, t, 'notice', `${who} remains in forced drain mode.`);
      return;
    } else {
      brt.markedUp(srv, false);
      emit(ctx, t, 'notice', `${who} is UP/READY (leaving forced maintenance).`);
    }
  }
  if (state === 'drain') {
    if (wasDrain) return;
    be.setAdmin(srv, SrvAdmin.FDRAIN, true, 'cli');
    if (srv.inMaint) return;
    emit(ctx, t, 'notice', `${who} enters drain state. ${counts(brt, 'online.')} 0 sessions requeued, ${srv.queueLength} total in queue.`);
    return;
  }
  if (wasDrain) {
    be.setAdmin(srv, SrvAdmin.FDRAIN, false, 'cli');
    if (srv.inMaint) return;
    brt.markedUp(srv, false);
    emit(ctx, t, 'notice', `${who} is ${srv.state === SrvState.STOPPED ? 'DOWN' : 'UP'} (leaving forced drain).`);
  }
}

/** `set server <b>/<s> weight N[%]`: null on success, or HAProxy's message. */
export function setServerWeight(ctx: AdminContext, t: ServerTarget, text: string): string | null {
  const before = usable(t.brt);
  const err = t.brt.be.setWeight(t.srv, text);
  if (err === null) {
    t.brt.markedUp(t.srv, false);
    noServerLeft(ctx, t.brt, before);
  }
  return err;
}

/** `get weight <b>/<s>`: "1 (initial 1)". */
export function getServerWeight(t: ServerTarget): string {
  return `${t.srv.uweight} (initial ${t.srv.iweight})\n`;
}

/** `enable health` / `disable health` on a server: null, or an error when it has no check. */
export function setServerHealthEnabled(ctx: AdminContext, t: ServerTarget, on: boolean): string | null {
  const hc = ctx.checkOf?.(t.srv);
  if (hc === undefined) return null;
  hc.setAdminEnabled(on);
  return null;
}

const BY = "by 'stats socket command'";

/** `set server <b>/<s> addr <ip> [port <p>]`: HAProxy's reply line. */
export function setServerAddr(ctx: AdminContext, t: ServerTarget, addr: string | undefined, port: string | undefined): string {
  if (addr === undefined || addr === '') return 'set server <b>/<s> addr requires an address and optionally a port.\n';
  const reply = updateAddr(ctx, t, addr, port);
  // HAProxy takes the server out of "MAINT (resolution)" whatever came of the update, even
  // when it was refused and the server still has no address (its connections then fail)
  resolvesAgain(ctx, t);
  return reply;
}

function updateAddr(ctx: AdminContext, t: ServerTarget, addr: string, port: string | undefined): string {
  if (isIP(addr) === 0) return `Invalid addr '${addr}' ${BY}\n`;
  const { brt, srv } = t;
  // no address family to change within: init-addr none left none (without ipv4@/ipv6@), or a
  // unix socket server
  if (srv.address === '' || srv.unix) {
    return `Update for the current server address family is only supported through configuration file ${BY}\n`;
  }
  const oldHost = srv.address;
  const oldPort = srv.port;
  const parts: string[] = [];
  parts.push(addr === oldHost ? 'no need to change the addr' : `IP changed from '${oldHost}' to '${addr}'`);
  let newPort = oldPort;
  if (port !== undefined) {
    if (!/^[0-9]+$/.test(port) || Number(port) > 65535) parts.push(`problem converting port '${port}' to an int`);
    else if (Number(port) === oldPort) parts.push('no need to change the port');
    else {
      newPort = Number(port);
      parts.push(`port changed from '${oldPort}' to '${newPort}'`);
    }
  }
  if (addr !== oldHost || newPort !== oldPort) {
    brt.setServerAddr(srv, addr, newPort);
    ctx.checkOf?.(srv)?.retarget(oldHost, oldPort, addr, newPort);
  }
  return `${parts.join(', ')} ${BY}\n`;
}

/** A server waiting for an address (init-addr none) leaves its maintenance, as HAProxy logs it. */
function resolvesAgain(ctx: AdminContext, t: ServerTarget): void {
  const { brt, srv } = t;
  if ((srv.admin & SrvAdmin.RMAINT) === 0) return;
  brt.be.setAdmin(srv, SrvAdmin.RMAINT, false);
  ctx.checkOf?.(srv)?.syncMaint();
  if (srv.inMaint) return;
  brt.markedUp(srv, false);
  emit(ctx, t, 'notice', `${srv.backup ? 'Backup ' : ''}Server ${brt.name}/${srv.name} ('${srv.fqdn ?? srv.address}') is UP/READY (resolves again).`);
}

/** `set maxconn server <b>/<s> <n>`: null on success, or HAProxy's message. */
export function setServerMaxconn(_ctx: AdminContext, t: ServerTarget, text: string | undefined): string | null {
  if (text === undefined || text === '') return 'Require <maxconn>.\n';
  if (!/^[0-9]+$/.test(text)) return 'maxconn string empty or preceded by garbage';
  t.brt.setServerMaxconn(t.srv, Number(text));
  return null;
}
