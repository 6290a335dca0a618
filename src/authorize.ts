import type { IncomingMessage } from 'node:http';
import { createAfterAccept, reviewVerdict } from './cluster/accepted-socket';
import { createRolling } from './cluster/rolling';
import { decide } from './decide/callbacks';
import { type HandshakeRecord, newRecord } from './decide/record';
import { createSettlement, type Deliver, type Settlement } from './decide/settlement';
import { clientErrorOf } from './deliver/client-error';
import { refuseUnsafeRecovery } from './deliver/recovery';
import { type DeliverySocket, deliverToSocket } from './deliver/socket';
import { isObserved, reportDecision } from './events/decision-events';
import { storeOptionsOf } from './identify/cookie-session';
import { createSessionIdentifier, identifyBySession } from './identify/session';
import { readQuerySessionId } from './identify/session-id';
import { isSocketIo09Call, socketIo09Handshake } from './legacy/socketio-09';
import { type AuthorizeOptions, type CookieSessionAuthorizeOptions, resolveOptions } from './options';
import type { AuthorizeMiddleware, HandshakeData, Verdict } from './types';

/**
 * Authorizes socket.io handshakes with the Passport session of the Express app: the session
 * cookie is verified, the session read from the store, the user deserialized and set on
 * `socket.request.user` with `logged_in: true`. Then `success(data, accept)` or
 * `fail(data, message, critical, accept)` decide, exactly as with the legacy `passport.socketio`.
 *
 * @example
 * ```js
 * const passportSocketIo = require('passport.socketio-compat');
 * io.use(passportSocketIo.authorize({
 *   key: 'connect.sid',       // the session cookie's name
 *   secret: 'keyboard cat',   // the express-session secret
 *   store: sessionStore,      // the express-session store
 *   fail(data, message, critical, accept) {
 *     accept(new Error(message));
 *   },
 * }));
 * io.on('connection', (socket) => console.log(socket.request.user));
 * ```
 */
export function authorize(options: AuthorizeOptions | CookieSessionAuthorizeOptions): AuthorizeMiddleware {
  // A cookie-session app's session is read from the cookie through the same steps as a store's.
  const settings = resolveOptions(storeOptionsOf(options));
  const identifier = createSessionIdentifier(settings);
  const cluster = createAfterAccept(settings);
  const rollingInterval = settings.session?.rollingInterval;
  const rolling = rollingInterval === undefined ? undefined : createRolling(settings.store, rollingInterval);

  /** The one verdict of a handshake, delivered by `deliver`, then told to the observers. */
  function settle(request: IncomingMessage, deliver: Deliver, record: HandshakeRecord, socket?: DeliverySocket): Settlement {
    return createSettlement(
      deliver,
      record.timed
        ? (verdict) => {
            const context = { mode: 'authorize' as const, namespace: socket?.nsp?.name, transport: socket?.conn?.transport?.name };
            reportDecision(settings, record, verdict, context, request);
          }
        : undefined,
    );
  }

  return function authorizeSocket(socket, next) {
    const record = newRecord(isObserved(settings.onDecision), cluster?.endedInFlight !== undefined);
    if (isSocketIo09Call(socket)) {
      const { request, answer } = socketIo09Handshake(socket, next);
      const deliver = (verdict: Verdict) => {
        answer(verdict && clientErrorOf(verdict, false));
        return verdict;
      };
      const settlement = settle(request, deliver, record);
      identifyBySession(identifier, request, readQuerySessionId(request, undefined), record, (identity) =>
        decide(settings, request as HandshakeData, identity, settlement, record),
      );
      return;
    }
    const request = socket.request;
    const deliver = deliverToSocket(socket, next, settings.userProperty, record, {
      review: (verdict) => reviewVerdict(cluster, record, verdict),
      beforeNext: () => {
        cluster?.afterAccept(socket, record);
        rolling?.(socket as Parameters<typeof rolling>[0]);
      },
    });
    const settlement = settle(request, deliver, record, socket);
    cluster?.onHandshake?.(socket);
    if (refuseUnsafeRecovery(socket, record, settlement)) return;
    // The connection's own URL only: a namespace's query (socket.io 2) cannot change the connection's session.
    identifyBySession(identifier, request, readQuerySessionId(request, undefined), record, (identity) =>
      decide(settings, request as HandshakeData, identity, settlement, record),
    );
  };
}
