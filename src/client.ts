/**
 * `passport.socketio-compat/client`: what a socket.io client needs to understand a refusal,
 * with no server code and no dependency, for browsers, React Native and Node clients alike.
 *
 * @example
 * ```js
 * import { readConnectError } from 'passport.socketio-compat/client';
 * socket.on('connect_error', (err) => {
 *   const { action } = readConnectError(err);
 *   if (action === 'login') showLoginScreen();          // no session or token: retrying cannot help
 *   else if (action === 'retry') setTimeout(() => socket.connect(), 5000); // the server had a problem
 * });
 * ```
 */

/**
 * The stable codes of refused handshakes, the same as the server's `ErrorCodes`. A server on
 * socket.io 3 or later sends the code in `connect_error`'s `err.data.code`.
 */
export const ErrorCodes = {
  SESSION_STORE: 'ERR_SESSION_STORE',
  SESSION_STORE_TIMEOUT: 'ERR_SESSION_STORE_TIMEOUT',
  SESSION_STORE_INVALID: 'ERR_SESSION_STORE_INVALID',
  NO_SESSION: 'ERR_NO_SESSION',
  PASSPORT_NOT_INITIALIZED: 'ERR_PASSPORT_NOT_INITIALIZED',
  USER_PROPERTY_NOT_FOUND: 'ERR_USER_PROPERTY_NOT_FOUND',
  DESERIALIZE_USER: 'ERR_DESERIALIZE_USER',
  DESERIALIZE_TIMEOUT: 'ERR_DESERIALIZE_TIMEOUT',
  USER_NOT_FOUND: 'ERR_USER_NOT_FOUND',
  CALLBACK_THREW: 'ERR_CALLBACK_THREW',
  CALLBACK_TIMEOUT: 'ERR_CALLBACK_TIMEOUT',
  HANDSHAKE_REFUSED: 'ERR_HANDSHAKE_REFUSED',
  NO_TOKEN: 'ERR_NO_TOKEN',
  TOKEN_EXPIRED: 'ERR_TOKEN_EXPIRED',
  TOKEN_NOT_ACTIVE: 'ERR_TOKEN_NOT_ACTIVE',
  TOKEN_INVALID: 'ERR_TOKEN_INVALID',
  STRATEGY_FAILED: 'ERR_STRATEGY_FAILED',
  STRATEGY_ERROR: 'ERR_STRATEGY_ERROR',
  STRATEGY_TIMEOUT: 'ERR_STRATEGY_TIMEOUT',
  RECOVERY_SKIPS_AUTHORIZATION: 'ERR_RECOVERY_SKIPS_AUTHORIZATION',
  REQUEST_UNREADABLE: 'ERR_REQUEST_UNREADABLE',
  INVALID_OPTION: 'ERR_INVALID_OPTION',
  INVALID_ARGUMENT: 'ERR_INVALID_ARGUMENT',
  SOCKET_IO_4_REQUIRED: 'ERR_SOCKET_IO_4_REQUIRED',
  CLUSTER_LOOKUP: 'ERR_CLUSTER_LOOKUP',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * What a client should do about a refused connection:
 * - `'login'`: nobody is logged in (no session, an anonymous or logged-out one, no or a bad
 *   token); connecting again with the same credentials cannot help, log in again.
 * - `'retry'`: the server could not decide (store down, a timeout, an error); retry later.
 * - `'refused'`: the app refused this user on purpose (its `success` or `fail` said no).
 * - `'unknown'`: not a refusal of this package (a network error, another middleware).
 */
export type ConnectErrorAction = 'login' | 'retry' | 'refused' | 'unknown';

/** What {@link readConnectError} makes of a `connect_error`. */
export interface ConnectErrorReading {
  action: ConnectErrorAction;
  /** The server's code, when it sent one (socket.io 3+), or the one its legacy message stands for. */
  code: ErrorCode | undefined;
  /** The message the client received. */
  message: string;
}

const ACTION_OF_CODE: Record<ErrorCode, ConnectErrorAction> = {
  ERR_NO_SESSION: 'login',
  ERR_PASSPORT_NOT_INITIALIZED: 'login',
  ERR_USER_PROPERTY_NOT_FOUND: 'login',
  ERR_USER_NOT_FOUND: 'login',
  ERR_NO_TOKEN: 'login',
  ERR_TOKEN_EXPIRED: 'login',
  ERR_TOKEN_INVALID: 'login',
  ERR_STRATEGY_FAILED: 'login',
  ERR_SESSION_STORE: 'retry',
  ERR_SESSION_STORE_TIMEOUT: 'retry',
  ERR_SESSION_STORE_INVALID: 'retry',
  // The server's configuration must change (connectionStateRecovery.skipMiddlewares: false).
  ERR_RECOVERY_SKIPS_AUTHORIZATION: 'retry',
  ERR_DESERIALIZE_USER: 'retry',
  ERR_DESERIALIZE_TIMEOUT: 'retry',
  ERR_CALLBACK_THREW: 'retry',
  ERR_CALLBACK_TIMEOUT: 'retry',
  ERR_STRATEGY_ERROR: 'retry',
  ERR_STRATEGY_TIMEOUT: 'retry',
  ERR_REQUEST_UNREADABLE: 'retry',
  // A token not valid yet (the clocks disagree) will be soon.
  ERR_TOKEN_NOT_ACTIVE: 'retry',
  ERR_HANDSHAKE_REFUSED: 'refused',
  // Thrown at the server's caller (authorize() at start-up, the helpers); no client ever receives them.
  ERR_INVALID_OPTION: 'retry',
  ERR_INVALID_ARGUMENT: 'retry',
  ERR_SOCKET_IO_4_REQUIRED: 'retry',
  ERR_CLUSTER_LOOKUP: 'retry',
};

/**
 * The messages a client receives without a code (from a socket.io 2 server, which sends no
 * `data`), and the code each one stands for. The same words as the server's messages.
 */
export const CLIENT_MESSAGES = {
  'No session found': ErrorCodes.NO_SESSION,
  'Passport was not initialized': ErrorCodes.PASSPORT_NOT_INITIALIZED,
  'User not authorized through passport. (User Property not found)': ErrorCodes.USER_PROPERTY_NOT_FOUND,
  'User not found': ErrorCodes.USER_NOT_FOUND,
  'No token found': ErrorCodes.NO_TOKEN,
  'Token expired': ErrorCodes.TOKEN_EXPIRED,
  'Token not yet valid': ErrorCodes.TOKEN_NOT_ACTIVE,
  'Authentication failed': ErrorCodes.STRATEGY_FAILED,
  'handshake unauthorized': ErrorCodes.HANDSHAKE_REFUSED,
} as const satisfies Record<string, ErrorCode>;

/** What a critical failure says to a client; it may be any of the `'retry'` codes. */
export const GENERIC_CLIENT_MESSAGE = 'Internal server error';
const INVALID_TOKEN_PREFIX = 'Invalid token: ';

/**
 * Reads a socket.io `connect_error` (or a socket.io 2 client's `error` argument): the code the
 * server sent in `err.data.code`, else the one its message stands for, and what to do about it.
 * Never throws, whatever it is given.
 *
 * @example
 * ```js
 * socket.on('connect_error', (err) => {
 *   switch (readConnectError(err).action) {
 *     case 'login': return navigation.navigate('Login');
 *     case 'retry': return setTimeout(() => socket.connect(), 5000);
 *   }
 * });
 * ```
 */
export function readConnectError(err: unknown): ConnectErrorReading {
  const message = messageOf(err);
  const code = codeOf(err) ?? codeOfMessage(message);
  if (code !== undefined) return { action: ACTION_OF_CODE[code], code, message };
  return { action: message === GENERIC_CLIENT_MESSAGE ? 'retry' : 'unknown', code: undefined, message };
}

/** Whether the user must log in again: retrying with the same cookie or token cannot help. */
export function needsLogin(err: unknown): boolean {
  return readConnectError(err).action === 'login';
}

/** Whether the server could not decide for now, so the same credentials may work later. */
export function shouldRetryLater(err: unknown): boolean {
  return readConnectError(err).action === 'retry';
}

function codeOf(err: unknown): ErrorCode | undefined {
  try {
    const data = (err as { data?: unknown } | null)?.data;
    const code = data !== null && typeof data === 'object' ? (data as { code?: unknown }).code : undefined;
    return isErrorCode(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

function codeOfMessage(message: string): ErrorCode | undefined {
  if (hasOwn(CLIENT_MESSAGES, message)) return CLIENT_MESSAGES[message as keyof typeof CLIENT_MESSAGES];
  return message.startsWith(INVALID_TOKEN_PREFIX) ? ErrorCodes.TOKEN_INVALID : undefined;
}

function messageOf(err: unknown): string {
  try {
    if (typeof err === 'string') return err;
    const message = (err as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : '';
  } catch {
    return '';
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && hasOwn(ACTION_OF_CODE, value);
}

// Object.hasOwn is missing from some React Native engines.
function hasOwn(object: object, key: string): boolean {
  return Object.hasOwn(object, key);
}
