import { getHashes } from 'node:crypto';
import { InvalidOptionError } from './errors';
import { defaultSuccess, normaliseFail } from './legacy/callbacks';
import type {
  CookieParserFactory,
  CookieParserMiddleware,
  DecisionListener,
  FailCallback,
  LegacyFailCallback,
  PassportLike,
  SessionStoreLike,
  SocketEvent,
  SocketEventListener,
  StrategyLike,
  SuccessCallback,
  TokenSources,
  UserId,
} from './types';

// Every option of the package: its type with JSDoc and @default, its default, and its check,
// which throws an InvalidOptionError naming it. The rest of src/ reads only the checked settings.

/** The longest delay a Node.js timer accepts (2^31 - 1 ms); longer timeouts are refused, longer waits are stepped. */
export const MAX_TIMER_MS = 2_147_483_647;

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
   * Called for every decision a live check (`liveSession`) makes on a connected socket: one
   * {@link SocketEvent} when it ends a socket (`'session-ended'`) and when `refreshUser` gives a
   * socket its user's new data (`'user-refreshed'`), on a later turn of the event loop; what it
   * throws, or a promise it returns that rejects, is ignored. `decisionEvents` carries these as
   * `'socket'` events, with those of `loginSocket` and `logoutSocket`.
   * @example
   * ```js
   * authorize({ store, secret, liveSession: true, onSocketEvent: (event) => metrics.count(event.kind, event.reason) });
   * ```
   */
  onSocketEvent?: SocketEventListener;
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
  /**
   * Give each logged-in socket its session: `socket.request.session` is an express-session
   * `Session` (the same class Express gives `req.session`, with `save`, `reload`, `touch`,
   * `destroy`, `regenerate` and `cookie`), made from the store read the handshake already does.
   * `true`, or an object to keep it off the socket (load it on demand with `loadSocketSession`)
   * or to keep the session alive while the socket is active (`rolling`). See {@link SocketSessionOptions}.
   * Needs express-session's store (or `require('express-session')` to resolve, only when this is on).
   * @default false
   */
  session?: boolean | SocketSessionOptions;
}

/**
 * The `session` option of {@link authorize}.
 * @example
 * ```js
 * authorize({ store, secret, session: { rolling: 60_000 } });
 * io.on('connection', (socket) => {
 *   socket.on('theme', (theme) => {
 *     socket.request.session.theme = theme;
 *     socket.request.session.save();
 *   });
 * });
 * ```
 */
export interface SocketSessionOptions {
  /**
   * Put the session on `socket.request.session` at the handshake. `false` keeps only the store on
   * `socket.request.sessionStore`, for `loadSocketSession(socket)` to read the session when needed.
   * @default true
   */
  onSocket?: boolean;
  /**
   * Keep the session from expiring while its sockets are active: on an incoming event, the
   * session's cookie is renewed and `store.touch` called, as express-session's `rolling` does for
   * requests, at most once per session per interval on each node, whatever the number of sockets
   * and events. `true` for once a minute, or the interval in milliseconds.
   * @default false
   */
  rolling?: boolean | number;
}

/** The `session` option once checked. */
export interface SocketSessionSettings {
  onSocket: boolean;
  /** Milliseconds between two touches of a session on this node, or undefined without `rolling`. */
  rollingInterval: number | undefined;
  /** Makes the express-session `Session` of a stored session on a request, as `store.createSession` does. */
  createSession: (req: object, stored: object) => unknown;
}

type CallbackOptions = Partial<
  Pick<AuthorizeOptions, 'userProperty' | 'timeout' | 'includeUserIdInDecisions' | 'success' | 'fail' | 'onDecision'>
>;

/** The options every mode shares, once checked and defaulted: the user, the callbacks, the timeout, the events. */
export interface CallbackSettings {
  userProperty: string;
  success: SuccessCallback;
  fail: FailCallback;
  timeout: number;
  onDecision: DecisionListener | undefined;
  includeUserIdInDecisions: boolean;
}

