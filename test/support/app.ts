/**
 * A real app as legacy apps are built: Express, express-session, passport-local login over HTTP,
 * and a socket.io server with `authorize` installed. Tests talk to it over real sockets only.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Strategy as LocalStrategy } from 'passport-local';
import { type AuthorizeOptions, authorize } from '../../src';
import type { Any, Stack } from './stack';

export const SECRET = 'keyboard cat';

export interface TestUser {
  id: number;
  username: string;
  password: string;
  name: string;
}

export const USERS: TestUser[] = [
  { id: 1, username: 'alice', password: 'alice-pw', name: 'Alice' },
  { id: 2, username: 'bob', password: 'bob-pw', name: 'Bob' },
  { id: 0, username: 'root', password: 'root-pw', name: 'User Zero' },
];

export interface AppOptions {
  /** Merged over the defaults (the app's store, secret, key and passport). */
  authorize?: Partial<AuthorizeOptions> & Record<string, unknown>;
  /** Install the middleware yourself (for example by hand inside another middleware). */
  install?: (io: Any, middleware: ReturnType<typeof authorize>, passport: Any) => void;
  /** express-session options merged over the defaults. */
  session?: Record<string, unknown>;
  /** The session cookie's name; the default is express-session's 'connect.sid'. */
  cookieName?: string;
  /** Replaces the app's deserializer (arity 2 or 3, as Passport allows). */
  deserializeUser?: (...args: Any[]) => void;
  /** Namespaces besides '/', each with the same handlers. */
  namespaces?: string[];
  /** A store to use instead of the stack's (for example one that misbehaves on purpose). */
  store?: Any;
}

export interface TestApp {
  url: string;
  io: Any;
  store: Any;
  passport: Any;
  http: HttpServer;
  /**
   * Logs in over HTTP and returns the Cookie header value that carries the session. With `cookie`,
   * logs in within that existing session (the response may keep its id, or set a new one).
   */
  login(username: string, password?: string, cookie?: string): Promise<string>;
  /** A Cookie header for a session that was saved without logging in (saveUninitialized). */
  anonymousSession(): Promise<string>;
  logout(cookie: string): Promise<void>;
  close(): Promise<void>;
}

export async function startApp(stack: Stack, options: AppOptions = {}): Promise<TestApp> {
  const { Passport } = stack.passportModule;
  const passport = new Passport();
  passport.use(
    new LocalStrategy((username: string, password: string, done: Any) => {
      const user = USERS.find((u) => u.username === username && u.password === password);
      done(null, user ? { ...user } : false);
    }),
  );
  passport.serializeUser((user: TestUser, done: (err: unknown, id?: unknown) => void) => done(null, user.id));
  passport.deserializeUser(
    options.deserializeUser ??
      ((id: number, done: (err: unknown, user?: unknown) => void) => {
        const user = USERS.find((u) => u.id === id);
        done(null, user ? { id: user.id, username: user.username, name: user.name } : false);
      }),
  );

  const created = options.store ? { store: options.store, cleanup: async () => {} } : await stack.store.create(stack.session);
  const store = created.store;
  const cookieName = options.cookieName ?? 'connect.sid';
  const app = stack.express();
  app.use(stack.express.json());
  app.use(
    stack.session({
      secret: SECRET,
      name: cookieName,
      store,
      resave: false,
      saveUninitialized: false,
      ...options.session,
    }),
  );
  app.use(passport.initialize());
  app.use(passport.session());
  app.post('/login', passport.authenticate('local'), (req: Any, res: Any) => res.json(req.user));
  app.post('/visit', (req: Any, res: Any) => {
    req.session.visited = true;
    res.json({ ok: true });
  });
  app.post('/logout', (req: Any, res: Any, next: Any) => {
    const done = (err?: unknown) => (err ? next(err) : res.json({ ok: true }));
    if (req.logout.length >= 1) req.logout(done);
    else {
      req.logout();
      done();
    }
  });

  const http = createServer(app);
  const io = stack.createIoServer(http);
  const middleware = authorize({ store, secret: SECRET, key: cookieName, passport, ...options.authorize } as AuthorizeOptions);
  const namespaces = ['/', ...(options.namespaces ?? [])];
  for (const name of namespaces) {
    const nsp = io.of(name);
    if (options.install) options.install(nsp, middleware, passport);
    else nsp.use(middleware);
    nsp.on('connection', (socket: Any) => {
      socket.on('whoami', (ack: (answer: unknown) => void) => {
        const request = socket.request;
        const propertyName = (options.authorize?.userProperty as string | undefined) ?? 'user';
        ack({
          user: request[propertyName],
          isAuthenticated: typeof request.isAuthenticated === 'function' ? request.isAuthenticated() : null,
          isUnauthenticated: typeof request.isUnauthenticated === 'function' ? request.isUnauthenticated() : null,
          sessionID: request.sessionID,
          cookieKeys: Object.keys(request.cookie ?? {}),
          socketio_version_1: request.socketio_version_1,
        });
      });
    });
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const sessionCookieFrom = (response: Response): string => {
    const cookie = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0] as string)
      .find((pair) => pair.startsWith(`${cookieName}=`));
    if (!cookie) throw new Error(`no ${cookieName} cookie in the response (status ${response.status})`);
    return cookie;
  };

  // express-session holds back the end of the body until the store has saved the session; fetch
  // resolves on the headers. Reading the whole body is what makes the session safe to use.
  const post = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(`${url}${path}`, { method: 'POST', ...init });
    await response.arrayBuffer();
    return response;
  };

  return {
    url,
    io,
    store,
    passport,
    http,
    async login(username, password, cookie) {
      const user = USERS.find((u) => u.username === username);
      const response = await post('/login', {
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ username, password: password ?? user?.password }),
      });
      if (response.status !== 200) throw new Error(`login of ${username} failed with status ${response.status}`);
      // express-session sends no Set-Cookie for a session that keeps its id (Passport before 0.6).
      if (cookie && response.headers.getSetCookie().length === 0) return cookie;
      return sessionCookieFrom(response);
    },
    async anonymousSession() {
      return sessionCookieFrom(await post('/visit'));
    },
    async logout(cookie) {
      const response = await post('/logout', { headers: { cookie } });
      if (response.status !== 200) throw new Error(`logout failed with status ${response.status}`);
    },
    async close() {
      await new Promise<void>((resolve) => {
        // socket.io 1's close() takes no callback; it closes the HTTP server, which says so.
        http.once('close', () => resolve());
        io.close(() => resolve());
        // socket.io 2's close callback comes from the HTTP server; make sure it is closed.
        if (http.listening) http.close(() => resolve());
      });
      await created.cleanup();
    },
  };
}
