import type { IncomingMessage } from 'node:http';
import type { SocketLike } from '../types';

/**
 * socket.io 0.9's `io.set('authorization', fn)` calls `fn(handshakeData, accept(err, authorized))`:
 * no socket, the handshake data in its place. Every later major passes a socket with `request`.
 */
export function isSocketIo09Call(socket: unknown): boolean {
  return !(socket !== null && typeof socket === 'object' && 'request' in socket && (socket as SocketLike).request);
}

/**
 * The 0.9 call as a request and an answer: `accept(message, false)` for a refusal (0.9 sends the
 * text), `accept(null, true)` to let the client in.
 */
export function socketIo09Handshake(
  handshakeData: unknown,
  accept: unknown,
): { request: IncomingMessage; answer(clientError: Error | null): void } {
  const answerWith = accept as (err: string | null, authorized: boolean) => void;
  return {
    request: handshakeData as IncomingMessage,
    answer: (clientError) => {
      if (clientError) answerWith(clientError.message, false);
      else answerWith(null, true);
    },
  };
}

/** What a mode without a 0.9 form tells a 0.9 call, instead of throwing into socket.io. */
export function refuseSocketIo09(accept: unknown, entryPoint: string): void {
  (accept as (err: Error) => void)(
    new Error(`passport.socketio-compat: ${entryPoint} is a socket.io middleware for socket.io 1 and later`),
  );
}
