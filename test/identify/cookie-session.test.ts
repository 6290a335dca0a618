/**
 * Apps whose Passport session lives in the cookie itself (`cookie-session`): a real Express app
 * with cookie-session, Passport 0.7 and passport-local, logged in over HTTP, and real socket.io
 * clients sending the two cookies (`session` and `session.sig`) the browser would send.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import cookieSession from 'cookie-session';
import express from 'express';
import Keygrip from 'keygrip';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { Server } from 'socket.io';
import { io as ioClient } from 'socket.io-client';
import { authorize, ErrorCodes, InvalidOptionError } from '../../src';
import type { Any } from '../support/stack';

const USERS = [
  { id: 1, username: 'alice', password: 'alice-pw', name: 'Alice' },
  { id: 2, username: 'bob', password: 'bob-pw', name: 'Bob' },
];

interface FailCall {
  message: string;
  critical: boolean;
}

interface CookieSessionApp {
  url: string;
  fails: FailCall[];
  /** Logs in over HTTP; returns the Cookie header with the session cookie and its signature. */
  login(username: string): Promise<string>;
  /** A session that holds data but no login. */
  visit(): Promise<string>;
  /** Logs out within the session; returns the Cookie header the browser then holds. */
  logout(cookie: string): Promise<string>;
  close(): Promise<void>;
}

const servers: CookieSessionApp[] = [];
after(async () => {
  for (const app of servers.splice(0)) await app.close();
});

/**
 * `appKeys` sign the app's cookies; `authorizeKeys` are what `authorize` is given (they differ
 * only to test rotation). `keygrip` replaces the keys list on the app side, as apps with another
 * hash do.
 */
async function startApp(
  options: { appKeys?: string[]; authorizeKeys?: string[]; name?: string; keygrip?: Any; algorithm?: string; withFail?: boolean } = {},
): Promise<CookieSessionApp> {
  const appKeys = options.appKeys ?? ['key-2026'];
  const name = options.name ?? 'session';
  const passport = new Passport();
  passport.use(
    new LocalStrategy((username, password, done) => {
      const user = USERS.find((u) => u.username === username && u.password === password);
      done(null, user ? ({ ...user } as Any) : false);
    }),
  );
  passport.serializeUser((user: Any, done) => done(null, user.id));
  passport.deserializeUser((id: number, done) => {
    const user = USERS.find((u) => u.id === id);
    done(null, user ? ({ id: user.id, username: user.username, name: user.name } as Any) : false);
  });

  const app = express();
  app.use(express.json());
  app.use(cookieSession({ name, keys: options.keygrip ?? appKeys }));
  // Passport 0.6+ calls req.session.regenerate and save, which cookie-session sessions lack; apps
  // that keep cookie-session add these two no-ops (the cookie is written when the response ends).
  app.use((req: Any, _res, next) => {
    if (req.session && !req.session.regenerate) req.session.regenerate = (cb: () => void) => cb();
    if (req.session && !req.session.save) req.session.save = (cb: () => void) => cb();
    next();
  });
  app.use(passport.initialize());
  app.use(passport.session());
  app.post('/login', passport.authenticate('local'), (req: Any, res) => res.json(req.user));
  app.post('/visit', (req: Any, res) => {
    req.session.visits = (req.session.visits ?? 0) + 1;
    res.json({ ok: true });
  });
  app.post('/logout', (req: Any, res, next) => req.logout((err: unknown) => (err ? next(err) : res.json({ ok: true }))));

  const http = createServer(app);
  const io = new Server(http);
  const fails: FailCall[] = [];
  io.use(
    authorize({
      cookieSession: { name, keys: options.authorizeKeys ?? appKeys, ...(options.algorithm ? { algorithm: options.algorithm } : {}) },
      passport,
      ...(options.withFail
        ? {
            fail(_data: Any, message: string, critical: boolean, accept: Any) {
              fails.push({ message, critical });
              accept(new Error(message));
            },
          }
        : {}),
    }),
  );
  io.on('connection', (socket: Any) => {
    socket.on('whoami', (ack: (answer: unknown) => void) =>
      ack({ user: socket.request.user, isAuthenticated: socket.request.isAuthenticated() }),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const post = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(`${url}${path}`, { method: 'POST', ...init });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    return response;
  };
  const cookiesOf = (response: Response, previous = ''): string => {
    const jar = new Map(
      previous
        .split('; ')
        .filter(Boolean)
        .map((pair) => [pair.split('=')[0], pair] as const),
    );
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] as string;
      jar.set(pair.split('=')[0], pair);
    }
    return [...jar.values()].join('; ');
  };

  const started: CookieSessionApp = {
    url,
    fails,
    async login(username) {
      const user = USERS.find((u) => u.username === username);
      const response = await post('/login', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: user?.password }),
      });
      return cookiesOf(response);
    },
    async visit() {
      return cookiesOf(await post('/visit'));
    },
    async logout(cookie) {
      return cookiesOf(await post('/logout', { headers: { cookie } }), cookie);
    },
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
  servers.push(started);
  return started;
}

