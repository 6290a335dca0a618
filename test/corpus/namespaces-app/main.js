// biome-ignore-all lint: legacy code, kept as apps of its time wrote it (the corpus is what the doctor and the tests read)
var express = require('express');
var session = require('express-session');
var cookieParser = require('cookie-parser');
var passport = require('passport');
var LocalStrategy = require('passport-local').Strategy;
var passportSocketIo = require('passport.socketio');

var staff = {
  grace: { password: 'grace-pw', admin: true },
  heidi: { password: 'heidi-pw', admin: false },
};
var store = new session.MemoryStore();
var secret = 'namespaces secret';

passport.use(
  new LocalStrategy(function (username, password, done) {
    var member = staff[username];
    done(null, member && member.password === password ? { name: username, admin: member.admin } : false);
  }),
);
passport.serializeUser(function (user, done) {
  done(null, user.name);
});
passport.deserializeUser(function (name, done) {
  done(null, staff[name] ? { name: name, admin: staff[name].admin } : false);
});

var app = express();
app.use(express.json());
app.use(session({ secret: secret, store: store, resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
app.post('/api/session', passport.authenticate('local'), function (req, res) {
  res.json(req.user);
});
app.delete('/api/session', function (req, res) {
  req.logout();
  res.json({});
});

function refuse(data, message, critical, accept) {
  if (data.socketio_version_1) accept(new Error(message));
  else accept(null, false);
}

var server = require('http').createServer(app);
var io = require('socket.io')(server);
var chat = io.of('/chat');
var admin = io.of('/admin');
chat.use(passportSocketIo.authorize({ cookieParser: cookieParser, secret: secret, store: store, fail: refuse }));
admin.use(
  passportSocketIo.authorize({
    cookieParser: cookieParser,
    secret: secret,
    store: store,
    success: function (data, accept) {
      if (data.user.admin) accept(null, true);
      else accept(new Error('admins only'));
    },
    fail: refuse,
  }),
);

chat.on('connection', function (socket) {
  socket.emit('joined', socket.request.user.name);
  socket.on('line', function (text) {
    chat.emit('line', { from: socket.request.user.name, text: text });
  });
});
admin.on('connection', function (socket) {
  socket.on('kick', function (name, ack) {
    var kicked = passportSocketIo.filterSocketsByUser(chat, function (user) {
      return user.name === name;
    });
    kicked.forEach(function (s) {
      s.disconnect(true);
    });
    ack(kicked.length);
  });
});

server.listen(process.env.PORT || 0, function () {
  console.log('listening on port ' + server.address().port);
});
