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

function counts(brt: BackendRuntime): string {
  return `${brt.be.lb.srvAct} active and ${brt.be.lb.srvBck} backup servers`;
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
  const { brt, srv } = t;
  const be = brt.be;
  const who = `${srv.backup ? 'Backup ' : ''}Server ${brt.name}/${srv.name}`;
  const wasMaint = srv.inMaint;
  const wasDrain = (srv.admin & SrvAdmin.FDRAIN) !== 0;
  const wasStopped = srv.state === SrvState.STOPPED;
  if (state === 'maint') {
    if ((srv.admin & SrvAdmin.FMAINT) !== 0) return;
    if (wasDrain) be.setAdmin(srv, SrvAdmin.FDRAIN, false, 'cli');
    be.setAdmin(srv, SrvAdmin.FMAINT, true, 'cli');
    ctx.checkOf?.(srv)?.syncMaint();
    const requeued = wasStopped ? 0 : brt.markedDown(srv, false);
    emit(ctx, t, wasStopped ? 'notice' : 'alert', wasStopped
      ? `${who} was DOWN and now enters maintenance.`
      : `${who} is going DOWN for maintenance. ${counts(brt)} left. ${srv.served} sessions active, ${requeued} requeued, ${srv.queueLength} remaining in queue.`);
    return;
  }
  if (wasMaint) {
    be.setAdmin(srv, SrvAdmin.FMAINT, false, 'cli');
    ctx.checkOf?.(srv)?.syncMaint();
    brt.markedUp(srv, false);
    emit(ctx, t, 'notice', `${who} is UP/READY (leaving forced maintenance).`);
  }
  if (state === 'drain') {
    if (wasDrain) return;
    be.setAdmin(srv, SrvAdmin.FDRAIN, true, 'cli');
    emit(ctx, t, 'notice', `${who} enters drain state. ${counts(brt)} online. 0 sessions requeued, ${srv.queueLength} total in queue.`);
    return;
  }
  if (wasDrain) {
    be.setAdmin(srv, SrvAdmin.FDRAIN, false, 'cli');
    brt.markedUp(srv, false);
    emit(ctx, t, 'notice', `${who} is ${srv.state === SrvState.STOPPED ? 'DOWN' : 'UP'} (leaving forced drain).`);
  }
}

/** `set server <b>/<s> weight N[%]`: null on success, or HAProxy's message. */
export function setServerWeight(_ctx: AdminContext, t: ServerTarget, text: string): string | null {
  const err = t.brt.be.setWeight(t.srv, text);
  if (err === null) t.brt.markedUp(t.srv, false);
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
  if (isIP(addr) === 0) return `Invalid addr '${addr}' ${BY}\n`;
  const { brt, srv } = t;
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
  // a server waiting for an address (init-addr none) leaves maintenance with one
  if ((srv.admin & SrvAdmin.RMAINT) !== 0) brt.be.setAdmin(srv, SrvAdmin.RMAINT, false);
  return `${parts.join(', ')} ${BY}\n`;
}

/** `set maxconn server <b>/<s> <n>`: null on success, or HAProxy's message. */
export function setServerMaxconn(_ctx: AdminContext, t: ServerTarget, text: string | undefined): string | null {
  if (text === undefined || text === '') return 'Require <maxconn>.\n';
  if (!/^[0-9]+$/.test(text)) return 'maxconn string empty or preceded by garbage';
  t.brt.setServerMaxconn(t.srv, Number(text));
  return null;
}
