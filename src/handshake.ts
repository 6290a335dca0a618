import type { IncomingMessage } from 'node:http';
import { writeHandshakeUser } from './connection-user';
import { type HandshakeFacts, now, sessionIdWasSent } from './decisions';
import { AuthorizationError, ErrorCodes, GENERIC_CLIENT_MESSAGE, notLoggedIn, storeFailure } from './errors';
import { callApp, type Decision, type Verdict } from './legacy/accept';
import { log } from './log';
import type { Settings } from './options';
import { deserializeUser, installAuthState, readSerializedUser, type UserCallback, withLoggedIn } from './passport-user';
import { chooseSessionId, type SignedCookieReader } from './session-id';
import { loadSession } from './session-store';
import type { HandshakeData, SocketLike } from './types';

const debug = log('handshake');

/** What one `authorize()` call prepared for all its handshakes. */
export interface Authorizer {
  settings: Settings;
  readSignedCookies: SignedCookieReader;
  /** Runs for an accepted socket just before socket.io lets it in (room joins and the like). */
  afterAccept?: (socket: SocketLike, facts: HandshakeFacts) => void;
  /** Runs when a handshake begins (with `rooms`: hear of rooms other nodes end). */
  onHandshake?: (socket: SocketLike) => void;
  /** Whether the rooms of this accepted handshake were ended (a logout) while it was in flight. */
  endedInFlight?: (facts: HandshakeFacts) => boolean;
}

/**
 * The handshake of SPEC.md, step by step, on a request of any transport. Every path ends in
 * exactly one call of the app's `success` or `fail`, which decide through `decision`.
 */
export function runHandshake(
  authorizer: Authorizer,
  request: IncomingMessage,
  query: unknown,
  decision: Decision,
  facts: HandshakeFacts,
): void {
  const { settings } = authorizer;
  const data = request as HandshakeData & Record<string, unknown>;
  try {
    // 1. Parse the Cookie header; verify the signed session cookie.
    data.cookie = authorizer.readSignedCookies(cookieHeaderOf(request));
    // 2. The session id: a signed query value, else the verified cookie, else ''.
    const { sessionID, source } = chooseSessionId(query, data.cookie, settings);
    data.sessionID = sessionID;
    facts.sessionId = sessionID;
    facts.source = source;
    if (facts.timed && source === 'none') facts.sessionIdRejected = sessionIdWasSent(cookieHeaderOf(request), query, settings.key);
    // 3. Not logged in until proven otherwise, before anything can fail.
    writeHandshakeUser(data, settings.userProperty, facts, { logged_in: false });
    installAuthState(data, settings.userProperty);
  } catch (err) {
    debug('handshake request could not be read');
    decision.refuse(new AuthorizationError(ErrorCodes.CALLBACK_THREW, GENERIC_CLIENT_MESSAGE, true, err));
    return;
  }

  // 4. Session, then passport user, then deserialization.
  findSessionUser(settings, data, facts, (failure, user) => {
    if (failure) {
      facts.failure = failure;
      return fail(settings, data, failure, decision);
    }
    // 5. Success.
    writeHandshakeUser(data, settings.userProperty, facts, withLoggedIn(user));
    callApp('success', () => settings.success(data, decision.accept), decision, settings.timeout);
  });
}

/** Step 4: the store is read only for a verified session id; forged cookies cost nothing. */
function findSessionUser(settings: Settings, data: HandshakeData, facts: HandshakeFacts, done: UserCallback): void {
  if (data.sessionID === '') {
    done(notLoggedIn(ErrorCodes.NO_SESSION), undefined);
    return;
  }
  const storeStarted = now(facts);
  loadSession(settings.store, data.sessionID, settings.timeout, (storeError, session) => {
    if (facts.timed) facts.storeMs = now(facts) - storeStarted;
    if (storeError) return done(storeError, undefined);
    if (!session) return done(notLoggedIn(ErrorCodes.NO_SESSION), undefined);
    let serialized: ReturnType<typeof readSerializedUser>;
    try {
      serialized = readSerializedUser(session, settings.passport);
    } catch (err) {
      return done(storeFailure(err), undefined);
    }
    if (serialized instanceof AuthorizationError) return done(serialized, undefined);
    facts.serializedUser = serialized.value;
    const deserializeStarted = now(facts);
    deserializeUser(settings.passport, serialized.value, data, settings.timeout, (error, user) => {
      if (facts.timed) facts.deserializeMs = now(facts) - deserializeStarted;
      done(error, user);
    });
  });
}

/**
 * The verdict socket.io gets: an accepted handshake whose session rooms a logout ended while it
 * was in flight (it read the session before the logout) is refused as a visitor with no session.
 */
export function finalVerdict(authorizer: Authorizer, facts: HandshakeFacts, verdict: Verdict): Verdict {
  if (verdict !== null || !authorizer.endedInFlight?.(facts)) return verdict;
  debug('the session was logged out while the handshake was in flight: refused');
  const failure = notLoggedIn(ErrorCodes.NO_SESSION);
  facts.failure = failure;
  return failure;
}

function fail(settings: Settings, data: HandshakeData, failure: AuthorizationError, decision: Decision): void {
  debug('%s: calling fail', failure.code);
  callApp('fail', () => settings.fail(data, failure.message, failure.critical, decision.accept, failure), decision, settings.timeout);
}

function cookieHeaderOf(request: IncomingMessage): string {
  const header: unknown = request.headers?.cookie;
  return typeof header === 'string' ? header : '';
}