type Outcome = { connected: true; socket: Any } | { connected: false; message: string; data?: Any };

function connect(url: string, cookie?: string): Promise<Outcome> {
  const socket = ioClient(url, {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
  });
  return new Promise((resolve) => {
    socket.on('connect', () => resolve({ connected: true, socket }));
    socket.on('connect_error', (err: Any) => {
      socket.close();
      resolve({ connected: false, message: err.message, data: err.data });
    });
  });
}

async function userOf(url: string, cookie: string): Promise<Any> {
  const outcome = await connect(url, cookie);
  if (!outcome.connected) throw new Error(`expected to be let in, was refused: ${outcome.message}`);
  const answer = await outcome.socket.emitWithAck('whoami');
  outcome.socket.close();
  return answer;
}

async function refusal(url: string, cookie?: string): Promise<{ message: string; code?: string }> {
  const outcome = await connect(url, cookie);
  if (outcome.connected) {
    outcome.socket.close();
    throw new Error('expected a refusal, the client was let in');
  }
  return { message: outcome.message, code: outcome.data?.code };
}

/** The Cookie header with one cookie's value replaced. */
function withCookie(cookie: string, name: string, value: string | undefined): string {
  return cookie
    .split('; ')
    .flatMap((pair) => (pair.split('=')[0] !== name ? [pair] : value === undefined ? [] : [`${name}=${value}`]))
    .join('; ');
}

function cookieValue(cookie: string, name: string): string {
  const pair = cookie.split('; ').find((one) => one.split('=')[0] === name);
  if (!pair) throw new Error(`no ${name} cookie in ${cookie}`);
  return pair.slice(name.length + 1);
}

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('cookie-session: a logged-in user', () => {
  it('is let in with the session cookie and its .sig cookie, with the user deserialized by Passport', async () => {
    const app = await startApp();
    const seen = await userOf(app.url, await app.login('alice'));
    assert.deepEqual(seen.user, { id: 1, username: 'alice', name: 'Alice', logged_in: true });
    assert.equal(seen.isAuthenticated, true);
  });

  it('works under another cookie name and with a Keygrip of another hash on the app side', async () => {
    const app = await startApp({
      name: 'app.sess',
      keygrip: new Keygrip(['sha-key'], 'sha256'),
      authorizeKeys: ['sha-key'],
      algorithm: 'sha256',
    });
    const cookie = await app.login('bob');
    assert.match(cookie, /app\.sess\.sig=/);
    assert.equal((await userOf(app.url, cookie)).user.username, 'bob');
  });

  it('reaches success with the user, as with a store', async () => {
    const app = await startApp({ withFail: true });
    assert.equal((await userOf(app.url, await app.login('bob'))).user.name, 'Bob');
    assert.deepEqual(app.fails, []);
  });
});

describe('cookie-session: key rotation', () => {
  it('accepts a cookie signed with an older key while that key is still listed', async () => {
    const before = await startApp({ appKeys: ['old-key'] });
    const cookie = await before.login('alice');
    const rotated = await startApp({ appKeys: ['new-key', 'old-key'] });
    assert.equal((await userOf(rotated.url, cookie)).user.username, 'alice');
  });

  it('accepts a cookie signed with the newest key', async () => {
    const rotated = await startApp({ appKeys: ['new-key', 'old-key'] });
    assert.equal((await userOf(rotated.url, await rotated.login('bob'))).user.username, 'bob');
  });

  it('refuses a cookie signed with a key once that key is removed from the list', async () => {
    const before = await startApp({ appKeys: ['old-key'] });
    const cookie = await before.login('alice');
    const after = await startApp({ appKeys: ['new-key'] });
    assert.deepEqual(await refusal(after.url, cookie), { message: 'No session found', code: ErrorCodes.NO_SESSION });
  });
});