/** The session options once checked and defaulted: what session identification and the cluster features read. */
export interface SessionSettings {
  store: SessionStoreLike;
  secrets: readonly string[];
  secret: string | readonly string[];
  key: string;
  cookieParser: CookieParserFactory | CookieParserMiddleware | undefined;
  passport: PassportLike;
  userProperty: string;
  timeout: number;
  allowUnsignedSessionIdQuery: boolean;
  rooms: RoomNaming | undefined;
  liveSession: LiveSessionSettings | undefined;
  session: SocketSessionSettings | undefined;
}

/** The options of `authorize()` once checked and defaulted. */
interface Settings extends CallbackSettings, SessionSettings {}

const DEFAULT_KEY = 'connect.sid';
const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Checks every option of `authorize()` and fills in the defaults. Throws an
 * {@link InvalidOptionError} (a `TypeError`) that names the option and says what to pass.
 */
export function resolveOptions(options: AuthorizeOptions): Settings {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', 'must be an object: authorize({ store, secret, ... })');
  }
  const session = resolveSessionOptions(options);
  return { ...session, ...resolveCallbackOptions(options) };
}

function resolveSessionOptions(options: Partial<AuthorizeOptions>): SessionSettings {
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
  const passport = checkPassport(options.passport === undefined ? loadPassport() : options.passport);
  const userProperty = checkUserProperty(options.userProperty);
  const rooms = resolveRoomsOption(options.rooms);
  return {
    store,
    secrets,
    secret: options.secret as string | readonly string[],
    key,
    cookieParser,
    passport,
    userProperty,
    timeout: checkTimeout(options.timeout),
    allowUnsignedSessionIdQuery: optionalBoolean(options, 'allowUnsignedSessionIdQuery'),
    rooms,
    liveSession: resolveLiveSessionOption(options.liveSession, userProperty, rooms, {
      onSocketEvent: optionalFunction(options, 'onSocketEvent'),
      includeUserIdInDecisions: optionalBoolean(options, 'includeUserIdInDecisions'),
    }),
    session: resolveSocketSessionOption(options.session, store),
  };
}

/** The options every mode shares; a strategy's options extend these, and are checked by this same code. */
function resolveCallbackOptions(options: CallbackOptions): CallbackSettings {
  return {
    userProperty: checkUserProperty(options.userProperty),
    timeout: checkTimeout(options.timeout),
    includeUserIdInDecisions: optionalBoolean(options, 'includeUserIdInDecisions'),
    success: optionalFunction(options, 'success') ?? defaultSuccess,
    fail: normaliseFail(optionalFunction(options, 'fail')),
    onDecision: optionalFunction(options, 'onDecision'),
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

function checkKey(options: Partial<AuthorizeOptions>): string {
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

/** `require('passport')`, for every mode that was not given a Passport instance. */
function loadPassport(): unknown {
  try {
    return require('passport');
  } catch {
    throw new InvalidOptionError('passport', 'was not given and require("passport") failed: install passport or pass your instance');
  }
}

/** A short, safe description of a wrong value, for option errors. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string "${value.slice(0, 40)}"`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A wrong number of milliseconds, shown as it is (a duration is no secret); anything else as {@link describe}. */
function describeDuration(value: unknown): string {
  return typeof value === 'number' ? String(value) : describe(value);
}

/** The option if it is a function or absent. */
function optionalFunction<T extends object, K extends keyof T & string>(options: T, name: K): T[K] {
  const value = options[name];
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidOptionError(name, `must be a function, not ${describe(value)}`);
  }
  return value;
}

/** The option if it is a boolean, else `false` when absent. */
function optionalBoolean<T extends object, K extends keyof T & string>(options: T, name: K): boolean {
  const value = options[name] ?? false;
  if (typeof value !== 'boolean') throw new InvalidOptionError(name, `must be true or false, not ${describe(value)}`);
  return value;
}

function checkUserProperty(value: unknown = 'user'): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError('userProperty', `must be a non-empty string, not ${describe(value)}`);
  }
  return value;
}

function checkTimeout(value: unknown): number {
  const timeout = value ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_TIMER_MS) {
    throw new InvalidOptionError('timeout', `must be a positive number of milliseconds, not ${describeDuration(timeout)}`);
  }
  return timeout;
}

// ---- rooms -------------------------------------------------------------------------------------

