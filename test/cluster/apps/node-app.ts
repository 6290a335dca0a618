/**
 * One node of a cluster, as an app would write it: Express with express-session and Passport
 * login, a socket.io 4 server with `authorize({ rooms, liveSession })`, a logout route with
 * `logoutSockets`, and small HTTP routes through which the tests call the cluster helpers on this
 * node. Run in the test's own process (one node) or forked (see node-process.ts).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { Server } from 'socket.io';
import {
  type AuthorizeOptions,
  authorize,
  disconnectOnLogout,
  disconnectSession,
  disconnectUser,
  emitToUser,
  fetchSocketsByUser,
  filterSocketsByUser,
  logoutSockets,
} from '../../../src';

export const SECRET = 'cluster secret';

export const USERS = [
  { id: 1, username: 'alice', password: 'alice-pw' },
  { id: 2, username: 'bob', password: 'bob-pw' },
];

export interface NodeOptions {
  /** Shown in `socket.data.node`, so a lookup tells which node a socket is on. */
  name: string;
  store: session.Store;
  /** Installs the cluster adapter on the server, if any. */
  adapter?: (io: Server) => void;
  authorize?: Partial<AuthorizeOptions>;
  /**
   * Live session checks on a namespace of their own, `/live`, so that the other tests never race
   * a live check (a logout destroys the session a moment before it ends the sockets).
   */
  liveNamespace?: AuthorizeOptions['liveSession'];
  /** The serialized user per login: the default serializes the id, as most apps do. */
  serializeUser?: (user: { id: number; username: string }) => unknown;
  /** Passport's session key (`passport._key`), when not the default 'passport'. */
  passportKey?: string;
  /** The deserialized user has no `id` (only its username): the user id is then Passport's serialized value. */
  userWithoutId?: boolean;
}

export interface ClusterNode {
  url: string;
  io: Server;
  http: HttpServer;
  close(): Promise<void>;
}

interface AppUser {
  id: number;
  username: string;
}

