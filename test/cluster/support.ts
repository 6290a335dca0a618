/**
 * The client side of the cluster tests: HTTP login and logout with fetch, real socket.io-client
 * connections, and a record of how each socket ended.
 */
import { io as ioClient, type Socket } from 'socket.io-client';

export type ClientSocket = Socket;

/** How a socket ended: the `session_ended` reason it was told (if any) and socket.io's disconnect reason. */
export interface Ending {
  told: string | undefined;
  disconnect: string;
  /** The events in the order the client saw them. */
  order: string[];
}

const endings = new WeakMap<ClientSocket, Promise<Ending>>();

/** Logs in over HTTP; returns the Cookie header value of the session. */
export async function login(url: string, username: string, password = `${username}-pw`): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login of ${username} failed with status ${response.status}`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] as string)
    .find((pair) => pair.startsWith('connect.sid='));
  if (!cookie) throw new Error('no session cookie after login');
  return cookie;
}

/** The session id inside a signed session cookie (`connect.sid=s:<id>.<signature>`). */
export function sessionIdOf(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  return value.slice(2, value.lastIndexOf('.'));
}

export async function post(url: string, path: string, cookie?: string): Promise<any> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: cookie ? { cookie } : {} });
  if (response.status !== 200) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

export async function get(url: string, path: string): Promise<any> {
  const response = await fetch(`${url}${path}`);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Connects with the session cookie and waits for the handshake to be accepted. */
export function connectSocket(
  url: string,
  cookie: string | undefined,
  options: { namespace?: string; transport?: 'websocket' | 'polling' } = {},
): Promise<ClientSocket> {
  const socket = ioClient(url + (options.namespace ?? ''), {
    forceNew: true,
    reconnection: false,
    transports: [options.transport ?? 'websocket'],
    extraHeaders: cookie ? { cookie } : {},
  });
  const order: string[] = [];
  let told: string | undefined;
  socket.on('session_ended', (payload: { reason: string }) => {
    told = payload?.reason;
    order.push(`session_ended:${told}`);
  });
  endings.set(
    socket,
    new Promise((resolve) =>
      socket.on('disconnect', (reason) => {
        order.push(`disconnect:${reason}`);
        resolve({ told, disconnect: reason, order });
      }),
    ),
  );
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

// Far above anything the server may take (a live check's interval plus its store timeout), so
// that a socket the server never ends fails its test instead of hanging it.
const ENDING_TIMEOUT_MS = 20_000;

/** Resolves when the socket is disconnected, with what it was told; rejects if it never is. */
export function ending(socket: ClientSocket): Promise<Ending> {
  const promise = endings.get(socket);
  if (!promise) throw new Error('socket was not made by connectSocket');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the server did not end the socket within ${ENDING_TIMEOUT_MS} ms`)), ENDING_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Emits with an acknowledgement; resolves with the answer, or `undefined` if none came within `ms`. */
export function ask(socket: ClientSocket, event: string, ...args: unknown[]): Promise<any> {
  return new Promise((resolve) => socket.emit(event, ...args, resolve));
}

export function askWithin(socket: ClientSocket, ms: number, event: string, ...args: unknown[]): Promise<any> {
  return new Promise((resolve) => {
    socket.timeout(ms).emit(event, ...args, (err: unknown, answer: unknown) => resolve(err ? undefined : answer));
  });
}

/** Whether the socket is still connected after the server has had the time to act on `check()`. */
export async function stillConnectedAfter(socket: ClientSocket): Promise<boolean> {
  if (!socket.connected) return false;
  return (await askWithin(socket, 2000, 'echo', 'ping')) === 'ping' && socket.connected;
}

/** Calls `probe` until it returns a value `done` accepts, up to `attempts` times; returns the last value. */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, attempts = 50, pauseMs = 100): Promise<T> {
  let value = await probe();
  for (let attempt = 1; attempt < attempts && !done(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    value = await probe();
  }
  return value;
}

export function closeAll(sockets: ClientSocket[]): void {
  for (const socket of sockets.splice(0)) socket.close();
}
