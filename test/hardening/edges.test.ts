/**
 * Edge behaviour that mutation testing showed no test pinned down: option checks word for word,
 * filterSocketsByUser's arguments, the text `fail` gets for every kind of store error, users that
 * refuse the logged_in flag, isAuthenticated() however it is called, and the socket.io 0.9 form.
 * Real authorize() on real http.IncomingMessage requests, a real MemoryStore and real signatures.
 */
import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import cookieParser from 'cookie-parser';
import { sign } from 'cookie-signature';
import session from 'express-session';
import { Passport } from 'passport';
import { type AuthorizationError, type AuthorizeOptions, authorize, filterSocketsByUser, InvalidOptionError } from '../../src';

const SECRET = 'edge secret';
type Any = any;

/** A MemoryStore holding one logged-in session; the Cookie header that names it. */
function storeWithSession(user: unknown = 7) {
  const store = new session.MemoryStore();
  const sid = 'edge-session-id';
  store.set(sid, { cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) }, passport: { user } } as Any);
  return { store, sid, cookie: `connect.sid=${encodeURIComponent(`s:${sign(sid, SECRET)}`)}` };
}

function passportFinding(found: (id: unknown) => unknown) {
  const passport = new Passport();
  passport.deserializeUser((id: unknown, done: (err: unknown, user?: Any) => void) => done(null, found(id)));
  return passport;
}

interface Handshake {
  delivered: unknown[][];
  request: IncomingMessage & Record<string, Any>;
  failures: { message: string; critical: boolean; error: AuthorizationError }[];
}

/** One handshake through the socket.io 1+ middleware form (or the 0.9 form), decided before it resolves. */
async function handshake(
  options: Partial<AuthorizeOptions> & Record<string, unknown>,
  cookie: string | undefined,
  form: 'socket' | 'v09' = 'socket',
  request?: IncomingMessage & Record<string, Any>,
): Promise<Handshake> {
  const failures: Handshake['failures'] = [];
  const middleware = authorize({
    secret: SECRET,
    fail(_data, message, critical, accept, error) {
      failures.push({ message, critical, error });
      accept(error);
    },
    ...options,
  } as AuthorizeOptions);
  const req = request ?? (new IncomingMessage(new Socket()) as IncomingMessage & Record<string, Any>);
  req.headers = cookie === undefined ? {} : { cookie };
  const delivered: unknown[][] = [];
  // The package's timers are unref'd (a server keeps the process alive); here nothing else would.
  const keepAlive = setInterval(() => {}, 1000);
  await new Promise<void>((resolve) => {
    const next = (...args: unknown[]) => {
      delivered.push(args);
      clearInterval(keepAlive);
      resolve();
    };
    if (form === 'v09') (middleware as Any)(req, next);
    else middleware({ request: req, handshake: { query: {}, auth: {} } }, next);
  });
  await new Promise((resolve) => setImmediate(resolve));
  return { delivered, request: req, failures };
}

function rejects(options: unknown, option: string, message: RegExp) {
  assert.throws(
    () => authorize(options as AuthorizeOptions),
    (err: unknown) => {
      assert.ok(err instanceof InvalidOptionError, String(err));
      assert.equal(err.option, option);
      assert.equal(err.name, 'InvalidOptionError');
      assert.match(err.message, message);
      return true;
    },
  );
}

