import type { HandshakeRecord } from '../decide/record';
import { ErrorCodes, notLoggedIn } from '../errors';
import { log } from '../log';
import type { LiveSessionSettings, RoomNaming } from '../options';
import type { SocketLike, UserId, Verdict } from '../types';
import { endedSince, rememberAtLeast } from './ended-rooms';
import { IDENTITY_KEY, type SocketIdentity, userIdFor } from './identity';
import { createSessionWatch, type WatchedSocket } from './live-session';
import { listenForDropRequests } from './reconnect';
import { forgetNamesOfDeletedRooms, registerNaming, sessionKeyOf, sharedName } from './rooms';
import { endRoomsOnRequest } from './session-ended';

const debug = log('cluster');

/** The options of `authorize()` this module reads. */
interface AcceptedSocketSettings {
  store: Parameters<typeof createSessionWatch>[0];
  passport: Parameters<typeof createSessionWatch>[1];
  timeout: number;
  userProperty: string;
  rooms: RoomNaming | undefined;
  liveSession: LiveSessionSettings | undefined;
}

interface AcceptedSocket extends SocketLike {
  data?: Record<string, unknown>;
  nsp?: { on(event: 'connection', listener: (socket: AcceptedSocket) => void): unknown; adapter?: unknown };
  join(rooms: string[]): unknown;
}

interface Pending {
  /** Rooms still to join (socket.io 2 and 3, which do not clean up a socket a later middleware refuses). */
  rooms: string[] | undefined;
  serializedUser: unknown;
  sessionId: string;
}

/**
 * What happens to an accepted, logged-in socket when the app opted in: it joins its session and
 * user rooms and carries its identity in `socket.data`, and its session is watched. `undefined`
 * when the app did not opt in, so `authorize` stays exactly the legacy middleware.
 */
export function createAfterAccept(settings: AcceptedSocketSettings): AcceptedSocketHooks | undefined {
  const { rooms: naming, liveSession } = settings;
  if (!naming && !liveSession) return undefined;
  if (naming) registerNaming(naming);
  rememberAtLeast(settings.timeout);

  const watch = liveSession ? createSessionWatch(settings.store, settings.passport, settings.timeout, liveSession) : undefined;
  // Until socket.io emits 'connection', the socket may still be refused by a later middleware
  // and would never emit 'disconnect': nothing that needs cleaning up is set on it before that.
  const pending = new WeakMap<object, Pending>();
  const listening = new WeakSet<object>();

  const onConnection = (socket: AcceptedSocket): void => {
    const waiting = pending.get(socket);
    if (!waiting) return;
    pending.delete(socket);
    if (waiting.rooms) join(socket, waiting.rooms);
    watch?.add(socket as unknown as WatchedSocket, waiting.serializedUser, waiting.sessionId);
  };

  // The rooms of the last handshake reviewed, for its afterAccept right after (one hash per handshake).
  let reviewed: HandshakeRecord | undefined;
  let reviewedRooms: Rooms | undefined;
  const roomsFor = (record: HandshakeRecord, user: unknown, sessionId: string, naming: RoomNaming): Rooms | undefined => {
    if (reviewed === record) return reviewedRooms;
    reviewed = record;
    reviewedRooms = roomsOf(naming, sessionId, user, record.serializedUser);
    return reviewedRooms;
  };

  const hooks: AcceptedSocketHooks = { afterAccept };
  if (naming) {
    const prepared = new WeakSet<object>();
    hooks.onHandshake = (socket) => {
      const namespace = (socket as AcceptedSocket).nsp;
      if (!namespace || prepared.has(namespace)) return;
      prepared.add(namespace);
      endRoomsOnRequest(namespace);
      listenForDropRequests(namespace);
      forgetNamesOfDeletedRooms(namespace.adapter);
    };
    hooks.endedInFlight = (record) => {
      try {
        const user = record.user as { logged_in?: unknown } | undefined;
        if (user?.logged_in !== true || record.sessionId === '') return false;
        const joined = roomsFor(record, user, record.sessionId, naming);
        return joined !== undefined && endedSince(joined.rooms, record.started);
      } catch {
        return false;
      }
    };
  }
  return hooks;

  function afterAccept(acceptedSocket: SocketLike, record: HandshakeRecord): void {
    const socket = acceptedSocket as AcceptedSocket;
    try {
      // This handshake's own user and session: the shared request may hold another namespace's by now.
      const user = record.user as { logged_in?: unknown } | undefined;
      const sessionId = record.sessionId;
      if (user?.logged_in !== true || typeof sessionId !== 'string' || sessionId === '') return;

      let roomsLater: string[] | undefined;
      if (naming) {
        const joined = roomsFor(record, user, sessionId, naming);
        reviewed = undefined;
        reviewedRooms = undefined;
        if (joined) {
          const data = socket.data;
          // socket.io 4 (the one with socket.data) drops the rooms of a socket refused later on.
          if (data !== null && typeof data === 'object') {
            data[IDENTITY_KEY] = joined.identity;
            join(socket, joined.rooms);
          } else {
            roomsLater = joined.rooms;
          }
        }
      }
      if (roomsLater || watch) {
        pending.set(socket, { rooms: roomsLater, serializedUser: record.serializedUser, sessionId });
        const namespace = socket.nsp;
        if (namespace && !listening.has(namespace)) {
          listening.add(namespace);
          namespace.on('connection', onConnection);
        }
      }
    } catch {
      debug('could not set up rooms or live checks for an accepted socket; it connects without them');
    }
  }
}

