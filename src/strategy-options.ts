import { createAuthorizer } from './authorize';
import { InvalidOptionError } from './errors';
import type { DecisionListener } from './events/decision-events';
import type { Authorizer } from './identify/session';
import type { StrategyLike } from './identify/strategy';
import type { TokenSources } from './identify/token';
import { defaultFail, defaultSuccess, normaliseFail } from './legacy/callbacks';
import { checkTimeout, checkUserProperty, describe, optionalBoolean, optionalFunction } from './option-checks';
import { type AuthorizeOptions, DEFAULT_TIMEOUT_MS } from './options';
import type { FailCallback, SuccessCallback } from './types';

/** A Passport instance as strategy mode reads it: where `passport.use(...)` registered the strategies. */
export interface StrategyRegistry {
  _strategy?(name: string): StrategyLike | undefined;
  _strategies?: Record<string, StrategyLike>;
}

/**
 * Options of {@link authorizeStrategy}: the callbacks and settings of `authorize`, a Passport
 * strategy, and where to find the token. Give `store` and `secret` too, and session cookies are
 * accepted as well (see `order`).
 */
export interface StrategyAuthorizeOptions extends Partial<Omit<AuthorizeOptions, 'passport'>> {
  /**
   * The strategy: the name it was registered under (`passport.use(new JwtStrategy(...))` registers
   * `'jwt'`), or the strategy instance itself. It runs with `{ session: false }`.
   */
  strategy: string | StrategyLike;
  /**
   * The Passport instance the strategy is registered on (and, with `store`, whose
   * `deserializeUser` loads session users).
   * @default require('passport')
   */
  passport?: StrategyRegistry | AuthorizeOptions['passport'];
  /**
   * Where the token is looked for, in this order: the `Authorization: Bearer` header, the
   * `handshake.auth` field, the query parameter. The strategy sees it as `Authorization: Bearer`
   * wherever it came from, so passport-jwt's `fromAuthHeaderAsBearerToken()` reads all of them.
   * @default { header: true, auth: 'token', query: false } (at the engine level, `auth: false`)
   */
  tokenFrom?: Partial<TokenSources>;
  /**
   * With `store` and `secret`: which to try first. The second is tried when the first finds no
   * user; `fail` gets the failure of the first one whose credential was sent.
   * @default 'session-first'
   */
  order?: 'session-first' | 'strategy-first';
  /**
   * Disconnect a socket let in by a token when the token's `exp` passes, after emitting
   * `expiredEvent` to it with `{ code: 'ERR_TOKEN_EXPIRED', message: 'Token expired' }`.
   * Only for `authorizeStrategy` (the engine level has no socket to disconnect).
   * @default false
   */
  expireWithToken?: boolean;
  /**
   * The event a socket receives just before `expireWithToken` disconnects it.
   * @default 'token_expired'
   */
  expiredEvent?: string;
}

export type StrategyOrder = NonNullable<StrategyAuthorizeOptions['order']>;

/** The options once checked and defaulted. */
export interface StrategySettings {
  strategy: string | StrategyLike;
  passport: StrategyRegistry | undefined;
  tokenFrom: TokenSources;
  order: StrategyOrder;
  userProperty: string;
  success: SuccessCallback;
  fail: FailCallback;
  timeout: number;
  onDecision: DecisionListener | undefined;
  includeUserIdInDecisions: boolean;
  expireWithToken: boolean;
  expiredEvent: string;
}

/** What one `authorizeStrategy()` (or `authorizeEngine()` with a strategy) prepared for its handshakes. */
export interface StrategyAuthorizer {
  settings: StrategySettings;
  /** Present when session cookies are accepted too; its callbacks are the probe's, not the app's. */
  session: Authorizer | undefined;
}

export type StrategyLevel = 'socket' | 'engine';

export const DEFAULT_EXPIRED_EVENT = 'token_expired';
const DEFAULT_TOKEN_FROM: Record<StrategyLevel, TokenSources> = {
  socket: { header: true, auth: 'token', query: false },
  engine: { header: true, auth: false, query: false },
};

/**
 * Checks every option and prepares the handshakes. Throws an {@link InvalidOptionError} naming
 * the option; session options (`store`, `secret`, ...) are checked exactly as `authorize` checks them.
 */
