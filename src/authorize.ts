import type { IncomingMessage } from 'node:http';
import { createAfterAccept } from './cluster/accepted-socket';
import { settleHandshakeUser, userBefore } from './connection-user';
import { type CookieSessionAuthorizeOptions, storeOptionsOf } from './cookie-session';
import { emitDecision, type HandshakeFacts, isObserved, newFacts } from './decisions';
import { type Authorizer, finalVerdict, runHandshake } from './handshake';
import { clientErrorOf, createDecision, sendsErrorData, type Verdict } from './legacy/accept';
import { type AuthorizeOptions, resolveOptions, type Settings } from './options';
import { userIdOf } from './passport-user';
import { recoveryRefusal } from './recovery';
import { createSignedCookieReader, readQuerySessionId } from './session-id';
import type { SocketLike } from './types';

/** A socket.io middleware: `io.use(authorize({ ... }))`, or called by hand as `(socket, next)`. */
export type AuthorizeMiddleware = (socket: SocketLike, next: (err?: Error) => void) => void;

/** A socket.io socket as the adapter reads it: namespace and transport are for decision events. */
interface AdapterSocket extends SocketLike {
  nsp?: { name?: string };
  conn?: { transport?: { name?: string }; protocol?: number };
}

/**
 * Checks the options and prepares what every handshake shares. Throws an `InvalidOptionError`
 * (a `TypeError` naming the option) for a missing or wrong option.
 */
export function createAuthorizer(options: AuthorizeOptions | CookieSessionAuthorizeOptions): Authorizer {
  const settings = resolveOptions(storeOptionsOf(options));
  const authorizer: Authorizer = { settings, readSignedCookies: createSignedCookieReader(settings) };
  const hooks = createAfterAccept(settings);
  if (hooks) Object.assign(authorizer, hooks);
  return authorizer;
}

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
  const authorizer = createAuthorizer(options);
  const { settings } = authorizer;
  return function authorizeSocket(socket, next) {
    const facts = newFacts(isObserved(settings.onDecision));
    if (socket !== null && typeof socket === 'object' && 'request' in socket && socket.request) {
      const request = socket.request;
      request.socketio_version_1 = true;
      const sendsData = sendsErrorData(socket as AdapterSocket);
      const before = userBefore(request, settings.userProperty);
      let final: Verdict = null;
      const decision = createDecision(
        (decided) => {
          const verdict = finalVerdict(authorizer, facts, decided);
          final = verdict;
          settleHandshakeUser(request, settings.userProperty, facts, before, socket, verdict === null);
          if (verdict) return next(clientErrorOf(verdict, sendsData));
          authorizer.afterAccept?.(socket, facts);
          next();
        },
        facts.timed ? () => observe(settings, facts, final, socket as AdapterSocket, request) : undefined,
      );
      authorizer.onHandshake?.(socket);
      // With rooms, a logout that ends the session's rooms after this moment refuses the handshake.
      if (!facts.timed && authorizer.endedInFlight) facts.started = performance.now();
      // The connection's own URL only: a namespace's query (socket.io 2) cannot change the connection's session.
      const unsafe = recoveryRefusal(socket);
      if (unsafe) {
        facts.failure = unsafe;
        decision.refuse(unsafe);
        return;
      }
      runHandshake(authorizer, request, readQuerySessionId(request, undefined), decision, facts);
      return;
    }
    // socket.io 0.9's io.set('authorization', fn): fn(handshakeData, accept(err, authorized)).
    const data = socket as unknown as IncomingMessage;
    const accept = next as unknown as (err: string | null, authorized: boolean) => void;
    const decision = createDecision(
      (verdict) => (verdict ? accept(clientErrorOf(verdict, false).message, false) : accept(null, true)),
      facts.timed ? (verdict) => observe(settings, facts, verdict, undefined, data) : undefined,
    );
    runHandshake(authorizer, data, readQuerySessionId(data, undefined), decision, facts);
  };
}

function observe(
  settings: Settings,
  facts: HandshakeFacts,
  verdict: Verdict,
  socket: AdapterSocket | undefined,
  request: IncomingMessage,
): void {
  emitDecision(
    facts,
    verdict,
    { mode: 'authorize', namespace: socket?.nsp?.name, transport: socket?.conn?.transport?.name },
    settings.onDecision,
    settings.includeUserIdInDecisions
      ? () => userIdOf((request as unknown as Record<string, unknown>)[settings.userProperty], facts.serializedUser)
      : undefined,
  );
}
