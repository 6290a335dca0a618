/**
 * The legacy failure messages, word for word. Apps match on these strings in their `fail`
 * callbacks, so they must never change.
 */
export const LEGACY_MESSAGES = {
  storeError: 'Error in session store:\n',
  noSession: 'No session found',
  passportNotInitialized: 'Passport was not initialized',
  userPropertyNotFound: 'User not authorized through passport. (User Property not found)',
  userNotFound: 'User not found',
} as const;

/** What a client sees for a critical failure under the default `fail`: no internal detail. */
export const GENERIC_CLIENT_MESSAGE = 'Internal server error';

/** What a client sees when the app called `accept(null, false)` (socket.io 0.9's own wording). */
export const REFUSED_MESSAGE = 'handshake unauthorized';

/**
 * Stable codes for every way a handshake can be refused. Switch on `error.code`, never on the
 * message: messages keep their legacy wording, codes are the contract.
 */
export const ErrorCodes = {
  /** The store called back with an error, or threw. Critical. */
  SESSION_STORE: 'ERR_SESSION_STORE',
  /** The store did not answer within `timeout`. Critical. */
  SESSION_STORE_TIMEOUT: 'ERR_SESSION_STORE_TIMEOUT',
  /** The store answered with something that is not a session object (a store with the wrong serializer). Critical. */
  SESSION_STORE_INVALID: 'ERR_SESSION_STORE_INVALID',
  /** No verifiable session id, no session in the store, or an expired one. */
  NO_SESSION: 'ERR_NO_SESSION',
  /** The session has no passport data: an anonymous visitor. */
  PASSPORT_NOT_INITIALIZED: 'ERR_PASSPORT_NOT_INITIALIZED',
  /** Passport data without a user: not logged in. */
  USER_PROPERTY_NOT_FOUND: 'ERR_USER_PROPERTY_NOT_FOUND',
  /** `deserializeUser` failed. Critical. */
  DESERIALIZE_USER: 'ERR_DESERIALIZE_USER',
  /** `deserializeUser` did not call back within `timeout`. Critical. */
  DESERIALIZE_TIMEOUT: 'ERR_DESERIALIZE_TIMEOUT',
  /** `deserializeUser` found no user. */
  USER_NOT_FOUND: 'ERR_USER_NOT_FOUND',
  /** The app's `success` or `fail` callback threw before deciding. Critical. */
  CALLBACK_THREW: 'ERR_CALLBACK_THREW',
  /** The app's `success` or `fail` callback did not call `accept` within `timeout`. Critical. */
  CALLBACK_TIMEOUT: 'ERR_CALLBACK_TIMEOUT',
  /** The app refused the handshake through `accept(error)`, `accept('text')` or `accept(null, false)`. */
  HANDSHAKE_REFUSED: 'ERR_HANDSHAKE_REFUSED',
  /** Strategy mode: no token in the header, `handshake.auth` or the query, and the strategy failed. */
  NO_TOKEN: 'ERR_NO_TOKEN',
  /** Strategy mode: the token's `exp` has passed (at the handshake, or later with `expireWithToken`). */
  TOKEN_EXPIRED: 'ERR_TOKEN_EXPIRED',
  /** Strategy mode: the token's `nbf` is still in the future. */
  TOKEN_NOT_ACTIVE: 'ERR_TOKEN_NOT_ACTIVE',
  /** Strategy mode: a malformed, tampered or wrongly signed token, or a wrong issuer, audience or algorithm. */
  TOKEN_INVALID: 'ERR_TOKEN_INVALID',
  /** Strategy mode: the strategy failed for another reason (its own message says why). */
  STRATEGY_FAILED: 'ERR_STRATEGY_FAILED',
  /** Strategy mode: the strategy errored, threw, is not registered, or asked for a redirect. Critical. */
  STRATEGY_ERROR: 'ERR_STRATEGY_ERROR',
  /** Strategy mode: the strategy did not answer within `timeout`. Critical. */
  STRATEGY_TIMEOUT: 'ERR_STRATEGY_TIMEOUT',
  /**
   * The socket.io server has `connectionStateRecovery` with `skipMiddlewares` (its default), which
   * lets a recovered socket back in without this middleware: every handshake is refused until
   * `skipMiddlewares: false` is set. Critical.
   */
  RECOVERY_SKIPS_AUTHORIZATION: 'ERR_RECOVERY_SKIPS_AUTHORIZATION',
  /** The handshake request itself could not be read (a hostile or broken request object). Critical; `fail` is not called. */
  REQUEST_UNREADABLE: 'ERR_REQUEST_UNREADABLE',
  /** An option passed to `authorize()` is missing or of the wrong kind. */
  INVALID_OPTION: 'ERR_INVALID_OPTION',
  /** A helper (`filterSocketsByUser`, the cluster and logout helpers) was called with a wrong argument. */
  INVALID_ARGUMENT: 'ERR_INVALID_ARGUMENT',
  /** A cluster helper was called on socket.io 2 or 3, which cannot reach other nodes' sockets. */
  SOCKET_IO_4_REQUIRED: 'ERR_SOCKET_IO_4_REQUIRED',
  /** A cluster-wide lookup (`fetchSocketsByUser`) failed in the adapter or did not complete within its `timeout`. */
  CLUSTER_LOOKUP: 'ERR_CLUSTER_LOOKUP',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
/** Codes a handshake can be refused with (every code but those of the errors thrown at the caller). */
export type AuthorizationErrorCode = Exclude<
  ErrorCode,
  'ERR_INVALID_OPTION' | 'ERR_INVALID_ARGUMENT' | 'ERR_SOCKET_IO_4_REQUIRED' | 'ERR_CLUSTER_LOOKUP'
>;

/**
 * Why a handshake was refused. `message` keeps the legacy wording (what `fail` receives),
 * `code` is stable, `critical` says whether something went wrong (as opposed to a visitor who
 * is simply not logged in), and `cause` holds the original error of a store or deserializer.
 */
export class AuthorizationError extends Error {
  override readonly name = 'AuthorizationError';
  readonly code: AuthorizationErrorCode;
  readonly critical: boolean;

  constructor(code: AuthorizationErrorCode, message: string, critical: boolean, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.critical = critical;
  }
}

/**
 * Thrown by `authorize()` when an option is missing or wrong. A `TypeError`, so existing
 * `instanceof TypeError` checks keep working; `option` names the culprit.
 */
export class InvalidOptionError extends TypeError {
  override readonly name = 'InvalidOptionError';
  readonly code = ErrorCodes.INVALID_OPTION;
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`passport.socketio-compat: option "${option}" ${problem}`);
    this.option = option;
  }
}

