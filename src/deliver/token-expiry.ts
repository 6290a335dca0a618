import { ErrorCodes } from '../errors';
import { STRATEGY_MESSAGES } from '../identify/strategy-failures';
import { log } from '../log';
import { MAX_TIMER_MS } from '../options';

const debug = log('strategy');

/** How often to look again for a socket whose token expired before socket.io finished connecting it. */
const CONNECT_POLL_MS = 10;

/** A socket.io server socket, as far as expiry needs one (socket.io 2, 3 and 4). */
export interface ExpiringSocket {
  connected?: boolean;
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(close?: boolean): unknown;
  once?(event: 'disconnect', listener: () => void): unknown;
  conn?: { readyState?: string };
}

/** What the client receives with the expiry event, just before the server disconnects it. */
export interface TokenExpiredNotice {
  code: typeof ErrorCodes.TOKEN_EXPIRED;
  message: string;
}

/**
 * Disconnects `socket` when `expiresAt` (ms since the epoch) passes, after emitting `event` with
 * a {@link TokenExpiredNotice}. The timer is cleared when the socket disconnects first. A token
 * that expires while later middlewares still run is acted on once socket.io has connected the
 * socket, within `graceMs`.
 */
export function expireWithToken(socket: ExpiringSocket, expiresAt: number, event: string, graceMs: number): void {
  // Held weakly: a socket that a later middleware refused is never disconnected, and must not be
  // kept alive until its token's exp, possibly days away.
  const ref = new WeakRef(socket);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitedForConnect = 0;
  let over = false;
  const schedule = (delay: number) => {
    timer = setTimeout(check, Math.min(Math.max(delay, 0), MAX_TIMER_MS));
    timer.unref?.();
  };
  const check = () => {
    if (over) return;
    const socket = ref.deref();
    if (socket === undefined) return;
    const left = expiresAt - Date.now();
    if (left > 0) return schedule(left);
    if (socket.connected !== true) {
      waitedForConnect += CONNECT_POLL_MS;
      if (waitedForConnect <= graceMs && socket.conn?.readyState !== 'closed') return schedule(CONNECT_POLL_MS);
      debug('token expired before the socket connected; nothing to disconnect');
      return;
    }
    over = true;
    debug('token expired; disconnecting the socket');
    const notice: TokenExpiredNotice = { code: ErrorCodes.TOKEN_EXPIRED, message: STRATEGY_MESSAGES.tokenExpired };
    try {
      socket.emit(event, notice);
    } finally {
      socket.disconnect();
    }
  };
  socket.once?.('disconnect', () => {
    over = true;
    clearTimeout(timer);
  });
  schedule(expiresAt - Date.now());
}
