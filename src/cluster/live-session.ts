import { performance } from 'node:perf_hooks';
import { AuthorizationError, ErrorCodes } from '../errors';
import { deserializeUser, readSerializedUser, userIdOf, withLoggedIn } from '../identify/passport-user';
import { isNoSuchSession, loadSession, type StoredSession } from '../identify/session-store';
import { log } from '../log';
import { reportSocketEvent } from '../observers';
import type { LiveSessionSettings, RoomNaming } from '../options';
import type { PassportLike, SessionStoreLike } from '../types';
import { IDENTITY_KEY, type SocketIdentity, userIdFor } from './identity';
import { endLocalSocket } from './reconnect';
import { sharedName } from './rooms';
import type { SessionEndedReason } from './session-ended';

const debug = log('live-session');

/** A connected socket as the checks use it, of any socket.io major. */
export interface WatchedSocket {
  connected?: boolean;
  /** The handshake request, where `refreshUser` puts the refreshed user. */
  request?: { [field: string]: unknown };
  conn?: { close?: (discard?: boolean) => unknown } | null;
  data?: Record<string, unknown>;
  join?(room: string | string[]): unknown;
  leave?(room: string): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(close?: boolean): unknown;
  on(event: 'disconnect', listener: (this: WatchedSocket) => void): unknown;
  use?(middleware: (packet: unknown, next: (err?: Error) => void) => void): unknown;
  nsp?: { name?: string };
}

/** One session's sockets on this node, and the state of its reads. */
interface WatchedSession {
  sessionId: string;
  // Most sessions have one socket on a node: it is held inline, and the others (each followed by
  // its serialized user) in a flat array, because a Map per session costs several times more.
  /** The first socket, or null once the session has none left. */
  socket: WatchedSocket | null;
  /** The serialized user the first socket's handshake found. */
  user: unknown;
  more: unknown[] | null;
  slot: number;
  /** When the last read started, in whole milliseconds of {@link clock} (a small integer V8 keeps unboxed). */
  readAt: number;
  /** Callbacks of checks waiting for the read in flight, or null when none is. */
  waiting: Array<() => void> | null;
  /** The watch's own `move`, so that `loginSocket` can move one of its sockets to its new session. */
  move: (socket: WatchedSocket, sessionId: string | undefined, serializedUser: unknown) => void;
}

// The session each watched socket is watched under, over every watch of the process (a socket is
// watched by one). Keyed by the socket: the shared socket.request's sessionID can be changed by
// another namespace.
const sessionOf = new WeakMap<object, WatchedSession>();

/**
 * After `loginSocket`: a socket that live checks watch is watched from now on under its new
 * session id (Passport 0.6+ regenerates it) and serialized user. After `logoutSocket`
 * (`sessionId` undefined): the anonymous socket is watched no more. Not watched: nothing to do.
 */
export function rewatchSocket(socket: object, sessionId: string | undefined, serializedUser: unknown): void {
  sessionOf.get(socket)?.move(socket as WatchedSocket, sessionId, serializedUser);
}

// Timed reads are spread over a wheel of slots, one timer per node for every session: a session
// has a slot and is read each time the wheel comes round to it, once per interval, so sessions
// opened together are not all read at the same moment.
const SLOTS = 10;

interface SessionWatch {
  /** Starts checking a socket that has just connected, with the session its own handshake read. */
  add(socket: WatchedSocket, serializedUser: unknown, sessionId: string): void;
}