describe('option checks say what is wrong, word for word', () => {
  const store = new session.MemoryStore();
  const valid = { store, secret: SECRET };

  it('names "options" for null or a string', () => {
    rejects(null, 'options', /option "options" must be an object/);
    rejects('store', 'options', /option "options" must be an object/);
  });
  it('says a missing store or secret is required, and describes a wrong one', () => {
    rejects({ secret: SECRET }, 'store', /option "store" is required/);
    rejects({ secret: SECRET, store: null }, 'store', /option "store" is required/);
    rejects({ secret: SECRET, store: 42 }, 'store', /must be an express-session store object, not a number$/);
    rejects({ secret: SECRET, store: 'redis' }, 'store', /not the string "redis"$/);
    rejects({ secret: SECRET, store: 'r'.repeat(100) }, 'store', new RegExp(`not the string "${'r'.repeat(40)}"$`));
    rejects({ store }, 'secret', /option "secret" is required/);
    rejects({ store, secret: null }, 'secret', /option "secret" is required/);
    rejects({ store, secret: [SECRET, null] }, 'secret', /not null:/);
    rejects({ store, secret: [SECRET, []] }, 'secret', /not an array:/);
    rejects({ store, secret: [SECRET, 5] }, 'secret', /not a number:/);
  });
  it('bounds timeout to what setTimeout can hold', () => {
    assert.equal(typeof authorize({ ...valid, timeout: 2_147_483_647 }), 'function');
    assert.equal(typeof authorize({ ...valid, timeout: 0.5 }), 'function');
    for (const timeout of [2_147_483_648, Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      rejects({ ...valid, timeout }, 'timeout', /positive number of milliseconds/);
    }
  });
  it('checks userProperty, includeUserIdInDecisions, key and name', () => {
    rejects({ ...valid, userProperty: '' }, 'userProperty', /must be a non-empty string, not the string ""$/);
    rejects({ ...valid, includeUserIdInDecisions: 'yes' }, 'includeUserIdInDecisions', /must be true or false, not the string "yes"$/);
    assert.equal(typeof authorize({ ...valid, includeUserIdInDecisions: true }), 'function');
    assert.equal(typeof authorize({ ...valid, key: 'sid', name: 'sid' }), 'function', 'key and name may agree');
    rejects({ ...valid, name: '' }, 'name', /must be the session cookie's name/);
    rejects({ ...valid, key: 5 }, 'key', /not a number$/);
  });
  it('names "passport" for null, a string, or an object without deserializeUser', () => {
    rejects({ ...valid, passport: null }, 'passport', /Passport instance/);
    rejects({ ...valid, passport: 'passport' }, 'passport', /Passport instance/);
    rejects({ ...valid, passport: { deserializeUser: 'no' } }, 'passport', /Passport instance/);
  });
  it('throws a TypeError naming cookieParser when the factory does not return a middleware', () => {
    assert.throws(
      () => authorize({ ...valid, cookieParser: () => 42 } as Any),
      (err: unknown) => {
        assert.ok(err instanceof TypeError);
        assert.match(
          (err as Error).message,
          /option "cookieParser" must be the cookie-parser factory or a cookieParser\(secret\) middleware/,
        );
        return true;
      },
    );
  });
  it('uses require("passport") when no passport is given', async () => {
    const { store: sessions, cookie } = storeWithSession(7);
    const globalPassport: Any = require('passport');
    globalPassport.deserializeUser((id: unknown, done: (err: unknown, user?: unknown) => void) => done(null, { id, global: true }));
    const { delivered, request } = await handshake({ store: sessions }, cookie);
    assert.deepEqual(delivered, [[]]);
    assert.deepEqual(request.user, { id: 7, global: true, logged_in: true });
  });
});

describe('filterSocketsByUser checks its arguments and reads every namespace shape', () => {
  const alice = { request: { user: { id: 1, logged_in: true } } };
  const anonymous = { request: { user: { logged_in: false } } };
  const wantsAlice = (user: Any) => user.id === 1;

  it('throws a TypeError for a filter that is not a function', () => {
    assert.throws(() => filterSocketsByUser({ sockets: new Map() }, 'id' as Any), /filter must be a function/);
  });
  it('throws a TypeError for an io that is not a server or namespace', () => {
    for (const io of [null, 42, 'io', { sockets: 5 }, { sockets: null }, { of: () => {}, sockets: { sockets: 'x' } }]) {
      assert.throws(() => filterSocketsByUser(io as Any, wantsAlice), /io must be a socket.io server or namespace/, JSON.stringify(io));
    }
  });
  it('reads socket.io 2 (connected), 3/4 (a sockets Map) and plain-object namespaces, and a server', () => {
    const sockets = { a: alice, b: anonymous };
    assert.deepEqual(filterSocketsByUser({ connected: sockets, sockets: { a: alice, b: anonymous, c: alice } }, wantsAlice), [alice]);
    assert.deepEqual(filterSocketsByUser({ sockets: new Map(Object.entries(sockets)) }, wantsAlice), [alice]);
    assert.deepEqual(filterSocketsByUser({ sockets }, wantsAlice), [alice]);
    assert.deepEqual(filterSocketsByUser({ of: () => undefined, sockets: { sockets: new Map(Object.entries(sockets)) } }, wantsAlice), [
      alice,
    ]);
  });
});

describe('fail gets the store error as text, whatever the store threw', () => {
  const cases: [string, unknown, string][] = [
    ['an Error', new Error('connection reset'), 'connection reset'],
    ['a string', 'plain text failure', 'plain text failure'],
    ['an object with a message', { message: 'object failure' }, 'object failure'],
    ['an object with a non-string message', { message: 7 }, '[object Object]'],
    ['an object without prototype', Object.create(null), 'unprintable error'],
    ['a number', 503, '503'],
  ];
  for (const [label, thrown, text] of cases) {
    it(`reads ${label}`, async () => {
      const { cookie } = storeWithSession();
      const store = { get: (_sid: string, callback: (err: unknown) => void) => callback(thrown) };
      const { failures, delivered } = await handshake({ store, passport: passportFinding(() => ({})) }, cookie);
      assert.equal(failures.length, 1);
      const [failure] = failures;
      assert.equal(failure!.message, `Error in session store:\n${text}`);
      assert.equal(failure!.critical, true);
      assert.equal(failure!.error.name, 'AuthorizationError');
      assert.equal(failure!.error.code, 'ERR_SESSION_STORE');
      assert.equal(failure!.error.cause, thrown, 'the original error is the cause');
      assert.equal((delivered[0]![0] as Error).message, 'Internal server error');
    });
  }

  it('gives an error without a cause when nothing was thrown (a timeout), with the legacy wording', async () => {
    const { cookie } = storeWithSession();
    const store = { get: () => {} };
    const { failures } = await handshake({ store, timeout: 30, passport: passportFinding(() => ({})) }, cookie);
    assert.equal(failures[0]!.message, 'Error in session store:\nthe session store did not answer within 30 ms');
    assert.equal('cause' in failures[0]!.error, false);
  });

  it("words a silent deserializer's failure as the legacy Error did", async () => {
    const { store, cookie } = storeWithSession();
    const passport = new Passport();
    passport.deserializeUser(() => {});
    const { failures } = await handshake({ store, passport, timeout: 30 }, cookie);
    assert.equal(failures[0]!.message, 'Error: deserializeUser did not call back within 30 ms');
    assert.equal(failures[0]!.error.code, 'ERR_DESERIALIZE_TIMEOUT');
  });

  it("reads a store's `true` as a store failure (not a session object), and ENOENT as no session", async () => {
    const { cookie } = storeWithSession();
    const passport = passportFinding(() => ({}));
    const answerTrue = await handshake({ store: { get: (_s: string, cb: Any) => cb(null, true) }, passport }, cookie);
    assert.equal(answerTrue.failures[0]!.error.code, 'ERR_SESSION_STORE_INVALID');
    assert.equal(answerTrue.failures[0]!.critical, true);
    const enoent = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const missing = await handshake({ store: { get: (_s: string, cb: Any) => cb(enoent) }, passport }, cookie);
    assert.equal(missing.failures[0]!.message, 'No session found');
  });
});

describe('the user on the socket, whatever the deserializer returns', () => {
  async function userFor(deserialized: unknown) {
    const { store, cookie } = storeWithSession();
    const { request, delivered } = await handshake({ store, passport: passportFinding(() => deserialized) }, cookie);
    assert.deepEqual(delivered, [[]], 'accepted');
    return request.user as Any;
  }

  it('flags an ordinary user object itself, as the legacy package did', async () => {
    const user = { id: 7 };
    assert.equal(await userFor(user), user);
    assert.equal((user as Any).logged_in, true);
  });
  it('flags a function user itself', async () => {
    const user = Object.assign(() => 'user', { id: 7 });
    assert.equal(await userFor(user), user);
  });
  it('boxes a primitive user', async () => {
    const user = await userFor('user-7');
    assert.equal(typeof user, 'object');
    assert.equal(String(user), 'user-7');
    assert.equal(user.logged_in, true);
  });
  it('gives a copy, keeping prototype and fields, to a user that cannot take the flag', async () => {
    class Account {
      constructor(readonly id: number) {}
    }
    const locked = Object.defineProperty(new Account(7), 'logged_in', { value: false, writable: false, enumerable: true });
    const ignoring = Object.defineProperty(new Account(7), 'logged_in', { set() {}, get: () => false });
    const sealed = Object.seal(new Account(7));
    const refusing = new Proxy(new Account(7), {
      set() {
        throw new Error('read-only user');
      },
    });
    for (const user of [locked, ignoring, sealed, refusing]) {
      const seen = await userFor(user);
      assert.notEqual(seen, user);
      assert.equal(seen.logged_in, true);
      assert.equal(seen.id, 7);
      assert.ok(seen instanceof Account);
    }
  });
  it('keeps a user whose own logged_in setter stores the flag', async () => {
    let flag: unknown;
    const user = Object.defineProperty({ id: 7 }, 'logged_in', {
      set(value) {
        flag = value;
      },
      get: () => flag,
    });
    assert.equal(await userFor(user), user);
  });
  it('calls success once and fail never when the deserializer answers a user, then an error', async () => {
    const { store, cookie } = storeWithSession();
    const passport = new Passport();
    passport.deserializeUser((id: unknown, done: (err: unknown, user?: unknown) => void) => {
      done(null, { id });
      done(new Error('second answer'));
    });
    let successes = 0;
    const { failures, delivered } = await handshake(
      {
        store,
        passport,
        success(_data: unknown, accept: () => void) {
          successes += 1;
          accept();
        },
      },
      cookie,
    );
    assert.equal(successes, 1);
    assert.deepEqual(failures, []);
    assert.deepEqual(delivered, [[]]);
  });
});

describe('isAuthenticated() and isUnauthenticated() on the handshake request', () => {
  it('say false and true when called detached, without a request', async () => {
    const { store, cookie } = storeWithSession();
    const { request } = await handshake({ store, passport: passportFinding((id) => ({ id })) }, cookie);
    const { isAuthenticated, isUnauthenticated } = request;
    assert.equal(request.isAuthenticated(), true);
    assert.equal(isAuthenticated(), false);
    assert.equal(isAuthenticated.call(null), false);
    assert.equal(isUnauthenticated(), true);
  });
  it('read the userProperty the app chose', async () => {
    const { store, cookie } = storeWithSession();
    const passport = passportFinding((id) => ({ id }));
    const found = await handshake({ store, passport, userProperty: 'account' }, cookie);
    assert.equal(found.request.user, undefined);
    assert.equal(found.request.account.logged_in, true);
    assert.equal(found.request.isAuthenticated(), true);
    const anonymous = await handshake(
      { store, passport, userProperty: 'account', fail: (_d: Any, _m: Any, _c: Any, accept: Any) => accept() },
      undefined,
    );
    assert.equal(anonymous.request.isAuthenticated(), false);
    assert.equal(anonymous.request.isUnauthenticated(), true);
  });
  it('say false when the app replaced the user with null or a primitive', async () => {
    const { store, cookie } = storeWithSession();
    const { request } = await handshake({ store, passport: passportFinding((id) => ({ id })) }, cookie);
    for (const replaced of [null, 'user', 1, true]) {
      request.user = replaced as Any;
      assert.equal(request.isAuthenticated(), false, String(replaced));
    }
  });
  it('are not enumerable, and a second authorize() on the same request (another namespace) can install them again', async () => {
    const { store, cookie } = storeWithSession();
    const passport = passportFinding((id) => ({ id }));
    const first = await handshake({ store, passport }, cookie);
    assert.ok(!Object.keys(first.request).includes('isAuthenticated'));
    assert.ok(!Object.keys(first.request).includes('isUnauthenticated'));
    const second = await handshake({ store, passport, userProperty: 'account' }, cookie, 'socket', first.request);
    assert.deepEqual(second.delivered, [[]]);
    assert.equal(second.request.isAuthenticated(), true);
  });
});

describe('cookies and the socket.io 0.9 authorization form', () => {
  it('leaves false in data.cookie for a cookie whose signature does not verify', async () => {
    const { store, sid } = storeWithSession();
    const forged = `connect.sid=${encodeURIComponent(`s:${sign(sid, 'another secret')}`)}`;
    const { request } = await handshake({ store, passport: passportFinding(() => ({})) }, forged);
    assert.equal(request.cookie?.['connect.sid'], false);
  });
  it('refuses a correct signature behind any prefix but s:', async () => {
    const { store, sid } = storeWithSession();
    const passport = passportFinding((id) => ({ id }));
    for (const prefix of ['S:', 'x:', 'j:', 's;', 'ss']) {
      const { failures } = await handshake({ store, passport }, `connect.sid=${encodeURIComponent(`${prefix}${sign(sid, SECRET)}`)}`);
      assert.equal(failures[0]?.message, 'No session found', prefix);
    }
  });
  it('reads a cookie value encoded from its first character, as express-session does', async () => {
    const { store, sid } = storeWithSession();
    const everyChar = [...`s:${sign(sid, SECRET)}`].map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    const { delivered } = await handshake({ store, passport: passportFinding((id) => ({ id })) }, `connect.sid=${everyChar}`);
    assert.deepEqual(delivered, [[]]);
  });
  it('answers the 0.9 accept(err, authorized) callback with (message, false) or (null, true)', async () => {
    const { store, cookie } = storeWithSession();
    const passport = passportFinding((id) => ({ id }));
    assert.deepEqual((await handshake({ store, passport }, cookie, 'v09')).delivered, [[null, true]]);
    assert.deepEqual((await handshake({ store, passport }, undefined, 'v09')).delivered, [['No session found', false]]);
  });
});

describe('what a store may answer, read as express-session reads it', () => {
  /** A store that answers every id with `session`; the cookie that names it. */
  function answering(session: unknown) {
    const { cookie } = storeWithSession();
    return { store: { get: (_sid: string, cb: Any) => cb(null, session) }, cookie };
  }
  const passport = passportFinding((id) => ({ id }));
  const minute = 60_000;

  it('treats a session whose cookie expired, as a Date or as JSON text, as no session', async () => {
    for (const expires of [new Date(Date.now() - minute), new Date(Date.now() - minute).toISOString()]) {
      const { store, cookie } = answering({ cookie: { expires }, passport: { user: 7 } });
      const { failures } = await handshake({ store, passport }, cookie);
      assert.equal(failures[0]?.message, 'No session found', String(expires));
    }
  });

  it('keeps a session that expires later (in any shape), has no expiry, or an expiry it cannot read', async () => {
    const later = Date.now() + minute;
    for (const expires of [new Date(later), new Date(later).toISOString(), later, String(later), null, undefined, 'not a date', {}]) {
      const { store, cookie } = answering({ cookie: { expires }, passport: { user: 7 } });
      const { delivered, failures } = await handshake({ store, passport }, cookie);
      assert.deepEqual(failures, [], String(expires));
      assert.deepEqual(delivered, [[]], String(expires));
    }
  });

  it('reads an error whose code is not ENOENT, or whose code getter throws, as a store error', async () => {
    const { cookie } = storeWithSession();
    const eacces = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const hostile = Object.defineProperty(new Error('hostile'), 'code', {
      get() {
        throw new Error('code getter');
      },
    });
    for (const error of [eacces, hostile]) {
      const { failures } = await handshake({ store: { get: (_s: string, cb: Any) => cb(error) }, passport }, cookie);
      assert.equal(failures[0]?.error.code, 'ERR_SESSION_STORE', error.message);
      assert.equal(failures[0]?.critical, true);
    }
  });
});

describe('cookies read through the legacy cookieParser option', () => {
  const passport = passportFinding((id) => ({ id }));

  it('unsigns the session cookie a cookieParser() made without a secret leaves in req.cookies', async () => {
    const { store, cookie } = storeWithSession();
    const { delivered, request } = await handshake({ store, passport, cookieParser: () => cookieParser() }, cookie);
    assert.deepEqual(delivered, [[]]);
    assert.equal(request.sessionID, 'edge-session-id');
  });

  it('still refuses a forged cookie that such a cookieParser() leaves in req.cookies', async () => {
    const { store, sid } = storeWithSession();
    const forged = `connect.sid=${encodeURIComponent(`s:${sign(sid, 'another secret')}`)}`;
    const { failures } = await handshake({ store, passport, cookieParser: () => cookieParser() }, forged);
    assert.equal(failures[0]?.message, 'No session found');
  });

  it('treats a request as cookie-less when cookieParser throws or leaves signedCookies that are not an object', async () => {
    const { store, cookie } = storeWithSession();
    const throwing = () => () => {
      throw new Error('parser bug');
    };
    const odd = () => (req: Any, _res: unknown, next: () => void) => {
      req.signedCookies = 'not an object';
      next();
    };
    for (const factory of [throwing, odd]) {
      const { failures } = await handshake({ store, passport, cookieParser: factory }, cookie);
      assert.equal(failures[0]?.message, 'No session found');
    }
  });

  it("reads a 'j:' signed cookie as JSON, as cookie-parser does, and never as a session id", async () => {
    const { store } = storeWithSession();
    const json = `connect.sid=${encodeURIComponent(`s:${sign('j:{"a":1}', SECRET)}`)}`;
    const { failures, request } = await handshake({ store, passport }, json);
    assert.deepEqual({ ...(request.cookie?.['connect.sid'] as object) }, { a: 1 });
    assert.equal(failures[0]?.message, 'No session found');
    const broken = `connect.sid=${encodeURIComponent(`s:${sign('j:{', SECRET)}`)}`;
    assert.equal((await handshake({ store, passport }, broken)).request.cookie?.['connect.sid'], 'j:{');
  });

  it('drops the double quotes around a cookie value, as express-session does', async () => {
    const { store, sid } = storeWithSession();
    const quoted = `connect.sid="${encodeURIComponent(`s:${sign(sid, SECRET)}`)}"`;
    const { delivered } = await handshake({ store, passport }, quoted);
    assert.deepEqual(delivered, [[]]);
  });
});

describe('decision events of a handshake run by hand', () => {
  /** The one decision event of a handshake through `handshake()`, with the options given. */
  async function eventOf(options: Partial<AuthorizeOptions> & Record<string, unknown>, cookie: string) {
    const events: Any[] = [];
    await handshake({ ...options, onDecision: (event: unknown) => events.push(event) }, cookie);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(events.length, 1);
    return events[0];
  }

  it("names the user by the deserialized user's id, else by what Passport serialized", async () => {
    const { store, cookie } = storeWithSession(7);
    const cases: [unknown, unknown][] = [
      [{ id: 'u-42' }, 'u-42'],
      [{ id: 0 }, 0],
      [{ name: 'no id' }, 7],
      [{ id: null }, 7],
      ['a primitive user', 7],
    ];
    for (const [user, expected] of cases) {
      const event = await eventOf({ store, passport: passportFinding(() => user), includeUserIdInDecisions: true }, cookie);
      assert.equal(event.code, 'OK');
      assert.deepEqual(event.userId, expected, JSON.stringify(user));
    }
  });

  it('reports no namespace or transport for a socket without them, and does not throw', async () => {
    const { store, cookie } = storeWithSession();
    const event = await eventOf({ store, passport: passportFinding((id) => ({ id })) }, cookie);
    assert.equal(event.code, 'OK');
    assert.equal(event.namespace, undefined);
    assert.equal(event.transport, undefined);
  });
});

describe('what accept(err) refuses with', () => {
  it("sends the app's own text, and 'handshake unauthorized' where the error has none", async () => {
    const { store, cookie } = storeWithSession();
    const cases: [unknown, string][] = [
      ['no entry', 'no entry'],
      [{ message: 'from an object' }, 'from an object'],
      [{ message: '' }, 'handshake unauthorized'],
      [true, 'handshake unauthorized'],
    ];
    for (const [err, expected] of cases) {
      const success = (_data: unknown, accept: Any) => accept(err);
      const { delivered } = await handshake({ store, passport: passportFinding((id) => ({ id })), success }, cookie);
      assert.equal((delivered[0]?.[0] as Error | undefined)?.message, expected, JSON.stringify(err));
    }
  });
});

describe("an app's own refusals", () => {
  const passport = passportFinding((id) => ({ id }));

  it('passes an Error the app refuses with to socket.io as it is, with its data', async () => {
    const { store, cookie } = storeWithSession();
    const own = Object.assign(new Error('come back later'), { data: { retryIn: 30 } });
    const success = (_data: unknown, accept: Any) => accept(own);
    const { delivered } = await handshake({ store, passport, success }, cookie);
    assert.equal(delivered[0]?.[0], own);
  });

  it('refuses when success throws undefined, as for any other throw', async () => {
    const { store, cookie } = storeWithSession();
    const success = () => {
      throw undefined;
    };
    const { delivered } = await handshake({ store, passport, success }, cookie);
    assert.equal((delivered[0]![0] as Error).message, 'Internal server error');
  });

  it('reports the decision of the socket.io 0.9 form to onDecision', async () => {
    const { store, cookie } = storeWithSession();
    const events: Any[] = [];
    await handshake({ store, passport, onDecision: (event: unknown) => events.push(event) }, cookie, 'v09');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      events.map((event) => [event.code, event.namespace]),
      [['OK', undefined]],
    );
  });
});
