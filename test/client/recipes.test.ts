/**
 * The README's recipes for clients without a cookie jar, each run as written against a real
 * Express + express-session + Passport app: a Node client sending the session cookie itself,
 * and a React Native-style client (no cookies at all) with a token in `auth` or a short-lived
 * signed session id in the query. Every client is a real socket.io-client connection.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sign } from 'cookie-signature';
import express from 'express';
import session from 'express-session';
import jwt from 'jsonwebtoken';
import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { Strategy as LocalStrategy } from 'passport-local';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { authorizeStrategy } from '../../src';
import { readConnectError } from '../../src/client';
import type { Any } from '../support/stack';

const SESSION_SECRET = 'recipes session secret';
const JWT_SECRET = 'recipes jwt secret';
const USERS = [
  { id: 1, username: 'alice', password: 'alice-pw', name: 'Alice' },
  { id: 2, username: 'bob', password: 'bob-pw', name: 'Bob' },
];
const publicUser = (user: (typeof USERS)[number]) => ({ id: user.id, username: user.username, name: user.name });

interface RecipeApp {
  url: string;
  close(): Promise<void>;
}

/**
 * One app for every kind of client: browsers log in with the session cookie, apps without
 * cookies get a token (`POST /token`) or a short-lived socket ticket with their login.
 */