export function createSessionWatch(
  store: SessionStoreLike,
  passport: PassportLike,
  timeoutMs: number,
  settings: LiveSessionSettings,
): SessionWatch {
  const sessions = new Map<string, WatchedSession>();
  const tickMs = Math.max(1, Math.floor(settings.interval / SLOTS));
  let nextSlot = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  // One listener for every socket: `this` is the socket that disconnected.
  function onDisconnect(this: WatchedSocket): void {
    detach(this);
  }

  function detach(socket: WatchedSocket): void {
    const watched = sessionOf.get(socket);
    if (!watched) return;
    sessionOf.delete(socket);
    if (!drop(watched, socket) || watched.socket !== null) return;
    if (sessions.get(watched.sessionId) === watched) sessions.delete(watched.sessionId);
    if (sessions.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  function attach(socket: WatchedSocket, serializedUser: unknown, sessionId: string): void {
    let watched = sessions.get(sessionId);
    if (!watched) {
      // The slot the wheel reaches last: the first timed read comes one interval after the handshake's.
      const slot = (nextSlot + SLOTS - 1) % SLOTS;
      watched = { sessionId, socket, user: serializedUser, more: null, slot, readAt: clock(), waiting: null, move };
      sessions.set(sessionId, watched);
      if (settings.timer && timer === undefined) {
        timer = setInterval(tick, tickMs);
        timer.unref?.();
      }
    } else if (watched.more) {
      watched.more.push(socket, serializedUser);
    } else {
      watched.more = [socket, serializedUser];
    }
    sessionOf.set(socket, watched);
  }

  /** A socket logged in again (`loginSocket`): watched from now on under its new session and user; logged out: no more. */
  function move(socket: WatchedSocket, sessionId: string | undefined, serializedUser: unknown): void {
    if (!sessionOf.has(socket)) return;
    detach(socket);
    if (sessionId !== undefined) attach(socket, serializedUser, sessionId);
  }

  function tick(): void {
    const due = nextSlot;
    nextSlot = (nextSlot + 1) % SLOTS;
    // A session read since its last round (before an event) waits for the next one; a tick's worth
    // of slack keeps a late timer from skipping a round.
    const readBefore = clock() - settings.interval + tickMs;
    for (const watched of sessions.values()) {
      if (watched.slot === due && watched.readAt <= readBefore) read(watched, undefined);
    }
  }

  /** Reads the session once for all its sockets; checks that arrive meanwhile wait for the same read. */
  function read(watched: WatchedSession, then: (() => void) | undefined): void {
    if (watched.waiting) {
      if (then) watched.waiting.push(then);
      return;
    }
    watched.waiting = then ? [then] : [];
    // When the read starts: what it returns is at least this fresh, however long the store takes.
    watched.readAt = clock();
    // Only sockets already there are judged: one that connects during the read has a newer verdict.
    const judged = watched.more ? [watched.socket, watched.user, ...watched.more] : [watched.socket, watched.user];
    let storeHadIt = false;
    // loadSession treats an expired session as none; the client is told which it was.
    const storeTellingExpiry: SessionStoreLike = {
      get: (sid, callback) =>
        store.get(sid, (err: unknown, session?: unknown) => {
          // File stores report a missing session as ENOENT; express-session reads that as no session.
          if (err && isNoSuchSession(err)) return callback(null, null);
          storeHadIt = !err && session !== null && session !== undefined && session !== false;
          callback(err, session);
        }),
    };
    loadSession(storeTellingExpiry, watched.sessionId, timeoutMs, (error, session) => {
      const waiting = watched.waiting ?? [];
      watched.waiting = null;
      if (error) {
        // A store that fails now and then must not log everyone out; the next read decides.
        debug('session store failed during a live check (%s); sockets kept', error.code);
      } else {
        const gone: SessionEndedReason | undefined = session ? undefined : storeHadIt ? 'session_expired' : 'session_gone';
        const kept: WatchedSocket[] = [];
        for (let i = 0; i < judged.length; i += 2) {
          const socket = judged[i] as WatchedSocket;
          const reason = gone ?? userVerdict(session as StoredSession, judged[i + 1]);
          if (reason && holds(watched, socket)) {
            debug('ending a socket: %s', reason);
            report(socket, 'session-ended', reason, judged[i + 1]);
            endLocalSocket(socket, reason, settings.reconnect);
          } else if (!reason) {
            kept.push(socket);
          }
        }
        if (settings.refreshUser && session && kept.length > 0) {
          refreshUsers(watched, session, kept, () => {
            for (const callback of waiting) callback();
          });
          return;
        }
      }
      for (const callback of waiting) callback();
    });
  }

  /**
   * `refreshUser`: the session's user deserialized again, once for all its sockets kept by this
   * read; a socket whose user is not the same any more gets the new one. A user the deserializer
   * no longer finds ends the socket ('logged_out'); a deserializer that fails keeps it as it is.
   */
  function refreshUsers(watched: WatchedSession, session: StoredSession, sockets: WatchedSocket[], then: () => void): void {
    let serialized: ReturnType<typeof readSerializedUser>;
    try {
      serialized = readSerializedUser(session, passport);
    } catch {
      then();
      return;
    }
    if (serialized instanceof AuthorizationError) {
      then();
      return;
    }
    const first = sockets[0] as WatchedSocket;
    deserializeUser(passport, serialized.value, first.request ?? {}, timeoutMs, (error, user) => {
      try {
        if (error) {
          if (error.code === ErrorCodes.USER_NOT_FOUND) {
            for (const socket of sockets) {
              if (!holds(watched, socket)) continue;
              report(socket, 'session-ended', 'logged_out', (serialized as { value: unknown }).value);
              endLocalSocket(socket, 'logged_out', settings.reconnect);
            }
          } else debug('deserializeUser failed during a live check (%s); users kept', error.code);
          return;
        }
        for (const socket of sockets) {
          const request = socket.request;
          if (!request || !holds(watched, socket) || socket.connected === false) continue;
          const previous = request[settings.userProperty];
          if (sameUserData(previous, user)) continue;
          const current = withLoggedIn(sockets.length > 1 ? copyOf(user) : user);
          request[settings.userProperty] = current;
          if (settings.rooms) refreshIdentity(settings.rooms, socket, current, (serialized as { value: unknown }).value);
          debug('a socket user was refreshed');
          report(socket, 'user-refreshed', 'user_data_changed', (serialized as { value: unknown }).value);
          try {
            settings.onUserRefresh?.(socket, current, previous);
          } catch {
            debug('onUserRefresh threw; ignored');
          }
        }
      } finally {
        then();
      }
    });
  }

  /** Tells the socket-event listeners of a decision on a socket, read before the socket is ended. */
  function report(socket: WatchedSocket, kind: 'session-ended' | 'user-refreshed', reason: string, serializedUser: unknown): void {
    const ending = kind === 'session-ended';
    let userId: string | number | undefined;
    if (settings.includeUserIdInDecisions) {
      try {
        userId = userIdOf(socket.request?.[settings.userProperty], serializedUser);
      } catch {
        userId = undefined;
      }
    }
    reportSocketEvent(
      {
        kind,
        reason,
        reconnect: ending && settings.reconnect,
        namespace: socket.nsp?.name,
        ...(userId === undefined ? {} : { userId }),
      },
      settings.onSocketEvent,
    );
  }

  function userVerdict(session: StoredSession, expected: unknown): SessionEndedReason | undefined {
    let serialized: ReturnType<typeof readSerializedUser>;
    try {
      serialized = readSerializedUser(session, passport);
    } catch {
      debug('session could not be read during a live check; sockets kept');
      return undefined;
    }
    if (serialized instanceof AuthorizationError) return 'logged_out';
    return sameUser(serialized.value, expected) ? undefined : 'user_changed';
  }

  function gate(watched: WatchedSession, socket: WatchedSocket, next: () => void): void {
    if (watched.waiting === null && clock() - watched.readAt < settings.interval) {
      next();
      return;
    }
    read(watched, () => {
      if (socket.connected !== false && holds(watched, socket)) next();
    });
  }

  return {
    add(socket, serializedUser, sessionId) {
      if (typeof sessionId !== 'string' || sessionId === '' || sessionOf.has(socket)) return;
      attach(socket, serializedUser, sessionId);
      socket.on('disconnect', onDisconnect);
      if (settings.beforeEvents && typeof socket.use === 'function') {
        socket.use((_packet, next) => {
          const watched = sessionOf.get(socket);
          if (watched) gate(watched, socket, next);
          else next();
        });
      }
    },
  };
}

function holds(watched: WatchedSession, socket: WatchedSocket): boolean {
  return watched.socket === socket || watched.more?.includes(socket) === true;
}

/** Removes a socket; the next one moves inline, so `socket` is null only when none is left. */
function drop(watched: WatchedSession, socket: WatchedSocket): boolean {
  if (watched.socket === socket) {
    const more = watched.more;
    watched.socket = more ? (more[0] as WatchedSocket) : null;
    watched.user = more ? more[1] : undefined;
    if (more) watched.more = more.length > 2 ? more.slice(2) : null;
    return true;
  }
  const at = watched.more ? watched.more.indexOf(socket) : -1;
  if (at < 0) return false;
  watched.more?.splice(at, 2);
  if (watched.more?.length === 0) watched.more = null;
  return true;
}

function clock(): number {
  return Math.floor(performance.now());
}

/**
 * The cluster identity (`socket.data.passport`) and user room of a refreshed socket follow its
 * user id, when the app's user id comes from data the deserializer returns (a renamed user).
 */
function refreshIdentity(naming: RoomNaming, socket: WatchedSocket, user: unknown, serializedUser: unknown): void {
  const data = socket.data;
  const identity = data !== null && typeof data === 'object' ? (data[IDENTITY_KEY] as SocketIdentity | undefined) : undefined;
  if (!data || !identity || typeof identity !== 'object') return;
  try {
    const id = userIdFor(naming, user, serializedUser);
    if (id === undefined || id === identity.id) return;
    if (identity.id !== null) socket.leave?.(naming.userRoom(identity.id));
    socket.join?.(sharedName(naming.userRoom(id)));
    data[IDENTITY_KEY] = { ...identity, id };
  } catch {
    debug('could not move a refreshed socket to its new user room');
  }
}

/** Two users compare by their data, without the `logged_in` flag the handshake added. */
function sameUserData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Object.is(a, b);
  try {
    return JSON.stringify({ ...a, logged_in: undefined }) === JSON.stringify({ ...b, logged_in: undefined });
  } catch {
    return false;
  }
}

/** Each socket gets its own user object, as each handshake gave it one. */
function copyOf(user: unknown): unknown {
  return user !== null && typeof user === 'object' ? Object.assign(Object.create(Object.getPrototypeOf(user)), user) : user;
}

/** Passport's serialized users compare by value: stores hand back a fresh copy on every read. */
function sameUser(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}
