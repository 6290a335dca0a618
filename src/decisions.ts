import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { parse as parseCookieHeader } from 'cookie';
import { AuthorizationError, type AuthorizationErrorCode, ErrorCodes } from './errors';
import type { Verdict } from './legacy/accept';
import { log } from './log';
import type { SessionIdSource } from './session-id';
import type { TokenSource } from './strategy/token';

const debug = log('decisions');

/** Which entry point decided the handshake. */
export type DecisionMode = 'authorize' | 'engine' | 'strategy';

/**
 * One decided handshake, for logs and metrics. It never holds a cookie, a session id, a token or
 * a secret; `userId` only when the app opts in with `includeUserIdInDecisions`. The object is
 * frozen (every listener gets the same one): copy it to add fields.
 *
 * @example
 * ```js
 * authorize({
 *   store, secret,
 *   onDecision(event) {
 *     // { mode: 'authorize', accepted: false, code: 'ERR_NO_SESSION', critical: false,
 *     //   sessionIdSource: 'none', sessionIdRejected: true, namespace: '/', transport: 'websocket',
 *     //   storeMs: null, deserializeMs: null, totalMs: 0.21 }
 *     if (event.critical) console.error('socket auth is failing:', event.code);
 *   },
 * });
 * ```
 */
export interface DecisionEvent {
  mode: DecisionMode;
  /** Whether the connection was let in. */
  accepted: boolean;
  /**
   * The outcome: `'OK'` for a found user who was accepted, else the failure's code (also when
   * `fail` let an anonymous visitor in), `ERR_HANDSHAKE_REFUSED` when `success` refused, or the
   * code of a callback that threw or timed out.
   */
  code: 'OK' | AuthorizationErrorCode;
  /** True for failures where something went wrong, rather than a visitor not logged in. */
  critical: boolean;
  /** Where the session id came from: the cookie, a signed or (legacy option) raw query, or nowhere. */
  sessionIdSource: SessionIdSource;
  /**
   * True when a session cookie or `session_id` query value was sent but none could be used (a
   * signature no secret verifies, or an unsigned query value while `allowUnsignedSessionIdQuery`
   * is off). Many of these are forged cookies, or a secret dropped from rotation too early.
   */
  sessionIdRejected: boolean;
  /**
   * Where the bearer token came from, in the modes that read tokens (`authorizeStrategy`, and
   * `authorizeEngine` with a strategy); absent otherwise. Never the token itself.
   */
  tokenSource?: TokenSource;
  /** The namespace, where the transport knows it (`authorize`: yes; engine level: no). */
  namespace: string | undefined;
  /** `'websocket'` or `'polling'`, where known. */
  transport: string | undefined;
  /** Milliseconds the store took, or null when it was not read. */
  storeMs: number | null;
  /** Milliseconds `deserializeUser` took, or null when it was not called. */
  deserializeMs: number | null;
  /** Milliseconds from the start of the handshake to the decision. */
  totalMs: number;
  /**
   * The user id, only with `includeUserIdInDecisions: true` and a found user whose id (its `id`,
   * else Passport's serialized value) is a string or a finite number; never an object.
   */
  userId?: string | number;
}

/**
 * Hears of decided handshakes. It runs after the decision has reached socket.io; what it
 * throws, or the rejection of a promise it returns, is ignored (logged under DEBUG).
 */
export type DecisionListener = (event: DecisionEvent) => void;

/**
 * Every decision of every `authorize()` in the process, as `'decision'` events. Listeners run
 * just after socket.io has the decision (never before, so none can delay a handshake), in the
 * order of the decisions; one that throws or rejects is ignored. Handshakes are timed only
 * while someone listens.
 *
 * @example
 * ```js
 * const { decisionEvents } = require('passport.socketio-compat');
 * decisionEvents.on('decision', (event) => {
 *   if (!event.accepted) console.warn('socket refused:', event.code);
 * });
 * ```
 */
export const decisionEvents: EventEmitter<{ decision: [DecisionEvent] }> = new EventEmitter();

/**
 * What a handshake learned on its way, for its observers and for what runs after acceptance.
 * Timings are taken only when someone listens (`timed`).
 */
export interface HandshakeFacts {
  timed: boolean;
  started: number;
  source: SessionIdSource;
  /** A session id was sent but not usable; worked out only when `timed`. */
  sessionIdRejected: boolean;
  /** The failure passed to `fail`, if any. */
  failure: AuthorizationError | null;
  /** Passport's serialized user from the session (the user id for most apps). */
  serializedUser: unknown;
  /** The user this handshake wrote on the request (the placeholder, then the user found). */
  user: unknown;
  /** The session id this handshake read ('' for none). */
  sessionId: string;
  storeMs: number | null;
  deserializeMs: number | null;
}

