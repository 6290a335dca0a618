// An ES module app on the installed tarball: named and default imports, a real socket.io server
// and client. Prints what it saw as JSON; exits non-zero on a surprise.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import session from 'express-session';
import { Passport } from 'passport';
import passportSocketIo, { AuthorizationError, authorize, ErrorCodes, filterSocketsByUser } from 'passport.socketio-compat';
import { Server } from 'socket.io';
import { io as ioClient } from 'socket.io-client';

const SECRET = 'packaging check';
const signedCookie = (sid) =>
  `connect.sid=${encodeURIComponent(`s:${sid}.${createHmac('sha256', SECRET).update(sid).digest('base64').replace(/=+$/, '')}`)}`;

function connect(url, cookie) {
  const socket = ioClient(url, { forceNew: true, reconnection: false, transports: ['websocket'], extraHeaders: cookie ? { cookie } : {} });
  return new Promise((resolve) => {
    socket.on('connect', () =>
      socket.emit('whoami', (user) => {
        socket.close();
        resolve({ user });
      }),
    );
    socket.on('connect_error', (err) => {
      socket.close();
      resolve({ refused: err.message, code: err.data?.code });
    });
  });
}

assert.equal(passportSocketIo.authorize, authorize);
assert.equal(passportSocketIo.filterSocketsByUser, filterSocketsByUser);
assert.equal(ErrorCodes.NO_SESSION, 'ERR_NO_SESSION');
assert.equal(typeof AuthorizationError, 'function');

const store = new session.MemoryStore();
const passport = new Passport();
passport.deserializeUser((id, done) => done(null, { id, name: 'Alice' }));
await new Promise((resolve) => store.set('sid-of-alice', { cookie: { originalMaxAge: null }, passport: { user: 1 } }, resolve));

const http = createServer();
const io = new Server(http);
io.use(authorize({ store, secret: SECRET, passport }));
io.on('connection', (socket) => socket.on('whoami', (ack) => ack(socket.request.user)));
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${http.address().port}`;
try {
  const visitor = await connect(url);
  const alice = await connect(url, signedCookie('sid-of-alice'));
  assert.deepEqual(visitor, { refused: 'No session found', code: 'ERR_NO_SESSION' });
  assert.deepEqual(alice, { user: { id: 1, name: 'Alice', logged_in: true } });
  console.log(JSON.stringify({ format: 'esm', resolved: import.meta.resolve('passport.socketio-compat'), visitor, alice }));
} finally {
  io.close();
  http.close();
}
