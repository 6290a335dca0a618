import type { IncomingMessage } from 'node:http';
import { writeHandshakeUser } from '../decide/handshake-user';
import type { HandshakeRecord } from '../decide/record';
import { AuthorizationError, requestUnreadable } from '../errors';
import { log } from '../log';
import type { StrategySettings } from '../options';
import type { HandshakeData, Identity, StrategyLike } from '../types';
import { installAuthState, withLoggedIn } from './passport-user';
import { createSessionIdentifier, identifyBySession, type SessionIdentifier } from './session';
import { runStrategy } from './strategy';
import { noUser, strategyFailure, unknownStrategy } from './strategy-failures';
import { type FoundToken, requestForStrategy, tokenExpiry } from './token';

const debug = log('strategy');

/** What the client sent: the token found in the configured places, and the `session_id` query value. */
interface Credentials {
  token: FoundToken;
  sessionQuery: unknown;
}

/** What one `authorizeStrategy()` (or `authorizeEngine()` with a strategy) prepared for its handshakes. */
interface TokenIdentifier {
  settings: StrategySettings;
  /** Present when session cookies are accepted too. */
  session: SessionIdentifier | undefined;
}

export function createTokenIdentifier(settings: StrategySettings): TokenIdentifier {
  return { settings, session: settings.session ? createSessionIdentifier(settings.session) : undefined };
}

type Attempt = { user: object; info?: unknown } | { failure: AuthorizationError; sent: boolean };
type Method = 'session' | 'token';

/**
 * Who is this, in strategy mode, on a request of any transport: the methods (the token through
 * the Passport strategy, and the session when configured) are tried in the configured order
 * until one finds a user. With none, the failure of the first method whose credential was sent.
 */
export function identifyBySessionOrToken(
  identifier: TokenIdentifier,
  request: IncomingMessage,
  credentials: Credentials,
  record: HandshakeRecord,
  done: (identity: Identity) => void,
): void {
  const { settings } = identifier;
  const data = request as HandshakeData & Record<string, unknown>;
  try {
    writeHandshakeUser(data, settings.userProperty, record, { logged_in: false });
    installAuthState(data, settings.userProperty);
  } catch (err) {
    done({ failure: requestUnreadable(err) });
    return;
  }

  const methods: Method[] = [];
  if (identifier.session && settings.order === 'session-first') methods.push('session');
  methods.push('token');
  if (identifier.session && settings.order === 'strategy-first') methods.push('session');

  const failures: { failure: AuthorizationError; sent: boolean }[] = [];
  const tryMethod = (index: number): void => {
    const method = methods[index];
    if (method === undefined) {
      const failure = chooseFailure(failures);
      debug('refused: %s', failure.code);
      done({ failure });
      return;
    }
    const found = (attempt: Attempt) => {
      if ('failure' in attempt) {
        failures.push(attempt);
        return tryMethod(index + 1);
      }
      debug('user found by %s', method);
      const token = credentials.token.token;
      done({
        user: attempt.user,
        info: attempt.info,
        method,
        tokenExpiresAt: method === 'token' && token !== undefined ? tokenExpiry(token) : undefined,
      });
    };
    if (method === 'session') trySession(identifier.session as SessionIdentifier, data, credentials, record, found);
    else tryToken(settings, data, credentials.token, found);
  };
  tryMethod(0);
}

/** The session, identified as `authorize` does; it counts as sent when a verified session id was found. */
function trySession(
  session: SessionIdentifier,
  data: HandshakeData,
  credentials: Credentials,
  record: HandshakeRecord,
  done: (attempt: Attempt) => void,
): void {
  identifyBySession(session, data, credentials.sessionQuery, record, (identity) =>
    done('failure' in identity ? { failure: identity.failure, sent: record.source !== 'none' } : { user: identity.user }),
  );
}

function tryToken(settings: StrategySettings, data: HandshakeData, found: FoundToken, done: (attempt: Attempt) => void): void {
  const sent = found.token !== undefined;
  const strategy = resolveStrategy(settings);
  if (strategy instanceof AuthorizationError) {
    done({ failure: strategy, sent });
    return;
  }
  runStrategy(strategy, requestForStrategy(data, found), { session: false }, settings.timeout, (outcome) => {
    if (outcome.kind !== 'success') return done({ failure: strategyFailure(outcome, sent), sent });
    // Passport treats success() with no user as a failure too.
    if (!outcome.user) return done({ failure: noUser(), sent });
    done({ user: withLoggedIn(outcome.user), info: outcome.info });
  });
}

/** A name is looked up at each handshake: strategies may be registered after `authorizeStrategy()`. */
function resolveStrategy(settings: StrategySettings): StrategyLike | AuthorizationError {
  const { strategy, registry: passport } = settings;
  if (typeof strategy !== 'string') return strategy;
  let found: unknown;
  try {
    found = typeof passport?._strategy === 'function' ? passport._strategy(strategy) : passport?._strategies?.[strategy];
  } catch {
    found = undefined;
  }
  if (found === null || typeof found !== 'object' || typeof (found as StrategyLike).authenticate !== 'function') {
    return unknownStrategy(strategy);
  }
  return found as StrategyLike;
}

/** The failure of the first method whose credential was sent; with none sent, the first method's. */
function chooseFailure(failures: { failure: AuthorizationError; sent: boolean }[]): AuthorizationError {
  // Never empty: the token method always runs.
  const chosen = failures.find((attempt) => attempt.sent) ?? (failures[0] as { failure: AuthorizationError });
  return chosen.failure;
}
