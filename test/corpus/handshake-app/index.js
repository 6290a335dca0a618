// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)
var express = require('express');
var bodyParser = require('body-parser');
var cookieParser = require('cookie-parser');
var session = require('express-session');
var passport = require('passport');
var LocalStrategy = require('passport-local').Strategy;
var passportSocketIo = require('passport.socketio');

var accounts = { carol: 'carol-pw', dave: 'dave-pw' };
var sessionStore = new session.MemoryStore();
var SECRET = 'handshake secret';

passport.use(
  new LocalStrategy(function (username, password, done) {
    if (accounts[username] !== password) return done(null, false);
    done(null, { username: username });
  }),
);
passport.serializeUser(function (user, done) {
  done(null, user.username);
});
passport.deserializeUser(function (username, done) {
  if (!accounts[username]) return done(null, false);
  done(null, { username: username, since: 2016 });
});

var app = express();
app.use(bodyParser.urlencoded({ extended: false }));
app.use(cookieParser(SECRET));
app.use(session({ secret: SECRET, store: sessionStore, resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
app.post('/login', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/login' }));
app.get('/logout', function (req, res) {
  req.logout();
  res.redirect('/');
});

var server = require('http').Server(app);
var io = require('socket.io')(server);

// Written for socket.io 0.9 and kept when the app moved to 1.x, whose io.set('authorization')
// still calls it with the request: fail tells the two generations apart by data.socketio_version_1.
io.set(
  'authorization',
  passportSocketIo.authorize({
    cookieParser: cookieParser,
    secret: SECRET,
    store: sessionStore,
    fail: function (data, message, critical, accept) {
      if (data.socketio_version_1) return accept(new Error(message));
      accept(message, false);
    },
  }),
);

io.sockets.on('connection', function (socket) {
  var user = socket.request.user;
  socket.emit('welcome', user.username);
  socket.on('say', function (text) {
    io.sockets.emit('said', { from: socket.request.user.username, text: text });
  });
});

server.listen(process.env.PORT || 8080, function () {
  console.log('listening on port ' + server.address().port);
});
