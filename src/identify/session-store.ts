import { settleOnce } from '../decide/settle-once';
import { AuthorizationError, invalidSession, storeFailure, storeTimeout } from '../errors';
import { log } from '../log';
import type { SessionStoreLike } from '../types';

const debug = log('session-store');

/** A session as express-session stores it, as far as this package reads it. */
export interface StoredSession {
  cookie?: { expires?: Date | string | number | null };
  [field: string]: unknown;
}

type SessionCallback = (error: AuthorizationError | null, session: StoredSession | null) => void;

/**
 * `store.get(sid)` that always calls back exactly once, within `timeoutMs`: a store error, a
 * throw or silence becomes the legacy 'Error in session store' failure; a second or late answer
 * is ignored; an expired session is no session.
 */
export function loadSession(store: SessionStoreLike, sessionID: string, timeoutMs: number, done: SessionCallback): void {
  const answer = settleOnce<[AuthorizationError | null, StoredSession | null]>(([error, session]) => done(error, session));
  answer.within(timeoutMs, () => {
    debug('store did not answer within %d ms', timeoutMs);
    return [storeTimeout(timeoutMs), null];
  });
  try {
    store.get(sessionID, (err: unknown, session?: unknown) => {
      if (answer.settled) {
        debug('store answered again or too late; ignored');
        return;
      }
      if (err && !isNoSuchSession(err)) return answer.settle([storeFailure(err), null]);
      let live: StoredSession | null;
      try {
        live = liveSession(session);
      } catch (readError) {
        return answer.settle([readError instanceof AuthorizationError ? readError : storeFailure(readError), null]);
      }
      answer.settle([null, live]);
    });
  } catch (err) {
    debug('store.get threw');
    answer.settle([storeFailure(err), null]);
  }
}

/**
 * express-session reads a store's ENOENT as "no such session", not as a failure: session-file-store
 * answers so for a destroyed or unknown session (after a logout, or Passport 0.6+'s regenerate).
 */
export function isNoSuchSession(err: unknown): boolean {
  try {
    return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
  } catch {
    // An error whose `code` getter throws is still an error, and must not escape into the store.
    return false;
  }
}

/**
 * The session if it is one and has not expired; a store may return expired sessions. An answer
 * that is not a session object (a string, a number: a store with the wrong serializer) throws a
 * store failure: everyone would otherwise be silently logged out.
 */
function liveSession(session: unknown): StoredSession | null {
  // express-session reads every falsy answer as no session.
  if (!session) return null;
  if (typeof session !== 'object' || Array.isArray(session)) throw notASession(session);
  if (hasExpired((session as StoredSession).cookie)) {
    debug('session expired; treated as no session');
    return null;
  }
  return session as StoredSession;
}

/**
 * Whether the session's cookie has expired, for every shape a store returns `cookie.expires` in:
 * a Date, a date string (JSON), epoch milliseconds as a number or a numeric string. express-session's
 * MemoryStore compares a number with `Date.now()` as it is; a numeric string is read the same way.
 */
function hasExpired(cookie: unknown): boolean {
  if (cookie === null || typeof cookie !== 'object') return false;
  const at = expiryTimeOf((cookie as { expires?: unknown }).expires);
  return at !== undefined && at <= Date.now();
}

function expiryTimeOf(expires: unknown): number | undefined {
  let at = Number.NaN;
  if (expires instanceof Date) at = expires.getTime();
  else if (typeof expires === 'number') at = expires;
  else if (typeof expires === 'string') at = /^\s*-?\d+(\.\d+)?\s*$/.test(expires) ? Number(expires) : Date.parse(expires);
  return Number.isNaN(at) ? undefined : at;
}

function notASession(session: unknown): AuthorizationError {
  const kind = Array.isArray(session) ? 'an array' : `a ${typeof session}`;
  return invalidSession(`the session store answered with ${kind}, not a session object`);
}
