import { InvalidArgumentError, InvalidOptionError } from '../errors';
import { withLoggedIn } from '../identify/passport-user';
import { log } from '../log';
import { reportSocketEvent } from '../observers';
import type { RoomsOptions } from '../options';
import type { PassportLike, SocketSession } from '../types';
import { IDENTITY_KEY, type SocketIdentity, userIdFor } from './identity';
import { rewatchSocket } from './live-session';
import { endRoomChoosing } from './reconnect';
import { namingFor, sessionKeyOf, sharedName } from './rooms';
import { namespacesOf, type ServerOrNamespace } from './socket-io';

const debug = log('login');

/** The part of a socket.io socket the login helpers use (`socket.request` carries the session). */
export interface LoginSocket {
  request: object;
  data?: Record<string, unknown>;
  rooms?: Set<string>;
  join?(rooms: string | string[]): unknown;
  leave?(room: string): unknown;
}

export interface SocketLoginOptions {
  /**
   * The Passport instance of the app (its `serializeUser` and session key).
   * @default require('passport')
   */
  passport?: PassportLike;
  /**
   * The request property that holds the user (authorize's `userProperty`).
   * @default 'user'
   */
  userProperty?: string;
  /** Passport 0.6+'s option: keep the session's other fields through the regeneration. */
  keepSessionInfo?: boolean;
  /** The `rooms` option given to `authorize()`, when this process cannot tell. */
  rooms?: RoomsOptions;
}

export interface SocketLogoutOptions extends SocketLoginOptions {
  /**
   * Which other sockets to end, as {@link logoutSockets} does: those of this session, or every
   * socket of the user, in every session.
   * @default 'session'
   */
  scope?: 'session' | 'user';
  /** The reason the other sockets receive with `session_ended`. @default 'logout' */
  reason?: string;
  /** End the other sockets so that their clients reconnect (see `disconnectSession`). @default false */
  reconnect?: boolean;
}

interface PassportRequest {
  session?: SocketSession;
  sessionID?: string;
  [field: string]: unknown;
}

interface SessionManager {
  logIn(req: object, user: unknown, ...rest: unknown[]): unknown;
  logOut(req: object, ...rest: unknown[]): unknown;
}

interface PassportInstance extends PassportLike {
  initialize?: () => (req: object, res: object, next: (err?: unknown) => void) => void;
  _sm?: SessionManager;
}

/**
 * The instance's own session manager: what its `req.login` / `req.logout` call. Called directly,
 * because `req.login` may be another Passport's (0.4 and 0.5 patch every request of the process).
 */
function sessionManagerOf(passport: PassportInstance, helper: string): SessionManager {
  const manager = passport._sm;
  if (!manager || typeof manager.logIn !== 'function' || typeof manager.logOut !== 'function') {
    throw new InvalidOptionError('passport', `${helper}: this Passport instance has no session manager (Passport 0.4 to 0.7)`);
  }
  return manager;
}

/**
 * Logs a socket in, as `req.login(user)` does over HTTP, with the app's own Passport (0.4 to
 * 0.7): the user is serialized into the socket's session, and with Passport 0.6 and later the
 * session is regenerated first (a new session id, the old one destroyed), then saved. The socket
 * then carries the user (`socket.request.user`, `logged_in: true`) and joins the rooms of its
 * session and user. Needs `authorize({ session: true })`.
 *
 * A browser's session cookie is set by HTTP responses only: after a regeneration (Passport 0.6+),
 * the browser still sends the old id, so its next HTTP request is not logged in. Log browsers in
 * over HTTP; use this for clients whose session lives in the socket (or with Passport before 0.6).
 *
 * @example
 * ```js
 * socket.on('login', async ({ username, password }, ack) => {
 *   const user = await users.verify(username, password);
 *   if (!user) return ack({ ok: false });
 *   await loginSocket(socket, user, { passport });
 *   ack({ ok: true });
 * });
 * ```
 */
export async function loginSocket(socket: LoginSocket, user: unknown, options: SocketLoginOptions = {}): Promise<void> {
  const helper = 'loginSocket(socket, user)';
  const req = requestOf(socket, helper);
  if (user === null || user === undefined || user === false)
    throw new InvalidArgumentError('user', `${helper}: user must be the user to log in`);
  const passport = prepare(req, options, helper);
  const property = options.userProperty ?? 'user';
  const before = req.sessionID;
  const oldSessionRoom = identityRoom(socket);
  const manager = sessionManagerOf(passport, helper);
  await new Promise<void>((resolve, reject) => {
    const done = (err?: unknown) => (err ? reject(err) : resolve());
    // Passport 0.6+ regenerates the session first and saves it; before 0.6, logIn(req, user, cb).
    if (manager.logIn.length >= 4) manager.logIn(req, user, { keepSessionInfo: options.keepSessionInfo === true }, done);
    else manager.logIn(req, user, done);
  });
  // Passport before 0.6 leaves the saving to express-session at the end of the request.
  if (req.sessionID === before) await save(req);
  const current = withLoggedIn(user);
  req[property] = current;
  joinRooms(socket, req, current, passport, options, oldSessionRoom);
  if (typeof req.sessionID === 'string') {
    const stored = req.session?.[passport._key || 'passport'] as { user?: unknown } | undefined;
    rewatchSocket(socket, req.sessionID, stored?.user);
  }
  reportSocketEvent({ kind: 'socket-login', reason: 'login', reconnect: false, namespace: namespaceOf(socket) });
}

