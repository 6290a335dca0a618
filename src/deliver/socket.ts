import type { HandshakeRecord } from '../decide/record';
import type { SocketLike, Verdict } from '../types';
import { clientErrorOf, sendsErrorData } from './client-error';
import { settleHandshakeUser, userBefore } from './connection-user';

/** A socket.io socket as delivery reads it, on socket.io 1 to 4. */
export interface DeliverySocket extends SocketLike {
  nsp?: { name?: string };
  conn?: { transport?: { name?: string }; protocol?: number; readyState?: string };
}

/** What runs around an acceptance, and a last look at the verdict before socket.io gets it. */
interface SocketDeliveryHooks {
  /** May still refuse an acceptance (a logout ended the session's rooms while the handshake was in flight). */
  review?: (verdict: Verdict) => Verdict;
  /** Just before socket.io lets the socket in (rooms, live-session checks). */
  beforeNext?: () => void;
  /** Just after (token expiry). */
  afterNext?: () => void;
}

/**
 * Delivers a verdict to socket.io's `next`: a refusal as the Error the client may see, an
 * acceptance with this handshake's user made the socket's own (see connection-user.ts); the
 * connection's user on the shared `socket.request` is put back after a refusal. Returns the
 * verdict delivered.
 */
export function deliverToSocket(
  socket: DeliverySocket,
  next: (err?: Error) => void,
  userProperty: string,
  record: HandshakeRecord,
  hooks: SocketDeliveryHooks = {},
): (verdict: Verdict) => Verdict {
  const request = socket.request;
  request.socketio_version_1 = true;
  const sendsData = sendsErrorData(socket);
  const before = userBefore(request, userProperty);
  return (decided) => {
    const verdict = hooks.review ? hooks.review(decided) : decided;
    settleHandshakeUser(request, userProperty, record, before, socket, verdict === null);
    if (verdict) {
      next(clientErrorOf(verdict, sendsData));
      return verdict;
    }
    hooks.beforeNext?.();
    next();
    hooks.afterNext?.();
    return verdict;
  };
}
