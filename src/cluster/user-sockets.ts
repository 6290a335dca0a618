import { ClusterLookupError, InvalidArgumentError, InvalidOptionError, messageOf } from '../errors';
import { MAX_TIMER_MS, type RoomsOptions } from '../options';
import type { UserId } from '../types';
import { type IdentityData, identityOf, type SocketIdentity } from './identity';
import { endRoomChoosing } from './reconnect';
import { namingFor, sessionRoomOf, userRoomOf } from './rooms';
import { checkReason } from './session-ended';
import { type ClusterNamespace, mainNamespaceOf, namespacesOf, type ServerOrNamespace } from './socket-io';

/**
 * A socket as `fetchSocketsByUser` returns it: socket.io's own `Socket` for those on this
 * process, its `RemoteSocket` for those on other nodes. Both have these members.
 */
export interface RemoteUserSocket {
  readonly id: string;
  readonly data: IdentityData;
  readonly rooms: Set<string>;
  readonly handshake: unknown;
  emit(event: string, ...args: any[]): unknown;
  join(room: string | string[]): unknown;
  leave(room: string): unknown;
  disconnect(close?: boolean): unknown;
}

/** Chooses sockets by their identity; the socket itself (with the app's `socket.data`) comes second. */
export type IdentityFilter<TSocket = RemoteUserSocket> = (identity: SocketIdentity, socket: TSocket) => unknown;

export interface UserSocketsOptions {
  /** The `rooms` option given to `authorize()`, when it names rooms and this process cannot tell. */
  rooms?: RoomsOptions;
}

export interface FetchSocketsOptions extends UserSocketsOptions {
  /**
   * The longest the lookup may take, in milliseconds. A node that died or hangs never answers, so
   * the lookup then rejects with a {@link ClusterLookupError} (`ERR_CLUSTER_LOOKUP`) at this
   * timeout, also where the adapter would wait longer (the Redis adapter's own `requestsTimeout`,
   * or forever while its Redis connection is down).
   * @default 5000
   */
  timeout?: number;
}

/** The default `timeout` of {@link fetchSocketsByUser}: the adapters' own default request timeout. */
const DEFAULT_LOOKUP_TIMEOUT_MS = 5000;

export interface DisconnectOptions extends UserSocketsOptions {
  /**
   * The reason the clients receive with the `session_ended` event.
   * @default 'disconnected'
   */
  reason?: string;
  /**
   * `false`: end the sockets for good (the client gets `session_ended`, then
   * `'io server disconnect'`, and does not reconnect). `true`: drop their connections (the client
   * gets `session_ended` with `reconnect: true`, then `'transport close'`, reconnects by itself and
   * is authorized again, for example with the permissions it has now).
   * @default false
   */
  reconnect?: boolean;
}

/**
 * The sockets of a user on every node of the cluster (socket.io 4 and `authorize({ rooms: true })`).
 * Pass a user id to look in the user's room, or a filter over each socket's {@link SocketIdentity}
 * (which fetches every socket of the namespace from every node, so prefer an id). Pass `io` for
 * the main namespace or `io.of('/chat')`. Sockets on this process come back as socket.io's
 * `Socket`, those on other nodes as `RemoteSocket` (`emit`, `join`, `leave`, `disconnect`, `data`).
 * `filterSocketsByUser` stays the synchronous lookup of this process's sockets.
 *
 * Every node must answer: when one has died or hangs, or the adapter's backend (Redis,
 * PostgreSQL) is down, the promise rejects with a {@link ClusterLookupError} (`ERR_CLUSTER_LOOKUP`)
 * after `timeout` ms (5000 by default), never later.
 *
 * @example
 * ```js
 * const sockets = await fetchSocketsByUser(io, 42);
 * console.log(`user 42 has ${sockets.length} tabs open`);
 * const admins = await fetchSocketsByUser(io, (identity, socket) => socket.data.role === 'admin');
 * try {
 *   await fetchSocketsByUser(io, 42, { timeout: 1000 });
 * } catch (err) {
 *   if (err.code === 'ERR_CLUSTER_LOOKUP') console.warn('a node did not answer', err.message);
 * }
 * ```
 */
export async function fetchSocketsByUser<TSocket = RemoteUserSocket>(
  io: ServerOrNamespace,
  user: UserId | IdentityFilter<TSocket>,
  options: FetchSocketsOptions = {},
): Promise<TSocket[]> {
  const helper = 'fetchSocketsByUser(io, user)';
  checkOptions(options);
  const timeout = lookupTimeoutOf(options.timeout);
  const namespace = mainNamespaceOf(io, helper);
  if (typeof user === 'function') {
    const sockets = (await withinTimeout(namespace, undefined, timeout)) as TSocket[];
    return sockets.filter((socket) => {
      const identity = identityOf(socket as { data?: unknown });
      return identity !== undefined && Boolean(user(identity, socket));
    });
  }
  const room = userRoomOf(namingFor(options.rooms, helper), user, helper);
  return (await withinTimeout(namespace, room, timeout)) as TSocket[];
}

