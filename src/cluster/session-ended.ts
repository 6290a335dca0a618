import { InvalidOptionError } from '../errors';
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
 * Tells every socket of a room, on every node, why, then disconnects them. The reason and the
 * disconnect travel the same way in the same order (one publisher, one subscriber connection
 * per node for the Redis adapter; one IPC channel for the cluster adapter), and each socket
 * writes its packets in order, so a client receives the reason before the disconnect. Only the
 * namespace's socket is disconnected: a client's other namespaces stay up, and socket.io-client
 * closes the connection once its last namespace is gone.
 */
export function endRoom(namespace: ClusterNamespace, room: string, reason: string): void {
  namespace.to(room).emit(SESSION_ENDED_EVENT, { reason } satisfies SessionEndedPayload);
  namespace.in(room).disconnectSockets(false);
}

export function checkReason(reason: unknown, fallback: string): string {
  if (reason === undefined) return fallback;
  if (typeof reason !== 'string' || reason === '') {
    throw new InvalidOptionError('reason', 'must be a non-empty string, the reason the client receives');
  }
  return reason;
}
