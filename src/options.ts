import { type LiveSessionOptions, type LiveSessionSettings, resolveLiveSessionOption } from './cluster/live-session';
import { type RoomNaming, type RoomsOptions, resolveRoomsOption } from './cluster/rooms';
import { InvalidOptionError } from './errors';
import type { DecisionListener } from './events/decision-events';
import { defaultSuccess, normaliseFail } from './legacy/callbacks';
import { checkTimeout, checkUserProperty, describe, optionalBoolean, optionalFunction } from './option-checks';
import type {
  CookieParserFactory,
  CookieParserMiddleware,
  FailCallback,
  LegacyFailCallback,
  PassportLike,
  SessionStoreLike,
  SuccessCallback,
} from './types';

/** Options of {@link authorize}, the same as the legacy package's, plus a few safe additions. */
export interface AuthorizeOptions {
  /**
   * The express-session store your Express app uses (the same instance). Only `store.get` is called.
   */
  store: SessionStoreLike;
  /**
   * The secret(s) express-session signs the cookie with. An array allows key rotation, newest
   * first, as in express-session.
   */
  secret: string | readonly string[];
  /**
   * Name of the session cookie (express-session calls it `name`).
   * @default 'connect.sid'
   */
  key?: string;
  /** Alias of `key`, under express-session's name for it. */
  name?: string;
  /**
   * The cookie-parser factory (`require('cookie-parser')`), or a middleware already made with
   * `cookieParser(secret)`. Leave it out to use the built-in reading, which matches express-session's.
   * @default built-in
   */
  cookieParser?: CookieParserFactory | CookieParserMiddleware;
  /**
   * The Passport instance. Its `_key` names the session field and its `deserializeUser` turns the
   * stored value into the user.
   * @default require('passport')
   */
  passport?: PassportLike;
  /**
   * The property of the handshake request that receives the user.
   * @default 'user'
   */
  userProperty?: string;
  /**
   * Called when the user was found.
   * @default accept the connection
   */
  success?: SuccessCallback;
  /**
   * Called on every failure, with the legacy message and whether it is critical. The two-argument
   * `fail(data, accept)` of early releases works too.
   * @default refuse: the client sees the message, or a generic one for a critical failure
   */
  fail?: FailCallback | LegacyFailCallback;
  /**
   * How long, in milliseconds, the store, `deserializeUser` and each callback may take before the
   * handshake is refused.
   * @default 5000
   */
  timeout?: number;
  /**
   * Accept a raw, unsigned session id in the `session_id` query parameter, as the legacy package
   * did. Unsafe: anyone who learns a session id (a log line, a store key) can log in with it.
   * A signed value (`s:<id>.<signature>`, the cookie's own value) is always accepted.
   * @default false
   */
  allowUnsignedSessionIdQuery?: boolean;
  /**
   * Called once for every decided handshake with a {@link DecisionEvent} (outcome code, timings,
   * transport; never a cookie, session id or secret), just after socket.io has the decision;
   * what it throws, or a promise it returns that rejects, is ignored.
   * `decisionEvents` carries the same events for every `authorize()` of the process.
   * @example
   * ```js
   * authorize({ store, secret, onDecision: (event) => metrics.count(event.code, event.accepted) });
   * ```
   */
  onDecision?: DecisionListener;
  /**
   * Put the user id (the deserialized user's `id`, else Passport's serialized value) in decision events.
   * @default false
   */
  includeUserIdInDecisions?: boolean;
  /**
   * Put each logged-in socket in a room of its session and a room of its user, and its identity
   * (`{ id, logged_in, sessionRoom }`, never the session id) in `socket.data.passport`, so that
   * `fetchSocketsByUser`, `disconnectSession`, `disconnectUser`, `emitToUser` and the logout
   * helpers reach it from any node. `true` for the default names, or an object to choose them.
   * @default false
   */
  rooms?: boolean | RoomsOptions;
  /**
   * Keep checking each logged-in socket's session after the handshake, and end the socket when
   * the session is gone, expired or logged in to another user. `true` reads each session once a
   * minute; see {@link LiveSessionOptions}.
   * @default false
   */
  liveSession?: boolean | LiveSessionOptions;
}

