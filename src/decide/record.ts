import { performance } from 'node:perf_hooks';
import type { AuthorizationError } from '../errors';
import type { SessionIdSource } from '../types';

/**
 * What one handshake learned on its way (where the session id came from, the failure, the
 * serialized user, timings), for its decision events and for what runs once a socket is
 * accepted. Timings are taken only when someone listens (`timed`).
 */
export interface HandshakeRecord {
  timed: boolean;
  started: number;
  source: SessionIdSource;
  /** A session id was sent but not usable; worked out only when `timed`. */
  sessionIdRejected: boolean;
  /** The failure identification ended with (what `fail` was told), if any. */
  failure: AuthorizationError | null;
  /** Passport's serialized user from the session (the user id for most apps). */
  serializedUser: unknown;
  /** The user this handshake wrote on the request (the placeholder, then the user found). */
  user: unknown;
  /** The session id this handshake read ('' for none). */
  sessionId: string;
  storeMs: number | null;
  deserializeMs: number | null;
  /** How the accepted user was found: rooms and live checks are for session users, token expiry for token users. */
  foundBy: 'session' | 'token' | undefined;
  /** The token's `exp` in milliseconds, for a user found by a JWT. */
  tokenExpiresAt: number | undefined;
}

/**
 * A new handshake's record. `timed` when someone listens; `startClock` also reads the start time
 * without timing the rest (with rooms, a logout that ends the session's rooms after this moment
 * refuses the handshake).
 */
export function newRecord(timed: boolean, startClock = false): HandshakeRecord {
  return {
    timed,
    started: timed || startClock ? performance.now() : 0,
    source: 'none',
    sessionIdRejected: false,
    failure: null,
    serializedUser: undefined,
    user: undefined,
    sessionId: '',
    storeMs: null,
    deserializeMs: null,
    foundBy: undefined,
    tokenExpiresAt: undefined,
  };
}

/** A timestamp for the record's timings; 0 when nobody listens, so an unobserved handshake reads no clock. */
export function now(record: HandshakeRecord): number {
  return record.timed ? performance.now() : 0;
}
