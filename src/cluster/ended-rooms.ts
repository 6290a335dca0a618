import { performance } from 'node:perf_hooks';

/**
 * Rooms recently ended by `logoutSockets` / `disconnectOnLogout`, with when this node heard of it.
 * A handshake that read the session before the logout and is decided after it ended the rooms
 * would otherwise join them too late to be ended: it is refused when one of its rooms was ended
 * after it began. Other nodes remember a room in the same step as they end its sockets, on the
 * one message that asks them to (`endRoomChoosing`): a handshake there is either
 * refused (still in flight) or already in the rooms and ended, whatever order the adapter
 * delivers its messages in.
 */
const endedAt = new Map<string, number>();

/** How long an ended room is remembered: longer than any handshake can take. */
let horizonMs = 60_000;

/** An authorizer's handshakes can last up to its store, deserializer and callback timeouts. */
export function rememberAtLeast(timeoutMs: number): void {
  horizonMs = Math.max(horizonMs, 3 * timeoutMs + 1000);
}

/** Remembers that a room's sockets are being ended now, on this node. */
export function rememberRoomEnded(room: unknown): void {
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
  serverSideEmit?(event: string, ...args: unknown[]): unknown;
}

/** Adapters of a single process, whose serverSideEmit only prints a warning. */
const LOCAL_ADAPTERS = new Set(['Adapter', 'InMemoryAdapter', 'SessionAwareAdapter']);

/** Whether `serverSideEmit` reaches other nodes (an adapter of a cluster), rather than printing a warning. */
export function reachesOtherNodes(namespace: ServerSideNamespace): boolean {
  return typeof namespace.serverSideEmit === 'function' && !LOCAL_ADAPTERS.has(namespace.adapter?.constructor?.name ?? 'Adapter');
}
