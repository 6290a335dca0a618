import * as crypto from 'node:crypto';
import { InvalidArgumentError, InvalidOptionError } from '../errors';
import { checkRoomsObject, DEFAULT_ROOM_NAMING, type RoomNaming, type RoomsOptions } from '../options';
import type { UserId } from '../types';

/**
 * The key a session's room is named after: the first 128 bits of SHA-256 of the session id, in
 * base64url (22 characters). Room names travel where session ids must not: Redis channel names
 * (the Redis adapter publishes a room's broadcasts on a channel named after it), adapter debug
 * logs, admin dashboards and `socket.rooms` in app code. A session id there is a login for whoever
 * reads it; its hash is not. Session ids are long random values, so a plain hash cannot be
 * reversed by guessing. Every node and every Node.js version computes the same key.
 */
export function sessionKeyOf(sessionId: string): string {
  if (oneShotHash === undefined) return crypto.createHash('sha256').update(sessionId).digest().toString('base64url', 0, 16);
  // The whole digest in base64url is 43 characters; the first 21 are those of its first 126 bits.
  // The 22nd of a 128-bit key holds bits 126-127 and four zero bits, where the whole digest's
  // holds bits 126-131: the same character with its last four bits cleared.
  const digest = oneShotHash('sha256', sessionId, 'base64url');
  return digest.slice(0, 21) + (LAST_KEY_CHARACTER[digest.charCodeAt(21)] as string);
}

// crypto.hash (Node.js 20.12 and later): one call, no Hash object, no Buffer.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** By character code: a base64url character with its last four bits cleared. */
const LAST_KEY_CHARACTER: string[] = [];
for (let i = 0; i < 64; i++) LAST_KEY_CHARACTER[BASE64URL.charCodeAt(i)] = BASE64URL.charAt(i & 0b110000);

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
// of rooms) and in `socket.data`. Every socket of one session or user (tabs, devices) gets the one
// copy of the name already in use here, where a fresh string per socket would be a copy of its own
// (plus the hash it was built from). A name is forgotten when its room is deleted from an adapter
// that says so (socket.io 3.1 and later: 'delete-room'); the cap bounds the rest (socket.io 2).
const shared = new Map<string, string>();
const SHARED_NAMES_CAP = 65_536;

/** `name` itself (same characters), as the one copy every holder of this name can share. */
export function sharedName(name: string): string {
  const known = shared.get(name);
  if (known !== undefined) return known;
  if (shared.size >= SHARED_NAMES_CAP) shared.clear();
  shared.set(name, name);
  return name;
}

/** How many names are held for sharing (bounded; for the tests). */
export function sharedNameCount(): number {
  return shared.size;
}

const forgetting = new WeakSet<object>();

/** Forgets the shared copy of each room this adapter deletes (once its last socket has left it). */
export function forgetNamesOfDeletedRooms(adapter: unknown): void {
  const emitter = adapter as { on?: (event: 'delete-room', listener: (room: unknown) => void) => unknown } | null;
  if (emitter === null || typeof emitter !== 'object' || typeof emitter.on !== 'function' || forgetting.has(emitter)) return;
  forgetting.add(emitter);
  emitter.on('delete-room', forgetName);
}

function forgetName(room: unknown): void {
  if (typeof room === 'string') shared.delete(room);
}
