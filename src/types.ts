import type { IncomingMessage } from 'node:http';
import type { AuthorizationError, AuthorizationErrorCode } from './errors';

declare global {
  namespace Express {
    /** Your app's user type. Augment it as you do for Passport, and `socket.request.user` follows. */
    interface User {
      /** Set by passport.socketio-compat on `socket.request.user`: true once the handshake found the user. */
      logged_in?: boolean;
    }
  }
}

// Declared exactly as Passport declares Express.Request#user, so that Express' Request, which
// extends both, still compiles. `sessionID` is left to express-session for the same reason.
declare module 'http' {
  interface IncomingMessage {
    /**
     * Set by `authorize()` on `socket.request`: the deserialized user with `logged_in: true`, or
     * `{ logged_in: false }` for a refused or anonymous handshake.
     */
    user?: Express.User;
    /** Set by `authorize()`: the signed cookies of the handshake, unsigned (`false` for a bad signature). */
    cookie?: SignedCookies;
    /** Set by `authorize()` on socket.io 1 and later, as the legacy package did. */
    socketio_version_1?: boolean;
  }
}

/**
 * The express-session `Session` of a socket (`socket.request.session` with `authorize({ session })`):
 * the same object Express gives `req.session`, described here so that express-session's own types
 * stay optional. `socket.request` is not augmented with it (express-session's own `req.session`
 * type would clash with it in Express' `Request`): read it as
 * `(socket.request as { session?: SocketSession }).session`, or through `loadSocketSession`.
 */
export interface SocketSession {
  /** The session id (`req.sessionID`). */
  readonly id: string;
  /** express-session's `Cookie` of the session. */
  cookie: { maxAge?: number | null; originalMaxAge?: number | null; expires?: Date | null | false | undefined } & Record<string, any>;
  /** Writes the session to the store (`store.set`), as express-session does at the end of a request. */
  save(callback?: (err: any) => void): unknown;
  /** Reads the session again from the store; `socket.request.session` is then the fresh one. */
  reload(callback: (err: any) => void): unknown;
  /** Removes the session from the store and from the socket. */
  destroy(callback: (err: any) => void): unknown;
  /** Destroys the session and makes a new one with a new id. */
  regenerate(callback: (err: any) => void): unknown;
  /** Renews the cookie's expiry (in memory; `save` or the `rolling` option writes it). */
  touch(): unknown;
  resetMaxAge(): unknown;
  [field: string]: any;
}

/** Signed cookies of a request, unsigned: the value, or `false` where the signature did not verify. */
export type SignedCookies = Record<string, string | false | object>;

/** The fields your app declared on `Express.User` (none until you augment it). */
type AppUserField = Exclude<keyof Express.User, 'logged_in'>;

/** A user who logged in through Passport: your `Express.User` with `logged_in: true`. */
export type AuthenticatedUser = Express.User & { logged_in: true };

/**
 * What `request.user` holds when the handshake found no logged-in user: `logged_in: false`, and
 * none of your user's fields. Reading one gives `undefined` (typed so), as it does at run time, so
 * `filterSocketsByUser(io, (user) => user.username === 'john')` compiles and is false for anonymous
 * users, while `if (user.logged_in)` narrows to the full {@link AuthenticatedUser}.
 */
export type AnonymousUser = { logged_in: false } & { readonly [field in AppUserField]?: undefined };

/**
 * A user as apps typed it against `@types/passport.socketio` (`any`), for an app that never
 * declared its user on `Express.User`: `logged_in` and any field of the app's own.
 */
interface UntypedUser {
  logged_in: boolean;
  [field: string]: any;
}

/**
 * The user of a socket: logged in, or anonymous; check `logged_in` to tell them apart. Declare your
 * user on `Express.User` (as for Passport) and its fields are typed; until then any field reads
 * as `any`, as it did with the legacy type definitions.
 */
export type SocketUser = [AppUserField] extends [never] ? UntypedUser : AuthenticatedUser | AnonymousUser;

/** The user `success` receives: the one the handshake found (any field, until you declare yours). */
type LoggedInUser = [AppUserField] extends [never] ? UntypedUser : AuthenticatedUser;

/**
 * The handshake request as the callbacks receive it (`socket.request` on socket.io 1 and later),
 * with the fields `authorize()` sets on it.
 */
