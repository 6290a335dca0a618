import type { IncomingMessage } from 'node:http';

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

/** Signed cookies of a request, unsigned: the value, or `false` where the signature did not verify. */
export type SignedCookies = Record<string, string | false | object>;

/** The fields your app declared on `Express.User` (none until you augment it). */
export type AppUserField = Exclude<keyof Express.User, 'logged_in'>;

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
export interface UntypedUser {
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
export type LoggedInUser = [AppUserField] extends [never] ? UntypedUser : AuthenticatedUser;

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
export interface SuccessData extends HandshakeData {
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
  error: import('./errors').AuthorizationError,
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
