import { type IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { createAuthorizer } from './authorize';
import { settleHandshakeUser } from './connection-user';
import { type DecisionListener, emitDecision, type HandshakeFacts, isObserved, newFacts, outcomeOf } from './decisions';
import { AuthorizationError, type AuthorizationErrorCode, ErrorCodes, InvalidOptionError } from './errors';
import { runHandshake } from './handshake';
import { clientErrorOf, createDecision, type Decision, type Verdict } from './legacy/accept';
import { log } from './log';
import type { AuthorizeOptions } from './options';
import { userIdOf } from './passport-user';
import { readQuerySessionId } from './session-id';
import { type Admission, runStrategyHandshake } from './strategy/handshake';
import { observeDecision } from './strategy/index';
import { createStrategyAuthorizer, type StrategyAuthorizeOptions } from './strategy/options';
import { findToken } from './strategy/token';

const debug = log('engine');

/** A middleware for `io.engine.use(...)` (socket.io 4.6 and later). */
export type EngineMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Options of {@link authorizeEngine}: those of `authorize` (session cookies), or those of
 * `authorizeStrategy` (a Passport strategy, with or without session cookies).
 */
export type EngineAuthorizeOptions = AuthorizeOptions | StrategyAuthorizeOptions;

/** The JSON body of a refused engine handshake. Never a stack trace or an internal message. */
export interface EngineRefusal {
  /** The stable code, as in `fail`'s `error.code` and decision events. */
  code: AuthorizationErrorCode;
  /** What the client may see: the legacy message, `Internal server error` for a critical failure, or the app's own. */
  message: string;
  /** The `data` of an Error the app refused with, as socket.io sends it in `connect_error`. */
  data?: unknown;
}

/** An engine.io request: engine.io parses the query into `_query` before running middlewares. */
interface EngineRequest extends IncomingMessage {
  _query?: Record<string, string>;
}

interface EngineHandshake {
  onDecision: DecisionListener | undefined;
  userProperty: string;
  /** One handshake: what tells its observers, and what runs it. */
  start(req: EngineRequest, query: Record<string, string>, facts: HandshakeFacts): HandshakeRun;
}

interface HandshakeRun {
  observe(verdict: Verdict): void;
  run(decision: Decision): void;
}

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
  const handshake = prepare(options);
  return function authorizeEngineHandshake(req: EngineRequest, res, next) {
    const query = engineQueryOf(req);
    if (belongsToOpenConnection(query)) {
      next();
      return;
    }
    req.socketio_version_1 = true;
    const facts = newFacts(isObserved(handshake.onDecision));
    const { observe, run } = handshake.start(req, query, facts);
    const deliver = (verdict: Verdict) => {
      if (verdict) return refuseHandshake(req, res, verdict, facts);
      settleHandshakeUser(req, handshake.userProperty, facts, undefined, undefined, true);
      next();
    };
    run(createDecision(deliver, facts.timed ? observe : undefined));
  };
}

function prepare(options: EngineAuthorizeOptions): EngineHandshake {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError(
      'options',
      'must be an object: authorizeEngine({ store, secret, ... }) or authorizeEngine({ strategy, ... })',
    );
  }
  if ('strategy' in options && options.strategy !== undefined) return prepareStrategy(options);
  const authorizer = createAuthorizer(options as AuthorizeOptions);
  refuseSocketOptions(options, authorizer.afterAccept !== undefined);
  const { settings } = authorizer;
  return {
    onDecision: settings.onDecision,
    userProperty: settings.userProperty,
    start: (req, query, facts) => ({
      observe: (verdict) =>
        emitDecision(
          facts,
          verdict,
          { mode: 'engine', transport: query.transport },
          settings.onDecision,
          settings.includeUserIdInDecisions
            ? () => userIdOf((req as unknown as Record<string, unknown>)[settings.userProperty], facts.serializedUser)
            : undefined,
        ),
      run: (decision) => runHandshake(authorizer, req, readQuerySessionId(req, query), decision, facts),
    }),
  };
}

