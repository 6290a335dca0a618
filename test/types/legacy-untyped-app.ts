// A chat server typed against @types/passport.socketio by an app that never declared its user on
// Express.User: the user and the handshake data were `any`, so it reads its own fields freely.
// Compiled unchanged, with strict on, for every moduleResolution (test/types.test.ts).

import * as express from 'express';
import * as session from 'express-session';
import * as http from 'http';
import * as passport from 'passport';
import * as passportSocketIo from 'passport.socketio';
import * as socketio from 'socket.io';

import cookieParser = require('cookie-parser');

const app = express();
const server = http.createServer(app);
const io = new socketio.Server(server);
const sessionStore: session.Store = new session.MemoryStore();

app.use(cookieParser());
app.use(session({ name: 'chat.sid', secret: 'chat secret', store: sessionStore, resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());

function onAuthorizeSuccess(data: any, accept: (err?: any, accepted?: boolean) => void): void {
  console.log('socket of', data.user.username, data.socketio_version_1);
  accept(null, true);
}

function onAuthorizeFail(data: any, message: string, critical: boolean, accept: (err?: any, accepted?: boolean) => void): void {
  if (critical) console.error(message, data.headers.cookie);
  accept(null, false);
}

io.use(
  passportSocketIo.authorize({
    cookieParser: cookieParser(),
    key: 'chat.sid',
    secret: 'chat secret',
    store: sessionStore,
    passport: passport,
    success: onAuthorizeSuccess,
    fail: onAuthorizeFail,
  }),
);

// Inline callbacks, typed by the options (the legacy types gave `any`).
io.of('/admin').use(
  passportSocketIo.authorize({
    store: sessionStore,
    secret: 'chat secret',
    success: (data, accept) => {
      if (data.user.role !== 'admin') return accept(new Error('admins only'));
      const nick: string = data.user.nickname;
      console.log(nick, data.query);
      accept();
    },
    fail: (data, message, critical, accept) => {
      const who: string | undefined = data.user.username;
      if (critical || data.socketio_version_1) accept(new Error(who ? message : 'log in first'));
      else accept(null, false);
    },
  }),
);

io.on('connection', (socket: socketio.Socket) => {
  socket.on('private', (to: string, text: string) => {
    for (const target of passportSocketIo.filterSocketsByUser(io, (user) => user.username === to)) target.emit('private', text);
  });
});

const johns: socketio.Socket[] = passportSocketIo.filterSocketsByUser(io, (user) => user.username === 'john');
passportSocketIo
  .filterSocketsByUser(io, (user) => user.logged_in && user.gender === 'female')
  .forEach((socket) => {
    socket.emit('message', 'hello');
  });
console.log(johns.length);
server.listen(3000);