/** The options once checked and defaulted; what the handshake reads. */
export interface Settings {
  store: SessionStoreLike;
  secrets: readonly string[];
  secret: string | readonly string[];
  key: string;
  cookieParser: CookieParserFactory | CookieParserMiddleware | undefined;
  passport: PassportLike;
  userProperty: string;
  success: SuccessCallback;
  fail: FailCallback;
  timeout: number;
  allowUnsignedSessionIdQuery: boolean;
  onDecision: DecisionListener | undefined;
  includeUserIdInDecisions: boolean;
  rooms: RoomNaming | undefined;
  liveSession: LiveSessionSettings | undefined;
}

export const DEFAULT_KEY = 'connect.sid';
export const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Checks every option and fills in the defaults. Throws an {@link InvalidOptionError} (a
 * `TypeError`) that names the option and says what to pass.
 */
export function resolveOptions(options: AuthorizeOptions): Settings {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', 'must be an object: authorize({ store, secret, ... })');
  }
  const store = options.store;
  if (store === undefined || store === null) {
    throw new InvalidOptionError(
      'store',
      'is required: pass the express-session store your app uses, the same instance given to session({ store })',
    );
  }
  if (typeof store !== 'object' && typeof store !== 'function') {
    throw new InvalidOptionError('store', `must be an express-session store object, not ${describe(store)}`);
  }
  if (typeof store.get !== 'function') {
    throw new InvalidOptionError('store', 'must have a get(sid, callback) method, as express-session stores do');
  }

  const secrets = checkSecret(options.secret);
  const key = checkKey(options);
  const cookieParser = optionalFunction(options, 'cookieParser');
  const passport = options.passport === undefined ? loadPassport() : checkPassport(options.passport);
  const userProperty = checkUserProperty(options.userProperty);
  const timeout = checkTimeout(options.timeout, DEFAULT_TIMEOUT_MS);
  const allowRaw = optionalBoolean(options, 'allowUnsignedSessionIdQuery');
  const includeUserId = optionalBoolean(options, 'includeUserIdInDecisions');

  return {
    store,
    secrets,
    secret: options.secret,
    key,
    cookieParser,
    passport,
    userProperty,
    success: optionalFunction(options, 'success') ?? defaultSuccess,
    fail: normaliseFail(optionalFunction(options, 'fail')),
    timeout,
    allowUnsignedSessionIdQuery: allowRaw,
    onDecision: optionalFunction(options, 'onDecision'),
    includeUserIdInDecisions: includeUserId,
    rooms: resolveRoomsOption(options.rooms),
    liveSession: resolveLiveSessionOption(options.liveSession),
  };
}

function checkSecret(secret: unknown): readonly string[] {
  const hint = 'pass the same secret your express-session uses (a string, or an array newest first)';
  if (secret === undefined || secret === null) {
    throw new InvalidOptionError('secret', `is required: ${hint}`);
  }
  const secrets = Array.isArray(secret) ? [...secret] : [secret];
  if (secrets.length === 0) throw new InvalidOptionError('secret', `must not be an empty array: ${hint}`);
  for (const one of secrets) {
    if (typeof one !== 'string' || one === '') {
      throw new InvalidOptionError('secret', `must be a non-empty string or array of them, not ${describe(one)}: ${hint}`);
    }
  }
  return Object.freeze(secrets as string[]);
}

function checkKey(options: AuthorizeOptions): string {
  const { key, name } = options;
  if (key !== undefined && name !== undefined && key !== name) {
    throw new InvalidOptionError('key', `and "name" disagree ("${String(key)}" vs "${String(name)}"): pass one of them`);
  }
  const chosen = key ?? name ?? DEFAULT_KEY;
  if (typeof chosen !== 'string' || chosen === '') {
    throw new InvalidOptionError(key !== undefined ? 'key' : 'name', `must be the session cookie's name, not ${describe(chosen)}`);
  }
  return chosen;
}

function checkPassport(passport: unknown): PassportLike {
  if (passport === null || typeof passport !== 'object' || typeof (passport as PassportLike).deserializeUser !== 'function') {
    throw new InvalidOptionError('passport', 'must be a Passport instance (require("passport") or new Passport())');
  }
  return passport as PassportLike;
}

function loadPassport(): PassportLike {
  try {
    return checkPassport(require('passport'));
  } catch (err) {
    if (err instanceof InvalidOptionError) throw err;
    throw new InvalidOptionError('passport', 'was not given and require("passport") failed: install passport or pass your instance');
  }
}
