/**
 * The app of the session tests: Express with express-session and a Passport login, a socket.io
 * server (of the stack's major) with `authorize({ session, ... })`, socket handlers that use
 * `socket.request.session` the way app code does, and HTTP routes that show what the next request
 * sees. The users live in a small "database" the tests change, as an admin would.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { Strategy as LocalStrategy } from 'passport-local';
import {
  type AuthorizeOptions,
  authorize,
  disconnectSession,
  disconnectUser,
  loadSocketSession,
  loginSocket,
  logoutSocket,
  logoutSockets,
} from '../../src';
import type { Any, Stack } from '../support/stack';

export const SECRET = 'session secret';

export interface DbUser {
  id: number;
  username: string;
  role: string;
}

export interface SessionApp {
  url: string;
  io: Any;
  store: Any;
  http: HttpServer;
  /** The users, as the app's database: change them and the next deserializeUser sees it. */
  db: Map<number, DbUser>;
  /** Store calls made since the app started, by method. */
  calls: Record<'get' | 'set' | 'touch' | 'destroy', number>;
  /** The users `onUserRefresh` reported, in order. */
  refreshed: Array<{ user: Any; previous: Any }>;
  login(username: string, cookie?: string): Promise<string>;
  /** A session saved without a login (an anonymous visitor's). */
  visit(): Promise<string>;
  /** What the next HTTP request of this cookie sees: its user and session fields. */
  me(cookie: string): Promise<{ user: Any; session: Any; sessionID: string }>;
  close(): Promise<void>;
}

export interface SessionAppOptions {
  authorize?: Partial<AuthorizeOptions>;
  /** express-session's cookie settings (for example a short maxAge). */
  cookie?: Record<string, unknown>;
  /** Installs a cluster adapter on the socket.io server. */
  adapter?: (io: Any) => void;
  /** A store shared with another node (not cleaned up by this app). */
  store?: Any;
  /** A user database shared with another node. */
  db?: Map<number, DbUser>;
}

export function userDb(): Map<number, DbUser> {
  return new Map<number, DbUser>([
    [1, { id: 1, username: 'alice', role: 'reader' }],
    [2, { id: 2, username: 'bob', role: 'reader' }],
  ]);
}