/**
 * The `rooms` option of {@link authorize}: which rooms an accepted socket joins. Every node of a
 * cluster must use the same naming, and so must the helpers (they find it on their own when the
 * process has one `authorize({ rooms })`; otherwise pass the same object as their `rooms` option).
 */
export interface RoomsOptions {
  /**
   * The room of a session, from its session key (a hash of the session id, never the id itself).
   * @default (key) => `passport:session:${key}`
   */
  sessionRoom?: (sessionKey: string) => string;
  /**
   * The room of a user, from the user id.
   * @default (id) => `passport:user:${id}`
   */
  userRoom?: (userId: UserId) => string;
  /**
   * The user id of an accepted socket, from the deserialized user and Passport's serialized value.
   * Return a string or a number; anything else leaves the socket out of user rooms.
   * @default the deserialized user's `id`, else Passport's serialized value
   */
  userId?: (user: any, serializedUser: unknown) => unknown;
}

/** The `rooms` option once checked: what both the handshake and the helpers use. */
export interface RoomNaming {
  sessionRoom(sessionKey: string): string;
  userRoom(userId: UserId): string;
  userId: ((user: any, serializedUser: unknown) => unknown) | undefined;
}

const defaultSessionRoom = (sessionKey: string): string => `passport:session:${sessionKey}`;
const defaultUserRoom = (userId: UserId): string => `passport:user:${userId}`;

export const DEFAULT_ROOM_NAMING: RoomNaming = Object.freeze({
  sessionRoom: defaultSessionRoom,
  userRoom: defaultUserRoom,
  userId: undefined,
});

/** Checks the `rooms` option of `authorize()`; `undefined` when rooms are off. */
function resolveRoomsOption(value: unknown): RoomNaming | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return DEFAULT_ROOM_NAMING;
  return checkRoomsObject(value, 'rooms');
}

/** Checks a helper's own `rooms` option (the same object the app gave `authorize`). */
export function checkRoomsObject(value: unknown, optionName: string): RoomNaming {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError(optionName, 'must be true, or an object { sessionRoom?, userRoom?, userId? } of functions');
  }
  const rooms = value as RoomsOptions;
  for (const name of ['sessionRoom', 'userRoom', 'userId'] as const) {
    if (rooms[name] !== undefined && typeof rooms[name] !== 'function') {
      throw new InvalidOptionError(`${optionName}.${name}`, `must be a function, not ${describe(rooms[name])}`);
    }
  }
  if (!rooms.sessionRoom && !rooms.userRoom && !rooms.userId) return DEFAULT_ROOM_NAMING;
  return {
    sessionRoom: rooms.sessionRoom ?? defaultSessionRoom,
    userRoom: rooms.userRoom ?? defaultUserRoom,
    userId: rooms.userId,
  };
}

// ---- liveSession -------------------------------------------------------------------------------

/**
 * The `liveSession` option of {@link authorize}: keep checking a socket's session after the
 * handshake, and end the socket (`session_ended` with the reason, then a disconnect) when the
 * session is gone, has expired, or is no longer logged in to the same user. The store is read at
 * most once per session per `interval` on each node, shared by that session's sockets there;
 * `deserializeUser` is not called again.
 */
export interface LiveSessionOptions {
  /**
   * Milliseconds between two reads of a session; also how long a read stays good for the checks
   * before events.
   * @default 60000
   */
  interval?: number;
  /**
   * Re-read each session on a timer, so that an idle socket is ended within `interval`.
   * @default true
   */
  timer?: boolean;
  /**
   * Hold each incoming event (`socket.use`) until the session has been read within `interval`;
   * an event of an ended session is dropped.
   * @default false
   */
  beforeEvents?: boolean;
  /**
   * Keep each socket's user current: at each read, run `deserializeUser` again, and when the user
   * (or the data the deserializer returns) changed, put the new user on `socket.request.user`
   * and in the socket's identity, then call `onUserRefresh`. Still one store read per session per
   * interval, and one `deserializeUser` per session per read.
   * @default false
   */
  refreshUser?: boolean;
  /**
   * Called after a socket's user was refreshed (`refreshUser`), with the socket, the new user and
   * the previous one. What it throws is ignored.
   * @example
   * ```js
   * liveSession: { refreshUser: true, onUserRefresh(socket, user) { socket.emit('me', user); } }
   * ```
   */
  onUserRefresh?: (socket: any, user: any, previous: any) => void;
  /**
   * How a socket whose session ended is disconnected: `false` ends it for good (the client gets
   * `session_ended`, then `'io server disconnect'`, and does not reconnect); `true` drops its
   * connection (the client gets `session_ended` with `reconnect: true`, then `'transport close'`,
   * reconnects by itself and is authorized again).
   * @default false
   */
  reconnect?: boolean;
}

