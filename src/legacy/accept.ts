import { AuthorizationError, ErrorCodes, messageOf, REFUSED_MESSAGE } from '../errors';
import type { Verdict } from '../types';

/**
 * Reads every `accept` form of every socket.io generation the way its author meant it. The one
 * deliberate change: `accept(null, false)` refuses (the legacy package accepted it on socket.io 1+).
 */
export function verdictOf(err: unknown, accepted: unknown): Verdict {
  if (err) {
    if (isError(err)) return err;
    const text = typeof err === 'string' ? err : messageOf(err);
    return new AuthorizationError(ErrorCodes.HANDSHAKE_REFUSED, text && text !== 'true' ? text : REFUSED_MESSAGE, false);
  }
  if (accepted === false) return new AuthorizationError(ErrorCodes.HANDSHAKE_REFUSED, REFUSED_MESSAGE, false);
  return null;
}

/** `instanceof Error` that cannot throw: a Proxy's getPrototypeOf trap may, and accept must not. */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}
