import { EventEmitter } from 'node:events';
import { log } from './log';
import type { DecisionEvent, SocketEvent, SocketEventListener } from './types';

const debug = log('decisions');

/**
 * The one emitter of the process: `'decision'` for each handshake (events/), `'socket'` for each
 * decision a session feature makes on a connected socket (cluster/). It lives on the ground floor
 * so that both can use it without importing each other.
 */
export const decisionEvents: EventEmitter<{ decision: [DecisionEvent]; socket: [SocketEvent] }> = new EventEmitter();

/** Calls one listener with an event; what it throws, or a promise it returns that rejects, is ignored. */
export function callListener<E>(listener: (event: E) => unknown, event: E, name: string): void {
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

/**
 * Tells `onSocketEvent` (when given) and the `'socket'` listeners of `decisionEvents` of one
 * decision, on a later turn of the event loop, so that no listener runs inside the feature.
 */
export function reportSocketEvent(fields: Omit<SocketEvent, 'at'>, onSocketEvent?: SocketEventListener): void {
  const event: SocketEvent = Object.freeze({ ...fields, at: Date.now() });
  debug('socket %s: %s%s, namespace %s', event.kind, event.reason, event.reconnect ? ' (reconnect)' : '', event.namespace ?? '-');
  if (onSocketEvent === undefined && decisionEvents.listenerCount('socket') === 0) return;
  setImmediate(deliverSocketEvent, event, onSocketEvent);
}

function deliverSocketEvent(event: SocketEvent, onSocketEvent: SocketEventListener | undefined): void {
  if (onSocketEvent) callListener(onSocketEvent, event, 'onSocketEvent');
  for (const listener of decisionEvents.listeners('socket')) callListener(listener, event, 'a decisionEvents socket listener');
}
