// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)
var http = require('http');
var express = require('express');
var bodyParser = require('body-parser');
var session = require('express-session');
var passport = require('passport');
var LocalStrategy = require('passport-local').Strategy;
var passportSocketIo = require('passport.socketio');
var db = require('./db');

var sessionStore = new session.MemoryStore();

passport.use(
  new LocalStrategy(function (username, password, done) {
    db.users.findByUsername(username, function (err, user) {
      if (err) return done(err);
      if (!user || user.password !== password) return done(null, false);
      done(null, user);
    });
  }),
);
passport.serializeUser(function (user, done) {
  done(null, user.id);
});
passport.deserializeUser(function (id, done) {
  db.users.findById(id, done);
});

var app = express();
app.use(bodyParser.urlencoded({ extended: true }));
app.use(session({ secret: 'chat secret', store: sessionStore }));
app.use(passport.initialize());
app.use(passport.session());
app.use(express.static(__dirname + '/public'));

app.get('/', function (req, res) {
  res.send('<form method="post" action="/login">...</form>');
});
app.post('/login', passport.authenticate('local', { successRedirect: '/chat', failureRedirect: '/' }));
// The page gives the script its session id, for browsers that would not send the cookie.
app.get('/chat', function (req, res) {
  if (!req.user) return res.redirect('/');
  res.send(
    '<script>var SESSION_ID = ' +
      JSON.stringify(req.sessionID) +
      ';</script>' +
      '<script src="/socket.io/socket.io.js"></script><script src="/chat.js"></script>',
  );
});
app.get('/logout', function (req, res) {
  req.logout();
  res.redirect('/');
});

var server = http.createServer(app);
var io = require('socket.io')(server);

io.use(
  passportSocketIo.authorize({
    secret: 'chat secret',
    store: sessionStore,
    success: function (data, accept) {
      accept(null, true);
    },
    fail: function (data, message, critical, accept) {
      if (critical) throw new Error(message);
      console.log('refused socket.io connection:', message);
      accept(null, false);
    },
  }),
);

io.on('connection', function (socket) {
  var user = socket.request.user;
  socket.join('user:' + user.id);
  socket.emit('welcome', user.username);

  socket.on('private message', function (message) {
    db.users.findByUsername(message.to, function (err, target) {
      if (err || !target) return socket.emit('private message error', 'no such user: ' + message.to);
      io.to('user:' + target.id).emit('private message', { from: user.username, text: message.text });
    });
  });
});

server.listen(process.env.PORT || 3000, function () {
  console.log('listening on port ' + server.address().port);
});
