// The demo: an Express app with a Passport login, and a socket.io server that knows who is on
// the other end of every socket because `authorize()` read the same session.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import session from 'express-session';
import passportModule from 'passport';
import { authorize, decisionEvents, disconnectOnLogout, emitToUser, fetchSocketsByUser } from 'passport.socketio-compat';
import { Strategy as LocalStrategy } from 'passport-local';
import { Server } from 'socket.io';
import { livePage, loginPage } from './pages.mjs';

/** Demo accounts only: printed at start and shown on the login page. */
export const DEMO_USERS = Object.freeze([
  { id: 1, username: 'alice', password: 'wonderland', name: 'Alice' },
  { id: 2, username: 'bob', password: 'builder', name: 'Bob' },
]);

export const COOKIE_NAME = 'demo.sid';
const RECENT_DECISIONS = 12;
const MAX_MESSAGE_LENGTH = 500;

const publicDir = join(dirname(fileURLToPath(import.meta.url)), 'public');

/**
 * Starts the demo and resolves once it listens.
 * @param {{ port?: number, host?: string, redisUrl?: string, redisPrefix?: string, secret?: string }} [options]
 * @returns {Promise<{ url: string, storeKind: 'memory' | 'redis', close(): Promise<void> }>}
 */
export async function startDemo(options = {}) {
  const { port = 3000, host = '127.0.0.1' } = options;
  // A fresh secret per start unless one is given: a demo must never ship a known secret.
  const secret = options.secret || randomBytes(32).toString('hex');
  const { store, storeKind, closeStore } = await createStore(options);

  const passport = new passportModule.Passport();
  passport.use(
    new LocalStrategy((username, password, done) => {
      const user = DEMO_USERS.find((u) => u.username === username && u.password === password);
      done(null, user ? publicUser(user) : false);
    }),
  );
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((id, done) => {
    const user = DEMO_USERS.find((u) => u.id === id);
    done(null, user ? publicUser(user) : false);
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use('/static', express.static(publicDir, { index: false }));
  app.use(express.urlencoded({ extended: false }));
  app.use(
    session({
      name: COOKIE_NAME,
      secret,
      store,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );
  app.use(passport.initialize());
  app.use(passport.session());

  const http = createServer(app);
  const io = new Server(http);

  // The whole integration: the same store, secret, cookie name and Passport as the Express app.
  // `rooms: true` puts each socket in a room of its session and of its user, for the helpers below.
  io.use(authorize({ store, secret, key: COOKIE_NAME, passport, rooms: true }));

  const decisions = trackDecisions(() => io.emit('decisions', decisions.snapshot()));

  app.get('/', (req, res) => {
    if (!req.user) return res.redirect('/login');
    res.type('html').send(livePage({ user: req.user, users: DEMO_USERS.map(publicUser) }));
  });
  app.get('/login', (req, res) => {
    if (req.user) return res.redirect('/');
    res.type('html').send(loginPage({ users: DEMO_USERS, failed: 'failed' in req.query, signedOut: 'signedOut' in req.query }));
  });
  app.post('/login', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/login?failed' }));
  // disconnectOnLogout notes this session before Passport replaces it, and once the response is
  // sent, tells every socket of the session (every tab) why and disconnects it.
  app.post('/logout', disconnectOnLogout(io), (req, res, next) => {
    req.logout((err) => (err ? next(err) : res.redirect('/login?signedOut')));
  });

  io.on('connection', (socket) => {
    const user = publicUser(socket.request.user);
    socket.emit('hello', { you: user, decisions: decisions.snapshot() });
    broadcastPresence(io);

    socket.on('send', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const to = DEMO_USERS.find((u) => u.id === Number(payload?.to));
      const text = typeof payload?.text === 'string' ? payload.text.trim().slice(0, MAX_MESSAGE_LENGTH) : '';
      if (!to || text === '') return ack({ ok: false, error: 'Pick a recipient and write something.' });
      const message = { from: user, to: publicUser(to), text, at: new Date().toISOString() };
      try {
        const tabs = await fetchSocketsByUser(io, to.id);
        emitToUser(io, to.id, 'message', message);
        ack({ ok: true, message, tabs: tabs.length });
      } catch (err) {
        console.error('send failed:', err.message);
        ack({ ok: false, error: 'The message could not be delivered.' });
      }
    });
    socket.on('disconnect', () => broadcastPresence(io));
  });

  await listen(http, port, host);
  const address = http.address();
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url,
    storeKind,
    async close() {
      decisions.stop();
      const closed = new Promise((resolve) => io.close(() => resolve()));
      // A browser's keep-alive connections would hold the HTTP server open.
      http.closeAllConnections();
      await closed;
      await closeStore();
    },
  };
}

async function createStore({ redisUrl, redisPrefix = 'passport.socketio-compat-demo:sess:' }) {
  if (!redisUrl) {
    return { store: new session.MemoryStore(), storeKind: 'memory', closeStore: async () => {} };
  }
  const [{ createClient }, { RedisStore }] = await Promise.all([import('redis'), import('connect-redis')]);
  const client = createClient({ url: redisUrl });
  client.on('error', (err) => console.error('redis:', err.message));
  await client.connect();
  return {
    store: new RedisStore({ client, prefix: redisPrefix }),
    storeKind: 'redis',
    closeStore: () => client.close(),
  };
}

/** What the browser may see of a user: never the password. */
function publicUser(user) {
  return { id: user.id, name: user.name, username: user.username };
}

/** Who is connected, and in how many tabs: every socket's identity, from every node. */
function broadcastPresence(io) {
  fetchSocketsByUser(io, () => true).then(
    (sockets) => {
      const tabsByUser = new Map();
      for (const socket of sockets) {
        const id = socket.data.passport.id;
        tabsByUser.set(id, (tabsByUser.get(id) ?? 0) + 1);
      }
      const online = DEMO_USERS.filter((u) => tabsByUser.has(u.id)).map((u) => ({ ...publicUser(u), tabs: tabsByUser.get(u.id) }));
      io.emit('presence', online);
    },
    (err) => console.error('presence failed:', err.message),
  );
}

/**
 * Keeps the last handshake decisions and a count per outcome code, from the package's
 * `decisionEvents`. The events carry no cookie, session id or secret; the panel shows only
 * codes, transports and timings.
 */
function trackDecisions(onChange) {
  const counts = {};
  const recent = [];
  let pending;
  const listener = (event) => {
    counts[event.code] = (counts[event.code] ?? 0) + 1;
    recent.unshift({
      at: new Date().toISOString(),
      code: event.code,
      accepted: event.accepted,
      transport: event.transport ?? null,
      source: event.sessionIdSource,
      badSignature: event.sessionIdRejected === true,
      ms: Math.round(event.totalMs * 10) / 10,
    });
    recent.length = Math.min(recent.length, RECENT_DECISIONS);
    // Several handshakes at once make one update.
    pending ??= setTimeout(() => {
      pending = undefined;
      onChange();
    }, 50);
  };
  decisionEvents.on('decision', listener);
  return {
    snapshot: () => ({ counts: { ...counts }, recent: [...recent] }),
    stop() {
      decisionEvents.off('decision', listener);
      clearTimeout(pending);
    },
  };
}

function securityHeaders(_req, res, next) {
  res.set({
    'Content-Security-Policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
  });
  next();
}

function listen(http, port, host) {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
}