export interface LiveSessionSettings {
  interval: number;
  timer: boolean;
  beforeEvents: boolean;
  refreshUser: boolean;
  onUserRefresh: ((socket: any, user: any, previous: any) => void) | undefined;
  reconnect: boolean;
  /** The request property that holds the user (authorize's `userProperty`). */
  userProperty: string;
  /** authorize's room naming, for the identity of a refreshed user; undefined without `rooms`. */
  rooms: RoomNaming | undefined;
  /** authorize's `onSocketEvent`. */
  onSocketEvent: SocketEventListener | undefined;
  /** authorize's `includeUserIdInDecisions`: the user id goes in the socket events. */
  includeUserIdInDecisions: boolean;
}

const DEFAULT_LIVE_SESSION_INTERVAL_MS = 60_000;

/** Checks the `liveSession` option of `authorize()`; `undefined` when the checks are off. */
function resolveLiveSessionOption(
  value: unknown,
  userProperty: string,
  rooms: RoomNaming | undefined,
  events: Pick<LiveSessionSettings, 'onSocketEvent' | 'includeUserIdInDecisions'>,
): LiveSessionSettings | undefined {
  if (value === undefined || value === false) return undefined;
  const base = { refreshUser: false, onUserRefresh: undefined, reconnect: false, userProperty, rooms, ...events };
  if (value === true) return { interval: DEFAULT_LIVE_SESSION_INTERVAL_MS, timer: true, beforeEvents: false, ...base };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError('liveSession', 'must be true, or an object { interval?, timer?, beforeEvents? }');
  }
  const options = value as LiveSessionOptions;
  const interval = options.interval ?? DEFAULT_LIVE_SESSION_INTERVAL_MS;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval < 1 || interval > MAX_TIMER_MS) {
    throw new InvalidOptionError('liveSession.interval', `must be a positive number of milliseconds, not ${describeDuration(interval)}`);
  }
  const timer = options.timer ?? true;
  const beforeEvents = options.beforeEvents ?? false;
  if (typeof timer !== 'boolean') throw new InvalidOptionError('liveSession.timer', 'must be true or false');
  if (typeof beforeEvents !== 'boolean') throw new InvalidOptionError('liveSession.beforeEvents', 'must be true or false');
  if (!timer && !beforeEvents) {
    throw new InvalidOptionError('liveSession', 'has both timer and beforeEvents off: nothing would check the session');
  }
  const refreshUser = options.refreshUser ?? false;
  const reconnect = options.reconnect ?? false;
  if (typeof refreshUser !== 'boolean') throw new InvalidOptionError('liveSession.refreshUser', 'must be true or false');
  if (typeof reconnect !== 'boolean') throw new InvalidOptionError('liveSession.reconnect', 'must be true or false');
  const onUserRefresh = options.onUserRefresh;
  if (onUserRefresh !== undefined && typeof onUserRefresh !== 'function') {
    throw new InvalidOptionError('liveSession.onUserRefresh', `must be a function, not ${describe(onUserRefresh)}`);
  }
  return { interval, timer, beforeEvents, refreshUser, onUserRefresh, reconnect, userProperty, rooms, ...events };
}

// ---- session -----------------------------------------------------------------------------------

const DEFAULT_ROLLING_INTERVAL_MS = 60_000;

interface ExpressSessionStore {
  createSession?: (req: object, stored: object) => unknown;
  set?: unknown;
}

