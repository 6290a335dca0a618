import { AuthorizationError, ErrorCodes, messageOf, REFUSED_MESSAGE } from '../errors';
import type { Verdict } from '../types';

/**
 * Reads every `accept` form of every socket.io generation the way its author meant it. The one
 * deliberate change: a second argument that is falsy (`false`, `null`, `undefined`, `0`, `''`,
 * `NaN`) refuses, as socket.io 0.9 refused on every falsy `authorized` (the legacy package
 * accepted all of them on socket.io 1+). `accept()` and `accept(null)` accept.
 */
export function verdictOf(err: unknown, accepted: unknown, argumentCount = 2): Verdict {
  if (err) {
    if (isError(err)) return err;
    const text = typeof err === 'string' ? err : messageOf(err);
    return new AuthorizationError(ErrorCodes.HANDSHAKE_REFUSED, text && text !== 'true' ? text : REFUSED_MESSAGE, false);
  }
  if (argumentCount >= 2 && !accepted) return new AuthorizationError(ErrorCodes.HANDSHAKE_REFUSED, REFUSED_MESSAGE, false);
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