/**
 * Logs a socket out, as `req.logout()` does over HTTP (Passport 0.4 to 0.7; with 0.6 and later
 * the session is saved, then regenerated), and ends the other sockets of its session (or, with
 * `scope: 'user'`, of its user, on every node) as {@link logoutSockets} does. The socket itself
 * stays connected, anonymous (`socket.request.user` is `{ logged_in: false }`), out of the rooms.
 *
 * @example
 * ```js
 * socket.on('logout', async (ack) => {
 *   await logoutSocket(io, socket, { passport, scope: 'user' });
 *   ack();
 * });
 * ```
 */
export async function logoutSocket(io: ServerOrNamespace, socket: LoginSocket, options: SocketLogoutOptions = {}): Promise<void> {
  const helper = 'logoutSocket(io, socket)';
  const req = requestOf(socket, helper);
  const passport = prepare(req, options, helper);
  const scope = options.scope ?? 'session';
  if (scope !== 'session' && scope !== 'user') throw new InvalidOptionError('scope', "must be 'session' or 'user'");
  const reason = options.reason ?? 'logout';
  if (typeof reason !== 'string' || reason === '') throw new InvalidOptionError('reason', 'must be a non-empty string');
  const namespaces = namespacesOf(io, helper);
  const naming = namingFor(options.rooms, helper);
  const property = options.userProperty ?? 'user';
  const sessionRoom =
    typeof req.sessionID === 'string' && req.sessionID !== '' ? naming.sessionRoom(sessionKeyOf(req.sessionID)) : undefined;
  const stored = req.session?.[passport._key || 'passport'] as { user?: unknown } | undefined;
  const userId = userIdFor(naming, req[property], stored?.user);
  const userRoom = userId === undefined ? undefined : naming.userRoom(userId);
  const room = scope === 'user' && userRoom !== undefined ? userRoom : sessionRoom;
  // This socket first leaves the rooms, so that ending them below leaves it connected.
  for (const joined of [sessionRoom, userRoom]) if (joined !== undefined) socket.leave?.(joined);
  if (socket.data && typeof socket.data === 'object') delete socket.data[IDENTITY_KEY];
  const before = req.sessionID;
  const manager = sessionManagerOf(passport, helper);
  await new Promise<void>((resolve, reject) => {
    const done = (err?: unknown) => (err ? reject(err) : resolve());
    // Passport 0.6+ saves the session without the user, then regenerates it; before 0.6, logOut(req, cb).
    if (manager.logOut.length >= 3) manager.logOut(req, { keepSessionInfo: options.keepSessionInfo === true }, done);
    else manager.logOut(req, done);
  });
  if (req.sessionID === before && req.session) await save(req);
  req[property] = { logged_in: false };
  rewatchSocket(socket, undefined, undefined);
  reportSocketEvent({
    kind: 'socket-logout',
    reason,
    reconnect: room !== undefined && options.reconnect === true,
    namespace: namespaceOf(socket),
  });
  if (room === undefined) return;
  for (const namespace of namespaces) {
    endRoomChoosing(namespace, room, reason, options.reconnect === true);
  }
}

function namespaceOf(socket: LoginSocket): string | undefined {
  const name = (socket as { nsp?: { name?: unknown } }).nsp?.name;
  return typeof name === 'string' ? name : undefined;
}

function requestOf(socket: LoginSocket, helper: string): PassportRequest {
  const req = socket?.request as PassportRequest | undefined;
  if (!req || typeof req !== 'object') throw new InvalidArgumentError('socket', `${helper}: socket must be a socket.io socket`);
  const session = req.session;
  if (!session || typeof session.save !== 'function') {
    throw new InvalidArgumentError('socket', `${helper}: the socket has no session; authorize it with authorize({ session: true })`);
  }
  return req;
}

/** Passport's own `initialize()` on the socket's request, so that `req.login` / `req.logout` are Passport's. */
function prepare(req: PassportRequest, options: SocketLoginOptions, helper: string): PassportInstance {
  let passport = options.passport as PassportInstance | undefined;
  if (passport === undefined) {
    try {
      passport = require('passport') as PassportInstance;
    } catch {
      throw new InvalidOptionError('passport', `${helper}: was not given and require("passport") failed`);
    }
  }
  if (!passport || typeof passport.initialize !== 'function') {
    throw new InvalidOptionError('passport', `${helper}: must be the app's Passport instance`);
  }
  passport.initialize()(req, {}, () => {});
  return passport;
}

function save(req: PassportRequest): Promise<void> {
  return new Promise((resolve, reject) => req.session?.save((err: unknown) => (err ? reject(err) : resolve())));
}

function identityRoom(socket: LoginSocket): string | undefined {
  const identity = socket.data?.[IDENTITY_KEY] as SocketIdentity | undefined;
  return identity && typeof identity === 'object' ? identity.sessionRoom : undefined;
}

function joinRooms(
  socket: LoginSocket,
  req: PassportRequest,
  user: unknown,
  passport: PassportInstance,
  options: SocketLoginOptions,
  oldSessionRoom: string | undefined,
): void {
  if (typeof socket.join !== 'function' || typeof req.sessionID !== 'string') return;
  try {
    const naming = namingFor(options.rooms, 'loginSocket(socket, user)');
    const stored = req.session?.[passport._key || 'passport'] as { user?: unknown } | undefined;
    const sessionRoom = sharedName(naming.sessionRoom(sessionKeyOf(req.sessionID)));
    if (oldSessionRoom !== undefined && oldSessionRoom !== sessionRoom) socket.leave?.(oldSessionRoom);
    const userId = userIdFor(naming, user, stored?.user);
    const rooms = [sessionRoom];
    if (userId !== undefined) rooms.push(sharedName(naming.userRoom(userId)));
    socket.join(rooms);
    if (socket.data && typeof socket.data === 'object') {
      socket.data[IDENTITY_KEY] = { id: userId ?? null, logged_in: true, sessionRoom } satisfies SocketIdentity;
    }
  } catch {
    debug('could not join the rooms of the logged-in socket');
  }
}