/** Checks the `session` option of `authorize()`; `undefined` when it is off. */
function resolveSocketSessionOption(value: unknown, store: unknown): SocketSessionSettings | undefined {
  if (value === undefined || value === false) return undefined;
  if (value !== true && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new InvalidOptionError('session', 'must be true, or an object { onSocket?, rolling? }');
  }
  const options: SocketSessionOptions = value === true ? {} : (value as SocketSessionOptions);
  const onSocket = options.onSocket ?? true;
  if (typeof onSocket !== 'boolean') throw new InvalidOptionError('session.onSocket', 'must be true or false');
  const rolling = options.rolling ?? false;
  let rollingInterval: number | undefined;
  if (rolling === true) rollingInterval = DEFAULT_ROLLING_INTERVAL_MS;
  else if (typeof rolling === 'number' && Number.isFinite(rolling) && rolling >= 1 && rolling <= MAX_TIMER_MS) rollingInterval = rolling;
  else if (rolling !== false) {
    throw new InvalidOptionError(
      'session.rolling',
      `must be true, false or a positive number of milliseconds, not ${describeDuration(rolling)}`,
    );
  }
  if (rollingInterval !== undefined && !onSocket) {
    throw new InvalidOptionError('session.rolling', 'renews the session each socket holds: it needs session.onSocket left on');
  }
  const sessionStore = store as ExpressSessionStore;
  if (typeof sessionStore.set !== 'function') {
    throw new InvalidOptionError('session', 'needs an express-session store (with set()) to save the session to');
  }
  return { onSocket, rollingInterval, createSession: sessionFactoryFor(sessionStore) };
}

/**
 * The store's own `createSession` (every store built on express-session's `Store` has it, and it
 * makes the `Session` class of the app's own express-session); else express-session's, resolved
 * now, only because the option is on.
 */
function sessionFactoryFor(store: ExpressSessionStore): SocketSessionSettings['createSession'] {
  if (typeof store.createSession === 'function') return (req, stored) => store.createSession?.call(store, req, stored);
  let expressSession: { Store?: { prototype?: ExpressSessionStore } };
  try {
    expressSession = require('express-session');
  } catch {
    throw new InvalidOptionError(
      'session',
      'needs express-session: the store has no createSession() and require("express-session") failed',
    );
  }
  const createSession = expressSession.Store?.prototype?.createSession;
  if (typeof createSession !== 'function') {
    throw new InvalidOptionError('session', 'needs express-session: require("express-session").Store has no createSession()');
  }
  return (req, stored) => createSession.call(store, req, stored);
}

// ---- cookieSession -----------------------------------------------------------------------------

/**
 * Where a `cookie-session` app keeps its session: the same `name`, `keys` (or `secret`) you give
 * `cookieSession({ ... })`. Pass that very object if you like; its cookie attributes (`maxAge`,
 * `httpOnly`, ...) are ignored here.
 */
export interface CookieSessionOptions {
  /**
   * The session cookie's name; its signature is in the cookie `<name>.sig`.
   * @default 'session'
   */
  name?: string;
  /**
   * The keys cookie-session signs with, newest first: the first signs, every one listed still
   * verifies (key rotation). Give the list, not a `Keygrip` instance (use `algorithm` for its hash).
   */
  keys?: readonly string[];
  /** cookie-session's single-key alternative to `keys`. */
  secret?: string;
  /**
   * The HMAC hash, when the app signs through `new Keygrip(keys, algorithm)`.
   * @default 'sha1' (Keygrip's default, which cookie-session uses)
   */
  algorithm?: string;
  /** cookie-session's `signed`; must not be `false`: an unsigned cookie proves nothing. */
  signed?: boolean;
  [cookieAttribute: string]: unknown;
}

/**
 * The options of `authorize` for an app whose session lives in the cookie (`cookie-session`): no
 * store, no express-session `secret`; the rest (passport, callbacks, timeout, events) as usual.
 */
export type CookieSessionAuthorizeOptions = Omit<
  AuthorizeOptions,
  'store' | 'secret' | 'key' | 'name' | 'cookieParser' | 'allowUnsignedSessionIdQuery' | 'liveSession' | 'session'
> & {
  /**
   * The app's cookie-session settings: `authorize({ cookieSession: { name: 'session', keys } })`.
   * @example
   * ```js
   * const sessionOptions = { name: 'session', keys: [process.env.SESSION_KEY] };
   * app.use(cookieSession(sessionOptions));
   * io.use(authorize({ cookieSession: sessionOptions, passport }));
   * ```
   */
  cookieSession: CookieSessionOptions;
};