export async function startSessionApp(stack: Stack, options: SessionAppOptions = {}): Promise<SessionApp> {
  const db = options.db ?? userDb();
  const { Passport } = stack.passportModule;
  const passport = new Passport();
  passport.use(
    new LocalStrategy((username: string, password: string, done: Any) => {
      const user = [...db.values()].find((u) => u.username === username && password === `${username}-pw`);
      done(null, user ? { ...user } : false);
    }),
  );
  passport.serializeUser((user: DbUser, done: Any) => done(null, user.id));
  passport.deserializeUser((id: number, done: Any) => {
    const user = db.get(id);
    done(null, user ? { ...user } : false);
  });

  const created = options.store ? { store: options.store, cleanup: async () => {} } : await stack.store.create(stack.session);
  const store = created.store;
  const calls = { get: 0, set: 0, touch: 0, destroy: 0 };
  for (const method of Object.keys(calls) as Array<keyof typeof calls>) {
    const original = store[method];
    if (typeof original !== 'function') continue;
    store[method] = function counted(this: Any, ...args: Any[]) {
      calls[method]++;
      return original.apply(this, args);
    };
  }

  const app = stack.express();
  app.use(stack.express.json());
  app.use(stack.session({ secret: SECRET, store, resave: false, saveUninitialized: false, cookie: options.cookie }));
  app.use(passport.initialize());
  app.use(passport.session());
  app.post('/login', passport.authenticate('local'), (req: Any, res: Any) => res.json(req.user));
  app.post('/visit', (req: Any, res: Any) => {
    req.session.visited = true;
    res.json({ ok: true });
  });
  app.get('/me', (req: Any, res: Any) => {
    const { cookie: _cookie, ...fields } = req.session ?? {};
    res.json({ user: req.user ?? null, session: fields, sessionID: req.sessionID });
  });
  app.post('/logout', (req: Any, res: Any, next: Any) => {
    logoutSockets(io, req, { reconnect: req.query.reconnect === 'true' });
    const done = (err?: unknown) => (err ? next(err) : res.json({ ok: true }));
    // What req.logout() does, through this Passport's own session manager: a test file that loads
    // several Passport majors has req.logout patched onto every request by the oldest one.
    req.user = null;
    if (passport._sm.logOut.length >= 3) passport._sm.logOut(req, {}, done);
    else passport._sm.logOut(req, done);
  });
  // An admin route: changes a user's role in the database (shared by the nodes of a cluster).
  app.post('/role/:id/:role', (req: Any, res: Any) => {
    const user = db.get(Number(req.params.id));
    if (user) user.role = req.params.role;
    res.json({ ok: Boolean(user) });
  });
  app.post('/theme/:theme', (req: Any, res: Any) => {
    req.session.theme = req.params.theme;
    res.json({ ok: true });
  });

  const http = createServer(app);
  const io = stack.createIoServer(http);
  options.adapter?.(io);
  const refreshed: SessionApp['refreshed'] = [];
  const authorizeOptions = { store, secret: SECRET, passport, ...options.authorize } as AuthorizeOptions;
  if (authorizeOptions.liveSession && typeof authorizeOptions.liveSession === 'object') {
    authorizeOptions.liveSession = {
      ...authorizeOptions.liveSession,
      onUserRefresh: (_socket: Any, user: Any, previous: Any) => refreshed.push({ user, previous }),
    };
  }
  try {
    io.use(authorize(authorizeOptions));
  } catch (err) {
    // A refused option: nothing listens yet; close what was opened, and tell the test.
    io.close();
    await created.cleanup();
    throw err;
  }
  io.on('connection', (socket: Any) => {
    const answer = (ack: Any, work: () => Promise<unknown> | unknown) => {
      Promise.resolve()
        .then(work)
        .then(
          (value) => ack({ ok: true, value }),
          (err: Any) => {
            if (process.env.DEBUG_APP) console.error(err);
            ack({ ok: false, error: err?.code ?? err?.message ?? String(err) });
          },
        );
    };
    const callback = (run: (done: (err?: Any) => void) => void) =>
      new Promise<void>((resolve, reject) => run((err) => (err ? reject(err) : resolve())));
    socket.on('whoami', (ack: Any) =>
      answer(ack, () => ({
        user: socket.request.user,
        sessionID: socket.request.sessionID,
        rooms: roomsOf(socket),
        identity: socket.data?.passport ?? null,
      })),
    );
    socket.on('echo', (ack: Any) => ack?.('echo'));
    socket.on('session:describe', (ack: Any) =>
      answer(ack, () => {
        const session = socket.request.session;
        if (!session) return null;
        return {
          isExpressSession: session instanceof stack.session.Session,
          id: session.id,
          sameAsSessionID: session.id === socket.request.sessionID,
          cookieMaxAge: session.cookie?.originalMaxAge ?? null,
          methods: ['save', 'reload', 'touch', 'destroy', 'regenerate'].filter((name) => typeof session[name] === 'function'),
          theme: session.theme ?? null,
        };
      }),
    );
    socket.on('session:set', (field: string, value: unknown, ack: Any) =>
      answer(ack, () => {
        socket.request.session[field] = value;
        return callback((done) => socket.request.session.save(done));
      }),
    );
    socket.on('session:reload', (ack: Any) =>
      answer(ack, async () => {
        await callback((done) => socket.request.session.reload(done));
        return socket.request.session.theme ?? null;
      }),
    );
    socket.on('session:destroy', (ack: Any) => answer(ack, () => callback((done) => socket.request.session.destroy(done))));
    socket.on('session:load', (ack: Any) =>
      answer(ack, async () => {
        const session = await loadSocketSession(socket);
        return session ? { theme: session.theme ?? null, isExpressSession: session instanceof stack.session.Session } : null;
      }),
    );
    socket.on('login', (username: string, ack: Any) =>
      answer(ack, async () => {
        const user = [...db.values()].find((u) => u.username === username);
        await loginSocket(socket, { ...user }, { passport });
        return { user: socket.request.user, sessionID: socket.request.sessionID, rooms: roomsOf(socket) };
      }),
    );
    socket.on('logout', (...args: Any[]) => {
      const ack = args.pop();
      const chosen = typeof args[0] === 'object' && args[0] !== null ? args[0] : { reconnect: args[0] === true };
      answer(ack, () => logoutSocket(io, socket, { passport, ...chosen }));
    });
    socket.on('disconnect-session', (reconnect: boolean, ack: Any) =>
      answer(ack, () => disconnectSession(io, socket.request.sessionID, { reconnect, reason: 'revoked' })),
    );
    socket.on('disconnect-user', (id: number, reconnect: boolean, ack: Any) =>
      answer(ack, () => disconnectUser(io, id, { reconnect, reason: 'permissions' })),
    );
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const cookieFrom = (response: Response): string | undefined =>
    response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0] as string)
      .find((pair) => pair.startsWith('connect.sid='));

  return {
    url,
    io,
    store,
    http,
    db,
    calls,
    refreshed,
    async login(username, cookie) {
      const response = await fetch(`${url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ username, password: `${username}-pw` }),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`login of ${username} answered ${response.status}`);
      const set = cookieFrom(response) ?? cookie;
      if (!set) throw new Error('no session cookie after login');
      return set;
    },
    async visit() {
      const response = await fetch(`${url}/visit`, { method: 'POST' });
      await response.arrayBuffer();
      const set = cookieFrom(response);
      if (!set) throw new Error('no session cookie after a visit');
      return set;
    },
    async me(cookie) {
      const response = await fetch(`${url}/me`, { headers: { cookie } });
      return (await response.json()) as Any;
    },
    async close() {
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        if (http.listening) http.close(() => resolve());
      });
      await created.cleanup();
    },
  };
}

/** A socket's rooms: a Set on socket.io 3+, an object on socket.io 2. */
function roomsOf(socket: Any): string[] {
  return socket.rooms instanceof Set ? [...socket.rooms] : Object.keys(socket.rooms ?? {});
}

/** Emits with an acknowledgement; rejects when none comes within `ms`. */
export function ask(socket: Any, event: string, ...args: unknown[]): Promise<Any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to '${event}'`)), 10_000);
    socket.emit(event, ...args, (answer: Any) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** Connects a client of the stack's major with the cookie; `reconnection` as asked. */
export function connectClient(stack: Stack, url: string, cookie: string | undefined, reconnection = false): Promise<Any> {
  const socket = stack.ioClient(url, {
    forceNew: true,
    reconnection,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
  });
  const seen: string[] = [];
  socket.seen = seen;
  socket.on('session_ended', (payload: Any) => seen.push(`session_ended:${payload?.reason}${payload?.reconnect ? ':reconnect' : ''}`));
  socket.on('disconnect', (reason: string) => seen.push(`disconnect:${reason}`));
  socket.on('connect', () => seen.push('connect'));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Any) => {
      socket.close();
      reject(err);
    });
    socket.once('error', (err: Any) => {
      socket.close();
      reject(new Error(String(err)));
    });
  });
}

/**
 * For one describe block: starts session apps and connects clients (with `reconnection` as asked,
 * by default `defaults.reconnection`), and closes them all after the block.
 */
export function sessionApps(stack: Stack, defaults: { reconnection?: boolean } = {}) {
  const apps: SessionApp[] = [];
  const sockets: Any[] = [];
  after(async () => {
    for (const socket of sockets) socket.close();
    for (const app of apps) await app.close();
  });
  return {
    async start(options?: SessionAppOptions): Promise<SessionApp> {
      const app = await startSessionApp(stack, options);
      apps.push(app);
      return app;
    },
    async connect(app: SessionApp, cookie?: string, reconnection = defaults.reconnection ?? false): Promise<Any> {
      const socket = await connectClient(stack, app.url, cookie, reconnection);
      sockets.push(socket);
      return socket;
    },
  };
}

/** Resolves when `check()` is true, polling; rejects after ~10 s. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
