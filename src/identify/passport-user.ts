import { settleOnce } from '../decide/settle-once';
import { type AuthorizationError, deserializeFailure, deserializeTimeout, ErrorCodes, notLoggedIn } from '../errors';
import { log } from '../log';
import type { PassportLike } from '../types';
import type { StoredSession } from './session-store';

const debug = log('passport-user');

/**
 * The serialized user Passport left in the session, or why there is none. A user id of `0`, `''`
 * or `false` is a real value.
 */
export function readSerializedUser(session: StoredSession, passport: PassportLike): { value: unknown } | AuthorizationError {
  const passportData = session[passport._key || 'passport'] as { user?: unknown } | null | undefined;
  // An anonymous visitor's saved session has no passport data: not logged in, nothing broken.
  if (!passportData) return notLoggedIn(ErrorCodes.PASSPORT_NOT_INITIALIZED);
  const value = passportData.user;
  if (value === undefined) return notLoggedIn(ErrorCodes.USER_PROPERTY_NOT_FOUND);
  return { value };
}

export type UserCallback = (error: AuthorizationError | null, user: unknown) => void;

/**
 * `passport.deserializeUser(value, req, cb)`, called back exactly once within `timeoutMs`; a
 * throw, an error or silence becomes a critical failure, no user the legacy 'User not found'.
 */
export function deserializeUser(passport: PassportLike, value: unknown, req: object, timeoutMs: number, done: UserCallback): void {
  const answer = settleOnce<[AuthorizationError | null, unknown]>(([error, user]) => done(error, user));
  try {
    passport.deserializeUser(value, req, (err: unknown, user?: unknown) => {
      if (answer.settled) return;
      if (err) return answer.settle([deserializeFailure(err), undefined]);
      if (!user) return answer.settle([notLoggedIn(ErrorCodes.USER_NOT_FOUND), undefined]);
      answer.settle([null, user]);
    });
  } catch (err) {
    answer.settle([deserializeFailure(err), undefined]);
  }
  // Armed only for a deserializer still working (`within` does nothing once settled): one that
  // answered at once (the user kept whole in the session, a cache hit) costs no timer.
  answer.within(timeoutMs, () => {
    debug('deserializeUser did not call back within %d ms', timeoutMs);
    return [deserializeTimeout(timeoutMs), undefined];
  });
}

/**
 * The user as the socket will carry it, with `logged_in: true`. The deserialized object itself
 * where it can take the flag (the legacy behaviour); a copy with the same prototype where it is
 * frozen or sealed; a boxed value (`Object(value)`) where the deserializer returned a primitive.
 */
export function withLoggedIn(user: unknown): { logged_in: true } {
  if (typeof user !== 'object' && typeof user !== 'function') {
    return Object.assign(Object(user), { logged_in: true as const });
  }
  const target = user as { logged_in?: unknown };
  // Most users have no logged_in of their own: skip building a descriptor for them.
  const own = Object.hasOwn(target, 'logged_in') ? Object.getOwnPropertyDescriptor(target, 'logged_in') : undefined;
  const canWrite = own ? own.writable === true || own.set !== undefined : Object.isExtensible(target);
  if (canWrite) {
    try {
      target.logged_in = true;
      if (target.logged_in === true) return target as { logged_in: true };
    } catch {
      // a setter or proxy that refuses: fall through to a copy
    }
  }
  debug('user object cannot take logged_in; the socket gets a copy');
  return Object.assign(Object.create(Object.getPrototypeOf(target)), target, { logged_in: true as const });
}

const kUserProperty = Symbol('passport.socketio-compat userProperty');

interface AuthState {
  [kUserProperty]?: string;
  [key: string]: unknown;
}

function isAuthenticated(this: AuthState | undefined): boolean {
  if (this === undefined || this === null) return false;
  const user = this[this[kUserProperty] ?? 'user'] as { logged_in?: unknown } | undefined;
  return user !== null && typeof user === 'object' ? user.logged_in === true : false;
}

function isUnauthenticated(this: AuthState | undefined): boolean {
  return !isAuthenticated.call(this);
}

// Shared accessors: no closure per socket. Writes are ignored so that passport.initialize(),
// run on the socket request before or after us, cannot bring back its own isAuthenticated(),
// which says true for the `{ logged_in: false }` placeholder.
const IS_AUTHENTICATED: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get: () => isAuthenticated,
  set: () => {},
};
const IS_UNAUTHENTICATED: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get: () => isUnauthenticated,
  set: () => {},
};

/** Makes `req.isAuthenticated()` / `isUnauthenticated()` agree with `req[userProperty].logged_in`. */
export function installAuthState(req: object, userProperty: string): void {
  if (userProperty !== 'user') (req as AuthState)[kUserProperty] = userProperty;
  Object.defineProperty(req, 'isAuthenticated', IS_AUTHENTICATED);
  Object.defineProperty(req, 'isUnauthenticated', IS_UNAUTHENTICATED);
}

/**
 * The user id an app most likely means: the deserialized user's `id`, else Passport's serialized
 * value, each only where it is a string or a finite number. A user Passport serialized whole (an
 * OAuth profile, with its tokens) has no id here: never an object, never a live reference.
 */
export function userIdOf(user: unknown, serializedUser: unknown): string | number | undefined {
  if (user !== null && typeof user === 'object') {
    let id: unknown;
    try {
      id = (user as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (isIdValue(id)) return id;
  }
  return isIdValue(serializedUser) ? serializedUser : undefined;
}

function isIdValue(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}
