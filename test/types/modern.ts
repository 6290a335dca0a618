// What an app writing TypeScript today gets: the user typed through Express.User, typed
// callbacks and errors. Lines marked @ts-expect-error must stay errors.
import session from 'express-session';
import passportSocketIo, {
  type AcceptCallback,
  type AuthorizationError,
  authorize,
  disconnectUser,
  filterSocketsByUser,
  type HandshakeData,
  loadSocketSession,
  loginSocket,
  logoutSocket,
  type SocketSession,
} from 'passport.socketio-compat';
import { Server } from 'socket.io';

declare global {
  namespace Express {
    interface User {
      id: number;
      email: string;
    }
  }
}

const io = new Server();
const store = new session.MemoryStore();

io.use(
  authorize({
    store,
    secret: ['new', 'old'],
    fail(data, message, critical, accept, error: AuthorizationError) {
      const code: string = error.code;
      if (data.user.logged_in === false && !critical) return accept();
      accept(new Error(`${message} (${code})`));
    },
  }),
);
// The two-argument fail of early releases: annotate it, TypeScript cannot tell the forms apart.
io.use(passportSocketIo.authorize({ store, secret: 's', fail: (_data: HandshakeData, accept: AcceptCallback) => accept(null, false) }));

io.on('connection', (socket) => {
  const user = socket.request.user;
  if (user?.logged_in) {
    const id: number = user.id;
    const email: string = user.email;
    socket.emit('hello', id, email);
  }
});

const mine = filterSocketsByUser(io, (user) => user.logged_in && user.id === 1);
for (const socket of mine) socket.emit('x');

// Reading a field without checking logged_in compiles (code written for the legacy types does),
// and is typed as what an anonymous user holds there: undefined.
filterSocketsByUser(io, (user) => user.id === 1);
filterSocketsByUser(io, (user) => {
  // @ts-expect-error an anonymous user's id is undefined: check logged_in first
  const id: number = user.id;
  return id === 1;
});
// @ts-expect-error the store is required
authorize({ secret: 's' });
// @ts-expect-error timeout is a number of milliseconds
authorize({ store, secret: 's', timeout: '5s' });

// The session in socket handlers (issue 15): typed options, the socket's Session, the helpers.
io.use(authorize({ store, secret: 's', session: { rolling: 60_000 }, liveSession: { refreshUser: true, reconnect: true } }));
io.on('connection', async (socket) => {
  // socket.request is socket.io's IncomingMessage: express-session's own req.session type would clash with an augmentation.
  const session = (socket.request as { session?: SocketSession }).session;
  if (session) {
    session.theme = 'dark';
    session.save((err) => void err);
    session.reload(() => {});
    const id: string = session.id;
    void id;
  }
  const loaded = await loadSocketSession(socket);
  loaded?.touch();
  await loginSocket(socket, { id: 1, email: 'a@example.com' });
  await logoutSocket(io, socket, { scope: 'user', reconnect: true });
});
disconnectUser(io, 1, { reason: 'permissions', reconnect: true });
// @ts-expect-error rolling is a boolean or a number of milliseconds
authorize({ store, secret: 's', session: { rolling: '1m' } });
