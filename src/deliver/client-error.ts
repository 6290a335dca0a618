import { AuthorizationError, GENERIC_CLIENT_MESSAGE } from '../errors';

/**
 * The Error a client receives. The package's own failures reach the client with their legacy
 * message, except critical ones, which only say {@link GENERIC_CLIENT_MESSAGE}; `data.code` is
 * added where the socket.io major sends `data` (3 and later). An app's own Error goes as it is.
 */
export function clientErrorOf(verdict: Error, sendsData: boolean): Error {
  if (!(verdict instanceof AuthorizationError)) return verdict;
  const error = new Error(verdict.critical ? GENERIC_CLIENT_MESSAGE : verdict.message) as Error & { data?: unknown };
  if (sendsData) error.data = { code: verdict.code };
  return error;
}

/**
 * Whether the client of this socket receives an error's `data` next to its message. socket.io 3+
 * (which has `handshake.auth`) sends both; to a socket.io 2 client (protocol 3, `allowEIO3`) or on
 * socket.io 2 itself it sends `data` *instead of* the message, so there the error gets no `data`.
 */
export function sendsErrorData(socket: { handshake?: { auth?: unknown }; conn?: { protocol?: number } }): boolean {
  return socket.handshake?.auth !== undefined && socket.conn?.protocol !== 3;
}
