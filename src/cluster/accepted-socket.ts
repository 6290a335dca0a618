import type { HandshakeRecord } from '../decide/record';
import { log } from '../log';
import type { LiveSessionSettings, RoomNaming } from '../options';
import type { SocketLike, UserId } from '../types';
import { IDENTITY_KEY, type SocketIdentity, userIdFor } from './identity';
import { createSessionWatch, type WatchedSocket } from './live-session';
import { forgetNamesOfDeletedRooms, registerNaming, sessionKeyOf, sharedName } from './rooms';
import { listenForEndedRooms } from './session-ended';

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
  nsp?: { on(event: 'connection', listener: (socket: AcceptedSocket) => void): unknown };
  join(rooms: string[]): unknown;
}

interface Pending {
  /** Rooms still to join (socket.io 2 and 3, which do not clean up a socket a later middleware refuses). */
  rooms: string[] | undefined;
  serializedUser: unknown;
}

/**
 * What happens to an accepted, logged-in socket when the app opted in: it joins its session and
 * user rooms and carries its identity in `socket.data`, and its session is watched. `undefined`
 * when the app did not opt in, so `authorize` stays exactly the legacy middleware.
 */
export function createAfterAccept(settings: AcceptedSocketSettings): ((socket: SocketLike, record: HandshakeRecord) => void) | undefined {
  const { rooms: naming, liveSession } = settings;
  if (!naming && !liveSession) return undefined;
  if (naming) registerNaming(naming);
  const watch = liveSession ? createSessionWatch(settings.store, settings.passport, settings.timeout, liveSession) : undefined;
  // Until socket.io emits 'connection', the socket may still be refused by a later middleware
  // and would never emit 'disconnect': nothing that needs cleaning up is set on it before that.
  const pending = new WeakMap<object, Pending>();
  const listening = new WeakSet<object>();
  const prepared = new WeakSet<object>();

  const onConnection = (socket: AcceptedSocket): void => {
    const waiting = pending.get(socket);
    if (!waiting) return;
    pending.delete(socket);
    if (waiting.rooms) join(socket, waiting.rooms);
    watch?.add(socket as unknown as WatchedSocket, waiting.serializedUser);
  };

  return (acceptedSocket, record) => {
    const socket = acceptedSocket as AcceptedSocket;
    try {
      const request = socket.request as unknown as Record<string, unknown> & { sessionID?: string };
      const user = request[settings.userProperty] as { logged_in?: unknown } | undefined;
      const sessionId = request.sessionID;
      if (user?.logged_in !== true || typeof sessionId !== 'string' || sessionId === '') return;

      let roomsLater: string[] | undefined;
      if (naming) {
        const identity = identityOf(naming, sessionId, user, record.serializedUser);
        if (identity) {
          const rooms = identity.id === null ? [identity.sessionRoom] : roomsWithUser(naming, identity);
          const namespace = socket.nsp;
          if (namespace && !prepared.has(namespace)) {
            prepared.add(namespace);
            listenForEndedRooms(namespace);
            forgetNamesOfDeletedRooms((namespace as { adapter?: unknown }).adapter);
          }
          const data = socket.data;
          // socket.io 4 (the one with socket.data) drops the rooms of a socket refused later on.
          if (data !== null && typeof data === 'object') {
            data[IDENTITY_KEY] = identity;
            join(socket, rooms);
          } else {
            roomsLater = rooms;
          }
        }
      }
      if (roomsLater || watch) {
        pending.set(socket, { rooms: roomsLater, serializedUser: record.serializedUser });
        const namespace = socket.nsp;
        if (namespace && !listening.has(namespace)) {
          listening.add(namespace);
          namespace.on('connection', onConnection);
        }
      }
    } catch {
      debug('could not set up rooms or live checks for an accepted socket; it connects without them');
    }
  };
}

/** The identity of an accepted socket, its session room's name shared; undefined when the naming gives no session room. */
function identityOf(naming: RoomNaming, sessionId: string, user: unknown, serializedUser: unknown): SocketIdentity | undefined {
  const named = naming.sessionRoom(sessionKeyOf(sessionId));
  if (typeof named !== 'string' || named === '') {
    debug('rooms.sessionRoom did not return a room name; no rooms joined');
    return undefined;
  }
  const userId = userIdFor(naming, user, serializedUser);
  if (userId === undefined) debug('no user id (a string or number) for this user; no user room');
  return { id: userId ?? null, logged_in: true, sessionRoom: sharedName(named) };
}

function roomsWithUser(naming: RoomNaming, identity: SocketIdentity): string[] {
  const userRoom = naming.userRoom(identity.id as UserId);
  if (typeof userRoom === 'string' && userRoom !== '') return [identity.sessionRoom, sharedName(userRoom)];
  debug('rooms.userRoom did not return a room name; no user room');
  return [identity.sessionRoom];
}

function join(socket: AcceptedSocket, rooms: string[]): void {
  const joined = socket.join(rooms) as { catch?: (onError: () => void) => unknown } | undefined;
  // Adapters whose join is asynchronous return a promise.
  if (joined && typeof joined.catch === 'function') joined.catch(() => debug('the adapter failed to join a socket to its rooms'));
}
