// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)
const http = require('http');
const express = require('express');
const session = require('express-session');
const MemoryStore = require('memorystore')(session);
const passport = require('passport');
const { Strategy: LocalStrategy } = require('passport-local');
const { Server } = require('socket.io');
const passportSocketIo = require('passport.socketio');
const users = require('./users');

const sessionStore = new MemoryStore({ checkPeriod: 24 * 60 * 60 * 1000 });
const secret = process.env.SESSION_SECRET || 'guests welcome';

passport.use(
  new LocalStrategy((username, password, done) => {
    const user = users.byName(username);
    done(null, user && user.password === password ? user : false);
  }),
);
passport.serializeUser((user, done) => done(null, user.id));
passport.deserializeUser((id, done) => done(null, users.byId(id) || false));

const app = express();
app.use(express.json());
app.use(session({ secret, store: sessionStore, resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
app.use(express.static(`${__dirname}/public`));

app.post('/api/login', passport.authenticate('local'), (req, res) => res.json({ username: req.user.username }));
app.post('/api/logout', (req, res, next) => {
  req.logout((err) => (err ? next(err) : res.json({ ok: true })));
});

const server = http.createServer(app);
const io = new Server(server, { cors: { origin: 'http://localhost:8080' } });

io.use(
  passportSocketIo.authorize({
    secret,
    store: sessionStore,
    passport,
    fail: (data, message, critical, accept) => {
      if (critical) return accept(new Error(message));
      // Not logged in: come in as a guest.
      accept();
    },
  }),
);

io.on('connection', (socket) => {
  const { user } = socket.request;
  const name = user.logged_in ? user.username : 'guest';
  if (user.logged_in) socket.join(`user:${user.id}`);
  socket.emit('hello', { name, loggedIn: user.logged_in });

  socket.on('chat message', (text) => io.emit('chat message', { from: name, text }));

  socket.on('direct message', ({ to, text }, ack) => {
    if (!socket.request.user.logged_in) return ack({ error: 'log in to send direct messages' });
    const target = users.byName(to);
    if (!target) return ack({ error: `no such user: ${to}` });
    io.to(`user:${target.id}`).emit('direct message', { from: name, text });
    ack({ ok: true });
  });
});

server.listen(process.env.PORT || 3000, () => {
  console.log(`listening on port ${server.address().port}`);
});