/** Options that belong to express-session mode and make no sense next to `cookieSession`. */
const STORE_MODE_OPTIONS = [
  'store',
  'secret',
  'key',
  'name',
  'cookieParser',
  'allowUnsignedSessionIdQuery',
  'liveSession',
  'session',
] as const;

/** The `cookieSession` option once checked: the cookie's name, and the keys and hash it is signed with. */
export interface CookieSessionSettings {
  name: string;
  keys: readonly string[];
  algorithm: string;
}

/**
 * Checks the `cookieSession` option of `authorize()`: `undefined` for options without it; else a
 * clear {@link InvalidOptionError} naming `cookieSession.*` for anything cookie-session itself would
 * not sign with, or naming an express-session option given next to it.
 */
export function resolveCookieSessionOptions(options: AuthorizeOptions | CookieSessionAuthorizeOptions): CookieSessionSettings | undefined {
  if (options === null || typeof options !== 'object' || !('cookieSession' in options) || options.cookieSession === undefined) {
    return undefined;
  }
  for (const option of STORE_MODE_OPTIONS) {
    if ((options as Record<string, unknown>)[option] !== undefined) {
      throw new InvalidOptionError(
        option,
        `cannot be used with "cookieSession": the session is in the cookie-session cookie, ${
          option === 'liveSession' || option === 'session' ? 'with no store to read or save' : 'signed with cookieSession.keys'
        }`,
      );
    }
  }
  const value: unknown = options.cookieSession;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError('cookieSession', `must be the app's cookie-session options ({ name, keys }), not ${describe(value)}`);
  }
  const cookieSession = value as CookieSessionOptions;
  const name = cookieSession.name ?? 'session';
  if (typeof name !== 'string' || name === '' || /[;=,\s]/.test(name)) {
    throw new InvalidOptionError('cookieSession.name', `must be the session cookie's name, not ${describe(name)}`);
  }
  if (cookieSession.signed === false) {
    throw new InvalidOptionError('cookieSession.signed', 'must not be false: an unsigned session cookie can be written by anyone');
  }
  const keys = checkKeys(cookieSession);
  const algorithm = cookieSession.algorithm ?? 'sha1';
  if (typeof algorithm !== 'string' || !getHashes().includes(algorithm.toLowerCase())) {
    throw new InvalidOptionError(
      'cookieSession.algorithm',
      `must be a hash Node.js knows (Keygrip's default is 'sha1'), not ${describe(algorithm)}`,
    );
  }
  return { name, keys, algorithm };
}

function checkKeys(options: CookieSessionOptions): readonly string[] {
  const hint = 'pass the same keys (newest first) or secret your cookieSession({ ... }) uses';
  const { keys, secret } = options;
  if (keys !== undefined && keys !== null) {
    if (!Array.isArray(keys)) {
      throw new InvalidOptionError(
        'cookieSession.keys',
        `must be an array of strings, not ${describe(keys)} (for a Keygrip, pass its keys and algorithm): ${hint}`,
      );
    }
    if (keys.length === 0) throw new InvalidOptionError('cookieSession.keys', `must not be empty: ${hint}`);
    for (const key of keys) {
      if (typeof key !== 'string' || key === '') {
        throw new InvalidOptionError('cookieSession.keys', `must hold non-empty strings, not ${describe(key)}: ${hint}`);
      }
    }
    return Object.freeze([...keys]);
  }
  if (typeof secret === 'string' && secret !== '') return Object.freeze([secret]);
  throw new InvalidOptionError('cookieSession.keys', `is required: ${hint}`);
}

// ---- strategy ----------------------------------------------------------------------------------

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

/** The options of `authorizeStrategy()` (or `authorizeEngine()` with a strategy), once checked and defaulted. */
export interface StrategySettings extends CallbackSettings {
  strategy: string | StrategyLike;
  /** Where a strategy given by name is looked up; undefined for a strategy instance without `passport`. */
  registry: StrategyRegistry | undefined;
  tokenFrom: TokenSources;
  order: StrategyOrder;
  expireWithToken: boolean;
  expiredEvent: string;
  /** The session options, when `store` or `secret` was given: session cookies are accepted too. */
  session: SessionSettings | undefined;
}

