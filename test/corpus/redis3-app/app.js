// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)
var url = require('url');
var express = require('express');
var session = require('express-session');
var RedisStore = require('connect-redis')(session);
var cookieParser = require('cookie-parser');
var passport = require('passport');
var LocalStrategy = require('passport-local').Strategy;
var passportSocketIo = require('passport.socketio');

var redis = url.parse(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
var sessionStore = new RedisStore({
  host: redis.hostname,
  port: Number(redis.port),
  prefix: process.env.SESSION_PREFIX || 'sess:',
  ttl: 3600,
  logErrors: true,
});

var people = [
  { id: 7, login: 'erin', pass: 'erin-pw' },
  { id: 8, login: 'frank', pass: 'frank-pw' },
];
passport.use(
  new LocalStrategy(function (username, password, done) {
    var person = people.filter(function (p) {
      return p.login === username && p.pass === password;
    })[0];
    done(null, person || false);
  }),
);
passport.serializeUser(function (person, done) {
  done(null, person.id);
});
passport.deserializeUser(function (id, done) {
  var person = people.filter(function (p) {
    return p.id === id;
  })[0];
  done(null, person ? { id: person.id, login: person.login } : false);
});

var app = express();
app.use(express.urlencoded({ extended: false }));
app.use(cookieParser());
app.use(session({ name: 'app.sid', secret: 'redis3 secret', store: sessionStore, resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
app.post('/login', passport.authenticate('local'), function (req, res) {
  res.json({ id: req.user.id });
});
app.post('/logout', function (req, res) {
  req.logout();
  res.json({ ok: true });
});

var server = require('http').createServer(app);
var io = require('socket.io')(server);
io.use(
  passportSocketIo.authorize({
    key: 'app.sid',
    secret: 'redis3 secret',
    store: sessionStore,
    cookieParser: cookieParser,
    success: function (data, accept) {
      accept();
    },
    fail: function (data, message, critical, accept) {
      if (critical) console.error('socket auth error:', message);
      accept(new Error(message));
    },
  }),
);
io.on('connection', function (socket) {
  socket.emit('welcome', socket.request.user.login);
  socket.on('note', function (to, text) {
    passportSocketIo
      .filterSocketsByUser(io, function (user) {
        return user.login === to;
      })
      .forEach(function (s) {
        s.emit('note', { from: socket.request.user.login, text: text });
      });
  });
});

server.listen(process.env.PORT || 3000, function () {
  console.log('listening on port ' + server.address().port);
});