export function newFacts(timed: boolean): HandshakeFacts {
  return {
    timed,
    started: timed ? performance.now() : 0,
    source: 'none',
    sessionIdRejected: false,
    failure: null,
    serializedUser: undefined,
    user: undefined,
    sessionId: '',
    storeMs: null,
    deserializeMs: null,
  };
}

export function now(facts: HandshakeFacts): number {
  return facts.timed ? performance.now() : 0;
}

export interface DecisionContext {
  mode: DecisionMode;
  namespace?: string | undefined;
  transport?: string | undefined;
  tokenSource?: TokenSource | undefined;
}

/**
 * Whether this handshake has anyone to tell (`onDecision`, a `decisionEvents` listener, or
 * DEBUG enabling this module's log): then, and only then, it is timed.
 */
export function isObserved(onDecision: DecisionListener | undefined): boolean {
  return onDecision !== undefined || decisionEvents.listenerCount('decision') > 0 || debug.enabled;
}

/**
 * Whether the client sent a session id at all, for a handshake that found none: a cookie named
 * `key` (signed or not) or any `session_id` query value.
 */
export function sessionIdWasSent(cookieHeader: string, query: unknown, key: string): boolean {
  if (query !== undefined && query !== null && query !== '') return true;
  return cookieHeader.includes(key) && parseCookieHeader(cookieHeader)[key] !== undefined;
}

/** The stable outcome code of a decision. */
export function outcomeOf(facts: HandshakeFacts, verdict: Verdict): { code: 'OK' | AuthorizationErrorCode; critical: boolean } {
  if (
    verdict instanceof AuthorizationError &&
    (verdict.code === ErrorCodes.CALLBACK_THREW || verdict.code === ErrorCodes.CALLBACK_TIMEOUT)
  ) {
    return { code: verdict.code, critical: true };
  }
  if (facts.failure) return { code: facts.failure.code, critical: facts.failure.critical };
  if (verdict === null) return { code: 'OK', critical: false };
  return { code: ErrorCodes.HANDSHAKE_REFUSED, critical: false };
}

/**
 * Builds the event at the moment of the decision, logs it under DEBUG, and hands it to
 * `onDecision` and `decisionEvents` on the next turn of the event loop.
 */
export function emitDecision(
  facts: HandshakeFacts,
  verdict: Verdict,
  context: DecisionContext,
  onDecision: DecisionListener | undefined,
  userId: (() => string | number | undefined) | undefined,
): void {
  const { code, critical } = outcomeOf(facts, verdict);
  const event: DecisionEvent = {
    mode: context.mode,
    accepted: verdict === null,
    code,
    critical,
    sessionIdSource: facts.source,
    sessionIdRejected: facts.sessionIdRejected,
    ...(context.tokenSource === undefined ? {} : { tokenSource: context.tokenSource }),
    namespace: context.namespace,
    transport: context.transport,
    storeMs: facts.storeMs,
    deserializeMs: facts.deserializeMs,
    totalMs: facts.timed ? performance.now() - facts.started : 0,
  };
  if (userId && code === 'OK') {
    try {
      const id = userId();
      if (id !== undefined) event.userId = id;
    } catch {
      debug('the user id could not be read; left out of the event');
    }
  }
  Object.freeze(event);
  if (debug.enabled) logDecision(event);
  if (onDecision === undefined && decisionEvents.listenerCount('decision') === 0) return;
  // socket.io connects (or refuses) the socket on process.nextTick after next(); an immediate runs
  // after that, so a listener that blocks cannot hold this socket's answer back.
  setImmediate(deliver, event, onDecision);
}

function deliver(event: DecisionEvent, onDecision: DecisionListener | undefined): void {
  if (onDecision) callListener(onDecision, event, 'onDecision');
  for (const listener of decisionEvents.listeners('decision')) callListener(listener, event, 'a decisionEvents listener');
}

function callListener(listener: DecisionListener, event: DecisionEvent, name: string): void {
  try {
    const result: unknown = listener(event);
    // An async listener's rejection would otherwise be an unhandled rejection, which ends the process.
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, () => debug('%s rejected; ignored', name));
    }
  } catch {
    debug('%s threw; ignored', name);
  }
}

function logDecision(event: DecisionEvent): void {
  debug(
    '%s %s: mode %s, namespace %s, transport %s, session id from %s%s%s, store %s, deserialize %s, total %s ms',
    event.accepted ? 'accepted' : 'refused',
    event.code,
    event.mode,
    event.namespace ?? '-',
    event.transport ?? '-',
    event.sessionIdSource,
    event.sessionIdRejected ? ' (one was sent but rejected)' : '',
    event.tokenSource === undefined ? '' : `, token from ${event.tokenSource}`,
    event.storeMs === null ? '-' : `${event.storeMs.toFixed(1)} ms`,
    event.deserializeMs === null ? '-' : `${event.deserializeMs.toFixed(1)} ms`,
    event.totalMs.toFixed(1),
  );
}
