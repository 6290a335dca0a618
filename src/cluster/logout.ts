import { AuthorizationError, InvalidArgumentError, InvalidOptionError } from '../errors';
import { readSerializedUser } from '../identify/passport-user';
import { log } from '../log';
import type { RoomsOptions } from '../options';
import type { PassportLike, UserId } from '../types';
import { userIdFor } from './identity';
import { endRoomChoosing } from './reconnect';
import { namingFor, sessionKeyOf } from './rooms';
import { checkReason } from './session-ended';
import { namespacesOf, type ServerOrNamespace } from './socket-io';

const debug = log('logout');

export interface LogoutSocketsOptions {
  /**
   * Which sockets to end: those of this session (this browser), or every socket of the user, in
   * every session (every device).
   * @default 'session'
   */
  scope?: 'session' | 'user';
  /**
   * The reason the clients receive with the `session_ended` event.
   * @default 'logout'
   */
  reason?: string;
  /** The `rooms` option given to `authorize()`, when it names rooms and this process cannot tell. */
  rooms?: RoomsOptions;
  /**
   * `true` drops the connections instead of ending the sockets for good: the clients get
   * `session_ended` with `reconnect: true`, then `'transport close'`, reconnect by themselves and
   * are authorized again (as anonymous visitors, after a logout). See `disconnectSession`.
   * @default false
   */
  reconnect?: boolean;
  /**
   * The Passport instance, when its session key (`passport._key`) is not the default and the
   * request does not tell (it does once `passport.initialize()` ran on it).
   */
  passport?: { _key?: string };
}

/** The part of an Express request the logout helpers read. */
export interface LogoutRequest {
  sessionID?: string;
  session?: Record<string, any>;
  user?: unknown;
  /** Set by `passport.initialize()`: Passport 0.6 and later. */
  _sessionManager?: { _key?: unknown };
  /** Set by `passport.initialize()`: Passport 0.4 and 0.5. */
  _passport?: { instance?: { _key?: unknown } };
  res?: { once(event: string, listener: () => void): unknown; writableFinished?: boolean; headersSent?: boolean } | undefined;
}

/**
 * Ends, on every node, the sockets of the session of this request (or of its user, with
 * `scope: 'user'`), with `session_ended` and the reason `'logout'`. Destroys nothing itself: call
 * it in your logout route, before `req.logout()`, which with Passport 0.6 and later gives the
 * request a new session id. It reads the session and user now, and disconnects once the response
 * has been sent, after the logout and the session save, so that a socket opened in between
 * cannot slip through; without a response object it disconnects at once.
 *
 * @example
 * ```js
 * app.post('/logout', (req, res, next) => {
 *   logoutSockets(io, req);
 *   req.logout((err) => (err ? next(err) : res.redirect('/')));
 * });
 * ```
 */
export function logoutSockets(io: ServerOrNamespace, req: LogoutRequest, options: LogoutSocketsOptions = {}): void {
  const helper = 'logoutSockets(io, req)';
  const end = planLogout(io, req, options, helper);
  const res = req.res;
  if (!end || !res || typeof res.once !== 'function' || res.writableFinished === true) {
    end?.();
    return;
  }
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    end();
  };
  res.once('finish', once);
  res.once('close', once);
}

/**
 * Express middleware for the logout route: does what {@link logoutSockets} does, then `next()`.
 *
 * @example
 * ```js
 * app.post('/logout', disconnectOnLogout(io), (req, res, next) => {
 *   req.logout((err) => (err ? next(err) : res.redirect('/')));
 * });
 * ```
 */
export function disconnectOnLogout(
  io: ServerOrNamespace,
  options: LogoutSocketsOptions = {},
): (req: LogoutRequest, res: unknown, next: (err?: unknown) => void) => void {
  checkLogoutOptions(options);
  namespacesOf(io, 'disconnectOnLogout(io)');
  return (req, _res, next) => {
    try {
      logoutSockets(io, req, options);
    } catch (err) {
      return next(err);
    }
    next();
  };
}

/** What to end, read from the request now (before `req.logout()` changes it), as a function to run later. */
function planLogout(io: ServerOrNamespace, req: LogoutRequest, options: LogoutSocketsOptions, helper: string): (() => void) | undefined {
  checkLogoutOptions(options);
  if (req === null || typeof req !== 'object') {
    throw new InvalidArgumentError('req', `${helper}: req must be the Express request`);
  }
  const reason = checkReason(options.reason, 'logout');
  const reconnect = options.reconnect ?? false;
  const namespaces = namespacesOf(io, helper);
  const naming = namingFor(options.rooms, helper);
  let room: string | undefined;
  if (options.scope === 'user') {
    const userId: UserId | undefined = userIdFor(naming, req.user, serializedUserOf(req, options.passport));
    if (userId !== undefined) room = naming.userRoom(userId);
    else debug('logout: no user on the request; ending the session only');
  }
  if (room === undefined && typeof req.sessionID === 'string' && req.sessionID !== '') {
    room = naming.sessionRoom(sessionKeyOf(req.sessionID));
  }
  if (room === undefined) {
    debug('logout: no session on the request; no socket to end');
    return undefined;
  }
  const target = room;
  return () => {
    for (const namespace of namespaces) {
      endRoomChoosing(namespace, target, reason, reconnect);
    }
  };
}

/** Passport's serialized user in the request's session, under the instance's own session key. */
function serializedUserOf(req: LogoutRequest, passport: { _key?: unknown } | undefined): unknown {
  const session = req.session;
  if (session === null || typeof session !== 'object') return undefined;
  const key = [passport?._key, req._sessionManager?._key, req._passport?.instance?._key].find(
    (candidate): candidate is string => typeof candidate === 'string' && candidate !== '',
  );
  try {
    const found = readSerializedUser(session, { _key: key } as PassportLike);
    return found instanceof AuthorizationError ? undefined : found.value;
  } catch {
    return undefined;
  }
}

function checkLogoutOptions(options: unknown): void {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', "must be an object, for example { scope: 'user' }");
  }
  const scope = (options as LogoutSocketsOptions).scope;
  if (scope !== undefined && scope !== 'session' && scope !== 'user') {
    throw new InvalidOptionError('scope', `must be 'session' or 'user', not ${JSON.stringify(scope) ?? typeof scope}`);
  }
  const reconnect = (options as LogoutSocketsOptions).reconnect;
  if (reconnect !== undefined && typeof reconnect !== 'boolean') {
    throw new InvalidOptionError('reconnect', 'must be true (the clients reconnect) or false (for good)');
  }
}
