// A CommonJS app on the installed tarball: a real socket.io server and client, and a session that
// express-session's MemoryStore holds. Prints what it saw as JSON; exits non-zero on a surprise.
const assert = require('node:assert/strict');
const { createHmac } = require('node:crypto');
const { createServer } = require('node:http');
const session = require('express-session');
const { Passport } = require('passport');
const { Server } = require('socket.io');
const ioClient = require('socket.io-client');
const passportSocketIo = require('passport.socketio-compat');

const SECRET = 'packaging check';
// express-session's cookie value: s:<sid>.<HMAC-SHA256 in base64 without padding>
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

async function main() {
  assert.equal(typeof passportSocketIo.authorize, 'function');
  assert.equal(typeof passportSocketIo.filterSocketsByUser, 'function');
  const store = new session.MemoryStore();
  const passport = new Passport();
  passport.deserializeUser((id, done) => done(null, { id, name: 'Alice' }));
  await new Promise((resolve) => store.set('sid-of-alice', { cookie: { originalMaxAge: null }, passport: { user: 1 } }, resolve));

  const http = createServer();
  const io = new Server(http);
  io.use(passportSocketIo.authorize({ store, secret: SECRET, passport }));
  io.on('connection', (socket) => socket.on('whoami', (ack) => ack(socket.request.user)));
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${http.address().port}`;
  try {
    const visitor = await connect(url);
    const alice = await connect(url, signedCookie('sid-of-alice'));
    assert.deepEqual(visitor, { refused: 'No session found', code: 'ERR_NO_SESSION' });
    assert.deepEqual(alice, { user: { id: 1, name: 'Alice', logged_in: true } });
    console.log(JSON.stringify({ format: 'commonjs', resolved: require.resolve('passport.socketio-compat'), visitor, alice }));
  } finally {
    io.close();
    http.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
