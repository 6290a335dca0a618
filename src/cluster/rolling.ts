import { log } from '../log';
import type { SessionStoreLike, SocketSession } from '../types';

const debug = log('session');

interface RollingSocket {
  request: { sessionID?: string; session?: SocketSession };
  use?(middleware: (packet: unknown, next: (err?: Error) => void) => void): unknown;
}

interface TouchingStore extends SessionStoreLike {
  touch?(sid: string, session: unknown, callback: (err?: unknown) => void): void;
}

/**
 * Rolling expiry (`session: { rolling }`): an event from a socket renews its session's cookie and
 * calls `store.touch`, at most once per session per interval on this node. The last touch of each
 * session is all that is kept; one older than the interval counts as none, so entries are dropped
 * as they age, without a timer or a disconnect listener.
 */
export function createRolling(store: SessionStoreLike, intervalMs: number): (socket: RollingSocket) => void {
  const touching = store as TouchingStore;
  if (typeof touching.touch !== 'function') {
    debug('the store has no touch(); rolling expiry is off');
    return () => {};
  }
  const touchedAt = new Map<string, number>();
  let sweepAt = 0;

  function sweep(now: number): void {
    if (now < sweepAt) return;
    sweepAt = now + intervalMs;
    for (const [sid, at] of touchedAt) if (now - at >= intervalMs) touchedAt.delete(sid);
  }

  function touch(socket: RollingSocket): void {
    const sid = socket.request.sessionID;
    const session = socket.request.session;
    if (typeof sid !== 'string' || sid === '' || !session || typeof session.touch !== 'function') return;
    const now = Date.now();
    const last = touchedAt.get(sid);
    if (last !== undefined && now - last < intervalMs) return;
    sweep(now);
    touchedAt.set(sid, now);
    try {
      session.touch();
      touching.touch?.(sid, session, (err?: unknown) => {
        if (err) debug('store.touch failed; the session expires as it was');
      });
    } catch {
      debug('store.touch threw; the session expires as it was');
    }
  }

  return (socket) => {
    if (typeof socket.use !== 'function') return;
    socket.use((_packet, next) => {
      touch(socket);
      next();
    });
  };
}
