import { createAfterAccept, reviewVerdict } from './cluster/accepted-socket';
import { decide } from './decide/callbacks';
import { newRecord } from './decide/record';
import { createSettlement } from './decide/settlement';
import { refuseUnsafeRecovery } from './deliver/recovery';
import { type DeliverySocket, deliverToSocket } from './deliver/socket';
import { type ExpiringSocket, expireWithToken } from './deliver/token-expiry';
import { isObserved, reportDecision } from './events/decision-events';
import { readQuerySessionId } from './identify/session-id';
import { createTokenIdentifier, identifyBySessionOrToken } from './identify/session-or-token';
import { findToken } from './identify/token';
import { isSocketIo09Call, refuseSocketIo09 } from './legacy/socketio-09';
import { resolveStrategyOptions, type StrategyAuthorizeOptions } from './options';
import type { AuthorizeMiddleware, HandshakeData } from './types';

/**
 * Authorizes socket.io handshakes with any Passport strategy (passport-jwt first), with the same
 * `success(data, accept)` and `fail(data, message, critical, accept, error)` as `authorize`, and
 * the user on `socket.request.user` with `logged_in: true`. The token is read from the
 * `Authorization: Bearer` header, from `handshake.auth.token` (which a WebSocket-only browser
 * client can send) or, if enabled, a query parameter. Add `store` and `secret` to accept the
 * Express session cookie as well.
 *
 * @example
 * ```js
 * const { ExtractJwt, Strategy: JwtStrategy } = require('passport-jwt');
 * passport.use(new JwtStrategy(
 *   { jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: publicKey, algorithms: ['RS256'] },
 *   (payload, done) => users.find(payload.sub).then((user) => done(null, user || false), done),
 * ));
 * io.use(authorizeStrategy({
 *   strategy: 'jwt',
 *   expireWithToken: true, // disconnect when the token's exp passes
 *   fail(data, message, critical, accept) {
 *     accept(new Error(message)); // 'No token found', 'Token expired', 'Invalid token: ...'
 *   },
 * }));
 * // client: io(url, { auth: { token } }), or extraHeaders: { authorization: `Bearer ${token}` }
 * ```
 */
export function authorizeStrategy(options: StrategyAuthorizeOptions): AuthorizeMiddleware {
  const settings = resolveStrategyOptions(options, 'socket');
  const identifier = createTokenIdentifier(settings);
  const cluster = settings.session && createAfterAccept(settings.session);
  return function authorizeSocketWithStrategy(socket, next) {
    // socket.io 0.9's io.set('authorization', fn) has no socket; refuse rather than throw into it.
    if (isSocketIo09Call(socket)) return refuseSocketIo09(next, 'authorizeStrategy()');
    const request = socket.request;
    const record = newRecord(isObserved(settings.onDecision), cluster?.endedInFlight !== undefined);
    const token = findToken(request, socket.handshake?.auth, socket.handshake?.query, settings.tokenFrom);
    const deliver = deliverToSocket(socket, next, settings.userProperty, record, {
      // Rooms, live-session checks and logouts are about the session: a token-admitted socket has none.
      review: (verdict) => (record.foundBy === 'session' ? reviewVerdict(cluster, record, verdict) : verdict),
      beforeNext: () => {
        if (record.foundBy === 'session') cluster?.afterAccept(socket, record);
      },
      afterNext: () => {
        if (settings.expireWithToken && record.foundBy === 'token' && record.tokenExpiresAt !== undefined) {
          expireWithToken(socket as unknown as ExpiringSocket, record.tokenExpiresAt, settings.expiredEvent, settings.timeout);
        }
      },
    });
    const settlement = createSettlement(
      deliver,
      record.timed
        ? (verdict) => {
            const on = socket as DeliverySocket;
            const context = {
              mode: 'strategy' as const,
              namespace: on.nsp?.name,
              transport: on.conn?.transport?.name,
              tokenSource: token.source,
            };
            reportDecision(settings, record, verdict, context, request);
          }
        : undefined,
    );
    cluster?.onHandshake?.(socket);
    if (refuseUnsafeRecovery(socket, record, settlement)) return;
    // The connection's own URL only: a namespace's query (socket.io 2) cannot change the connection's session.
    const credentials = { token, sessionQuery: readQuerySessionId(request, undefined) };
    identifyBySessionOrToken(identifier, request, credentials, record, (identity) =>
      decide(settings, request as HandshakeData, identity, settlement, record),
    );
  };
}
