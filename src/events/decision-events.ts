import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { HandshakeRecord } from '../decide/record';
import { AuthorizationError, type AuthorizationErrorCode, ErrorCodes } from '../errors';
import { userIdOf } from '../identify/passport-user';
import { log } from '../log';
import { callListener, decisionEvents } from '../observers';
import type { CallbackSettings } from '../options';
import type { DecisionEvent, DecisionListener, DecisionMode, TokenSource, Verdict } from '../types';

const debug = log('decisions');

/**
 * Every decision of every `authorize()` in the process, as `'decision'` events, and every decision
 * the session features make on connected sockets, as `'socket'` events (`SocketEvent`).
 * Listeners run just after socket.io has the decision (never before, so none can delay a
 * handshake), in the order of the decisions; one that throws or rejects is ignored. Handshakes
 * are timed only while someone listens.
 *
 * @example
 * ```js
 * const { decisionEvents } = require('passport.socketio-compat');
 * decisionEvents.on('decision', (event) => {
 *   if (!event.accepted) console.warn('socket refused:', event.code);
 * });
 * decisionEvents.on('socket', (event) => console.info('socket %s: %s', event.kind, event.reason));
 * ```
 */
export { decisionEvents };

interface DecisionContext {
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

/** The stable outcome code of a decision. */
export function outcomeOf(record: HandshakeRecord, verdict: Verdict): { code: 'OK' | AuthorizationErrorCode; critical: boolean } {
  if (
    verdict instanceof AuthorizationError &&
    (verdict.code === ErrorCodes.CALLBACK_THREW || verdict.code === ErrorCodes.CALLBACK_TIMEOUT)
  ) {
    return { code: verdict.code, critical: true };
  }
  if (record.failure) return { code: record.failure.code, critical: record.failure.critical };
  if (verdict === null) return { code: 'OK', critical: false };
  return { code: ErrorCodes.HANDSHAKE_REFUSED, critical: false };
}

/**
 * Builds the event at the moment of the decision, logs it under DEBUG, and hands it to
 * `onDecision` and `decisionEvents` on the next turn of the event loop.
 */
/**
 * Tells `onDecision` and `decisionEvents` of one settled handshake, in every mode: the user id
 * is read from the request only when the app opted in with `includeUserIdInDecisions`.
 */
export function reportDecision(
  settings: CallbackSettings,
  record: HandshakeRecord,
  verdict: Verdict,
  context: DecisionContext,
  request: IncomingMessage,
): void {
  emitDecision(
    record,
    verdict,
    context,
    settings.onDecision,
    settings.includeUserIdInDecisions
      ? () => userIdOf((request as unknown as Record<string, unknown>)[settings.userProperty], record.serializedUser)
      : undefined,
  );
}

function emitDecision(
  record: HandshakeRecord,
  verdict: Verdict,
  context: DecisionContext,
  onDecision: DecisionListener | undefined,
  userId: (() => string | number | undefined) | undefined,
): void {
  const { code, critical } = outcomeOf(record, verdict);
  const event: DecisionEvent = {
    mode: context.mode,
    accepted: verdict === null,
    code,
    critical,
    sessionIdSource: record.source,
    sessionIdRejected: record.sessionIdRejected,
    ...(context.tokenSource === undefined ? {} : { tokenSource: context.tokenSource }),
    namespace: context.namespace,
    transport: context.transport,
    storeMs: record.storeMs,
    deserializeMs: record.deserializeMs,
    totalMs: record.timed ? performance.now() - record.started : 0,
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
