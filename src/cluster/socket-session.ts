import { InvalidArgumentError } from '../errors';
import { loadSession } from '../identify/session-store';
import type { SocketSession } from '../types';

/** A socket.io socket, of any major: its `request` carries what `authorize({ session })` set. */
interface SessionSocket {
  request: object;
}

interface SessionRequest {
  sessionID?: string;
  sessionStore?: unknown;
  session?: SocketSession;
}

interface ExpressSessionStore {
  get(sid: string, callback: (err: any, session?: any) => void): void;
  createSession?(req: object, stored: object): unknown;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Reads a socket's session from the store now, as an express-session `Session` on
 * `socket.request.session` (and resolves with it; `null` when the store has no such session).
 * For apps that need the session only now and then: `authorize({ session: { onSocket: false } })`
 * keeps nothing but the store on the socket, and each call is one `store.get`.
 *
 * @example
 * ```js
 * io.use(authorize({ store, secret, session: { onSocket: false } }));
 * socket.on('cart:checkout', async () => {
 *   const session = await loadSocketSession(socket);
 *   session.lastCheckout = Date.now();
 *   session.save();
 * });
 * ```
 */
export function loadSocketSession(socket: SessionSocket, options: { timeout?: number } = {}): Promise<SocketSession | null> {
  const helper = 'loadSocketSession(socket)';
  const request = socket?.request as SessionRequest | undefined;
  const store = request?.sessionStore as ExpressSessionStore | undefined;
  if (!request || !store || typeof store.get !== 'function') {
    throw new InvalidArgumentError('socket', `${helper}: the socket was not authorized with authorize({ session })`);
  }
  const sid = request.sessionID;
  if (typeof sid !== 'string' || sid === '') return Promise.resolve(null);
  const timeout = typeof options.timeout === 'number' && options.timeout > 0 ? options.timeout : DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    loadSession(store, sid, timeout, (error, stored) => {
      if (error) return reject(error);
      if (!stored || typeof stored !== 'object' || stored.cookie === null || typeof stored.cookie !== 'object') return resolve(null);
      try {
        if (typeof store.createSession === 'function') store.createSession(request, stored);
        else {
          const { Store } = require('express-session');
          Store.prototype.createSession.call(store, request, stored);
        }
      } catch (err) {
        return reject(err);
      }
      resolve(request.session ?? null);
    });
  });
}
