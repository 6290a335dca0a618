// A TypeScript app on the installed tarball, compiled with moduleResolution node10, node16,
// nodenext and bundler (scripts/check-package.mjs copies it to typed.ts for the CommonJS builds).
// The types must describe the runtime: wrong options are compile errors, and the compiled app runs.
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import passportSocketIo, {
  type AcceptCallback,
  AuthorizationError,
  type AuthorizeOptions,
  authorize,
  ErrorCodes,
  type FailCallback,
  filterSocketsByUser,
  type HandshakeData,
  InvalidOptionError,
  type PassportSocketIoOptions,
  type SessionStoreLike,
  type SocketLike,
  type SocketUser,
} from 'passport.socketio-compat';

declare global {
  namespace Express {
    interface User {
      id: number;
      name: string;
    }
  }
}

const sessions = new Map<string, unknown>();
const store: SessionStoreLike = { get: (sid, callback) => callback(null, sessions.get(sid) ?? null) };
const failures: { message: string; critical: boolean; code: string }[] = [];
const fail: FailCallback = (_data: HandshakeData, message, critical, accept: AcceptCallback, error) => {
  failures.push({ message, critical, code: error.code });
  accept(new Error(message));
};
const options: AuthorizeOptions = { store, secret: ['new secret', 'old secret'], key: 'connect.sid', fail, timeout: 1000 };
const legacyName: PassportSocketIoOptions = options;

// @ts-expect-error: secret is a string or an array of strings
const wrongSecret = () => authorize({ store, secret: 42 });
// @ts-expect-error: store is required
const noStore = () => authorize({ secret: 'x' });
void wrongSecret;
void noStore;

const aliceOnly = (user: SocketUser) => user.logged_in && user.id === 1 && user.name.length > 0;
const found: { request: { user?: unknown } }[] = filterSocketsByUser({ sockets: new Map() }, aliceOnly);

let invalid = '';
try {
  authorize({ store, secret: '' });
} catch (err) {
  if (err instanceof InvalidOptionError) invalid = err.code;
}

const request = new IncomingMessage(new Socket());
request.headers = {};
const socket: SocketLike = { request, handshake: { query: {}, auth: {} } };
passportSocketIo.authorize(legacyName)(socket, (err?: Error) => {
  console.log(
    JSON.stringify({
      refused: err?.message,
      failures,
      invalid,
      found: found.length,
      isAuthorizationError: typeof AuthorizationError === 'function',
      noSession: ErrorCodes.NO_SESSION,
    }),
  );
});
