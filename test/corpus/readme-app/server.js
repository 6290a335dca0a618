// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)
var http = require('http');
var express = require('express');
var bodyParser = require('body-parser');
var cookieParser = require('cookie-parser');
var session = require('express-session');
var passport = require('passport');
var LocalStrategy = require('passport-local').Strategy;
var passportSocketIo = require('passport.socketio');
var users = require('./users');

var sessionStore = new session.MemoryStore();

passport.use(
  new LocalStrategy(function (username, password, done) {
    var user = users.findByUsername(username);
    if (!user || user.password !== password) return done(null, false, { message: 'Incorrect username or password.' });
    return done(null, user);
  }),
);
passport.serializeUser(function (user, done) {
  done(null, user.id);
});
passport.deserializeUser(function (id, done) {
  done(null, users.findById(id) || false);
});

var app = express();
app.use(bodyParser.urlencoded({ extended: false }));
app.use(cookieParser());
app.use(
  session({
    key: 'express.sid',
    secret: 'session_secret',
    store: sessionStore,
    resave: false,
    saveUninitialized: false,
  }),
);
app.use(passport.initialize());
app.use(passport.session());

app.get('/', function (req, res) {
  res.send(req.user ? 'Hello ' + req.user.name : '<form method="post" action="/login">...</form>');
});
app.post('/login', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/' }));
app.get('/logout', function (req, res) {
  req.logout();
  res.redirect('/');
});

var server = http.createServer(app);
var io = require('socket.io')(server);

io.use(
  passportSocketIo.authorize({
    cookieParser: cookieParser, // the same middleware you registered in express
    key: 'express.sid', // the name of the cookie where express/connect stores its session_id
    secret: 'session_secret', // the session_secret to parse the cookie
    store: sessionStore, // we NEED to use a sessionstore. no memorystore please
    success: onAuthorizeSuccess, // *optional* callback on success
    fail: onAuthorizeFail, // *optional* callback on fail/error
  }),
);

function onAuthorizeSuccess(data, accept) {
  console.log('successful connection to socket.io');
  accept();
}

function onAuthorizeFail(data, message, error, accept) {
  if (error) console.error('socket.io authorization error:', message);
  console.log('failed connection to socket.io:', message);
  // this error will be sent to the user as a special error-package
  accept(new Error(message));
}

io.on('connection', function (socket) {
  var user = socket.request.user;
  socket.emit('welcome', 'Hello ' + user.name);

  socket.on('private message', function (to, text) {
    passportSocketIo
      .filterSocketsByUser(io, function (other) {
        return other.username === to;
      })
      .forEach(function (target) {
        target.emit('private message', user.username, text);
      });
  });
});

server.listen(process.env.PORT || 3000, function () {
  console.log('listening on port ' + server.address().port);
});