async function startRecipeApp(ticketLifetimeMs: number): Promise<RecipeApp> {
  const store = new session.MemoryStore();
  const passport = new Passport();
  passport.use(
    new LocalStrategy((username, password, done) => {
      const user = USERS.find((u) => u.username === username && u.password === password);
      done(null, user ? (publicUser(user) as Any) : false);
    }),
  );
  passport.use(
    new JwtStrategy(
      { jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: JWT_SECRET, algorithms: ['HS256'] },
      (payload, done) => {
        const user = USERS.find((u) => u.id === payload.sub);
        done(null, user ? publicUser(user) : false);
      },
    ),
  );
  passport.serializeUser((user: Any, done) => done(null, user.id));
  passport.deserializeUser((id: number, done) => {
    const user = USERS.find((u) => u.id === id);
    done(null, user ? (publicUser(user) as Any) : false);
  });

  const app = express();
  app.use(express.json());
  app.use(session({ store, secret: SESSION_SECRET, resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.use(passport.session());

  // Recipe: short-lived socket ticket. A session of its own in the same store, with the
  // logged-in user and an expiry of its own; the client gets its id signed, as in the cookie.
  app.post('/login', passport.authenticate('local'), (req: Any, res, next) => {
    const ticket = randomUUID();
    const expires = new Date(Date.now() + ticketLifetimeMs);
    const ticketSession = { cookie: { expires, originalMaxAge: ticketLifetimeMs }, passport: { user: req.user.id } };
    store.set(ticket, ticketSession as Any, (err) => {
      if (err) return next(err);
      res.json({ user: req.user, socketSessionId: `s:${sign(ticket, SESSION_SECRET)}` });
    });
  });

  // Recipe: token. A JWT for clients that keep no cookies.
  app.post('/token', passport.authenticate('local', { session: false }), (req: Any, res) => {
    res.json({ token: jwt.sign({ sub: req.user.id }, JWT_SECRET, { algorithm: 'HS256', expiresIn: '15m' }) });
  });

  const http = createServer(app);
  const ioServer = new Server(http);
  // Session cookie, signed session id in the query, or a token in `auth`: one middleware.
  ioServer.use(authorizeStrategy({ strategy: 'jwt', passport, store, secret: SESSION_SECRET }));
  ioServer.on('connection', (socket: Any) => {
    socket.on('whoami', (ack: (user: unknown) => void) => ack(socket.request.user));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => ioServer.close(() => resolve())),
  };
}

async function postJson(url: string, body: unknown): Promise<Response> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return response;
}

const postForJson = async (url: string, body: unknown): Promise<Any> => (await postJson(url, body)).json();

/** Connects; resolves with the user the server saw, or with the reading of the refusal. */
function connectAs(url: string, options: Record<string, unknown>): Promise<{ user?: Any; refusal?: ReturnType<typeof readConnectError> }> {
  const socket = io(url, { forceNew: true, reconnection: false, ...options });
  return new Promise((resolve) => {
    socket.on('connect', async () => {
      const user = await socket.emitWithAck('whoami');
      socket.close();
      resolve({ user });
    });
    socket.on('connect_error', (err) => {
      socket.close();
      resolve({ refusal: readConnectError(err) });
    });
  });
}

const ALICE = { id: 1, username: 'alice', name: 'Alice', logged_in: true };

describe('recipe: a Node client sends the session cookie itself', () => {
  let app: RecipeApp;
  before(async () => {
    app = await startRecipeApp(60_000);
  });
  after(() => app.close());

  for (const transport of ['websocket', 'polling'] as const) {
    it(`logs in over HTTP and connects with the cookie in extraHeaders over ${transport}`, async () => {
      const response = await postJson(`${app.url}/login`, { username: 'alice', password: 'alice-pw' });
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
      assert.match(cookie, /^connect\.sid=s%3A/);
      const { user } = await connectAs(app.url, { transports: [transport], extraHeaders: { cookie } });
      assert.deepEqual(user, ALICE);
    });
  }

  it('gets "login" from readConnectError without a cookie', async () => {
    const { refusal } = await connectAs(app.url, { transports: ['websocket'] });
    assert.deepEqual(refusal, { action: 'login', code: 'ERR_NO_SESSION', message: 'No session found' });
  });
});

describe('recipe: a client with no cookie jar sends a token in auth', () => {
  let app: RecipeApp;
  before(async () => {
    app = await startRecipeApp(60_000);
  });
  after(() => app.close());

  for (const transport of ['websocket', 'polling'] as const) {
    it(`gets a token over HTTP and connects with auth: { token } over ${transport}`, async () => {
      const { token } = await postForJson(`${app.url}/token`, { username: 'alice', password: 'alice-pw' });
      const { user } = await connectAs(app.url, { transports: [transport], auth: { token } });
      assert.deepEqual(user, ALICE);
    });
  }

  it('gets "login" from readConnectError for an expired token', async () => {
    const expired = jwt.sign({ sub: 1, exp: Math.floor(Date.now() / 1000) - 60 }, JWT_SECRET, { algorithm: 'HS256' });
    const { refusal } = await connectAs(app.url, { transports: ['websocket'], auth: { token: expired } });
    assert.equal(refusal?.action, 'login');
    assert.equal(refusal?.code, 'ERR_TOKEN_EXPIRED');
  });
});

describe('recipe: a client with no cookie jar sends a short-lived signed session id', () => {
  let app: RecipeApp;
  let expiring: RecipeApp;
  before(async () => {
    app = await startRecipeApp(60_000);
    expiring = await startRecipeApp(-1);
  });
  after(async () => {
    await app.close();
    await expiring.close();
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it(`logs in over HTTP and connects with query: { session_id } over ${transport}`, async () => {
      const { socketSessionId } = await postForJson(`${app.url}/login`, { username: 'alice', password: 'alice-pw' });
      const { user } = await connectAs(app.url, { transports: [transport], query: { session_id: socketSessionId } });
      assert.deepEqual(user, ALICE);
    });
  }

  it('refuses the ticket once it has expired, and readConnectError says "login"', async () => {
    const { socketSessionId } = await postForJson(`${expiring.url}/login`, { username: 'alice', password: 'alice-pw' });
    const { refusal } = await connectAs(expiring.url, { transports: ['websocket'], query: { session_id: socketSessionId } });
    assert.deepEqual(refusal, { action: 'login', code: 'ERR_NO_SESSION', message: 'No session found' });
  });

  it('refuses the bare ticket id without its signature', async () => {
    const { socketSessionId } = await postForJson(`${app.url}/login`, { username: 'alice', password: 'alice-pw' });
    const bare = decodeURIComponent(socketSessionId).slice(2).split('.')[0];
    const { refusal } = await connectAs(app.url, { transports: ['websocket'], query: { session_id: bare } });
    assert.equal(refusal?.code, 'ERR_NO_SESSION');
  });
});
