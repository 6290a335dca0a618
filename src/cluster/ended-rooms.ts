import { performance } from 'node:perf_hooks';
import { log } from '../log';

const debug = log('cluster');

/**
 * Rooms recently ended by `logoutSockets` / `disconnectOnLogout`, with when this node heard of it.
 * A handshake that read the session before the logout and is decided after it ended the rooms
 * would otherwise join them too late to be ended: it is refused when one of its rooms was ended
 * after it began. Other nodes hear of it through `serverSideEmit`, sent before the rooms are
 * ended, so a handshake there is either refused (still in flight) or already in the rooms.
 */
const endedAt = new Map<string, number>();

/** How long an ended room is remembered: longer than any handshake can take. */
let horizonMs = 60_000;

/** The server-side event nodes tell each other of an ended room with. */
const ROOM_ENDED_EVENT = 'passport.socketio-compat:room-ended';

/** An authorizer's handshakes can last up to its store, deserializer and callback timeouts. */
export function rememberAtLeast(timeoutMs: number): void {
  horizonMs = Math.max(horizonMs, 3 * timeoutMs + 1000);
}

function recordRoomEnded(room: unknown): void {
  if (typeof room !== 'string' || room === '') return;
  const at = performance.now();
  for (const [name, when] of endedAt) {
    // Oldest first (insertion order); a room ended again moves to the end below.
    if (at - when <= horizonMs) break;
    endedAt.delete(name);
  }
  endedAt.delete(room);
  endedAt.set(room, at);
}

/** Whether one of these rooms was ended at or after `since` (a `performance.now()` time). */
export function endedSince(rooms: readonly string[], since: number): boolean {
  for (const room of rooms) {
    const at = endedAt.get(room);
    if (at !== undefined && at >= since) return true;
  }
  return false;
}

interface ServerSideNamespace {
  adapter?: { constructor?: { name?: string } };
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  serverSideEmit?(event: string, ...args: unknown[]): unknown;
}

/** Adapters of a single process, whose serverSideEmit only prints a warning. */
const LOCAL_ADAPTERS = new Set(['Adapter', 'InMemoryAdapter', 'SessionAwareAdapter']);

/** Whether `serverSideEmit` reaches other nodes (an adapter of a cluster), rather than printing a warning. */
export function reachesOtherNodes(namespace: ServerSideNamespace): boolean {
  return typeof namespace.serverSideEmit === 'function' && !LOCAL_ADAPTERS.has(namespace.adapter?.constructor?.name ?? 'Adapter');
}

const listening = new WeakSet<object>();

/** Hears of rooms ended on other nodes, once per namespace. */
export function listenForEndedRooms(namespace: unknown): void {
  if (namespace === null || typeof namespace !== 'object' || listening.has(namespace)) return;
  listening.add(namespace);
  const nsp = namespace as ServerSideNamespace;
  if (!reachesOtherNodes(nsp) || typeof nsp.on !== 'function') return;
  nsp.on(ROOM_ENDED_EVENT, (room: unknown) => recordRoomEnded(room));
}

/** Records the room here and tells the other nodes, before its sockets are ended. */
export function announceRoomEnded(namespace: unknown, room: string): void {
  recordRoomEnded(room);
  const nsp = namespace as ServerSideNamespace;
  if (namespace === null || typeof namespace !== 'object' || !reachesOtherNodes(nsp)) return;
  try {
    nsp.serverSideEmit?.(ROOM_ENDED_EVENT, room);
  } catch {
    debug('could not tell the other nodes of an ended room');
  }
}
