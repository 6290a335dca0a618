import { InvalidArgumentError } from './errors';
import type { SocketUser } from './types';

/** A connected socket as far as `filterSocketsByUser` reads one, on socket.io 1 to 4. */
export interface UserSocket {
  request: { user?: unknown };
}

/** A namespace of socket.io 1 and 2 (`connected` object), or 3 and 4 (`sockets` Map). */
export interface NamespaceLike<TSocket> {
  sockets?: Map<string, TSocket> | Record<string, TSocket> | unknown;
  connected?: Record<string, TSocket>;
}

/** A socket.io server: its `sockets` is the main namespace. */
export interface ServerLike<TSocket> {
  of(name: string): unknown;
  sockets: NamespaceLike<TSocket>;
}

/** A user filter: return true for the users whose sockets you want. */
export type UserFilter = (user: SocketUser) => unknown;

/**
 * The connected sockets, on this process, whose `request.user` passes `filter`. Pass the server
 * for its main namespace, or a namespace (`io.of('/chat')`). Works on socket.io 1 (from 1.4), 2, 3 and 4.
 *
 * @example
 * ```js
 * passportSocketIo.filterSocketsByUser(io, (user) => user.logged_in && user.id === 42)
 *   .forEach((socket) => socket.emit('message', 'hello'));
 * ```
 */
export function filterSocketsByUser<TSocket extends UserSocket = any>(
  io: ServerLike<TSocket> | NamespaceLike<TSocket>,
  filter: UserFilter,
): TSocket[] {
  if (typeof filter !== 'function') {
    throw new InvalidArgumentError('filter', 'filterSocketsByUser(io, filter): filter must be a function');
  }
  const matching: TSocket[] = [];
  for (const socket of connectedSockets(io)) {
    if (filter(socket.request?.user as SocketUser)) matching.push(socket);
  }
  return matching;
}

/** The connected sockets of a server's main namespace or of a namespace, on any major. */
function connectedSockets<TSocket>(io: ServerLike<TSocket> | NamespaceLike<TSocket>): Iterable<TSocket> {
  if (io === null || typeof io !== 'object') {
    throw new InvalidArgumentError('io', 'filterSocketsByUser(io, filter): io must be a socket.io server or namespace');
  }
  const namespace: NamespaceLike<TSocket> = typeof (io as ServerLike<TSocket>).of === 'function' ? (io as ServerLike<TSocket>).sockets : io;
  // socket.io 1 and 2 keep connected sockets in `connected` (its `sockets` also holds half-open ones).
  const sockets = namespace.connected ?? namespace.sockets;
  if (sockets instanceof Map) return sockets.values();
  if (sockets !== null && typeof sockets === 'object') return Object.values(sockets as Record<string, TSocket>);
  throw new InvalidArgumentError('io', 'filterSocketsByUser(io, filter): io must be a socket.io server or namespace');
}
