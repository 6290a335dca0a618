import type { IncomingMessage } from 'node:http';
import { takeLastWrite } from '../decide/handshake-user';
import type { HandshakeRecord } from '../decide/record';

/**
 * All namespace sockets of one connection share `socket.request`, and each namespace's handshake
 * writes the user there (the legacy contract: `success(data)` gets the request itself). So that
 * no accepted socket's user depends on another namespace's handshake:
 * - each handshake keeps the user it wrote in its own record, and an accepted socket keeps that
 *   user as its own ({@link socketUser}), whatever the shared request holds later;
 * - `socket.request[userProperty]` is, once handshakes are decided, the user of the connection's
 *   most recently accepted handshake: a refused one puts it back, never leaves its placeholder.
 */

const SOCKET_USER = Symbol.for('passport.socketio-compat.socketUser');
const CONNECTION_USER = Symbol.for('passport.socketio-compat.connectionUser');

type Holder = Record<string | symbol, unknown>;

/**
 * Called when a handshake of this request has been decided: an accepted one makes its user the
 * socket's own and the connection's; a refused one puts back the connection's user (that of its
 * latest accepted handshake) or, with none, what the request held before the handshake began.
 * Returns the user of the accepted socket.
 */
export function settleHandshakeUser(
  request: IncomingMessage,
  userProperty: string,
  record: HandshakeRecord,
  before: unknown,
  socket: object | undefined,
  accepted: boolean,
): unknown {
  const holder = request as unknown as Holder;
  // The request's user is written by this decision: no handshake in flight may take it for its own.
  const wroteLast = takeLastWrite(request, record);
  if (!accepted) {
    if (Object.hasOwn(holder, CONNECTION_USER)) holder[userProperty] = holder[CONNECTION_USER];
    else if (before !== undefined) holder[userProperty] = before;
    return undefined;
  }
  // The app's success may have replaced data.user; only if no other handshake wrote since.
  const user = wroteLast ? holder[userProperty] : record.user;
  record.user = user;
  holder[userProperty] = user;
  define(holder, CONNECTION_USER, user);
  if (socket) define(socket as Holder, SOCKET_USER, user);
  return user;
}

/** What the request's user was when a handshake began. */
export function userBefore(request: IncomingMessage, userProperty: string): unknown {
  return (request as unknown as Holder)[userProperty];
}

/**
 * The user of this socket, as its own handshake found it: never changed by the handshake of
 * another namespace on the same connection, unlike `socket.request.user`, which all namespaces
 * of a connection share. With `authorizeEngine` (one handshake per connection), the connection's
 * user. `undefined` for a socket no handshake of this package accepted.
 *
 * @example
 * ```js
 * const { socketUser } = require('passport.socketio-compat');
 * io.of('/orders').on('connection', (socket) => {
 *   const user = socketUser(socket); // this socket's user, whatever /chat accepted since
 * });
 * ```
 */
export function socketUser(socket: { request?: unknown } | null | undefined): unknown {
  if (socket === null || typeof socket !== 'object') return undefined;
  const own = socket as Holder;
  if (Object.hasOwn(own, SOCKET_USER)) return own[SOCKET_USER];
  const request = socket.request as Holder | undefined;
  return request !== null && typeof request === 'object' ? request[CONNECTION_USER] : undefined;
}

function define(target: Holder, key: symbol, value: unknown): void {
  Object.defineProperty(target, key, { value, configurable: true, enumerable: false, writable: true });
}
