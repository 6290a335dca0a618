import type { IncomingMessage } from 'node:http';
import { writeHandshakeUser } from '../decide/handshake-user';
import { type HandshakeRecord, now } from '../decide/record';
import { AuthorizationError, ErrorCodes, notLoggedIn, requestUnreadable, storeFailure } from '../errors';
import { log } from '../log';
import type { SessionSettings } from '../options';
import type { HandshakeData, Identity } from '../types';
import { deserializeUser, installAuthState, readSerializedUser, type UserCallback, withLoggedIn } from './passport-user';
import { chooseSessionId, createSignedCookieReader, type SignedCookieReader, sessionIdWasSent } from './session-id';
import { loadSession, type StoredSession } from './session-store';

const debug = log('session');

/** What one `authorize()` call prepared for the session identification of all its handshakes. */
export interface SessionIdentifier {
  settings: SessionSettings;
  readSignedCookies: SignedCookieReader;
}

export function createSessionIdentifier(settings: SessionSettings): SessionIdentifier {
  return { settings, readSignedCookies: createSignedCookieReader(settings) };
}

/**
 * Who is this? Steps 1 to 4 of SPEC.md on a request of any transport: the session id from the
 * cookie or query, the session from the store, the Passport user from the session. Calls `done`
 * exactly once, with the user (`logged_in: true`) or the coded failure; knows nothing of socket.io.
 */
export function identifyBySession(
  identifier: SessionIdentifier,
  request: IncomingMessage,
  query: unknown,
  record: HandshakeRecord,
  done: (identity: Identity) => void,
): void {
  const { settings } = identifier;
  const data = request as HandshakeData & Record<string, unknown>;
  try {
    // 1. Parse the Cookie header; verify the signed session cookie.
    data.cookie = identifier.readSignedCookies(cookieHeaderOf(request));
    // 2. The session id: a signed query value, else the verified cookie, else ''.
    const { sessionID, source } = chooseSessionId(query, data.cookie, settings);
    data.sessionID = sessionID;
    record.sessionId = sessionID;
    record.source = source;
    if (record.timed && source === 'none') record.sessionIdRejected = sessionIdWasSent(cookieHeaderOf(request), query, settings.key);
    // 3. Not logged in until proven otherwise, before anything can fail.
    writeHandshakeUser(data, settings.userProperty, record, { logged_in: false });
    installAuthState(data, settings.userProperty);
  } catch (err) {
    done({ failure: requestUnreadable(err) });
    return;
  }
  // 4. Session, then passport user, then deserialization.
  findSessionUser(settings, data, record, (failure, user) => done(failure ? { failure } : { user: withLoggedIn(user), method: 'session' }));
}

/** Step 4: the store is read only for a verified session id; forged cookies cost nothing. */
function findSessionUser(settings: SessionSettings, data: HandshakeData, record: HandshakeRecord, done: UserCallback): void {
  if (data.sessionID === '') {
    done(notLoggedIn(ErrorCodes.NO_SESSION), undefined);
    return;
  }
  const storeStarted = now(record);
  loadSession(settings.store, data.sessionID, settings.timeout, (storeError, session) => {
    if (record.timed) record.storeMs = now(record) - storeStarted;
    if (storeError) return done(storeError, undefined);
    if (!session) return done(notLoggedIn(ErrorCodes.NO_SESSION), undefined);
    if (settings.session) attachSession(settings, data, session);
    let serialized: ReturnType<typeof readSerializedUser>;
    try {
      serialized = readSerializedUser(session, settings.passport);
    } catch (err) {
      return done(storeFailure(err), undefined);
    }
    if (serialized instanceof AuthorizationError) return done(serialized, undefined);
    record.serializedUser = serialized.value;
    const deserializeStarted = now(record);
    deserializeUser(settings.passport, serialized.value, data, settings.timeout, (error, user) => {
      if (record.timed) record.deserializeMs = now(record) - deserializeStarted;
      done(error, user);
    });
  });
}

/**
 * The `session` option: the store on `request.sessionStore` (what express-session's `Session`
 * saves to) and, unless kept off the socket, the session made from the read just done, exactly as
 * express-session makes `req.session` from a stored session.
 */
function attachSession(settings: SessionSettings, request: HandshakeData, stored: StoredSession): void {
  const req = request as unknown as Record<string, unknown>;
  req.sessionStore = settings.store;
  if (!settings.session?.onSocket) return;
  const cookie = stored.cookie;
  if (cookie === null || typeof cookie !== 'object') {
    debug('stored session has no cookie; socket.request.session not set');
    return;
  }
  try {
    settings.session.createSession(request, stored);
  } catch {
    debug('the store could not make a session of what it returned; socket.request.session not set');
    delete req.session;
  }
}

function cookieHeaderOf(request: IncomingMessage): string {
  const header: unknown = request.headers?.cookie;
  return typeof header === 'string' ? header : '';
}
