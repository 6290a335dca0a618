// A legacy app written for passport.socketio, as its README taught: not one line changed for the
// migration. package.json installs passport.socketio-compat under the old name.
var http = require('node:http');
var express = require('express');
var session = require('express-session');
var cookieParser = require('cookie-parser');
var passport = require('passport');
var LocalStrategy = require('passport-local').Strategy;
var passportSocketIo = require('passport.socketio');

var users = [{ id: 1, username: 'alice', password: 'wonderland' }];
passport.use(
  new LocalStrategy((username, password, done) => {
    var user = users.filter((u) => u.username === username && u.password === password)[0];
    done(null, user || false);
  }),
);
passport.serializeUser((user, done) => {
  done(null, user.id);
});
passport.deserializeUser((id, done) => {
  var user = users.filter((u) => u.id === id)[0];
  done(null, user ? { id: user.id, username: user.username } : false);
});

var sessionStore = new session.MemoryStore();
var app = express();
app.use(cookieParser());
app.use(express.urlencoded({ extended: false }));
app.use(session({ key: 'express.sid', secret: 'session_secret', store: sessionStore, resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
app.post('/login', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/login' }));
app.get('/', (req, res) => {
  res.send(req.user ? 'hello ' + req.user.username : 'please log in');
});

var server = http.createServer(app);
var io = require('socket.io')(server);

io.use(
  passportSocketIo.authorize({
    cookieParser: cookieParser,
    key: 'express.sid',
    secret: 'session_secret',
    store: sessionStore,
    success: onAuthorizeSuccess,
    fail: onAuthorizeFail,
  }),
);

function onAuthorizeSuccess(_data, accept) {
  accept();
}

function onAuthorizeFail(_data, message, error, accept) {
  if (error) throw new Error(message);
  return accept(new Error(message));
}

io.on('connection', (socket) => {
  socket.emit('welcome', 'hello ' + socket.request.user.username);
});

server.listen(process.env.PORT || 3000, '127.0.0.1', () => {
  console.log('listening on ' + server.address().port);
});