/**
 * The verdict socket.io gets: an accepted handshake whose session rooms a logout ended while it
 * was in flight (it read the session before the logout) is refused as a visitor with no session.
 */
export function reviewVerdict(hooks: AcceptedSocketHooks | undefined, record: HandshakeRecord, verdict: Verdict): Verdict {
  if (verdict !== null || !hooks?.endedInFlight?.(record)) return verdict;
  debug('the session was logged out while the handshake was in flight: refused');
  const failure = notLoggedIn(ErrorCodes.NO_SESSION);
  record.failure = failure;
  return failure;
}

interface AcceptedSocketHooks {
  afterAccept(socket: SocketLike, record: HandshakeRecord): void;
  onHandshake?: (socket: SocketLike) => void;
  endedInFlight?: (record: HandshakeRecord) => boolean;
}

interface Rooms {
  rooms: string[];
  identity: SocketIdentity;
}

/** The rooms and identity of an accepted socket, their names shared; undefined when the naming gives no session room. */
function roomsOf(naming: RoomNaming, sessionId: string, user: unknown, serializedUser: unknown): Rooms | undefined {
  const named = naming.sessionRoom(sessionKeyOf(sessionId));
  if (typeof named !== 'string' || named === '') {
    debug('rooms.sessionRoom did not return a room name; no rooms joined');
    return undefined;
  }
  const userId = userIdFor(naming, user, serializedUser);
  const identity: SocketIdentity = { id: userId ?? null, logged_in: true, sessionRoom: sharedName(named) };
  if (userId === undefined) {
    debug('no user id (a string or number) for this user; no user room');
    return { rooms: [identity.sessionRoom], identity };
  }
  return { rooms: roomsWithUser(naming, identity.sessionRoom, userId), identity };
}

function roomsWithUser(naming: RoomNaming, sessionRoom: string, userId: UserId): string[] {
  const userRoom = naming.userRoom(userId);
  if (typeof userRoom === 'string' && userRoom !== '') return [sessionRoom, sharedName(userRoom)];
  debug('rooms.userRoom did not return a room name; no user room');
  return [sessionRoom];
}

function join(socket: AcceptedSocket, rooms: string[]): void {
  const joined = socket.join(rooms) as { catch?: (onError: () => void) => unknown } | undefined;
  // Adapters whose join is asynchronous return a promise.
  if (joined && typeof joined.catch === 'function') joined.catch(() => debug('the adapter failed to join a socket to its rooms'));
}
