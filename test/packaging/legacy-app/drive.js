// Drives server.js from outside, as a user would: log in through the form, then open a socket
// with the session cookie, and one without. Prints what it saw as JSON.
var assert = require('node:assert');
var spawn = require('node:child_process').spawn;
var ioClient = require('socket.io-client');

var server = spawn(process.execPath, [require.resolve('./server.js')], { env: Object.assign({}, process.env, { PORT: '0' }) });
server.stderr.pipe(process.stderr);

function portOf(child) {
  return new Promise((resolve, reject) => {
    var out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      var match = /listening on (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => {
      reject(new Error('server.js exited with ' + code));
    });
  });
}

function connect(url, cookie) {
  var socket = ioClient(url, {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie: cookie } : {},
  });
  return new Promise((resolve) => {
    socket.on('welcome', (text) => {
      socket.close();
      resolve({ welcome: text });
    });
    socket.on('error', (message) => {
      socket.close();
      resolve({ refused: message });
    });
  });
}

async function main() {
  var url = 'http://127.0.0.1:' + (await portOf(server));
  var login = await fetch(url + '/login', {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=alice&password=wonderland',
  });
  await login.arrayBuffer();
  assert.equal(login.headers.get('location'), '/');
  var cookie = login.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .filter((pair) => pair.indexOf('express.sid=') === 0)[0];
  assert.ok(cookie, 'the login set the express.sid cookie');
  var alice = await connect(url, cookie);
  var visitor = await connect(url);
  assert.deepEqual(alice, { welcome: 'hello alice' });
  assert.deepEqual(visitor, { refused: 'No session found' });
  console.log(JSON.stringify({ resolved: require.resolve('passport.socketio'), alice: alice, visitor: visitor }));
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    server.kill();
  });