// `user` is declared on IncomingMessage as Passport declares it on Express' Request; here it is the
// union the handshake really sets, so it replaces that declaration.
export interface HandshakeData extends Omit<IncomingMessage, 'user'> {
  cookie: SignedCookies;
  sessionID: string;
  socketio_version_1?: boolean;
  /** The user (at `userProperty`): the one found, or `{ logged_in: false }`. */
  user: SocketUser;
  isAuthenticated(): boolean;
  isUnauthenticated(): boolean;
  /** Fields old callbacks read or set on the request of their own (the legacy types gave `data: any`). */
  [field: string]: any;
}

/**
 * Decides a handshake. Every form old apps use works:
 * `accept()`, `accept(null)`, `accept(null, true)` accept;
 * `accept(null, false)`, `accept(new Error(msg))`, `accept('text')` refuse.
 * Only the first call counts.
 */
export type AcceptCallback = (err?: Error | string | null, accepted?: boolean) => void;

/** The handshake request as `success` receives it: its user was found and is logged in. */
interface SuccessData extends HandshakeData {
  user: LoggedInUser;
}

/** Called when the user was found. Call `accept()` to let the socket in. */
export type SuccessCallback = (data: SuccessData, accept: AcceptCallback) => void;

/**
 * Called on every failure. `message` is the legacy message, `critical` is true when something
 * went wrong rather than a visitor simply not being logged in, and `error` carries the stable
 * `code` and the original `cause`.
 */
export type FailCallback = (
  data: HandshakeData,
  message: string,
  critical: boolean,
  accept: AcceptCallback,
  error: AuthorizationError,
) => void;

/** The two-argument `fail(data, accept)` of early releases, still honoured. */
export type LegacyFailCallback = (data: HandshakeData, accept: AcceptCallback) => void;

/** The part of an express-session store this package uses: `get(sid, cb)`. */
export interface SessionStoreLike {
  get(sid: string, callback: (err: any, session?: any) => void): void;
}

/** The part of a Passport instance this package uses. */
export interface PassportLike {
  /** The session field Passport uses, normally `'passport'`. */
  _key?: string;
  deserializeUser(...args: any[]): any;
}

/** The cookie-parser factory, called as `cookieParser(secret)`. */
export type CookieParserFactory = (secret?: any, options?: any) => CookieParserMiddleware;
/** An already-made `cookieParser()` middleware (what `@types/passport.socketio` describes). */
export type CookieParserMiddleware = (req: any, res: any, next: (err?: any) => void) => any;

/** A socket.io socket, of any major from 1 to 4, as far as this package needs one. */
export interface SocketLike {
  request: IncomingMessage;
  handshake?: { query?: any; auth?: any };
}

/** A socket.io middleware: `io.use(authorize(...))`, or called by hand as `(socket, next)`. */
export type AuthorizeMiddleware = (socket: SocketLike, next: (err?: Error) => void) => void;

/** Where the session id of a handshake came from. */
export type SessionIdSource = 'cookie' | 'query' | 'none';

/** Where a handshake's token came from: the `Authorization` header, `handshake.auth`, the query, or nowhere. */
export type TokenSource = 'header' | 'auth' | 'query' | 'none';

/** The places a token is looked for, in this order: header, `handshake.auth`, query. */
export interface TokenSources {
  /** `Authorization: Bearer <token>`. Works with HTTP long-polling, and from Node.js clients over WebSocket. */
  header: boolean;
  /** The field of `socket.handshake.auth` (socket.io 3 and later), or `false`. */
  auth: string | false;
  /** The query parameter, or `false`. Tokens in URLs end up in access logs: enable it only if you need it. */
  query: string | false;
}

/** A Passport strategy, as far as this package needs one: `new JwtStrategy(...)` and the like. */
export interface StrategyLike {
  authenticate(req: any, options?: any): unknown;
  name?: string;
}

/** A user id as rooms and `socket.data` carry it. */
export type UserId = string | number;

/** Which entry point decided the handshake. */
export type DecisionMode = 'authorize' | 'engine' | 'strategy';

/**
 * One decided handshake, for logs and metrics. It never holds a cookie, a session id, a token or
 * a secret; `userId` only when the app opts in with `includeUserIdInDecisions`. The object is
 * frozen (every listener gets the same one): copy it to add fields.
 *
 * @example
 * ```js
 * authorize({
 *   store, secret,
 *   onDecision(event) {
 *     // { mode: 'authorize', accepted: false, code: 'ERR_NO_SESSION', critical: false,
 *     //   sessionIdSource: 'none', sessionIdRejected: true, namespace: '/', transport: 'websocket',
 *     //   storeMs: null, deserializeMs: null, totalMs: 0.21 }
 *     if (event.critical) console.error('socket auth is failing:', event.code);
 *   },
 * });
 * ```
 */