/**
 * Thrown by a helper called with a wrong argument (`filterSocketsByUser(io, filter)`, the cluster
 * and logout helpers). A `TypeError`, as before; `argument` names the culprit.
 */
export class InvalidArgumentError extends TypeError {
  override readonly name = 'InvalidArgumentError';
  readonly code = ErrorCodes.INVALID_ARGUMENT;
  readonly argument: string;

  /** `problem` is the whole sentence after the package prefix, naming the helper and the argument. */
  constructor(argument: string, problem: string) {
    super(`passport.socketio-compat: ${problem}`);
    this.argument = argument;
  }
}

/** Thrown by a cluster helper on socket.io 2 or 3, which cannot reach other nodes' sockets. */
export class UnsupportedSocketIoError extends Error {
  override readonly name = 'UnsupportedSocketIoError';
  readonly code = ErrorCodes.SOCKET_IO_4_REQUIRED;

  constructor(helper: string) {
    super(
      `passport.socketio-compat: ${helper} needs socket.io 4 or later (fetchSockets, disconnectSockets, socket.data); ` +
        'on socket.io 2 and 3 use filterSocketsByUser, which sees the sockets of this process only',
    );
  }
}

/**
 * Why a cluster-wide lookup failed: a node did not answer within the timeout (it died, hangs, or
 * the adapter's backend is down), or the adapter rejected. `code` is `ERR_CLUSTER_LOOKUP`,
 * `timedOut` tells the two apart, `cause` holds the adapter's own error.
 */
export class ClusterLookupError extends Error {
  override readonly name = 'ClusterLookupError';
  readonly code = ErrorCodes.CLUSTER_LOOKUP;
  readonly timedOut: boolean;