export function createStrategyAuthorizer(options: StrategyAuthorizeOptions, level: StrategyLevel): StrategyAuthorizer {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', "must be an object: authorizeStrategy({ strategy: 'jwt', ... })");
  }
  const strategy = checkStrategy(options.strategy);
  const passport = typeof strategy === 'string' || options.passport !== undefined ? checkRegistry(options.passport) : undefined;
  const userProperty = checkUserProperty(options.userProperty);
  const timeout = checkTimeout(options.timeout, DEFAULT_TIMEOUT_MS);
  const includeUserId = optionalBoolean(options, 'includeUserIdInDecisions');
  const expireWithToken = optionalBoolean(options, 'expireWithToken');
  if (expireWithToken && level === 'engine') {
    throw new InvalidOptionError(
      'expireWithToken',
      'works with authorizeStrategy() installed with io.use(): the engine level has no socket to disconnect',
    );
  }
  const expiredEvent = options.expiredEvent ?? DEFAULT_EXPIRED_EVENT;
  if (typeof expiredEvent !== 'string' || expiredEvent === '') {
    throw new InvalidOptionError('expiredEvent', `must be a non-empty event name, not ${describe(expiredEvent)}`);
  }
  const order = options.order ?? 'session-first';
  if (order !== 'session-first' && order !== 'strategy-first') {
    throw new InvalidOptionError('order', `must be 'session-first' or 'strategy-first', not ${describe(order)}`);
  }

  const settings: StrategySettings = {
    strategy,
    passport,
    tokenFrom: checkTokenFrom(options.tokenFrom, level),
    order,
    userProperty,
    success: optionalFunction(options, 'success') ?? defaultSuccess,
    fail: normaliseFail(optionalFunction(options, 'fail')),
    timeout,
    onDecision: optionalFunction(options, 'onDecision'),
    includeUserIdInDecisions: includeUserId,
    expireWithToken,
    expiredEvent,
  };
  return { settings, session: createSessionProbe(options, settings) };
}

/**
 * With `store` or `secret`, session cookies are tried too, through the same handshake as
 * `authorize`; its callbacks only report back, so that the app's run once, at the very end.
 */
function createSessionProbe(options: StrategyAuthorizeOptions, settings: StrategySettings): Authorizer | undefined {
  if (options.store === undefined && options.secret === undefined) return undefined;
  const { strategy: _s, tokenFrom: _t, order: _o, expireWithToken: _e, expiredEvent: _v, ...sessionOptions } = options;
  const authorizer = createAuthorizer({
    ...sessionOptions,
    userProperty: settings.userProperty,
    timeout: settings.timeout,
    onDecision: undefined,
    success: undefined,
    fail: undefined,
  } as AuthorizeOptions);
  const probe = {
    ...authorizer.settings,
    success: defaultSuccess,
    fail: defaultFail,
  };
  return { ...authorizer, settings: probe };
}

function checkStrategy(strategy: unknown): string | StrategyLike {
  const hint = "pass the name it was registered under with passport.use() ('jwt'), or the instance (new JwtStrategy(...))";
  if (typeof strategy === 'string') {
    if (strategy === '') throw new InvalidOptionError('strategy', `must not be empty: ${hint}`);
    return strategy;
  }
  if (typeof strategy === 'function') {
    throw new InvalidOptionError('strategy', `must be a strategy instance, not its class or a function: ${hint}`);
  }
  if (strategy === null || typeof strategy !== 'object' || typeof (strategy as StrategyLike).authenticate !== 'function') {
    throw new InvalidOptionError('strategy', `is required: ${hint}`);
  }
  return strategy as StrategyLike;
}

function checkRegistry(passport: unknown): StrategyRegistry {
  const registry = passport === undefined ? loadPassport() : passport;
  const candidate = registry as StrategyRegistry | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    (typeof candidate._strategy !== 'function' && (candidate._strategies === null || typeof candidate._strategies !== 'object'))
  ) {
    throw new InvalidOptionError(
      'passport',
      'must be the Passport instance the strategy is registered on (require("passport") or new Passport())',
    );
  }
  return candidate;
}

function loadPassport(): unknown {
  try {
    return require('passport');
  } catch {
    throw new InvalidOptionError('passport', 'was not given and require("passport") failed: install passport or pass your instance');
  }
}

function checkTokenFrom(tokenFrom: unknown, level: StrategyLevel): TokenSources {
  const defaults = DEFAULT_TOKEN_FROM[level];
  if (tokenFrom === undefined) return defaults;
  if (tokenFrom === null || typeof tokenFrom !== 'object' || Array.isArray(tokenFrom)) {
    throw new InvalidOptionError(
      'tokenFrom',
      `must be an object like { header: true, auth: 'token', query: 'token' }, not ${describe(tokenFrom)}`,
    );
  }
  const given = tokenFrom as Partial<Record<keyof TokenSources, unknown>>;
  const header = given.header ?? defaults.header;
  if (typeof header !== 'boolean') {
    throw new InvalidOptionError('tokenFrom', `.header must be true or false, not ${describe(header)}`);
  }
  const auth = checkFieldName(given.auth ?? defaults.auth, 'auth');
  if (auth !== false && level === 'engine') {
    throw new InvalidOptionError(
      'tokenFrom',
      '.auth cannot be read at the engine level: handshake.auth arrives with each namespace, after the engine handshake. Use header or query, or authorizeStrategy() with io.use()',
    );
  }
  const query = checkFieldName(given.query ?? defaults.query, 'query');
  if (!header && auth === false && query === false) {
    throw new InvalidOptionError('tokenFrom', 'turns off every place a token could come from');
  }
  return Object.freeze({ header, auth, query });
}

function checkFieldName(value: unknown, field: 'auth' | 'query'): string | false {
  if (value === false) return false;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError('tokenFrom', `.${field} must be a field name or false, not ${describe(value)}`);
  }
  return value;
}