export interface DecisionEvent {
  mode: DecisionMode;
  /** Whether the connection was let in. */
  accepted: boolean;
  /**
   * The outcome: `'OK'` for a found user who was accepted, else the failure's code (also when
   * `fail` let an anonymous visitor in), `ERR_HANDSHAKE_REFUSED` when `success` refused, or the
   * code of a callback that threw or timed out.
   */
  code: 'OK' | AuthorizationErrorCode;
  /** True for failures where something went wrong, rather than a visitor not logged in. */
  critical: boolean;
  /** Where the session id came from: the cookie, a signed or (legacy option) raw query, or nowhere. */
  sessionIdSource: SessionIdSource;
  /**
   * True when a session cookie or `session_id` query value was sent but none could be used (a
   * signature no secret verifies, or an unsigned query value while `allowUnsignedSessionIdQuery`
   * is off). Many of these are forged cookies, or a secret dropped from rotation too early.
   */
  sessionIdRejected: boolean;
  /**
   * Where the bearer token came from, in the modes that read tokens (`authorizeStrategy`, and
   * `authorizeEngine` with a strategy); absent otherwise. Never the token itself.
   */
  tokenSource?: TokenSource;
  /** The namespace, where the transport knows it (`authorize`: yes; engine level: no). */
  namespace: string | undefined;
  /** `'websocket'` or `'polling'`, where known. */
  transport: string | undefined;
  /** Milliseconds the store took, or null when it was not read. */
  storeMs: number | null;
  /** Milliseconds `deserializeUser` took, or null when it was not called. */
  deserializeMs: number | null;
  /** Milliseconds from the start of the handshake to the decision. */
  totalMs: number;
  /**
   * The user id, only with `includeUserIdInDecisions: true` and a found user whose id (its `id`,
   * else Passport's serialized value) is a string or a finite number; never an object.
   */
  userId?: string | number;
}

/**
 * Hears of decided handshakes. It runs after the decision has reached socket.io; what it
 * throws, or the rejection of a promise it returns, is ignored (logged under DEBUG).
 */
export type DecisionListener = (event: DecisionEvent) => void;

/**
 * What identification found, before the app's callbacks decide: the user (already carrying
 * `logged_in: true`) and how it was found, or why there is none.
 */
export type Identity =
  | {
      user: object;
      /** What the strategy passed as `info` (strategy mode), set on the request as `authInfo`. */
      info?: unknown;
      method: 'session' | 'token';
      /** The token's `exp` in milliseconds, for a user found by a JWT. */
      tokenExpiresAt?: number | undefined;
    }
  | { failure: AuthorizationError };

/** How a handshake ended: `null` when accepted, else why it was refused. */
export type Verdict = Error | null;

/**
 * What a session feature decided about a connected socket, after its handshake: a live check
 * ended it (`'session-ended'`) or gave it its user's new data (`'user-refreshed'`), or a handler
 * logged it in or out (`'socket-login'`, `'socket-logout'`). Never a token, a session id or a user.
 *
 * @example
 * ```js
 * decisionEvents.on('socket', (event) => {
 *   // { kind: 'session-ended', reason: 'session_expired', reconnect: false, namespace: '/', at: 1764592200000 }
 *   metrics.count(event.kind, event.reason);
 * });
 * ```
 */
export interface SocketEvent {
  kind: 'session-ended' | 'user-refreshed' | 'socket-login' | 'socket-logout';
  /**
   * Why: for `'session-ended'` the reason the client receives (`'session_gone'`,
   * `'session_expired'`, `'logged_out'`, `'user_changed'`); `'user_data_changed'`, `'login'`,
   * or `logoutSocket`'s `reason` (`'logout'` by default).
   */
  reason: string;
  /** Whether the sockets it ended are told to reconnect (`reconnect: true`); false when none is ended. */
  reconnect: boolean;
  /** The socket's namespace, where known. */
  namespace: string | undefined;
  /**
   * The user id, only for live checks with `includeUserIdInDecisions: true`, when it is a string
   * or a finite number; never an object.
   */
  userId?: string | number;
  /** When it was decided (`Date.now()`). */
  at: number;
}

/** Hears of {@link SocketEvent}s; what it throws, or the rejection of a promise it returns, is ignored. */
export type SocketEventListener = (event: SocketEvent) => void;
