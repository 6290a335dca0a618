import { log } from '../log';
import { reachesOtherNodes, rememberRoomEnded } from './ended-rooms';
import { endRoom, endSocket, SESSION_ENDED_EVENT, type SessionEndedPayload } from './session-ended';
import type { ClusterNamespace } from './socket-io';

const debug = log('cluster');

/**
 * How a helper or a live check disconnects a socket whose session ended:
 * - `false` (the default): for good. The client receives `session_ended` `{ reason }`, then
 *   disconnects with `'io server disconnect'`, and socket.io-client does not reconnect by itself.
 * - `true`: its connection is dropped. The client receives `session_ended`
 *   `{ reason, reconnect: true }`, then disconnects with `'transport close'`; socket.io-client
 *   reconnects by itself (with its `reconnection` settings) and the handshake authorizes it again,
 *   with the session and user as they are now. Every namespace of that connection reconnects.
 */
export type ReconnectChoice = boolean;

/** The server-side event a node asks the others with, to drop the connections of a room's sockets. */
export const DROP_ROOM_EVENT = 'passport.socketio-compat:drop-room';

interface DroppableSocket {
  connected?: boolean;
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(close?: boolean): unknown;
  conn?: { close?: (discard?: boolean) => unknown } | null;
}

/** Ends one local socket, for good or so that its client reconnects. */
export function endLocalSocket(socket: DroppableSocket, reason: string, reconnect: boolean): void {
  if (!reconnect) {
    endSocket(socket, reason);
    return;
  }
  if (socket.connected === false) return;
  socket.emit(SESSION_ENDED_EVENT, { reason, reconnect: true } satisfies SessionEndedPayload & { reconnect: true });
  const conn = socket.conn;
  if (conn && typeof conn.close === 'function') {
    // engine.io writes what is buffered (the session_ended packet) before it closes the transport.
    conn.close();
  } else {
    debug('socket has no connection to drop; disconnected for good');
    socket.disconnect();
  }
}

interface LocalNamespace extends Omit<ClusterNamespace, 'adapter' | 'sockets' | 'serverSideEmit'> {
  adapter?: { rooms?: Map<string, Set<string>> | Record<string, unknown>; constructor?: { name?: string } };
  sockets?: Map<string, DroppableSocket> | Record<string, DroppableSocket>;
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  serverSideEmit?(event: string, ...args: unknown[]): unknown;
}

/** This node's sockets of a room (socket.io 4's in-memory room index). */
function localSocketsOf(namespace: LocalNamespace, room: string): DroppableSocket[] {
  const rooms = namespace.adapter?.rooms;
  const ids = rooms instanceof Map ? rooms.get(room) : undefined;
  if (!ids) return [];
  const sockets = namespace.sockets;
  const found: DroppableSocket[] = [];
  for (const id of ids) {
    const socket = sockets instanceof Map ? sockets.get(id) : sockets?.[id];
    if (socket) found.push(socket);
  }
  return found;
}

function dropLocalRoom(namespace: LocalNamespace, room: string, reason: string): void {
  for (const socket of localSocketsOf(namespace, room)) endLocalSocket(socket, reason, true);
}

const listening = new WeakSet<object>();

/** Lets the other nodes ask this one to drop a room's connections, once per namespace. */
export function listenForDropRequests(namespace: unknown): void {
  if (namespace === null || typeof namespace !== 'object' || listening.has(namespace)) return;
  listening.add(namespace);
  const nsp = namespace as LocalNamespace;
  if (!reachesOtherNodes(nsp) || typeof nsp.on !== 'function') return;
  nsp.on(DROP_ROOM_EVENT, (room: unknown, reason: unknown) => {
    if (typeof room !== 'string' || room === '' || typeof reason !== 'string') return;
    rememberRoomEnded(room);
    dropLocalRoom(nsp, room, reason);
  });
}

/**
 * Ends every socket of a room, on every node: for good (`endRoom`), or by dropping their
 * connections so that the clients reconnect. Other nodes drop theirs on a `serverSideEmit`
 * request (each node then tells its own sockets the reason before dropping them).
 */
export function endRoomChoosing(namespace: ClusterNamespace, room: string, reason: string, reconnect: boolean): void {
  // A handshake in flight here that read the session before now is refused rather than joining late.
  rememberRoomEnded(room);
  if (!reconnect) {
    endRoom(namespace, room, reason);
    return;
  }
  const nsp = namespace as LocalNamespace;
  listenForDropRequests(nsp);
  if (reachesOtherNodes(nsp)) {
    try {
      nsp.serverSideEmit?.(DROP_ROOM_EVENT, room, reason);
    } catch {
      debug('could not ask the other nodes to drop a room');
    }
  }
  dropLocalRoom(nsp, room, reason);
}