function lookupTimeoutOf(value: unknown): number {
  if (value === undefined) return DEFAULT_LOOKUP_TIMEOUT_MS;
  // Above the timer limit, Node.js would fire the timer at once: the lookup would always fail.
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new InvalidOptionError('timeout', 'must be a positive number of milliseconds, for example { timeout: 2000 }');
  }
  return value;
}

/**
 * `fetchSockets()` bounded by our own timer: the adapters that honour socket.io's
 * `timeout()` flag get it, and for the others (the Redis adapter uses its own `requestsTimeout`,
 * and queues commands without limit while Redis is down) the timer decides.
 */
function withinTimeout(namespace: ClusterNamespace, room: string | undefined, ms: number): Promise<unknown[]> {
  const target: { fetchSockets(): Promise<unknown[]>; timeout?: (ms: number) => unknown } =
    room === undefined ? namespace : namespace.in(room);
  const timed = typeof target.timeout === 'function' ? (target.timeout(ms) as typeof target) : target;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new ClusterLookupError(`passport.socketio-compat: fetchSocketsByUser: not every node answered within ${ms} ms`, true)),
      ms,
    );
    let pending: Promise<unknown[]>;
    try {
      pending = Promise.resolve(timed.fetchSockets());
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (sockets) => {
        clearTimeout(timer);
        resolve(sockets);
      },
      (err: unknown) => {
        clearTimeout(timer);
        const timedOut = /timeout/i.test(messageOf(err));
        reject(
          new ClusterLookupError(`passport.socketio-compat: fetchSocketsByUser: the adapter failed: ${messageOf(err)}`, timedOut, err),
        );
      },
    );
  });
}

/**
 * Disconnects every socket of a session, on every node and in every namespace, after sending
 * each client `session_ended` with the reason. Takes the session id as express-session has it
 * (`req.sessionID`); the rooms only ever hold a hash of it. In a logout route, use
 * {@link logoutSockets} or {@link disconnectOnLogout}, which also wait for the logout to finish.
 *
 * @example
 * ```js
 * app.post('/admin/sessions/:sid/revoke', (req, res) => {
 *   disconnectSession(io, req.params.sid, { reason: 'revoked' });
 *   sessionStore.destroy(req.params.sid, () => res.sendStatus(204));
 * });
 * ```
 */
export function disconnectSession(io: ServerOrNamespace, sessionId: string, options: DisconnectOptions = {}): void {
  const helper = 'disconnectSession(io, sessionId)';
  checkOptions(options);
  const reason = checkReason(options.reason, 'disconnected');
  const namespaces = namespacesOf(io, helper);
  const reconnect = checkReconnect(options.reconnect);
  const room = sessionRoomOf(namingFor(options.rooms, helper), sessionId, helper);
  for (const namespace of namespaces) {
    endRoomChoosing(namespace, room, reason, reconnect);
  }
}

/**
 * Disconnects every socket of a user, on every node, in every session and namespace, after
 * sending each client `session_ended` with the reason.
 *
 * @example
 * ```js
 * disconnectUser(io, bannedUser.id, { reason: 'banned' });
 * ```
 */
export function disconnectUser(io: ServerOrNamespace, userId: UserId, options: DisconnectOptions = {}): void {
  const helper = 'disconnectUser(io, userId)';
  checkOptions(options);
  const reason = checkReason(options.reason, 'disconnected');
  const namespaces = namespacesOf(io, helper);
  const reconnect = checkReconnect(options.reconnect);
  const room = userRoomOf(namingFor(options.rooms, helper), userId, helper);
  for (const namespace of namespaces) {
    endRoomChoosing(namespace, room, reason, reconnect);
  }
}

/**
 * Emits an event to every socket of a user, on every node (the main namespace of `io`, or the
 * namespace given). The rooms come from this process's `authorize({ rooms })`; where custom
 * names are ambiguous, use `io.to(room).emit()` with the room name yourself.
 *
 * @example
 * ```js
 * emitToUser(io, order.userId, 'order:shipped', { orderId: order.id });
 * ```
 */
export function emitToUser(io: ServerOrNamespace, userId: UserId, event: string, ...args: unknown[]): void {
  const helper = 'emitToUser(io, userId, event)';
  if (typeof event !== 'string' || event === '') {
    throw new InvalidArgumentError('event', `${helper}: event must be a non-empty string`);
  }
  const namespace = mainNamespaceOf(io, helper);
  namespace.to(userRoomOf(namingFor(undefined, helper), userId, helper)).emit(event, ...args);
}

/** The `reconnect` option of the disconnect helpers. */
export function checkReconnect(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidOptionError('reconnect', 'must be true (the client reconnects) or false (for good)');
  return value;
}

function checkOptions(options: unknown): void {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', 'must be an object, for example { reason: "logout" }');
  }
}
