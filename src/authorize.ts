import type { IncomingMessage } from 'node:http';
import { createAfterAccept } from './cluster/accepted-socket';
import { listenForDropRequests } from './cluster/reconnect';
import { createRolling } from './cluster/rolling';
import { decide } from './decide/callbacks';
import { type HandshakeRecord, newRecord } from './decide/record';
import { createSettlement } from './decide/settlement';
import { clientErrorOf } from './deliver/client-error';
import { type DeliverySocket, deliverToSocket } from './deliver/socket';
import { isObserved, reportDecision } from './events/decision-events';
import { type CookieSessionAuthorizeOptions, storeOptionsOf } from './identify/cookie-session';
import { createSessionIdentifier, identifyBySession } from './identify/session';
import { readQuerySessionId } from './identify/session-id';
import { isSocketIo09Call, socketIo09Handshake } from './legacy/socketio-09';
import { type AuthorizeOptions, resolveOptions } from './options';
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
  const afterAccept = createAfterAccept(settings);
  const rollingInterval = settings.session?.rollingInterval;
  const rolling = rollingInterval === undefined ? undefined : createRolling(settings.store, rollingInterval);

  function handshake(
    request: IncomingMessage,
    query: unknown,
    deliver: (verdict: Verdict) => void,
    record: HandshakeRecord,
    socket?: DeliverySocket,
  ) {
    const settlement = createSettlement(
      deliver,
      record.timed
        ? (verdict) => {
            const context = { mode: 'authorize' as const, namespace: socket?.nsp?.name, transport: socket?.conn?.transport?.name };
            reportDecision(settings, record, verdict, context, request);
          }
        : undefined,
    );
    identifyBySession(identifier, request, query, record, (identity) =>
      decide(settings, request as HandshakeData, identity, settlement, record),
    );
  }

  return function authorizeSocket(socket, next) {
    const record = newRecord(isObserved(settings.onDecision));
    if (isSocketIo09Call(socket)) {
      const { request, answer } = socketIo09Handshake(socket, next);
      handshake(request, readQuerySessionId(request, undefined), (verdict) => answer(verdict && clientErrorOf(verdict, false)), record);
      return;
    }
    const deliver = deliverToSocket(socket, next, settings.userProperty, {
      beforeNext: () => {
        afterAccept?.(socket, record);
        if (settings.rooms) listenForDropRequests((socket as DeliverySocket).nsp);
        rolling?.(socket as Parameters<typeof rolling>[0]);
      },
    });
    handshake(socket.request, readQuerySessionId(socket.request, socket.handshake?.query), deliver, record, socket);
  };
}
