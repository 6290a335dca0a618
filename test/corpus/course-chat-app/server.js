// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)
'use strict';
const express = require('express');
const bodyParser = require('body-parser');
const session = require('express-session');
const passport = require('passport');
const LocalStrategy = require('passport-local');
const passportSocketIo = require('passport.socketio');
const cookieParser = require('cookie-parser');

const app = express();
const http = require('http').createServer(app);
const io = require('socket.io')(http);
const store = new session.MemoryStore();
const members = [
  { _id: 'u1', username: 'alice', password: 'alice-pw', name: 'Alice' },
  { _id: 'u2', username: 'bob', password: 'bob-pw', name: 'Bob' },
];

app.use(bodyParser.urlencoded({ extended: true }));
app.use(
  session({
    secret: process.env.SESSION_SECRET || 'course secret',
    resave: true,
    saveUninitialized: true,
    cookie: { secure: false },
    key: 'express.sid',
    store: store,
  }),
);
app.use(passport.initialize());
app.use(passport.session());

passport.serializeUser((user, done) => done(null, user._id));
passport.deserializeUser((id, done) => done(null, members.find((m) => m._id === id) || null));
passport.use(
  new LocalStrategy((username, password, done) => {
    const user = members.find((m) => m.username === username);
    if (!user) return done(null, false);
    if (password !== user.password) return done(null, false);
    return done(null, user);
  }),
);

app.route('/').get((req, res) => res.send(req.user ? 'chat of ' + req.user.username : 'please log in'));
app.route('/login').post(passport.authenticate('local', { failureRedirect: '/' }), (req, res) => res.redirect('/chat'));
app.route('/chat').get((req, res) => res.send(req.isAuthenticated() ? 'chat' : 'no'));
app.route('/logout').get((req, res) => {
  req.logout();
  res.redirect('/');
});

function onAuthorizeSuccess(data, accept) {
  console.log('successful connection to socket.io');
  accept(null, true);
}

function onAuthorizeFail(data, message, error, accept) {
  if (error) throw new Error(message);
  console.log('failed connection to socket.io:', message);
  accept(null, false);
}

io.use(
  passportSocketIo.authorize({
    cookieParser: cookieParser,
    key: 'express.sid',
    secret: process.env.SESSION_SECRET || 'course secret',
    store: store,
    success: onAuthorizeSuccess,
    fail: onAuthorizeFail,
  }),
);

let currentUsers = 0;
io.on('connection', (socket) => {
  ++currentUsers;
  io.emit('user', { name: socket.request.user.name, currentUsers, connected: true });
  socket.on('chat message', (message) => {
    io.emit('chat message', { name: socket.request.user.name, message });
  });
  socket.on('disconnect', () => {
    --currentUsers;
    io.emit('user', { name: socket.request.user.name, currentUsers, connected: false });
  });
});

const listener = http.listen(process.env.PORT || 3000, () => {
  console.log('listening on port ' + listener.address().port);
});