  constructor(message: string, timedOut: boolean, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.timedOut = timedOut;
  }
}

/** Steps 1-3 could not read or write the handshake request: refused at once, without `fail`. */
export function requestUnreadable(cause: unknown): AuthorizationError {
  return new AuthorizationError(ErrorCodes.REQUEST_UNREADABLE, GENERIC_CLIENT_MESSAGE, true, cause);
}

export function storeFailure(cause: unknown): AuthorizationError {
  return new AuthorizationError(ErrorCodes.SESSION_STORE, LEGACY_MESSAGES.storeError + messageOf(cause), true, cause);
}

/** A store answer that is not a session: a store failure, in the legacy 'Error in session store' form. */
export function invalidSession(problem: string): AuthorizationError {
  return new AuthorizationError(ErrorCodes.SESSION_STORE_INVALID, LEGACY_MESSAGES.storeError + problem, true);
}

export const RECOVERY_MESSAGE =
  "socket.io's connectionStateRecovery skips middlewares on recovered sockets (skipMiddlewares defaults to true), so a logged-out session could come back without authorization: set connectionStateRecovery.skipMiddlewares to false";

export function recoverySkipsAuthorization(): AuthorizationError {
  return new AuthorizationError(ErrorCodes.RECOVERY_SKIPS_AUTHORIZATION, RECOVERY_MESSAGE, true);
}

export function storeTimeout(ms: number): AuthorizationError {
  return new AuthorizationError(
    ErrorCodes.SESSION_STORE_TIMEOUT,
    `${LEGACY_MESSAGES.storeError}the session store did not answer within ${ms} ms`,
    true,
  );
}

export function notLoggedIn(
  code:
    | typeof ErrorCodes.NO_SESSION
    | typeof ErrorCodes.PASSPORT_NOT_INITIALIZED
    | typeof ErrorCodes.USER_PROPERTY_NOT_FOUND
    | typeof ErrorCodes.USER_NOT_FOUND,
): AuthorizationError {
  return new AuthorizationError(code, NOT_LOGGED_IN_MESSAGES[code], false);
}

const NOT_LOGGED_IN_MESSAGES = {
  [ErrorCodes.NO_SESSION]: LEGACY_MESSAGES.noSession,
  [ErrorCodes.PASSPORT_NOT_INITIALIZED]: LEGACY_MESSAGES.passportNotInitialized,
  [ErrorCodes.USER_PROPERTY_NOT_FOUND]: LEGACY_MESSAGES.userPropertyNotFound,
  [ErrorCodes.USER_NOT_FOUND]: LEGACY_MESSAGES.userNotFound,
} as const;

/** The legacy package passed the deserializer's Error itself; we pass the same text, `String(err)`. */
export function deserializeFailure(cause: unknown): AuthorizationError {
  return new AuthorizationError(ErrorCodes.DESERIALIZE_USER, safeString(cause), true, cause);
}

export function deserializeTimeout(ms: number): AuthorizationError {
  return new AuthorizationError(ErrorCodes.DESERIALIZE_TIMEOUT, `Error: deserializeUser did not call back within ${ms} ms`, true);
}

export function callbackThrew(callback: 'success' | 'fail', cause: unknown): AuthorizationError {
  return new AuthorizationError(ErrorCodes.CALLBACK_THREW, `the ${callback} callback threw: ${safeString(cause)}`, true, cause);
}

export function callbackTimeout(callback: 'success' | 'fail', ms: number): AuthorizationError {
  return new AuthorizationError(ErrorCodes.CALLBACK_TIMEOUT, `the ${callback} callback did not call accept within ${ms} ms`, true);
}

/** `err.message` for anything thrown, without ever throwing itself (hostile stores throw anything). */
export function messageOf(value: unknown): string {
  try {
    if (value instanceof Error) return value.message;
    if (value !== null && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
      return (value as { message: string }).message;
    }
    return String(value);
  } catch {
    return 'unprintable error';
  }
}

/** `String(value)` that survives objects whose `toString` throws or that have no prototype. */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'unprintable error';
  }
}