function prepareStrategy(options: StrategyAuthorizeOptions): EngineHandshake {
  const authorizer = createStrategyAuthorizer(options, 'engine');
  refuseSocketOptions(options, authorizer.session?.afterAccept !== undefined);
  const { settings } = authorizer;
  return {
    onDecision: settings.onDecision,
    userProperty: settings.userProperty,
    start(req, query, facts) {
      const token = findToken(req, undefined, query, settings.tokenFrom);
      const admission: Admission = { via: undefined, expiresAt: undefined };
      return {
        observe: (verdict) => observeDecision(settings, facts, verdict, req, token.source, 'engine', undefined, query.transport),
        run: (decision) =>
          runStrategyHandshake(authorizer, req, { token, sessionQuery: readQuerySessionId(req, query) }, decision, facts, admission),
      };
    },
  };
}

/** Options that act on the socket once accepted (rooms, live session checks) have nothing to act on here. */
function refuseSocketOptions(options: object, actsOnSockets: boolean): void {
  if (!actsOnSockets) return;
  const option = ['rooms', 'liveSession'].find((name) => (options as Record<string, unknown>)[name]) ?? 'options';
  throw new InvalidOptionError(
    option,
    'acts on each socket after the handshake, and the engine level has no socket: use authorize() or authorizeStrategy() with io.use() for it',
  );
}

/**
 * engine.io decides on `_query.sid` alone, right after its middlewares: a non-empty sid is a
 * request of an open connection (it answers 400 "Session ID unknown" when no live connection has
 * that id), anything else (no sid, `sid=`, whatever the method or transport) starts a connection.
 * So only a non-empty string sid may pass unchecked: engine.io itself then requires it to be a
 * live connection, which was authorized at its own first request. Every other request is
 * authorized, even one engine.io would refuse anyway (a POST without a sid).
 */
function belongsToOpenConnection(query: Record<string, unknown>): boolean {
  const sid = query.sid;
  return typeof sid === 'string' && sid !== '';
}

function engineQueryOf(req: EngineRequest): Record<string, string> {
  if (req._query !== null && typeof req._query === 'object') return req._query;
  try {
    return Object.fromEntries(new URL(req.url ?? '/', 'http://engine.invalid').searchParams);
  } catch {
    return {};
  }
}

/**
 * 401 for a visitor not logged in, 403 when the app's `success` refused a found user, 500 for a
 * critical failure: a store or strategy that failed, a callback that threw or never answered.
 */
export function refusalStatusOf(facts: HandshakeFacts, verdict: Error): { status: number; code: AuthorizationErrorCode } {
  const { code, critical } = outcomeOf(facts, verdict);
  const refusedCode: AuthorizationErrorCode = code === 'OK' ? ErrorCodes.HANDSHAKE_REFUSED : code;
  if (critical) return { status: 500, code: refusedCode };
  if (facts.failure === null && refusedCode === ErrorCodes.HANDSHAKE_REFUSED) return { status: 403, code: refusedCode };
  return { status: 401, code: refusedCode };
}

function refusalBody(verdict: Error, code: AuthorizationErrorCode): string {
  const refusal: EngineRefusal = { code, message: clientErrorOf(verdict, false).message };
  const data = verdict instanceof AuthorizationError ? undefined : (verdict as { data?: unknown }).data;
  if (data !== undefined) {
    try {
      return JSON.stringify({ ...refusal, data });
    } catch {
      debug('the refusal error has data that cannot be sent as JSON; sent without it');
    }
  }
  return JSON.stringify(refusal);
}

function refuseHandshake(req: EngineRequest, res: ServerResponse, verdict: Error, facts: HandshakeFacts): void {
  const { status, code } = refusalStatusOf(facts, verdict);
  const body = refusalBody(verdict, code);
  debug('handshake refused with HTTP %d: %s', status, code);
  // engine.io hands an upgrade request a stand-in response whose writeHead() writes nothing.
  if (!(res instanceof ServerResponse)) {
    refuseUpgrade((res as { socket?: Duplex }).socket ?? req.socket, status, body);
    return;
  }
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  socket.on('error', () => debug('error on a refused upgrade connection; ignored'));
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      `\r\n${body}`,
  );
}