export async function startNode(options: NodeOptions): Promise<ClusterNode> {
  const passport = new Passport();
  if (options.passportKey) {
    // What an app with its own session key does: set it, then let Passport rebuild its session parts.
    (passport as unknown as { _key: string; init(): void })._key = options.passportKey;
    (passport as unknown as { init(): void }).init();
  }
  passport.use(
    new LocalStrategy((username, password, done) => {
      const user = USERS.find((u) => u.username === username && u.password === password);
      done(null, user ? ({ id: user.id, username: user.username } as Express.User) : false);
    }),
  );
  const serialize = options.serializeUser ?? ((user: AppUser) => user.id);
  passport.serializeUser((user, done) => done(null, serialize(user as AppUser) as number));
  // A test can hold the next socket handshake's deserialization (POST /test/hold), to log out
  // while that handshake is in flight, and then let it go on (POST /test/release).
  const hold: { next: boolean; release: (() => void) | undefined } = { next: false, release: undefined };
  passport.deserializeUser(
    (req: import('node:http').IncomingMessage, serialized: unknown, done: (err: unknown, user?: Express.User | false) => void) => {
      const id = typeof serialized === 'object' && serialized !== null ? (serialized as { id: number }).id : serialized;
      const user = USERS.find((u) => u.id === id);
      const found = options.userWithoutId ? { username: user?.username } : { id: user?.id, username: user?.username };
      const answer = () => done(null, user ? (found as Express.User) : false);
      if (hold.next && (req as { socketio_version_1?: boolean }).socketio_version_1 === true) {
        hold.next = false;
        hold.release = answer;
        return;
      }
      answer();
    },
  );

  const app = express();
  app.use(session({ secret: SECRET, store: options.store, resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.use(passport.session());

  const http = createServer(app);
  const io = new Server(http);
  options.adapter?.(io);
  const middleware = authorize({ store: options.store, secret: SECRET, passport, rooms: true, ...options.authorize });
  const namespaces = [
    { namespace: io.of('/'), middleware },
    { namespace: io.of('/chat'), middleware },
  ];
  if (options.liveNamespace) {
    const live = authorize({ store: options.store, secret: SECRET, passport, rooms: true, liveSession: options.liveNamespace });
    namespaces.push({ namespace: io.of('/live'), middleware: live });
  }
  for (const { namespace, middleware } of namespaces) {
    namespace.use(middleware);
    namespace.on('connection', (socket) => {
      socket.data.node = options.name;
      socket.on('whoami', (ack: (answer: unknown) => void) =>
        ack({ id: socket.id, node: options.name, identity: socket.data.passport ?? null, rooms: [...socket.rooms] }),
      );
      socket.on('echo', (value: unknown, ack: (answer: unknown) => void) => ack(value));
    });
  }

  app.post('/login', express.json(), passport.authenticate('local'), (req, res) => {
    res.json({ user: req.user });
  });
  app.post('/logout', (req, res, next) => {
    logoutSockets(io, req, { scope: req.query.scope === 'user' ? 'user' : 'session' });
    req.logout((err) => (err ? next(err) : res.json({ ok: true })));
  });
  app.post('/logout-middleware', disconnectOnLogout(io), (req, res, next) => {
    req.logout((err) => (err ? next(err) : res.json({ ok: true })));
  });
  // A session without a login: a visitor who has been here before.
  app.post('/visit', (req, res) => {
    (req.session as unknown as { visited: boolean }).visited = true;
    res.json({ ok: true });
  });
  // A logout whose response is sent late: its sockets must end after the response, not before.
  app.post('/logout-late', (req, res, next) => {
    logoutSockets(io, req);
    req.logout((err) => (err ? next(err) : setTimeout(() => res.json({ ok: true }), 400)));
  });
  // logoutSockets called once the response has been sent: it ends the sockets at once.
  app.post('/end-after-response', (req, res) => {
    res.once('finish', () => logoutSockets(io, req));
    res.json({ ok: true });
  });

  app.post('/test/hold', (_req, res) => {
    hold.next = true;
    res.json({ ok: true });
  });
  app.get('/test/held', (_req, res) => {
    res.json({ held: hold.release !== undefined });
  });
  app.post('/test/release', (_req, res) => {
    const release = hold.release;
    hold.release = undefined;
    release?.();
    res.json({ released: release !== undefined });
  });

  // Routes through which a test calls the helpers on this node.
  const describe = (socket: { id: string; data: Record<string, unknown> }) => ({ id: socket.id, data: socket.data });
  app.get('/sockets/user/:id', async (req, res, next) => {
    try {
      const timeout = req.query.timeout === undefined ? undefined : Number(req.query.timeout);
      const sockets = await fetchSocketsByUser(io, Number(req.params.id), { timeout });
      res.json(sockets.map(describe));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string') res.status(503).json({ code, message: (err as Error).message });
      else next(err);
    }
  });
  // Answers, then blocks this node's event loop for `ms` (without spinning a core): a hung node.
  app.post('/hang', (req, res) => {
    const ms = Number(req.query.ms ?? 1000);
    res.json({ ok: true });
    res.on('finish', () => setImmediate(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)));
  });
  app.get('/sockets/filter/:id', async (req, res, next) => {
    try {
      const wanted = Number(req.params.id);
      const sockets = await fetchSocketsByUser(io, (identity) => identity.id === wanted);
      res.json(sockets.map(describe));
    } catch (err) {
      next(err);
    }
  });
  app.get('/sockets/local', (_req, res) => {
    const local = filterSocketsByUser(io, (user) => user.logged_in);
    res.json(local.map((socket) => socket.id));
  });
  app.post('/disconnect/user/:id', (req, res) => {
    disconnectUser(io, Number(req.params.id), { reason: String(req.query.reason ?? 'disconnected') });
    res.json({ ok: true });
  });
  app.post('/disconnect/my-session', (req, res) => {
    disconnectSession(io, req.sessionID, { reason: 'revoked' });
    res.json({ ok: true });
  });
  app.post('/emit/user/:id', (req, res) => {
    emitToUser(io, Number(req.params.id), 'note', { from: options.name });
    res.json({ ok: true });
  });

  await new Promise<void>((resolve) => http.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    io,
    http,
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
      }),
  };
}
