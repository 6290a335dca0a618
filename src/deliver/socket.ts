import type { SocketLike, Verdict } from '../types';
import { clientErrorOf, sendsErrorData } from './client-error';
import { keepUserOfConnection } from './connection-user';

/** A socket.io socket as delivery reads it, on socket.io 1 to 4. */
export interface DeliverySocket extends SocketLike {
  nsp?: { name?: string };
  conn?: { transport?: { name?: string }; protocol?: number; readyState?: string };
}

/**
 * Delivers a verdict to socket.io's `next`: a refusal as the Error the client may see (the
 * connection's user on `socket.request` put back as it was), an acceptance after `beforeNext`
 * (rooms, live-session checks) and before `afterNext` (token expiry).
 */
export function deliverToSocket(
  socket: DeliverySocket,
  next: (err?: Error) => void,
  userProperty: string,
  accepted: { beforeNext?: () => void; afterNext?: () => void } = {},
): (verdict: Verdict) => void {
  const request = socket.request;
  request.socketio_version_1 = true;
  const sendsData = sendsErrorData(socket);
  const restoreUser = keepUserOfConnection(request, userProperty);
  return (verdict) => {
    if (verdict) {
      restoreUser();
      next(clientErrorOf(verdict, sendsData));
      return;
    }
    accepted.beforeNext?.();
    next();
    accepted.afterNext?.();
  };
}
