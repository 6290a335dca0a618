/**
 * The legacy corpus (test/corpus): apps written for passport.socketio run unchanged on the build,
 * each twice: after `doctor --fix` swapped the import, and with the successor installed under
 * the old name. A scripted socket.io client of each app's major logs in over HTTP, connects,
 * sends a user-scoped message, is refused (or let in as a guest) without a valid session, and
 * logs out. Each app runs as a child process with plain node.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { aliasLegacyName, childEnv, copyApp, installDependencies, readManifest, runCli } from './doctor/install-app';
import { REDIS_URL, requireService, uniqueName } from './support/services';

type Any = any;
type Route = 'import swap' | 'zero-code';
const ROUTES: Route[] = ['import swap', 'zero-code'];

const CLIENTS: Record<number, Any> = {
  1: require('socket.io-client-v1'),
  2: require('socket.io-client-v2'),
  3: require('socket.io-client-v3'),
  4: require('socket.io-client'),
};

/** How long a scripted step may wait for the app before the test fails with what it was waiting for. */
const WAIT_MS = 10_000;

interface RunningApp {
  url: string;
  dir: string;
  socketIoMajor: number;
  /** What the app printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<RunningApp>();
after(async () => {
  for (const app of running) await app.stop();
});

/**
 * Copies the app, takes the route (the doctor's --fix, or the old name aliased to the
 * successor), installs its dependencies and starts it on a free port.
 */
async function startApp(name: string, route: Route, env: Record<string, string> = {}): Promise<RunningApp> {
  const copy = copyApp(name);
  try {
    return await runApp(name, route, env, copy);
  } catch (err) {
    copy.remove();
    throw err;
  }
}

async function runApp(name: string, route: Route, env: Record<string, string>, copy: ReturnType<typeof copyApp>): Promise<RunningApp> {
  const manifest = readManifest(copy.dir);
  const main = join(copy.dir, manifest.main ?? 'index.js');
  if (route === 'import swap') {
    const fix = runCli([copy.dir, '--fix']);
    assert.match(fix.stdout, /^\+.*(require\(|from )'passport\.socketio-compat'/m, fix.stdout + fix.stderr);
    assert.match(readFileSync(main, 'utf8'), /(require\(|from )'passport\.socketio-compat'/);
  } else {
    aliasLegacyName(copy.dir);
    assert.match(readFileSync(main, 'utf8'), /(require\(|from )'passport\.socketio'/);
  }
  installDependencies(copy.dir);
  // What the app's own require resolves to: the successor, and no legacy package anywhere.
  const resolveFromApp = (module: string) =>
    execFileSync(process.execPath, ['-p', `try { require('${module}/package.json').name } catch { 'not installed' }`], {
      cwd: copy.dir,
      encoding: 'utf8',
      env: childEnv(),
    }).trim();
  if (route === 'zero-code') {
    assert.equal(resolveFromApp('passport.socketio'), 'passport.socketio-compat', 'the old name loads the successor');
  } else {
    assert.equal(resolveFromApp('passport.socketio-compat'), 'passport.socketio-compat');
    assert.equal(resolveFromApp('passport.socketio'), 'not installed');
  }

  // A TypeScript app runs from its sources, as with ts-node or tsx; it is type-checked first.
  const typescript = main.endsWith('.ts');
  if (typescript) {
    const tsc = spawnSync(process.execPath, [join(__dirname, '../node_modules/typescript/bin/tsc'), '-p', copy.dir], {
      encoding: 'utf8',
      env: childEnv(),
    });
    assert.equal(tsc.status, 0, `${name} does not type-check (${route}):\n${tsc.stdout}${tsc.stderr}`);
  }
  const args = typescript ? ['--import', pathToFileURL(join(__dirname, '../node_modules/tsx/dist/loader.mjs')).href, main] : [main];
  const child = spawn(process.execPath, args, { cwd: copy.dir, env: childEnv({ PORT: '0', ...env }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const app: RunningApp = {
    url: '',
    dir: copy.dir,
    socketIoMajor: Number(/\d+/.exec(manifest.dependencies?.['socket.io'] ?? '')?.[0]),
    output: () => output,
    async stop() {
      running.delete(app);
      await stopChild(child);
      copy.remove();
    },
  };
  running.add(app);
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${WAIT_MS} ms:\n${output}`)), WAIT_MS);
    const look = () => {
      const match = /listening on port (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout.on('data', look);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  }).catch(async (err) => {
    running.delete(app);
    await stopChild(child);
    throw err;
  });
  app.url = `http://127.0.0.1:${port}`;
  return app;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

// ---- HTTP, as a browser does it ----

interface HttpResult {
  status: number;
  location: string | null;
  cookies: string[];
  text: string;
}

async function request(
  app: RunningApp,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { cookie?: string; form?: Record<string, string>; json?: unknown } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(app.url + path, { method, headers, body, redirect: 'manual' });
  return {
    status: response.status,
    location: response.headers.get('location'),
    cookies: response.headers.getSetCookie().map((line) => line.split(';')[0] as string),
    text: await response.text(),
  };
}

function cookieNamed(result: HttpResult, name: string): string {
  const cookie = result.cookies.find((pair) => pair.startsWith(`${name}=`));
  assert.ok(cookie, `expected a ${name} cookie, got ${JSON.stringify(result.cookies)} (status ${result.status})`);
  return cookie;
}

/** The same cookie with its session id changed and the signature kept: a forgery. */
function tamper(cookie: string): string {
  const [name, value] = cookie.split('=') as [string, string];
  const signed = decodeURIComponent(value);
  const dot = signed.lastIndexOf('.');
  const sid = signed.slice(2, dot);
  const forged = `s:${sid.slice(0, -1)}${sid.endsWith('A') ? 'B' : 'A'}${signed.slice(dot)}`;
  return `${name}=${encodeURIComponent(forged)}`;
}

// ---- socket.io clients of the app's major ----

interface Client {
  socket: Any;
  /** Every recorded event, in order, as [name, ...args]. */
  events: Any[][];
  count(name: string): number;
  next(name: string): Promise<Any[]>;
  ack(name: string, ...args: Any[]): Promise<Any>;
  close(): void;
}

type Outcome = { connected: true; client: Client } | { connected: false; message: string };

const clients = new Set<Client>();
after(() => {
  for (const client of clients) client.close();
});

/** Connects like a browser would (the cookie, or a query), recording `record` events from the start. */
function connect(
  app: RunningApp,
  options: { cookie?: string; query?: Record<string, string>; record?: string[]; namespace?: string },
): Promise<Outcome> {
  const io = CLIENTS[app.socketIoMajor];
  const socket = io(app.url + (options.namespace ?? ''), {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    extraHeaders: options.cookie ? { cookie: options.cookie } : {},
    query: options.query,
  });
  const events: Any[][] = [];
  const consumed = new Map<string, number>();
  const waiters = new Set<() => void>();
  const ofName = (name: string) => events.filter(([event]) => event === name);
  for (const name of [...(options.record ?? []), 'disconnect']) {
    socket.on(name, (...args: Any[]) => {
      events.push([name, ...args]);
      for (const wake of waiters) wake();
    });
  }
  const client: Client = {
    socket,
    events,
    count: (name) => ofName(name).length,
    /** The next event of that name this test has not looked at yet, waiting for it if need be. */
    next(name) {
      const index = consumed.get(name) ?? 0;
      consumed.set(name, index + 1);
      return new Promise((resolve, reject) => {
        const wake = () => {
          const event = ofName(name)[index];
          if (!event) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(event.slice(1));
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no '${name}' event within ${WAIT_MS} ms:\n${app.output()}`));
        }, WAIT_MS);
        waiters.add(wake);
        wake();
      });
    },
    ack: (name, ...args) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to '${name}' within ${WAIT_MS} ms`)), WAIT_MS);
        socket.emit(name, ...args, (answer: Any) => {
          clearTimeout(timer);
          resolve(answer);
        });
      }),
    close() {
      clients.delete(client);
      socket.close();
    },
  };
  clients.add(client);
  return new Promise((resolve) => {
    const finish = (outcome: Outcome) => {
      clearTimeout(timer);
      socket.off('connect');
      if (!outcome.connected) client.close();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ connected: false, message: `client gave up after ${WAIT_MS} ms` }), WAIT_MS);
    socket.on('connect', () => finish({ connected: true, client }));
    // socket.io 3 and 4 report a refused handshake as connect_error, socket.io 2 as error.
    socket.on('connect_error', (err: Any) => finish({ connected: false, message: err?.message ?? String(err) }));
    socket.on('error', (err: Any) => finish({ connected: false, message: typeof err === 'string' ? err : (err?.message ?? String(err)) }));
  });
}

async function connectOk(app: RunningApp, options: Parameters<typeof connect>[1]): Promise<Client> {
  const outcome = await connect(app, options);
  if (!outcome.connected) throw new Error(`expected the connection to be accepted, it was refused: ${outcome.message}\n${app.output()}`);
  return outcome.client;
}

async function refusal(app: RunningApp, options: Parameters<typeof connect>[1]): Promise<string> {
  const outcome = await connect(app, options);
  if (outcome.connected) {
    outcome.client.close();
    throw new Error('expected the connection to be refused, it was accepted');
  }
  return outcome.message;
}

const NOT_LOGGED_IN_AFTER_LOGOUT = 'User not authorized through passport. (User Property not found)';

// ---- the apps ----

for (const route of ROUTES) {
  describe(`readme-app, the README's setup on socket.io 4 (${route})`, () => {
    it('lets logged-in users in, messages one user, refuses anonymous and forged cookies and a logged-out session', async () => {
      const app = await startApp('readme-app', route);
      try {
        const login = async (username: string) => {
          const result = await request(app, 'POST', '/login', { form: { username, password: `${username}-pw` } });
          assert.equal(result.location, '/', `login of ${username} should redirect home`);
          return cookieNamed(result, 'express.sid');
        };
        const aliceCookie = await login('alice');
        const bobCookie = await login('bob');
        const record = ['welcome', 'private message'];
        const alice = await connectOk(app, { cookie: aliceCookie, record });
        const bob = await connectOk(app, { cookie: bobCookie, record });
        assert.deepEqual(await alice.next('welcome'), ['Hello Alice']);
        assert.deepEqual(await bob.next('welcome'), ['Hello Bob']);

        // filterSocketsByUser on socket.io 4 (the legacy package threw here).
        alice.socket.emit('private message', 'bob', 'hi bob');
        assert.deepEqual(await bob.next('private message'), ['alice', 'hi bob']);
        bob.socket.emit('private message', 'alice', 'hi alice');
        assert.deepEqual(await alice.next('private message'), ['bob', 'hi alice']);
        assert.equal(alice.count('private message'), 1, 'alice got only the message meant for her');
        assert.equal(bob.count('private message'), 1, 'bob got only the message meant for him');

        assert.equal(await refusal(app, {}), 'No session found');
        assert.equal(await refusal(app, { cookie: tamper(aliceCookie) }), 'No session found');

        const logout = await request(app, 'GET', '/logout', { cookie: aliceCookie });
        assert.equal(logout.location, '/');
        // Passport 0.4 keeps the session and removes the user from it.
        assert.equal(await refusal(app, { cookie: aliceCookie }), NOT_LOGGED_IN_AFTER_LOGOUT);
        assert.equal(bob.socket.connected, true);
      } finally {
        await app.stop();
      }
    });
  });

  describe(`callback-app, socket.io 0.9-era callbacks on socket.io 3 (${route})`, () => {
    it('accept(null, true) lets users in; accept(null, false) refuses; a throwing fail refuses without crashing', async () => {
      const app = await startApp('callback-app', route);
      try {
        const login = async (username: string) => {
          const result = await request(app, 'POST', '/login', { form: { username, password: `${username}-pw` } });
          assert.equal(result.location, '/chat', `login of ${username} should open the chat`);
          return cookieNamed(result, 'connect.sid');
        };
        const aliceCookie = await login('alice');
        const bobCookie = await login('bob');
        const record = ['welcome', 'private message'];
        const alice = await connectOk(app, { cookie: aliceCookie, record });
        const bob = await connectOk(app, { cookie: bobCookie, record });
        assert.deepEqual(await alice.next('welcome'), ['alice']);
        assert.deepEqual(await bob.next('welcome'), ['bob']);

        alice.socket.emit('private message', { to: 'bob', text: 'hi bob' });
        assert.deepEqual(await bob.next('private message'), [{ from: 'alice', text: 'hi bob' }]);
        assert.equal(alice.count('private message'), 0);

        // fail calls accept(null, false): the legacy package let all of these in.
        assert.equal(await refusal(app, {}), 'handshake unauthorized');
        assert.equal(await refusal(app, { cookie: tamper(aliceCookie) }), 'handshake unauthorized');
        // An anonymous visitor's saved session (saveUninitialized defaulted to true): not critical
        // any more, so the README's `if (critical) throw` no longer crashes the server on it.
        const visitor = cookieNamed(await request(app, 'GET', '/'), 'connect.sid');
        assert.equal(await refusal(app, { cookie: visitor }), 'handshake unauthorized');

        // The page hands its script the raw session id for ?session_id=: no longer enough.
        const page = await request(app, 'GET', '/chat', { cookie: aliceCookie });
        const rawSessionId = JSON.parse(/var SESSION_ID = ("[^"]+")/.exec(page.text)?.[1] ?? 'null');
        assert.equal(typeof rawSessionId, 'string');
        assert.equal(await refusal(app, { query: { session_id: rawSessionId } }), 'handshake unauthorized');
        const signedValue = decodeURIComponent(aliceCookie.slice('connect.sid='.length));
        const bySignedQuery = await connectOk(app, { query: { session_id: signedValue }, record });
        assert.deepEqual(await bySignedQuery.next('welcome'), ['alice']);

        // carol's account is locked: deserializeUser errs, fail throws. Refused, and the server lives on.
        const carolCookie = await login('carol');
        assert.equal(await refusal(app, { cookie: carolCookie }), 'Internal server error');
        const again = await connectOk(app, { cookie: aliceCookie, record });
        assert.deepEqual(await again.next('welcome'), ['alice']);

        const logout = await request(app, 'GET', '/logout', { cookie: aliceCookie });
        assert.equal(logout.location, '/');
        assert.equal(await refusal(app, { cookie: aliceCookie }), 'handshake unauthorized');
      } finally {
        await app.stop();
      }
    });
  });

  describe(`anonymous-app, guests let in by fail on socket.io 4 (${route})`, () => {
    it('lets guests in with logged_in false, keeps direct messages to logged-in users, and a logout makes a guest', async () => {
      const app = await startApp('anonymous-app', route);
      try {
        const login = async (username: string) => {
          const result = await request(app, 'POST', '/api/login', { json: { username, password: `${username}-pw` } });
          assert.equal(result.status, 200);
          return cookieNamed(result, 'connect.sid');
        };
        const aliceCookie = await login('alice');
        const bobCookie = await login('bob');
        const record = ['hello', 'chat message', 'direct message'];
        const alice = await connectOk(app, { cookie: aliceCookie, record });
        const bob = await connectOk(app, { cookie: bobCookie, record });
        const guest = await connectOk(app, { record });
        const forged = await connectOk(app, { cookie: tamper(aliceCookie), record });
        assert.deepEqual(await alice.next('hello'), [{ name: 'alice', loggedIn: true }]);
        assert.deepEqual(await bob.next('hello'), [{ name: 'bob', loggedIn: true }]);
        assert.deepEqual(await guest.next('hello'), [{ name: 'guest', loggedIn: false }]);
        assert.deepEqual(await forged.next('hello'), [{ name: 'guest', loggedIn: false }]);

        assert.deepEqual(await alice.ack('direct message', { to: 'bob', text: 'hi bob' }), { ok: true });
        assert.deepEqual(await bob.next('direct message'), [{ from: 'alice', text: 'hi bob' }]);
        assert.deepEqual(await guest.ack('direct message', { to: 'alice', text: 'psst' }), { error: 'log in to send direct messages' });
        assert.deepEqual(await forged.ack('direct message', { to: 'bob', text: 'it is me, alice' }), {
          error: 'log in to send direct messages',
        });

        guest.socket.emit('chat message', 'hello all');
        assert.deepEqual(await alice.next('chat message'), [{ from: 'guest', text: 'hello all' }]);
        assert.deepEqual(await guest.next('chat message'), [{ from: 'guest', text: 'hello all' }]);
        assert.equal(guest.count('direct message') + forged.count('direct message') + alice.count('direct message'), 0);

        const logout = await request(app, 'POST', '/api/logout', { cookie: aliceCookie });
        assert.equal(logout.status, 200);
        // Passport 0.6 regenerates the session at logout: the old cookie names no session.
        const afterLogout = await connectOk(app, { cookie: aliceCookie, record });
        assert.deepEqual(await afterLogout.next('hello'), [{ name: 'guest', loggedIn: false }]);
      } finally {
        await app.stop();
      }
    });
  });

  describe(`redis-app, socket.io 2 with sessions in Redis and its own Passport (${route})`, async () => {
    if (!(await requireService('redis'))) return;
    it('notifies every tab of one user, refuses anonymous and forged cookies, and closes the tabs at logout', async () => {
      const prefix = `${uniqueName('corpus')}:`;
      const redis = createClient({ url: REDIS_URL });
      await redis.connect();
      const app = await startApp('redis-app', route, { REDIS_URL, SESSION_PREFIX: prefix });
      try {
        const login = async (username: string) => {
          const result = await request(app, 'POST', '/login', { form: { username, password: `${username}-pw` } });
          assert.equal(result.status, 200);
          return cookieNamed(result, 'chat.sid');
        };
        const aliceCookie = await login('alice');
        const bobCookie = await login('bob');
        assert.equal((await redis.keys(`${prefix}*`)).length, 2, 'both sessions are in Redis under the run prefix');

        const record = ['ready', 'notification'];
        const aliceTab1 = await connectOk(app, { cookie: aliceCookie, record });
        const aliceTab2 = await connectOk(app, { cookie: aliceCookie, record });
        const bob = await connectOk(app, { cookie: bobCookie, record });
        assert.deepEqual(await aliceTab1.next('ready'), ['alice']);
        assert.deepEqual(await bob.next('ready'), ['bob']);

        const notify = await request(app, 'POST', '/notify', { cookie: bobCookie, json: { to: 'alice', text: 'ping' } });
        assert.deepEqual(JSON.parse(notify.text), { delivered: 2 });
        assert.deepEqual(await aliceTab1.next('notification'), [{ from: 'bob', text: 'ping' }]);
        assert.deepEqual(await aliceTab2.next('notification'), [{ from: 'bob', text: 'ping' }]);
        assert.equal(bob.count('notification'), 0);

        assert.equal(await refusal(app, {}), 'No session found');
        assert.equal(await refusal(app, { cookie: tamper(bobCookie) }), 'No session found');

        const logout = await request(app, 'POST', '/logout', { cookie: aliceCookie });
        assert.equal(logout.status, 200);
        assert.deepEqual(await aliceTab1.next('disconnect'), ['io server disconnect']);
        assert.deepEqual(await aliceTab2.next('disconnect'), ['io server disconnect']);
        assert.equal(bob.socket.connected, true);
        assert.equal(await refusal(app, { cookie: aliceCookie }), NOT_LOGGED_IN_AFTER_LOGOUT);
      } finally {
        await app.stop();
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(keys);
        await redis.quit();
      }
    });
  });
}

/** Logs in through the app's form and returns its session cookie. */
async function formLogin(
  app: RunningApp,
  path: string,
  username: string,
  cookieName: string,
  expect: { location?: string; status?: number },
) {
  const result = await request(app, 'POST', path, { form: { username, password: `${username}-pw` } });
  if (expect.location !== undefined) assert.equal(result.location, expect.location, `login of ${username}`);
  if (expect.status !== undefined) assert.equal(result.status, expect.status, `login of ${username}`);
  return cookieNamed(result, cookieName);
}

for (const route of ROUTES) {
  describe(`course-chat-app, a course boilerplate's chat on socket.io ~2.3.0 and Express ~4.16 (${route})`, () => {
    it('lets users chat, refuses visitors through accept(null, false) without crashing, and refuses after logout', async () => {
      const app = await startApp('course-chat-app', route);
      try {
        const aliceCookie = await formLogin(app, '/login', 'alice', 'express.sid', { location: '/chat' });
        const bobCookie = await formLogin(app, '/login', 'bob', 'express.sid', { location: '/chat' });
        const record = ['user', 'chat message'];
        const alice = await connectOk(app, { cookie: aliceCookie, record });
        assert.deepEqual(await alice.next('user'), [{ name: 'Alice', currentUsers: 1, connected: true }]);
        const bob = await connectOk(app, { cookie: bobCookie, record });
        assert.deepEqual(await bob.next('user'), [{ name: 'Bob', currentUsers: 2, connected: true }]);
        alice.socket.emit('chat message', 'hello course');
        assert.deepEqual(await bob.next('chat message'), [{ name: 'Alice', message: 'hello course' }]);
        assert.deepEqual(await alice.next('chat message'), [{ name: 'Alice', message: 'hello course' }]);

        // fail answers accept(null, false): refused now (the legacy package let these in).
        assert.equal(await refusal(app, {}), 'handshake unauthorized');
        assert.equal(await refusal(app, { cookie: tamper(aliceCookie) }), 'handshake unauthorized');
        // saveUninitialized: true saves every visitor's session; not critical, so `if (error) throw` stays quiet.
        const visitor = cookieNamed(await request(app, 'GET', '/'), 'express.sid');
        assert.equal(await refusal(app, { cookie: visitor }), 'handshake unauthorized');
        assert.equal(bob.socket.connected, true, 'the server kept serving');

        assert.equal((await request(app, 'GET', '/logout', { cookie: aliceCookie })).location, '/');
        assert.equal(await refusal(app, { cookie: aliceCookie }), 'handshake unauthorized');
      } finally {
        await app.stop();
      }
    });
  });

  describe(`handshake-app, io.set('authorization') kept on socket.io 1.x with Passport 0.2 (${route})`, () => {
    it('welcomes users, relays what they say, refuses visitors with the message its 0.9-form accept gives, and refuses after logout', async () => {
      const app = await startApp('handshake-app', route);
      try {
        const carolCookie = await formLogin(app, '/login', 'carol', 'connect.sid', { location: '/' });
        const daveCookie = await formLogin(app, '/login', 'dave', 'connect.sid', { location: '/' });
        const record = ['welcome', 'said'];
        const carol = await connectOk(app, { cookie: carolCookie, record });
        const dave = await connectOk(app, { cookie: daveCookie, record });
        assert.deepEqual(await carol.next('welcome'), ['carol']);
        assert.deepEqual(await dave.next('welcome'), ['dave']);
        carol.socket.emit('say', 'hi all');
        assert.deepEqual(await dave.next('said'), [{ from: 'carol', text: 'hi all' }]);

        // io.set hands fail the request itself: no data.socketio_version_1, so accept(message, false).
        assert.equal(await refusal(app, {}), 'No session found');
        assert.equal(await refusal(app, { cookie: tamper(carolCookie) }), 'No session found');

        assert.equal((await request(app, 'GET', '/logout', { cookie: carolCookie })).location, '/');
        // Passport 0.2 keeps the session, with an empty passport field.
        assert.equal(await refusal(app, { cookie: carolCookie }), NOT_LOGGED_IN_AFTER_LOGOUT);
        assert.equal(dave.socket.connected, true);
      } finally {
        await app.stop();
      }
    });
  });

  describe(`redis3-app, connect-redis 3 options on socket.io ~2.2.0 (${route})`, async () => {
    if (!(await requireService('redis'))) return;
    it('reads sessions connect-redis 3 wrote, sends a note to one user, refuses visitors and logged-out sessions', async () => {
      const prefix = `${uniqueName('corpus-r3')}:`;
      const redis = createClient({ url: REDIS_URL });
      await redis.connect();
      const app = await startApp('redis3-app', route, { REDIS_URL, SESSION_PREFIX: prefix });
      try {
        const erinCookie = await formLogin(app, '/login', 'erin', 'app.sid', { status: 200 });
        const frankCookie = await formLogin(app, '/login', 'frank', 'app.sid', { status: 200 });
        assert.equal((await redis.keys(`${prefix}*`)).length, 2, 'both sessions are in Redis under the run prefix');
        const record = ['welcome', 'note'];
        const erin = await connectOk(app, { cookie: erinCookie, record });
        const frank = await connectOk(app, { cookie: frankCookie, record });
        assert.deepEqual(await erin.next('welcome'), ['erin']);
        assert.deepEqual(await frank.next('welcome'), ['frank']);
        erin.socket.emit('note', 'frank', 'lunch?');
        assert.deepEqual(await frank.next('note'), [{ from: 'erin', text: 'lunch?' }]);
        assert.equal(erin.count('note'), 0);

        assert.equal(await refusal(app, {}), 'No session found');
        assert.equal(await refusal(app, { cookie: tamper(frankCookie) }), 'No session found');
        assert.equal((await request(app, 'POST', '/logout', { cookie: erinCookie })).status, 200);
        assert.equal(await refusal(app, { cookie: erinCookie }), NOT_LOGGED_IN_AFTER_LOGOUT);
      } finally {
        await app.stop();
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(keys);
        await redis.quit();
      }
    });
  });

  describe(`namespaces-app, /chat for users and /admin for admins on socket.io ~2.0.4 (${route})`, () => {
    it('lets users into /chat and only admins into /admin, kicks from /chat by user, refuses visitors and logged-out sessions', async () => {
      const app = await startApp('namespaces-app', route);
      try {
        const login = async (username: string) => {
          const result = await request(app, 'POST', '/api/session', { json: { username, password: `${username}-pw` } });
          assert.equal(result.status, 200);
          return cookieNamed(result, 'connect.sid');
        };
        const graceCookie = await login('grace');
        const heidiCookie = await login('heidi');
        const record = ['joined', 'line'];
        const grace = await connectOk(app, { cookie: graceCookie, record, namespace: '/chat' });
        const heidi = await connectOk(app, { cookie: heidiCookie, record, namespace: '/chat' });
        assert.deepEqual(await grace.next('joined'), ['grace']);
        assert.deepEqual(await heidi.next('joined'), ['heidi']);
        heidi.socket.emit('line', 'morning');
        assert.deepEqual(await grace.next('line'), [{ from: 'heidi', text: 'morning' }]);

        assert.equal(await refusal(app, { cookie: heidiCookie, namespace: '/admin' }), 'admins only');
        const graceAdmin = await connectOk(app, { cookie: graceCookie, namespace: '/admin' });
        assert.equal(await graceAdmin.ack('kick', 'heidi'), 1);
        assert.deepEqual(await heidi.next('disconnect'), ['io server disconnect']);
        assert.equal(grace.socket.connected, true);

        assert.equal(await refusal(app, { namespace: '/chat' }), 'No session found');
        assert.equal(await refusal(app, { namespace: '/admin' }), 'No session found');
        assert.equal((await request(app, 'DELETE', '/api/session', { cookie: heidiCookie })).status, 200);
        assert.equal(await refusal(app, { cookie: heidiCookie, namespace: '/chat' }), NOT_LOGGED_IN_AFTER_LOGOUT);
      } finally {
        await app.stop();
      }
    });
  });

  describe(`typescript-app, typed against @types/passport.socketio, on socket.io 4 and Passport 0.6 (${route})`, () => {
    it('type-checks unchanged (strict), whispers to one user, refuses visitors and logged-out sessions', async () => {
      const app = await startApp('typescript-app', route);
      try {
        const ivanCookie = await formLogin(app, '/login', 'ivan', 'ts.sid', { location: '/' });
        const judyCookie = await formLogin(app, '/login', 'judy', 'ts.sid', { location: '/' });
        const record = ['welcome', 'whisper'];
        const ivan = await connectOk(app, { cookie: ivanCookie, record });
        const judy = await connectOk(app, { cookie: judyCookie, record });
        assert.deepEqual(await ivan.next('welcome'), ['ivan']);
        judy.socket.emit('whisper', 'ivan', 'psst');
        assert.deepEqual(await ivan.next('whisper'), [{ from: 'judy', text: 'psst' }]);
        assert.equal(judy.count('whisper'), 0);

        assert.equal(await refusal(app, {}), 'No session found');
        assert.equal(await refusal(app, { cookie: tamper(ivanCookie) }), 'No session found');
        assert.equal((await request(app, 'POST', '/logout', { cookie: ivanCookie })).location, '/');
        // Passport 0.6 regenerates the session at logout.
        assert.equal(await refusal(app, { cookie: ivanCookie }), 'No session found');
        assert.equal(judy.socket.connected, true);
      } finally {
        await app.stop();
      }
    });
  });
}

describe('upgrading socket.io 2 to 4 afterwards', () => {
  it('during a rolling upgrade (a socket.io 4 server with allowEIO3) a socket.io 2 client still gets the refusal message', async () => {
    const http = createServer();
    const io = new (require('socket.io').Server)(http, { allowEIO3: true });
    const { authorize } = require('../dist/cjs/index.js');
    io.use(authorize({ secret: 'keyboard cat', store: new (require('express-session').MemoryStore)() }));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      const app = { url, socketIoMajor: 2, output: () => '' } as RunningApp;
      assert.equal(await refusal(app, {}), 'No session found');
      const modern = { ...app, socketIoMajor: 4 };
      assert.equal(await refusal(modern, {}), 'No session found');
    } finally {
      await new Promise((resolve) => io.close(resolve));
    }
  });
});
