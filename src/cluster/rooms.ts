import { createHash } from 'node:crypto';
import { InvalidArgumentError, InvalidOptionError } from '../errors';
import { checkRoomsObject, DEFAULT_ROOM_NAMING, type RoomNaming, type RoomsOptions } from '../options';
import type { UserId } from '../types';

/**
 * The key a session's room is named after: the first 128 bits of SHA-256 of the session id.
 * Room names travel where session ids must not: Redis channel names (the Redis adapter publishes
 * a room's broadcasts on a channel named after it), adapter debug logs, admin dashboards and
 * `socket.rooms` in app code. A session id there is a login for whoever reads it; its hash is not.
 * Session ids are long random values, so a plain hash cannot be reversed by guessing.
 */
export function sessionKeyOf(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest().toString('base64url', 0, 16);
}

// The naming of this process's `authorize({ rooms })` calls, so that helpers called without a
// `rooms` option use the same names: undefined when none, null when two calls disagree.
let processNaming: RoomNaming | null | undefined;

export function registerNaming(naming: RoomNaming): void {
  if (processNaming === undefined) processNaming = naming;
  else if (processNaming !== null && !sameNaming(processNaming, naming)) processNaming = null;
}

function sameNaming(a: RoomNaming, b: RoomNaming): boolean {
  return a.sessionRoom === b.sessionRoom && a.userRoom === b.userRoom && a.userId === b.userId;
}

/** The naming a helper uses: its own `rooms` option, else this process's, else the default. */
export function namingFor(rooms: RoomsOptions | true | undefined, helper: string): RoomNaming {
  if (rooms === true) return DEFAULT_ROOM_NAMING;
  if (rooms !== undefined) return checkRoomsObject(rooms, 'rooms');
  if (processNaming === null) {
    throw new InvalidOptionError(
      'rooms',
      `is needed by ${helper}: this process has authorize() calls with different room names, so pass the one you mean`,
    );
  }
  return processNaming ?? DEFAULT_ROOM_NAMING;
}

/** A user id fit for a room name: a string or a finite number, else undefined. */
export function asUserId(value: unknown): UserId | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

/** The room of a user id, or an {@link InvalidArgumentError} for a value that cannot be one. */
export function userRoomOf(naming: RoomNaming, userId: unknown, helper: string): string {
  const id = asUserId(userId);
  if (id === undefined) {
    throw new InvalidArgumentError('userId', `${helper}: the user id must be a non-empty string or a finite number`);
  }
  return naming.userRoom(id);
}

/** The room of a session id (the raw id, as `req.sessionID` has it). */
export function sessionRoomOf(naming: RoomNaming, sessionId: unknown, helper: string): string {
  if (typeof sessionId !== 'string' || sessionId === '') {
    throw new InvalidArgumentError('sessionId', `${helper}: the session id must be a non-empty string (req.sessionID)`);
  }
  return naming.sessionRoom(sessionKeyOf(sessionId));
}

// Each socket's room names stay alive for as long as it is connected: in the adapter (its own set
// of rooms) and in `socket.data`. Property keys are V8's internalized strings, one flat copy per
// distinct name that lives while anything holds it, so a name read back as a key is shared by
// every socket of the same session or user (tabs, devices) where a fresh concatenation per socket
// would be a string of its own plus the hash it was built from.
const keyOnly: Record<string, 0> = Object.create(null);

/** `name` itself (same characters), as the one copy every holder of this name can share. */
export function sharedName(name: string): string {
  keyOnly[name] = 0;
  const [key] = Object.keys(keyOnly);
  delete keyOnly[name];
  return key === name ? key : name;
}
