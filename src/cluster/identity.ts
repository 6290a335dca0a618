import { userIdOf } from '../identify/passport-user';
import type { RoomNaming } from '../options';
import type { UserId } from '../types';
import { asUserId } from './rooms';

/** The field of `socket.data` (socket.io 4) that holds a logged-in socket's {@link SocketIdentity}. */
export const IDENTITY_KEY = 'passport';

/**
 * What every node can see of a logged-in socket, through `fetchSockets()`: kept in
 * `socket.data.passport`, small and serializable. Never the session id nor the cookie.
 */
export interface SocketIdentity {
  /** The user id (see the `rooms.userId` option), or null where none could be found. */
  id: UserId | null;
  logged_in: true;
  /** The room of the socket's session (named after a hash of the session id). */
  sessionRoom: string;
}

/** `socket.data` as this package leaves it, merged with the app's own fields. */
export interface IdentityData {
  passport?: SocketIdentity;
  [field: string]: unknown;
}

/** The user id of an accepted socket, under the app's extractor or the default. */
export function userIdFor(naming: RoomNaming, user: unknown, serializedUser: unknown): UserId | undefined {
  const raw = naming.userId ? naming.userId(user, serializedUser) : userIdOf(user, serializedUser);
  return asUserId(raw);
}

/** The identity a socket (local, or remote from `fetchSockets()`) carries, if it has one. */
export function identityOf(socket: { data?: unknown } | null | undefined): SocketIdentity | undefined {
  const data = socket?.data as IdentityData | undefined;
  const identity = data !== null && typeof data === 'object' ? data[IDENTITY_KEY] : undefined;
  return identity !== null && typeof identity === 'object' && identity.logged_in === true ? identity : undefined;
}
