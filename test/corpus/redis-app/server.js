// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)
const http = require('http');
const express = require('express');
const session = require('express-session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');
const { Passport } = require('passport');
const LocalStrategy = require('passport-local').Strategy;
const passportSocketIo = require('passport.socketio');
const users = require('./users');

const SECRET = process.env.SESSION_SECRET || 'notify secret';
const COOKIE = 'chat.sid';

const redisClient = createClient({ url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' });
redisClient.on('error', (err) => console.error('redis:', err.message));
const sessionStore = new RedisStore({ client: redisClient, prefix: process.env.SESSION_PREFIX || 'sess:' });

// Its own Passport instance: the admin area of this app uses another one.
const auth = new Passport();
auth.use(
  new LocalStrategy((username, password, done) => {
    const user = users.findByUsername(username);
    done(null, user && user.password === password ? user : false);
  }),
);
auth.serializeUser((user, done) => done(null, user.id));
auth.deserializeUser((id, done) => done(null, users.findById(id) || false));

const app = express();
app.use(express.urlencoded({ extended: false }));
app.use(express.json());
app.use(session({ name: COOKIE, secret: SECRET, store: sessionStore, resave: false, saveUninitialized: false }));
app.use(auth.initialize());
app.use(auth.session());

const server = http.createServer(app);
const io = require('socket.io')(server);

app.post('/login', auth.authenticate('local'), (req, res) => res.json({ id: req.user.id }));

// Pushes a notification to every tab of one user.
app.post('/notify', (req, res) => {
  if (!req.user) return res.status(401).json({ error: 'log in first' });
  const sockets = passportSocketIo.filterSocketsByUser(io, (user) => user.username === req.body.to);
  for (const socket of sockets) socket.emit('notification', { from: req.user.username, text: req.body.text });
  res.json({ delivered: sockets.length });
});

// Logging out closes the user's sockets in every tab.
app.post('/logout', (req, res) => {
  if (req.user) {
    const id = req.user.id;
    for (const socket of passportSocketIo.filterSocketsByUser(io, (user) => user.id === id)) socket.disconnect(true);
  }
  req.logout();
  res.json({ ok: true });
});

io.use(
  passportSocketIo.authorize({
    key: COOKIE,
    secret: SECRET,
    store: sessionStore,
    passport: auth,
    fail: (data, message, error, accept) => {
      if (error) console.error('socket auth error:', message);
      accept(new Error(message));
    },
  }),
);

io.on('connection', (socket) => {
  socket.emit('ready', socket.request.user.username);
});

process.on('SIGTERM', () => {
  io.close();
  redisClient.quit().finally(() => process.exit(0));
});

redisClient.connect().then(() => {
  server.listen(process.env.PORT || 3000, () => {
    console.log(`listening on port ${server.address().port}`);
  });
});