describe('cookie-session: cookies that prove nothing are refused as no session', () => {
  const noSession = { message: 'No session found', code: ErrorCodes.NO_SESSION };

  it('refuses a client with no cookie', async () => {
    const app = await startApp();
    assert.deepEqual(await refusal(app.url), noSession);
  });

  it('refuses a forged session (another user id under the original signature)', async () => {
    const app = await startApp();
    const cookie = await app.login('alice');
    const forged = withCookie(cookie, 'session', base64({ passport: { user: 2 } }));
    assert.deepEqual(await refusal(app.url, forged), noSession);
  });

  it('refuses a session re-signed with a key the app does not have', async () => {
    const app = await startApp();
    const value = base64({ passport: { user: 2 } });
    const resigned = `session=${value}; session.sig=${new Keygrip(['attacker-key']).sign(`session=${value}`)}`;
    assert.deepEqual(await refusal(app.url, resigned), noSession);
  });

  it('refuses a truncated session cookie and a truncated signature', async () => {
    const app = await startApp();
    const cookie = await app.login('alice');
    const value = cookieValue(cookie, 'session');
    const signature = cookieValue(cookie, 'session.sig');
    assert.deepEqual(await refusal(app.url, withCookie(cookie, 'session', value.slice(0, -4))), noSession);
    assert.deepEqual(await refusal(app.url, withCookie(cookie, 'session.sig', signature.slice(0, -1))), noSession);
  });

  it('refuses a session cookie without its .sig cookie, or with an empty one', async () => {
    const app = await startApp();
    const cookie = await app.login('alice');
    assert.deepEqual(await refusal(app.url, withCookie(cookie, 'session.sig', undefined)), noSession);
    assert.deepEqual(await refusal(app.url, withCookie(cookie, 'session.sig', '')), noSession);
  });

  it('refuses a correctly signed value that is not a session (not base64 JSON)', async () => {
    const app = await startApp();
    const value = 'not-json';
    const signed = `session=${value}; session.sig=${new Keygrip(['key-2026']).sign(`session=${value}`)}`;
    assert.deepEqual(await refusal(app.url, signed), noSession);
  });

  it('keeps serving logged-in users after refusing hostile cookies', async () => {
    const app = await startApp();
    const cookie = await app.login('alice');
    await refusal(app.url, 'session=%%%; session.sig=""; session=x');
    await refusal(app.url, `session="${'A'.repeat(8000)}"; session.sig=${'_'.repeat(27)}`);
    assert.equal((await userOf(app.url, cookie)).user.username, 'alice');
  });
});

describe('cookie-session: signatures are compared in constant time', () => {
  const realCompare = crypto.timingSafeEqual;
  let compares = 0;
  let forceMismatch = false;
  after(() => {
    crypto.timingSafeEqual = realCompare;
  });

  it('compares with crypto.timingSafeEqual, once per listed key, and a cookie it calls a mismatch is refused', async () => {
    const app = await startApp({ appKeys: ['new-key', 'old-key'] });
    const cookie = await app.login('alice');
    crypto.timingSafeEqual = ((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      compares += 1;
      return forceMismatch ? false : realCompare(a, b);
    }) as typeof crypto.timingSafeEqual;
    try {
      assert.equal((await userOf(app.url, cookie)).user.username, 'alice');
      assert.equal(compares, 2, 'every key is compared, the matching one included');
      forceMismatch = true;
      assert.equal((await refusal(app.url, cookie)).code, ErrorCodes.NO_SESSION, 'no other comparison can accept the signature');
    } finally {
      crypto.timingSafeEqual = realCompare;
      forceMismatch = false;
    }
  });
});

