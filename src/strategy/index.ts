import type { IncomingMessage } from 'node:http';
import type { AuthorizeMiddleware } from '../authorize';
import { settleHandshakeUser, userBefore } from '../connection-user';
import { emitDecision, type HandshakeFacts, isObserved, newFacts } from '../decisions';
import { finalVerdict } from '../handshake';
import { clientErrorOf, createDecision, sendsErrorData, type Verdict } from '../legacy/accept';
import { userIdOf } from '../passport-user';
import { recoveryRefusal } from '../recovery';
import { readQuerySessionId } from '../session-id';
import type { SocketLike } from '../types';
import { type ExpiringSocket, expireWithToken } from './expiry';
import { type Admission, runStrategyHandshake } from './handshake';
import { createStrategyAuthorizer, type StrategyAuthorizeOptions, type StrategySettings } from './options';
import { findToken, type TokenSource } from './token';

const NO_SOCKET_MESSAGE = 'passport.socketio-compat: authorizeStrategy() is a socket.io middleware for socket.io 1 and later';

/** A socket.io socket as strategy mode reads it. */
interface StrategySocket extends SocketLike {
  nsp?: { name?: string };
  conn?: { transport?: { name?: string }; readyState?: string };
}

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
  const authorizer = createStrategyAuthorizer(options, 'socket');
  const { settings } = authorizer;
  return function authorizeSocketWithStrategy(socket, next) {
    if (socket === null || typeof socket !== 'object' || !socket.request) {
      // socket.io 0.9's io.set('authorization', fn) has no socket; refuse rather than throw into it.
      next(new Error(NO_SOCKET_MESSAGE));
      return;
    }
    const request = socket.request;
    request.socketio_version_1 = true;
    const facts = newFacts(isObserved(settings.onDecision));
    const token = findToken(request, socket.handshake?.auth, socket.handshake?.query, settings.tokenFrom);
    const admission: Admission = { via: undefined, expiresAt: undefined };
    const sendsData = sendsErrorData(socket as Parameters<typeof sendsErrorData>[0]);
    const before = userBefore(request, settings.userProperty);
    let final: Verdict = null;
    const decision = createDecision(
      (decided) => {
        const session = authorizer.session;
        const verdict = admission.via === 'session' && session ? finalVerdict(session, facts, decided) : decided;
        final = verdict;
        settleHandshakeUser(request, settings.userProperty, facts, before, socket, verdict === null);
        if (verdict) return next(clientErrorOf(verdict, sendsData));
        // Rooms and live-session checks are about the session: a token-admitted socket has none.
        if (admission.via === 'session') authorizer.session?.afterAccept?.(socket, facts);
        next();
        if (settings.expireWithToken && admission.via === 'token' && admission.expiresAt !== undefined) {
          expireWithToken(socket as unknown as ExpiringSocket, admission.expiresAt, settings.expiredEvent, settings.timeout);
        }
      },
      facts.timed ? () => observeDecision(settings, facts, final, request, token.source, 'strategy', socket as StrategySocket) : undefined,
    );
    authorizer.session?.onHandshake?.(socket);
    // With rooms, a logout that ends the session's rooms after this moment refuses the handshake.
    if (!facts.timed && authorizer.session?.endedInFlight) facts.started = performance.now();
    // The connection's own URL only: a namespace's query (socket.io 2) cannot change the connection's session.
    const sessionQuery = readQuerySessionId(request, undefined);
    const unsafe = recoveryRefusal(socket);
    if (unsafe) {
      facts.failure = unsafe;
      decision.refuse(unsafe);
      return;
    }
    runStrategyHandshake(authorizer, request, { token, sessionQuery }, decision, facts, admission);
  };
}

/** Tells `onDecision` and `decisionEvents`, in the modes that read tokens. */
export function observeDecision(
  settings: StrategySettings,
  facts: HandshakeFacts,
  verdict: Verdict,
  request: IncomingMessage,
  tokenSource: TokenSource,
  mode: 'strategy' | 'engine',
  socket: StrategySocket | undefined,
  transport?: string,
): void {
  emitDecision(
    facts,
    verdict,
    { mode, namespace: socket?.nsp?.name, transport: transport ?? socket?.conn?.transport?.name, tokenSource },
    settings.onDecision,
    settings.includeUserIdInDecisions
      ? () => userIdOf((request as unknown as Record<string, unknown>)[settings.userProperty], facts.serializedUser)
      : undefined,
  );
}

export type { ExpiringSocket, TokenExpiredNotice } from './expiry';
export { STRATEGY_MESSAGES } from './failures';
export type { StrategyAuthorizeOptions, StrategyRegistry } from './options';
export type { StrategyLike } from './run-strategy';
export type { TokenSource, TokenSources } from './token';
