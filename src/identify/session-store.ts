import { settleOnce } from '../decide/settle-once';
import { type AuthorizationError, storeFailure, storeTimeout } from '../errors';
import { log } from '../log';
import type { SessionStoreLike } from '../types';

const debug = log('session-store');

/** A session as express-session stores it, as far as this package reads it. */
export interface StoredSession {
  cookie?: { expires?: Date | string | null };
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
        return answer.settle([storeFailure(readError), null]);
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

/** The session if it is one and has not expired; a store may return expired sessions. */
function liveSession(session: unknown): StoredSession | null {
  if (session === null || session === undefined || session === false) return null;
  if (typeof session !== 'object') return session as StoredSession;
  const expires = (session as StoredSession).cookie?.expires;
  if (expires !== undefined && expires !== null) {
    const at = typeof expires === 'string' ? Date.parse(expires) : expires instanceof Date ? expires.getTime() : Number.NaN;
    if (!Number.isNaN(at) && at <= Date.now()) {
      debug('session expired; treated as no session');
      return null;
    }
  }
  return session as StoredSession;
}
