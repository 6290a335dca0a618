// One legacy app, copied into each pinned fixture: an Express login through passport-local, then
// socket.io with authorize() as the legacy README set it up. It loads the package under the name
// given in PASSPORT_SOCKETIO (the old name or the new one), drives itself with the socket.io client
// the fixture pins, and prints one JSON line of what a user saw.
var http = require('node:http');
var express = require('express');
var session = require('express-session');
var passport = require('passport');
var LocalStrategy = require('passport-local').Strategy;
var socketIo = require('socket.io');
var ioClient = require('socket.io-client');
var passportSocketIo = require(process.env.PASSPORT_SOCKETIO || 'passport.socketio');

var users = { 1: { id: 1, username: 'alice', password: 'wonderland' } };
passport.use(
  new LocalStrategy((username, password, done) => {
    var user = users[1].username === username && users[1].password === password ? users[1] : null;
    done(null, user || false);
  }),
);
passport.serializeUser((user, done) => {
  done(null, user.id);
});
passport.deserializeUser((id, done) => {
  done(null, users[id] || false);
});

var store = new session.MemoryStore();
var app = express();
app.use(session({ secret: 'pinned secret', key: 'connect.sid', store: store, resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
app.post('/login', (req, res, next) => {
  // A form body, parsed by hand: the fixture pins only what the check is about.
  var body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    req.body = require('node:querystring').parse(body);
    passport.authenticate('local', (err, user) => {
      if (err || !user) return res.status(401).end();
      req.logIn(user, (loginErr) => {
        if (loginErr) return next(loginErr);
        res.end('ok');
      });
    })(req, res, next);
  });
});

var server = http.createServer(app);
var io = socketIo(server);
var options = {
  store: store,
  secret: 'pinned secret',
  key: 'connect.sid',
  success: (_data, accept) => {
    accept(null, true);
  },
  fail: (_data, message, _critical, accept) => {
    accept(new Error(message));
  },
};
try {
  options.cookieParser = require('cookie-parser');
} catch {
  // This app has no cookie-parser: the option is optional.
}
io.use(passportSocketIo.authorize(options));
io.on('connection', (socket) => {
  socket.emit('welcome', 'hello ' + socket.request.user.username);
});

function connect(url, cookie) {
  var socket = ioClient(url, {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie: cookie } : {},
  });
  return new Promise((resolve) => {
    var done = (outcome) => {
      socket.close();
      resolve(outcome);
    };
    socket.on('welcome', (text) => {
      done({ welcome: text });
    });
    socket.on('error', (err) => {
      done({ refused: typeof err === 'string' ? err : err.message });
    });
    socket.on('connect_error', (err) => {
      done({ refused: err.message });
    });
  });
}

server.listen(0, '127.0.0.1', () => {
  var url = 'http://127.0.0.1:' + server.address().port;
  var timer = setTimeout(() => {
    console.error('no outcome within 20 s');
    process.exit(1);
  }, 20000);
  fetch(url + '/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=alice&password=wonderland',
  })
    .then((response) => {
      var cookie = response.headers.getSetCookie().map((line) => line.split(';')[0])[0];
      return Promise.all([connect(url, cookie), connect(url)]);
    })
    .then((outcomes) => {
      clearTimeout(timer);
      console.log(
        JSON.stringify({
          resolved: require.resolve(process.env.PASSPORT_SOCKETIO || 'passport.socketio'),
          alice: outcomes[0],
          visitor: outcomes[1],
        }),
      );
      process.exit(0);
    });
});
