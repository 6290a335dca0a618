// One node of the cluster: run it three times behind haproxy.cfg (see README.md next to it).
//   SESSION_SECRET=change-me PORT=3001 SERVER_NAME=a node server.js
const http = require('node:http');
const express = require('express');
const session = require('express-session');
const passport = require('passport');
const { Strategy: LocalStrategy } = require('passport-local');
const { createClient } = require('redis');
const { RedisStore } = require('connect-redis'); // connect-redis 8 and later; 7 exports the class as default
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { authorize, emitToUser, fetchSocketsByUser, logoutSockets } = require('passport.socketio-compat');

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PORT = Number(process.env.PORT || 3001);
const SERVER_NAME = process.env.SERVER_NAME || `node-${PORT}`;
const secret = process.env.SESSION_SECRET;
if (!secret) {
  console.error('SESSION_SECRET is not set: start with SESSION_SECRET=<a long random string> node server.js');
  process.exit(1);
}

// Demo users; an app reads its database here.
const USERS = [
  { id: 1, username: 'alice', password: 'alice-pw' },
  { id: 2, username: 'bob', password: 'bob-pw' },
];
passport.use(
  new LocalStrategy((username, password, done) => {
    const user = USERS.find((u) => u.username === username && u.password === password);
    done(null, user ? { id: user.id, username: user.username } : false);
  }),
);
// authorize() calls deserializeUser for every handshake, as Express does for every request.
passport.serializeUser((user, done) => done(null, user.id));
passport.deserializeUser((id, done) => {
  const user = USERS.find((u) => u.id === id);
  done(null, user ? { id: user.id, username: user.username } : false);
});

function redisClient() {
  const client = createClient({ url: REDIS_URL });
  // Without a listener, a lost Redis connection would crash the process; the client reconnects by itself.
  client.on('error', (err) => console.error(`[${SERVER_NAME}] redis: ${err.message}`));
  return client;
}

async function main() {
  const redis = redisClient();
  const pub = redisClient();
  const sub = redisClient();
  await Promise.all([redis.connect(), pub.connect(), sub.connect()]);

  const store = new RedisStore({ client: redis, prefix: 'myapp:sess:' });
  const app = express();
  app.use(session({ secret, store, resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.use(passport.session());

  const server = http.createServer(app);
  const io = new Server(server);
  io.adapter(createAdapter(pub, sub));
  const chat = io.of('/chat'); // create every namespace at startup, on every node
  const auth = authorize({ store, secret, passport, rooms: true, liveSession: { interval: 60_000 } });
  io.use(auth);
  chat.use(auth);
  for (const namespace of [io.of('/'), chat]) {
    namespace.on('connection', (socket) => {
      socket.data.server = SERVER_NAME;
      socket.on('whoami', (ack) => ack({ user: socket.request.user.username, server: SERVER_NAME }));
      // The user's sockets on every node ("open in 3 tabs"). Rejects within the timeout with
      // ERR_CLUSTER_LOOKUP when a node died or hangs, or Redis is down.
      socket.on('my-sockets', async (ack) => {
        try {
          const sockets = await fetchSocketsByUser(io, socket.request.user.id, { timeout: 2000 });
          ack({ sockets: sockets.map((s) => ({ id: s.id, server: s.data.server })) });
        } catch (err) {
          ack({ error: err.code, message: err.message });
        }
      });
    });
  }

  app.get('/healthz', (_req, res) => res.send('ok')); // the load balancer's health check
  app.post('/login', express.urlencoded({ extended: false }), express.json(), passport.authenticate('local'), (req, res) => {
    res.json({ user: req.user.username, server: SERVER_NAME });
  });
  app.post('/logout', (req, res, next) => {
    logoutSockets(io, req); // before req.logout(), which gives the request a new session id
    req.logout((err) => (err ? next(err) : res.json({ ok: true })));
  });

  const loggedIn = (req, res, next) => (req.user ? next() : res.status(401).json({ error: 'log in first' }));
  // A message to every tab of the user, on every node.
  app.post('/api/notify', loggedIn, (req, res) => {
    emitToUser(io, req.user.id, 'notification', { text: 'hello', from: SERVER_NAME });
    res.json({ ok: true });
  });

  server.listen(PORT, process.env.HOST || '127.0.0.1', () => {
    console.log(`${SERVER_NAME} listening on http://127.0.0.1:${server.address().port}`);
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
