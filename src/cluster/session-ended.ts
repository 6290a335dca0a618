import { EventEmitter } from 'node:events';
import { InvalidOptionError } from '../errors';
import { rememberRoomEnded } from './ended-rooms';
import type { ClusterNamespace } from './socket-io';

/**
 * The event a client receives just before the server disconnects it on purpose (logout, session
 * gone, a helper's disconnect), with `{ reason }`. The disconnect itself follows with socket.io's
 * own reason `'io server disconnect'`, after which socket.io-client does not reconnect by itself.
 *
 * @example
 * ```js
 * socket.on('session_ended', ({ reason }) => {
 *   if (reason === 'logout') window.location.assign('/login');
 * });
 * ```
 */
export const SESSION_ENDED_EVENT = 'session_ended';

/**
 * Why the server ended a socket. The package's own reasons; the disconnect helpers also take any
 * reason string of the app's own (for example `'banned'`).
 * - `logout`: the app's logout route ran ({@link logoutSockets}, {@link disconnectOnLogout}).
 * - `session_gone`: the session is no longer in the store (destroyed, or removed by its TTL).
 * - `session_expired`: the store still has the session, but its cookie has expired.
 * - `logged_out`: the session is there, without a Passport user.
 * - `user_changed`: the session is logged in to another user now.
 * - `disconnected`: the default of {@link disconnectSession} and {@link disconnectUser}.
 */
export type SessionEndedReason = 'logout' | 'session_gone' | 'session_expired' | 'logged_out' | 'user_changed' | 'disconnected';

/** What the client receives with {@link SESSION_ENDED_EVENT}. */
export interface SessionEndedPayload {
  reason: SessionEndedReason | (string & {});
}

interface EndableSocket {
  connected?: boolean;
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(close?: boolean): unknown;
}

/** Tells one local socket why, then disconnects it from its namespace. */
export function endSocket(socket: EndableSocket, reason: string): void {
  if (socket.connected === false) return;
  socket.emit(SESSION_ENDED_EVENT, { reason } satisfies SessionEndedPayload);
  socket.disconnect();
}

/**
 * Tells every socket of a room, on every node, why, then disconnects them. Each node does both for
 * its own sockets, in one step, on one message: the reason and the disconnect cannot arrive in the
 * other order, whatever way the adapter delivers its messages (the PostgreSQL adapter sends each
 * through whichever connection of its pool is free). Only the namespace's socket is disconnected:
 * a client's other namespaces stay up, and socket.io-client closes the connection once its last
 * namespace is gone. With an adapter that has no `serverSideEmit`, the reason and the disconnect
 * go to the other nodes as two broadcasts, in that order.
 */
export function endRoom(namespace: ClusterNamespace, room: string, reason: string): void {
  endLocalSockets(namespace, room, reason);
  if (sendsToOtherNodes(namespace.adapter) && typeof namespace.serverSideEmit === 'function') {
    namespace.serverSideEmit(END_ROOM_EVENT, room, reason);
  } else {
    namespace.to(room).emit(SESSION_ENDED_EVENT, { reason } satisfies SessionEndedPayload);
    namespace.in(room).disconnectSockets(false);
  }
}

// Between the nodes of a cluster (socket.io's serverSideEmit), never to clients.
const END_ROOM_EVENT = 'passport.socketio-compat:end-room';

const listening = new WeakSet<object>();

/**
 * Lets other nodes end the sockets of a room on this node ({@link endRoom}), remembering the room
 * as ended in the same step (a handshake in flight here is then refused): called for the namespace
 * of every socket that joins rooms, before it joins them.
 */
export function endRoomsOnRequest(namespace: unknown): void {
  const target = namespace as (ClusterNamespace & { on?: (event: string, listener: (...args: unknown[]) => void) => unknown }) | null;
  if (target === null || typeof target !== 'object' || typeof target.on !== 'function' || listening.has(target)) return;
  listening.add(target);
  target.on(END_ROOM_EVENT, (room: unknown, reason: unknown) => {
    if (typeof room !== 'string' || room === '' || typeof reason !== 'string' || reason === '') return;
    rememberRoomEnded(room);
    endLocalSockets(target, room, reason);
  });
}

/** Ends the sockets of a room that are connected to this node (socket.io 4: the adapter's rooms are a Map). */
function endLocalSockets(namespace: ClusterNamespace, room: string, reason: string): void {
  const ids = namespace.adapter?.rooms?.get(room);
  const sockets = namespace.sockets;
  if (!ids || !(sockets instanceof Map)) return;
  // Each disconnect removes its socket from the room's set.
  for (const id of [...ids]) {
    const socket = sockets.get(id);
    if (socket) endSocket(socket, reason);
  }
}

/**
 * Whether the adapter sends to other nodes: socket.io's in-memory adapter (one process) has a
 * `serverSideEmit` that only warns; every cluster adapter has its own.
 */
function sendsToOtherNodes(adapter: unknown): boolean {
  if (adapter === null || typeof adapter !== 'object') return false;
  let owner: object | null = adapter;
  while (owner !== null && !Object.hasOwn(owner, 'serverSideEmit')) owner = Object.getPrototypeOf(owner);
  return owner !== null && Object.getPrototypeOf(owner) !== EventEmitter.prototype;
}

export function checkReason(reason: unknown, fallback: string): string {
  if (reason === undefined) return fallback;
  if (typeof reason !== 'string' || reason === '') {
    throw new InvalidOptionError('reason', 'must be a non-empty string, the reason the client receives');
  }
  return reason;
}
