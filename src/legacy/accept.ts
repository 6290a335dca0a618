import {
  AuthorizationError,
  callbackThrew,
  callbackTimeout,
  ErrorCodes,
  GENERIC_CLIENT_MESSAGE,
  messageOf,
  REFUSED_MESSAGE,
} from '../errors';
import { log } from '../log';
import type { AcceptCallback } from '../types';

const debug = log('accept');

/** How a handshake ended: `null` when accepted, else why it was refused. */
export type Verdict = Error | null;

/**
 * One handshake's decision. The app's callbacks get `accept`; the package itself refuses through
 * `refuse` (a callback threw or never answered). Only the first call counts.
 */
export interface Decision {
  readonly accept: AcceptCallback;
  refuse(error: Error): void;
  readonly settled: boolean;
  /** Arms the bound within which the app's callback must call `accept`. */
  expectWithin(callback: 'success' | 'fail', ms: number): void;
  /** True for an error thrown by socket.io (or the app's connection handler) during delivery. */
  threwWhileDelivering(error: unknown): boolean;
}

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

/**
 * The Error a client receives. The package's own failures reach the client with their legacy
 * message, except critical ones, which only say {@link GENERIC_CLIENT_MESSAGE}; `data.code` is
 * added where the socket.io major sends `data` (3 and later). An app's own Error goes as it is.
 */
export function clientErrorOf(verdict: Error, sendsData: boolean): Error {
  if (!(verdict instanceof AuthorizationError)) return verdict;
  const error = new Error(verdict.critical ? GENERIC_CLIENT_MESSAGE : verdict.message) as Error & { data?: unknown };
  if (sendsData) error.data = { code: verdict.code };
  return error;
}

/**
 * Whether the client of this socket receives an error's `data` next to its message. socket.io 3+
 * (which has `handshake.auth`) sends both; to a socket.io 2 client (protocol 3, `allowEIO3`) or on
 * socket.io 2 itself it sends `data` *instead of* the message, so there the error gets no `data`.
 */
export function sendsErrorData(socket: { handshake?: { auth?: unknown }; conn?: { protocol?: number } }): boolean {
  return socket.handshake?.auth !== undefined && socket.conn?.protocol !== 3;
}

export function createDecision(deliver: (verdict: Verdict) => void, onSettled?: (verdict: Verdict) => void): Decision {
  return new HandshakeDecision(deliver, onSettled);
}

// A class rather than a literal of closures: one object and one closure (`accept`, which apps
// call detached) per handshake instead of six closures and an accessor.
class HandshakeDecision implements Decision {
  readonly accept: AcceptCallback;
  settled = false;
  private timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private deliveryError: unknown = undefined;
  private hasDeliveryError = false;

  constructor(
    private readonly deliver: (verdict: Verdict) => void,
    private readonly onSettled: ((verdict: Verdict) => void) | undefined,
  ) {
    this.accept = (...args: unknown[]) => this.settle(verdictOf(args[0], args[1], args.length));
  }

  refuse(error: Error): void {
    this.settle(error);
  }

  expectWithin(callback: 'success' | 'fail', ms: number): void {
    if (this.settled) return;
    this.timer = setTimeout(() => this.settle(callbackTimeout(callback, ms)), ms);
    this.timer.unref?.();
  }

  threwWhileDelivering(error: unknown): boolean {
    return this.hasDeliveryError && error === this.deliveryError;
  }

  private settle(verdict: Verdict): void {
    if (this.settled) {
      debug('accept called again; only the first call counts');
      return;
    }
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    try {
      this.deliver(verdict);
    } catch (err) {
      this.deliveryError = err;
      this.hasDeliveryError = true;
      throw err;
    } finally {
      // Observers hear of the decision after the client does: a slow one cannot delay it.
      if (this.onSettled) notify(this.onSettled, verdict);
    }
  }
}

function notify(listener: (verdict: Verdict) => void, verdict: Verdict): void {
  try {
    listener(verdict);
  } catch {
    debug('a decision listener threw; ignored');
  }
}

/**
 * Calls an app callback so that it can neither crash the process nor leave the handshake
 * hanging: a throw before deciding refuses, silence refuses after `timeoutMs`.
 */
export function callApp(name: 'success' | 'fail', call: () => void, decision: Decision, timeoutMs: number): void {
  try {
    call();
  } catch (err) {
    if (decision.threwWhileDelivering(err)) throw err;
    if (decision.settled) {
      debug('%s callback threw after deciding; ignored', name);
      return;
    }
    debug('%s callback threw; handshake refused', name);
    decision.refuse(callbackThrew(name, err));
    return;
  }
  decision.expectWithin(name, timeoutMs);
}
