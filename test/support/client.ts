/**
 * Real socket.io-client connections of the stack's major, with the outcome of the handshake
 * normalised: socket.io 3+ clients report a refusal as `connect_error`, socket.io 2 as `error`.
 */
import type { Any, Stack } from './stack';

export type Transport = 'websocket' | 'polling';

export interface ConnectOptions {
  cookie?: string;
  transports?: Transport[];
  query?: Record<string, string>;
  namespace?: string;
  timeoutMs?: number;
}

/** `raw` is what a socket.io 2 client's 'error' event received (a message, or the error's data). */
export type ConnectResult = { connected: true; socket: Any } | { connected: false; message: string; data?: Any; raw?: Any };

export function connect(stack: Stack, url: string, options: ConnectOptions = {}): Promise<ConnectResult> {
  const socket = stack.ioClient(url + (options.namespace ?? ''), {
    forceNew: true,
    reconnection: false,
    transports: options.transports ?? ['websocket'],
    extraHeaders: options.cookie ? { cookie: options.cookie } : {},
    query: options.query,
    timeout: options.timeoutMs ?? 10_000,
  });
  return handshakeOutcome(socket, options.timeoutMs ?? 10_000);
}

/**
 * Opens another namespace on the same connection as `socket` (one engine connection, so one
 * shared `socket.request` on the server), as a browser tab using two namespaces does.
 */
export function connectSibling(socket: Any, namespace: string): Promise<ConnectResult> {
  return handshakeOutcome(socket.io.socket(namespace), 10_000);
}

function handshakeOutcome(socket: Any, timeoutMs: number): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const finish = (result: ConnectResult) => {
      clearTimeout(timer);
      socket.off('connect');
      if (!result.connected) socket.close();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ connected: false, message: 'client gave up waiting' }), timeoutMs + 1000);
    socket.on('connect', () => finish({ connected: true, socket }));
    socket.on('connect_error', (err: Any) => finish({ connected: false, message: err?.message ?? String(err), data: err?.data }));
    // socket.io 2 reports a middleware refusal as 'error' with the message (or data) itself.
    socket.on('error', (err: Any) =>
      finish({ connected: false, message: typeof err === 'string' ? err : (err?.message ?? String(err)), raw: err }),
    );
  });
}

/** Asks the server what the socket's request carries (see test/support/app.ts). */
export function whoami(socket: Any, timeoutMs = 10_000): Promise<Any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to 'whoami' within ${timeoutMs} ms`)), timeoutMs);
    socket.emit('whoami', (answer: Any) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** Connects and expects success; closes nothing (use `closeAll`). */
export async function connectOk(stack: Stack, url: string, options: ConnectOptions = {}): Promise<Any> {
  const result = await connect(stack, url, options);
  if (!result.connected) throw new Error(`expected the handshake to be accepted, but it was refused: ${result.message}`);
  return result.socket;
}

export async function connectRefused(
  stack: Stack,
  url: string,
  options: ConnectOptions = {},
): Promise<{ message: string; data?: Any; raw?: Any }> {
  const result = await connect(stack, url, options);
  if (result.connected) {
    result.socket.close();
    throw new Error('expected the handshake to be refused, but it was accepted');
  }
  return result;
}
