import type { ServerResponse } from 'node:http';
import { decide } from './decide/callbacks';
import { newRecord } from './decide/record';
import { createSettlement } from './decide/settlement';
import { belongsToOpenConnection, deliverToEngine, type EngineRequest, engineQueryOf } from './deliver/engine';
import { isObserved, reportDecision } from './events/decision-events';
import { storeOptionsOf } from './identify/cookie-session';
import { createSessionIdentifier, identifyBySession } from './identify/session';
import { readQuerySessionId } from './identify/session-id';
import { createTokenIdentifier, identifyBySessionOrToken } from './identify/session-or-token';
import { findToken } from './identify/token';
import { type AuthorizeOptions, type EngineAuthorizeOptions, resolveEngineOptions } from './options';
import type { HandshakeData, Identity } from './types';

/** A middleware for `io.engine.use(...)` (socket.io 4.6 and later). */
export type EngineMiddleware = (req: EngineRequest, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Authorizes each engine.io connection once, at its handshake, for all namespaces: install it
 * with `io.engine.use(...)` (socket.io 4.6 and later). Same options, callbacks and
 * `socket.request.user` as `authorize` (session cookies) or, with `strategy`, as
 * `authorizeStrategy` (the token from the `Authorization: Bearer` header or a query parameter;
 * `handshake.auth` is not sent until after the engine handshake). It runs on every request that
 * engine.io treats as the start of a connection (no `sid`, or an empty one, whatever the method),
 * never on later requests of an open connection (polling requests, the WebSocket upgrade). A refused
 * handshake gets HTTP 401 (403 when `success` refused a found user, 500 for a critical failure)
 * with a JSON {@link EngineRefusal} body; the socket.io client reports it as a `connect_error`
 * `'xhr poll error'` (polling) or `'websocket error'`.
 *
 * @example
 * ```js
 * const { authorizeEngine } = require('passport.socketio-compat');
 * io.engine.use(authorizeEngine({
 *   key: 'connect.sid', secret: 'keyboard cat', store: sessionStore,
 *   success(data, accept) {
 *     if (data.user.banned) return accept(new Error('banned')); // HTTP 403
 *     accept();
 *   },
 * }));
 * io.of('/chat').on('connection', (socket) => console.log(socket.request.user)); // every namespace
 * ```
 */
export function authorizeEngine(options: EngineAuthorizeOptions): EngineMiddleware {
  // Session mode reads a cookie-session app's session from the cookie, as authorize() does.
  const engine = resolveEngineOptions('strategy' in Object(options) ? options : storeOptionsOf(options as AuthorizeOptions));
  const { settings } = engine;
  // Who is this: by token (and session), as authorizeStrategy() does, or by session, as authorize() does.
  const byToken = engine.strategy ? createTokenIdentifier(engine.settings) : undefined;
  const bySession = engine.strategy ? undefined : createSessionIdentifier(engine.settings);
  return function authorizeEngineHandshake(req, res, next) {
    const query = engineQueryOf(req);
    if (belongsToOpenConnection(query)) return next();
    req.socketio_version_1 = true;
    const record = newRecord(isObserved(settings.onDecision));
    const token = byToken && findToken(req, undefined, query, byToken.settings.tokenFrom);
    const context = { mode: 'engine' as const, transport: query.transport, tokenSource: token?.source };
    const settlement = createSettlement(
      deliverToEngine(req, res, next, record, settings.userProperty),
      record.timed ? (verdict) => reportDecision(settings, record, verdict, context, req) : undefined,
    );
    const decideNow = (identity: Identity) => decide(settings, req as HandshakeData, identity, settlement, record);
    const sessionQuery = readQuerySessionId(req, query);
    if (byToken && token) identifyBySessionOrToken(byToken, req, { token, sessionQuery }, record, decideNow);
    else if (bySession) identifyBySession(bySession, req, sessionQuery, record, decideNow);
  };
}