type StrategyOrder = NonNullable<StrategyAuthorizeOptions['order']>;

/** Where the strategy runs: on each socket (`io.use`), or once per connection at the engine. */
type StrategyLevel = 'socket' | 'engine';

const DEFAULT_EXPIRED_EVENT = 'token_expired';
const DEFAULT_TOKEN_FROM: Record<StrategyLevel, TokenSources> = {
  socket: { header: true, auth: 'token', query: false },
  engine: { header: true, auth: false, query: false },
};

/**
 * Checks every option of `authorizeStrategy()`. The options it shares with `authorize` are checked
 * by the same code; with `store` or `secret`, so are the session options.
 */
export function resolveStrategyOptions(options: StrategyAuthorizeOptions, level: StrategyLevel): StrategySettings {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', "must be an object: authorizeStrategy({ strategy: 'jwt', ... })");
  }
  const strategy = checkStrategy(options.strategy);
  const registry = typeof strategy === 'string' || options.passport !== undefined ? checkRegistry(options.passport) : undefined;
  const callbacks = resolveCallbackOptions(options);
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
  const tokenFrom = checkTokenFrom(options.tokenFrom, level);
  const withSession = options.store !== undefined || options.secret !== undefined;
  return {
    ...callbacks,
    strategy,
    registry,
    tokenFrom,
    order,
    expireWithToken,
    expiredEvent,
    session: withSession ? resolveSessionOptions(options as Partial<AuthorizeOptions>) : undefined,
  };
}

/**
 * Options of {@link authorizeEngine}: those of `authorize` (session cookies), or those of
 * `authorizeStrategy` (a Passport strategy, with or without session cookies).
 */
export type EngineAuthorizeOptions = AuthorizeOptions | StrategyAuthorizeOptions;

/** The options of `authorizeEngine()`, checked as `authorize` or `authorizeStrategy` checks them. */
type EngineSettings = { strategy: false; settings: Settings } | { strategy: true; settings: StrategySettings };

export function resolveEngineOptions(options: EngineAuthorizeOptions): EngineSettings {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError(
      'options',
      'must be an object: authorizeEngine({ store, secret, ... }) or authorizeEngine({ strategy, ... })',
    );
  }
  const resolved: EngineSettings =
    'strategy' in options && options.strategy !== undefined
      ? { strategy: true, settings: resolveStrategyOptions(options, 'engine') }
      : { strategy: false, settings: resolveOptions(options as AuthorizeOptions) };
  const session = resolved.strategy ? resolved.settings.session : resolved.settings;
  // Options that act on the socket once accepted (rooms, live session checks) have nothing to act on here.
  if (session?.rooms || session?.liveSession || session?.session) {
    const option = ['rooms', 'liveSession', 'session'].find((name) => (options as unknown as Record<string, unknown>)[name]) ?? 'options';
    throw new InvalidOptionError(
      option,
      'acts on each socket after the handshake, and the engine level has no socket: use authorize() or authorizeStrategy() with io.use() for it',
    );
  }
  return resolved;
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
  if (strategy === undefined || strategy === null) throw new InvalidOptionError('strategy', `is required: ${hint}`);
  if (typeof strategy !== 'object' || typeof (strategy as StrategyLike).authenticate !== 'function') {
    throw new InvalidOptionError('strategy', `must be a Passport strategy (with authenticate()), not ${describe(strategy)}: ${hint}`);
  }
  return strategy as StrategyLike;
}

function checkRegistry(passport: unknown): StrategyRegistry {
  const candidate = (passport === undefined ? loadPassport() : passport) as StrategyRegistry | null;
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
    throw new InvalidOptionError('tokenFrom.header', `must be true or false, not ${describe(header)}`);
  }
  const auth = checkFieldName(given.auth ?? defaults.auth, 'auth');
  if (auth !== false && level === 'engine') {
    throw new InvalidOptionError(
      'tokenFrom.auth',
      'cannot be read at the engine level: handshake.auth arrives with each namespace, after the engine handshake. Use header or query, or authorizeStrategy() with io.use()',
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
    throw new InvalidOptionError(`tokenFrom.${field}`, `must be a field name or false, not ${describe(value)}`);
  }
  return value;
}