describe('cookie-session: sessions without a login get the legacy messages and criticality', () => {
  it("calls fail with 'Passport was not initialized', not critical, for a session that holds no login", async () => {
    const app = await startApp({ withFail: true });
    const result = await refusal(app.url, await app.visit());
    assert.equal(result.message, 'Passport was not initialized');
    assert.deepEqual(app.fails, [{ message: 'Passport was not initialized', critical: false }]);
  });

  it("calls fail with 'User not authorized through passport. (User Property not found)' after a logout", async () => {
    const app = await startApp({ withFail: true });
    const loggedOut = await app.logout(await app.login('alice'));
    await refusal(app.url, loggedOut);
    assert.deepEqual(app.fails, [{ message: 'User not authorized through passport. (User Property not found)', critical: false }]);
  });

  it('still lets in a copy of the cookie taken before the logout: cookie-session keeps nothing on the server', async () => {
    const app = await startApp();
    const before = await app.login('alice');
    const afterLogout = await app.logout(before);
    assert.notEqual(afterLogout, before);
    assert.equal((await userOf(app.url, before)).user.username, 'alice');
    assert.equal((await refusal(app.url, afterLogout)).code, ErrorCodes.USER_PROPERTY_NOT_FOUND);
  });

  it("calls fail with 'No session found', not critical, for a forged cookie", async () => {
    const app = await startApp({ withFail: true });
    await refusal(app.url, withCookie(await app.login('alice'), 'session', base64({ passport: { user: 2 } })));
    assert.deepEqual(app.fails, [{ message: 'No session found', critical: false }]);
  });

  it('sends the default refusal codes to the client', async () => {
    const app = await startApp();
    assert.deepEqual(await refusal(app.url, await app.visit()), {
      message: 'Passport was not initialized',
      code: ErrorCodes.PASSPORT_NOT_INITIALIZED,
    });
  });
});

describe('cookie-session: options', () => {
  const passport = new Passport();
  const optionOf = (options: Any): string | undefined => {
    try {
      authorize(options);
    } catch (err) {
      assert.ok(err instanceof InvalidOptionError, `expected InvalidOptionError, got ${err}`);
      return err.option;
    }
    return undefined;
  };

  it('needs no store and no secret, and takes the app’s own cookie-session options object', () => {
    assert.equal(optionOf({ cookieSession: { name: 'session', keys: ['k'], maxAge: 86_400_000, httpOnly: true }, passport }), undefined);
    assert.equal(optionOf({ cookieSession: { secret: 'k' }, passport }), undefined);
  });

  it('refuses express-session options next to cookieSession, naming them', () => {
    const cookieSession = { keys: ['k'] };
    assert.equal(optionOf({ cookieSession, store: { get() {} }, passport }), 'store');
    assert.equal(optionOf({ cookieSession, secret: 's', passport }), 'secret');
    assert.equal(optionOf({ cookieSession, key: 'connect.sid', passport }), 'key');
    assert.equal(optionOf({ cookieSession, cookieParser: () => {}, passport }), 'cookieParser');
    assert.equal(optionOf({ cookieSession, allowUnsignedSessionIdQuery: true, passport }), 'allowUnsignedSessionIdQuery');
    assert.equal(optionOf({ cookieSession, liveSession: true, passport }), 'liveSession');
  });

  it('refuses a cookieSession without keys, with an empty list, a Keygrip instance, signed: false or an unknown hash', () => {
    assert.equal(optionOf({ cookieSession: { name: 'session' }, passport }), 'cookieSession.keys');
    assert.equal(optionOf({ cookieSession: { keys: [] }, passport }), 'cookieSession.keys');
    assert.equal(optionOf({ cookieSession: { keys: [''] }, passport }), 'cookieSession.keys');
    assert.equal(optionOf({ cookieSession: { keys: new Keygrip(['k']) }, passport }), 'cookieSession.keys');
    assert.equal(optionOf({ cookieSession: { keys: ['k'], signed: false }, passport }), 'cookieSession.signed');
    assert.equal(optionOf({ cookieSession: { keys: ['k'], algorithm: 'nope' }, passport }), 'cookieSession.algorithm');
    assert.equal(optionOf({ cookieSession: { keys: ['k'], name: 'a;b' }, passport }), 'cookieSession.name');
    assert.equal(optionOf({ cookieSession: 'session', passport }), 'cookieSession');
  });
});
