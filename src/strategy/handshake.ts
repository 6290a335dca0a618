import type { IncomingMessage } from 'node:http';
import { writeHandshakeUser } from '../connection-user';
import type { HandshakeFacts } from '../decisions';
import { AuthorizationError, callbackThrew } from '../errors';
import { runHandshake } from '../handshake';
import { callApp, createDecision, type Decision } from '../legacy/accept';
import { log } from '../log';
import { installAuthState, withLoggedIn } from '../passport-user';
import type { HandshakeData } from '../types';
import { noUser, strategyFailure, unknownStrategy } from './failures';
import type { StrategyAuthorizer, StrategySettings } from './options';
import { runStrategy, type StrategyLike } from './run-strategy';
import { type FoundToken, requestForStrategy, tokenExpiry } from './token';

const debug = log('strategy');

/** What the client sent: the token found in the configured places, and the `session_id` query value. */
export interface Credentials {
  token: FoundToken;
  sessionQuery: unknown;
}

/** How an accepted handshake got in; the adapter arms token expiry from it. */
export interface Admission {
  via: 'session' | 'token' | undefined;
  /** The token's `exp` in milliseconds, for a JWT. */
  expiresAt: number | undefined;
}

type Attempt = { user: object; info?: unknown } | { failure: AuthorizationError; sent: boolean };
type Method = 'session' | 'token';

/**
 * A handshake in strategy mode, on a request of any transport: the methods are tried in the
 * configured order until one finds a user; then the app's `success`, or its `fail` with the
 * failure of the first method whose credential was sent, decide through `decision`, exactly
 * once, as with `authorize`.
 */
export function runStrategyHandshake(
  authorizer: StrategyAuthorizer,
  request: IncomingMessage,
  credentials: Credentials,
  decision: Decision,
  facts: HandshakeFacts,
  admission: Admission,
): void {
  const { settings } = authorizer;
  const data = request as HandshakeData & Record<string, unknown>;
  try {
    writeHandshakeUser(data, settings.userProperty, facts, { logged_in: false });
    installAuthState(data, settings.userProperty);
  } catch (err) {
    debug('handshake request could not take the user');
    decision.refuse(callbackThrew('success', err));
    return;
  }

  const methods: Method[] = [];
  if (authorizer.session && settings.order === 'session-first') methods.push('session');
  methods.push('token');
  if (authorizer.session && settings.order === 'strategy-first') methods.push('session');

  const failures: { failure: AuthorizationError; sent: boolean }[] = [];
  const tryMethod = (index: number): void => {
    const method = methods[index];
    if (method === undefined) {
      refuse(settings, data, chooseFailure(failures), facts, decision);
      return;
    }
    const done = (attempt: Attempt) => {
      if ('failure' in attempt) {
        failures.push(attempt);
        return tryMethod(index + 1);
      }
      admission.via = method;
      if (method === 'token' && credentials.token.token !== undefined) admission.expiresAt = tokenExpiry(credentials.token.token);
      facts.failure = null;
      writeHandshakeUser(data, settings.userProperty, facts, attempt.user);
      if (attempt.info !== undefined) data.authInfo = attempt.info;
      debug('user found by %s', method);
      callApp('success', () => settings.success(data, decision.accept), decision, settings.timeout);
    };
    if (method === 'session') trySession(authorizer, data, credentials, facts, done);
    else tryToken(settings, data, credentials.token, done);
  };
  tryMethod(0);
}

/**
 * The session, through `authorize`'s own handshake, whose probe callbacks only report back.
 * The session counts as sent when a verified session id was found.
 */
function trySession(
  authorizer: StrategyAuthorizer,
  data: HandshakeData & Record<string, unknown>,
  credentials: Credentials,
  facts: HandshakeFacts,
  done: (attempt: Attempt) => void,
): void {
  const session = authorizer.session;
  if (session === undefined) return;
  const probe = createDecision((verdict) => {
    // runHandshake records its failure; only the final one is the handshake's.
    facts.failure = null;
    if (verdict === null) return done({ user: facts.user as object });
    const failure = verdict instanceof AuthorizationError ? verdict : callbackThrew('success', verdict);
    done({ failure, sent: facts.source !== 'none' });
  });
  runHandshake(session, data, credentials.sessionQuery, probe, facts);
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
  const { strategy, passport } = settings;
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
  const chosen = failures.find((attempt) => attempt.sent) ?? failures[0];
  if (chosen === undefined) throw new Error('unreachable: the token method always runs');
  return chosen.failure;
}

function refuse(
  settings: StrategySettings,
  data: HandshakeData,
  failure: AuthorizationError,
  facts: HandshakeFacts,
  decision: Decision,
): void {
  facts.failure = failure;
  debug('refused: %s', failure.code);
  callApp('fail', () => settings.fail(data, failure.message, failure.critical, decision.accept, failure), decision, settings.timeout);
}
