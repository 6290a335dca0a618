/**
 * Every wrong option of every entry point is refused when the middleware is made, with an
 * InvalidOptionError that names the option and says, in full, what to pass instead: the messages
 * are what a developer reads, so each one is pinned here, and so are the edges of each range.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import session from 'express-session';
import { Passport } from 'passport';
import { authorize, authorizeEngine, authorizeStrategy, InvalidOptionError } from '../src';
import { MAX_TIMER_MS, resolveOptions, resolveStrategyOptions } from '../src/options';

const store = new session.MemoryStore();
const passport = new Passport();
passport.deserializeUser((id: unknown, done: (err: null, user: unknown) => void) => done(null, { id }));
const base = { store, secret: 's', passport };
const strategy = { authenticate() {} };
const cs = (cookieSession: unknown, extra: object = {}) => ({ cookieSession, passport, ...extra });

/** [what is wrong, the call, the option named, the message after `option "<name>" `]. */
const REFUSED: Array<[string, () => unknown, string, string]> = [
  ['store: 123', () => authorize({ ...base, store: 123 as never }), 'store', 'must be an express-session store object, not a number'],
  [
    'includeUserIdInDecisions: "yes"',
    () => authorize({ ...base, includeUserIdInDecisions: 'yes' as never }),
    'includeUserIdInDecisions',
    'must be true or false, not the string "yes"',
  ],
  [
    'passport: {}',
    () => authorize({ ...base, passport: {} as never }),
    'passport',
    'must be a Passport instance (require("passport") or new Passport())',
  ],
  [
    'passport: null',
    () => authorize({ ...base, passport: null as never }),
    'passport',
    'must be a Passport instance (require("passport") or new Passport())',
  ],
  ['timeout: 0', () => authorize({ ...base, timeout: 0 }), 'timeout', 'must be a positive number of milliseconds, not 0'],
  [
    'timeout: MAX+1',
    () => authorize({ ...base, timeout: MAX_TIMER_MS + 1 }),
    'timeout',
    'must be a positive number of milliseconds, not 2147483648',
  ],
  ['timeout: NaN', () => authorize({ ...base, timeout: Number.NaN }), 'timeout', 'must be a positive number of milliseconds, not NaN'],
  [
    'timeout: "5s"',
    () => authorize({ ...base, timeout: '5s' as never }),
    'timeout',
    'must be a positive number of milliseconds, not the string "5s"',
  ],
  [
    'rooms: null',
    () => authorize({ ...base, rooms: null as never }),
    'rooms',
    'must be true, or an object { sessionRoom?, userRoom?, userId? } of functions',
  ],
  [
    'rooms: []',
    () => authorize({ ...base, rooms: [] as never }),
    'rooms',
    'must be true, or an object { sessionRoom?, userRoom?, userId? } of functions',
  ],
  [
    'rooms.sessionRoom: "x"',
    () => authorize({ ...base, rooms: { sessionRoom: 'x' as never } }),
    'rooms.sessionRoom',
    'must be a function, not the string "x"',
  ],
  [
    'rooms.userRoom: null',
    () => authorize({ ...base, rooms: { userRoom: null as never } }),
    'rooms.userRoom',
    'must be a function, not null',
  ],
  [
    'liveSession: null',
    () => authorize({ ...base, liveSession: null as never }),
    'liveSession',
    'must be true, or an object { interval?, timer?, beforeEvents? }',
  ],
  [
    'liveSession: []',
    () => authorize({ ...base, liveSession: [] as never }),
    'liveSession',
    'must be true, or an object { interval?, timer?, beforeEvents? }',
  ],
  [
    'liveSession.interval: 0.5',
    () => authorize({ ...base, liveSession: { interval: 0.5 } }),
    'liveSession.interval',
    'must be a positive number of milliseconds, not 0.5',
  ],
  [
    'liveSession.interval: MAX+1',
    () => authorize({ ...base, liveSession: { interval: MAX_TIMER_MS + 1 } }),
    'liveSession.interval',
    'must be a positive number of milliseconds, not 2147483648',
  ],
  [
    'liveSession.interval: "5"',
    () => authorize({ ...base, liveSession: { interval: '5' as never } }),
    'liveSession.interval',
    'must be a positive number of milliseconds, not the string "5"',
  ],
  [
    'liveSession.interval: Infinity',
    () => authorize({ ...base, liveSession: { interval: Infinity } }),
    'liveSession.interval',
    'must be a positive number of milliseconds, not Infinity',
  ],
  [
    'liveSession.timer: "y"',
    () => authorize({ ...base, liveSession: { timer: 'y' as never } }),
    'liveSession.timer',
    'must be true or false',
  ],
  [
    'liveSession.beforeEvents: 1',
    () => authorize({ ...base, liveSession: { beforeEvents: 1 as never } }),
    'liveSession.beforeEvents',
    'must be true or false',
  ],
  [
    'liveSession both off',
    () => authorize({ ...base, liveSession: { timer: false, beforeEvents: false } }),
    'liveSession',
    'has both timer and beforeEvents off: nothing would check the session',
  ],
  [
    'liveSession.refreshUser: "y"',
    () => authorize({ ...base, liveSession: { refreshUser: 'y' as never } }),
    'liveSession.refreshUser',
    'must be true or false',
  ],
  [
    'liveSession.reconnect: 1',
    () => authorize({ ...base, liveSession: { reconnect: 1 as never } }),
    'liveSession.reconnect',
    'must be true or false',
  ],
  [
    'liveSession.onUserRefresh: "log"',
    () => authorize({ ...base, liveSession: { onUserRefresh: 'log' as never } }),
    'liveSession.onUserRefresh',
    'must be a function, not the string "log"',
  ],
  [
    'liveSession.onUserRefresh: null',
    () => authorize({ ...base, liveSession: { onUserRefresh: null as never } }),
    'liveSession.onUserRefresh',
    'must be a function, not null',
  ],
  ['session: null', () => authorize({ ...base, session: null as never }), 'session', 'must be true, or an object { onSocket?, rolling? }'],
  ['session: []', () => authorize({ ...base, session: [] as never }), 'session', 'must be true, or an object { onSocket?, rolling? }'],
  [
    'session: "yes"',
    () => authorize({ ...base, session: 'yes' as never }),
    'session',
    'must be true, or an object { onSocket?, rolling? }',
  ],
  ['session.onSocket: 1', () => authorize({ ...base, session: { onSocket: 1 as never } }), 'session.onSocket', 'must be true or false'],
  [
    'session.rolling: 0.5',
    () => authorize({ ...base, session: { rolling: 0.5 } }),
    'session.rolling',
    'must be true, false or a positive number of milliseconds, not 0.5',
  ],
  [
    'session.rolling: MAX+1',
    () => authorize({ ...base, session: { rolling: MAX_TIMER_MS + 1 } }),
    'session.rolling',
    'must be true, false or a positive number of milliseconds, not 2147483648',
  ],
  [
    'session.rolling: NaN',
    () => authorize({ ...base, session: { rolling: Number.NaN } }),
    'session.rolling',
    'must be true, false or a positive number of milliseconds, not NaN',
  ],
  [
    'session.rolling: "1m"',
    () => authorize({ ...base, session: { rolling: '1m' as never } }),
    'session.rolling',
    'must be true, false or a positive number of milliseconds, not the string "1m"',
  ],
  [
    'session.rolling without onSocket',
    () => authorize({ ...base, session: { onSocket: false, rolling: 5000 } }),
    'session.rolling',
    'renews the session each socket holds: it needs session.onSocket left on',
  ],
  [
    'session with a store without set',
    () => authorize({ ...base, store: { get() {} } as never, session: true }),
    'session',
    'needs an express-session store (with set()) to save the session to',
  ],
  [
    'cookieSession + liveSession',
    () => authorize(cs({ keys: ['k'] }, { liveSession: true }) as never),
    'liveSession',
    'cannot be used with "cookieSession": the session is in the cookie-session cookie, with no store to read or save',
  ],
  [
    'cookieSession + session',
    () => authorize(cs({ keys: ['k'] }, { session: true }) as never),
    'session',
    'cannot be used with "cookieSession": the session is in the cookie-session cookie, with no store to read or save',
  ],
  [
    'cookieSession + store',
    () => authorize(cs({ keys: ['k'] }, { store }) as never),
    'store',
    'cannot be used with "cookieSession": the session is in the cookie-session cookie, signed with cookieSession.keys',
  ],
  [
    'cookieSession + secret',
    () => authorize(cs({ keys: ['k'] }, { secret: 's' }) as never),
    'secret',
    'cannot be used with "cookieSession": the session is in the cookie-session cookie, signed with cookieSession.keys',
  ],
  [
    'cookieSession: null',
    () => authorize(cs(null as never) as never),
    'cookieSession',
    "must be the app's cookie-session options ({ name, keys }), not null",
  ],
  [
    'cookieSession: []',
    () => authorize(cs([] as never) as never),
    'cookieSession',
    "must be the app's cookie-session options ({ name, keys }), not an array",
  ],
  [
    'cookieSession.name: ""',
    () => authorize(cs({ name: '', keys: ['k'] }) as never),
    'cookieSession.name',
    'must be the session cookie\'s name, not the string ""',
  ],
  [
    'cookieSession.name: "a;b"',
    () => authorize(cs({ name: 'a;b', keys: ['k'] }) as never),
    'cookieSession.name',
    'must be the session cookie\'s name, not the string "a;b"',
  ],
  [
    'cookieSession.name: "a b"',
    () => authorize(cs({ name: 'a b', keys: ['k'] }) as never),
    'cookieSession.name',
    'must be the session cookie\'s name, not the string "a b"',
  ],
  [
    'cookieSession.name: 5',
    () => authorize(cs({ name: 5, keys: ['k'] }) as never),
    'cookieSession.name',
    "must be the session cookie's name, not a number",
  ],
  [
    'cookieSession.signed: false',
    () => authorize(cs({ signed: false, keys: ['k'] }) as never),
    'cookieSession.signed',
    'must not be false: an unsigned session cookie can be written by anyone',
  ],
  [
    'cookieSession.algorithm: "nope"',
    () => authorize(cs({ algorithm: 'nope', keys: ['k'] }) as never),
    'cookieSession.algorithm',
    "must be a hash Node.js knows (Keygrip's default is 'sha1'), not the string \"nope\"",
  ],
  [
    'cookieSession.algorithm: 5',
    () => authorize(cs({ algorithm: 5, keys: ['k'] }) as never),
    'cookieSession.algorithm',
    "must be a hash Node.js knows (Keygrip's default is 'sha1'), not a number",
  ],
  [
    'cookieSession.keys: "k"',
    () => authorize(cs({ keys: 'k' }) as never),
    'cookieSession.keys',
    'must be an array of strings, not the string "k" (for a Keygrip, pass its keys and algorithm): pass the same keys (newest first) or secret your cookieSession({ ... }) uses',
  ],
  [
    'cookieSession.keys: []',
    () => authorize(cs({ keys: [] }) as never),
    'cookieSession.keys',
    'must not be empty: pass the same keys (newest first) or secret your cookieSession({ ... }) uses',
  ],
  [
    'cookieSession.keys: [""]',
    () => authorize(cs({ keys: [''] }) as never),
    'cookieSession.keys',
    'must hold non-empty strings, not the string "": pass the same keys (newest first) or secret your cookieSession({ ... }) uses',
  ],
  [
    'cookieSession.keys: [5]',
    () => authorize(cs({ keys: [5] }) as never),
    'cookieSession.keys',
    'must hold non-empty strings, not a number: pass the same keys (newest first) or secret your cookieSession({ ... }) uses',
  ],
  [
    'cookieSession without keys or secret',
    () => authorize(cs({}) as never),
    'cookieSession.keys',
    'is required: pass the same keys (newest first) or secret your cookieSession({ ... }) uses',
  ],
  [
    'cookieSession.secret: ""',
    () => authorize(cs({ secret: '' }) as never),
    'cookieSession.keys',
    'is required: pass the same keys (newest first) or secret your cookieSession({ ... }) uses',
  ],
  [
    'strategy: options null',
    () => authorizeStrategy(null as never),
    'options',
    "must be an object: authorizeStrategy({ strategy: 'jwt', ... })",
  ],
  [
    'strategy: missing',
    () => authorizeStrategy({} as never),
    'strategy',
    "is required: pass the name it was registered under with passport.use() ('jwt'), or the instance (new JwtStrategy(...))",
  ],
  [
    'strategy: {} without authenticate',
    () => authorizeStrategy({ strategy: {} as never }),
    'strategy',
    "must be a Passport strategy (with authenticate()), not an object: pass the name it was registered under with passport.use() ('jwt'), or the instance (new JwtStrategy(...))",
  ],
  [
    'strategy: name without passport registry',
    () => authorizeStrategy({ strategy: 'jwt', passport: {} as never }),
    'passport',
    'must be the Passport instance the strategy is registered on (require("passport") or new Passport())',
  ],
  [
    'strategy: name with null passport',
    () => authorizeStrategy({ strategy: 'jwt', passport: null as never }),
    'passport',
    'must be the Passport instance the strategy is registered on (require("passport") or new Passport())',
  ],
  [
    'strategy: passport with _strategies null',
    () => authorizeStrategy({ strategy: 'jwt', passport: { _strategies: null } as never }),
    'passport',
    'must be the Passport instance the strategy is registered on (require("passport") or new Passport())',
  ],
  [
    'strategy: passport with _strategies "x"',
    () => authorizeStrategy({ strategy: 'jwt', passport: { _strategies: 'x' } as never }),
    'passport',
    'must be the Passport instance the strategy is registered on (require("passport") or new Passport())',
  ],
  [
    'strategy: expireWithToken "yes"',
    () => authorizeStrategy({ strategy, expireWithToken: 'yes' as never }),
    'expireWithToken',
    'must be true or false, not the string "yes"',
  ],
  [
    'strategy: expiredEvent ""',
    () => authorizeStrategy({ strategy, expiredEvent: '' }),
    'expiredEvent',
    'must be a non-empty event name, not the string ""',
  ],
  [
    'strategy: expiredEvent 5',
    () => authorizeStrategy({ strategy, expiredEvent: 5 as never }),
    'expiredEvent',
    'must be a non-empty event name, not a number',
  ],
  [
    'strategy: order "x"',
    () => authorizeStrategy({ strategy, order: 'x' as never }),
    'order',
    "must be 'session-first' or 'strategy-first', not the string \"x\"",
  ],
  [
    'strategy: tokenFrom null',
    () => authorizeStrategy({ strategy, tokenFrom: null as never }),
    'tokenFrom',
    "must be an object like { header: true, auth: 'token', query: 'token' }, not null",
  ],
  [
    'strategy: tokenFrom []',
    () => authorizeStrategy({ strategy, tokenFrom: [] as never }),
    'tokenFrom',
    "must be an object like { header: true, auth: 'token', query: 'token' }, not an array",
  ],
  [
    'strategy: tokenFrom nothing',
    () => authorizeStrategy({ strategy, tokenFrom: { header: false, auth: false, query: false } }),
    'tokenFrom',
    'turns off every place a token could come from',
  ],
  [
    'strategy: tokenFrom.auth 5',
    () => authorizeStrategy({ strategy, tokenFrom: { auth: 5 as never } }),
    'tokenFrom.auth',
    'must be a field name or false, not a number',
  ],
  [
    'strategy: tokenFrom.query ""',
    () => authorizeStrategy({ strategy, tokenFrom: { query: '' as never } }),
    'tokenFrom.query',
    'must be a field name or false, not the string ""',
  ],
  [
    'strategy: tokenFrom.header "y"',
    () => authorizeStrategy({ strategy, tokenFrom: { header: 'y' as never } }),
    'tokenFrom.header',
    'must be true or false, not the string "y"',
  ],
  [
    'engine: null',
    () => authorizeEngine(null as never),
    'options',
    'must be an object: authorizeEngine({ store, secret, ... }) or authorizeEngine({ strategy, ... })',
  ],
  [
    'engine: "x"',
    () => authorizeEngine('x' as never),
    'options',
    'must be an object: authorizeEngine({ store, secret, ... }) or authorizeEngine({ strategy, ... })',
  ],
  [
    'engine: strategy + expireWithToken',
    () => authorizeEngine({ strategy, expireWithToken: true } as never),
    'expireWithToken',
    'works with authorizeStrategy() installed with io.use(): the engine level has no socket to disconnect',
  ],
  [
    'engine: strategy + tokenFrom.auth',
    () => authorizeEngine({ strategy, tokenFrom: { auth: 'token' } } as never),
    'tokenFrom.auth',
    'cannot be read at the engine level: handshake.auth arrives with each namespace, after the engine handshake. Use header or query, or authorizeStrategy() with io.use()',
  ],
  [
    'engine: rooms',
    () => authorizeEngine({ ...base, rooms: true } as never),
    'rooms',
    'acts on each socket after the handshake, and the engine level has no socket: use authorize() or authorizeStrategy() with io.use() for it',
  ],
  [
    'engine: liveSession',
    () => authorizeEngine({ ...base, liveSession: true } as never),
    'liveSession',
    'acts on each socket after the handshake, and the engine level has no socket: use authorize() or authorizeStrategy() with io.use() for it',
  ],
  [
    'engine: session',
    () => authorizeEngine({ ...base, session: true } as never),
    'session',
    'acts on each socket after the handshake, and the engine level has no socket: use authorize() or authorizeStrategy() with io.use() for it',
  ],
  [
    'engine: strategy + rooms',
    () => authorizeEngine({ strategy, ...base, rooms: true } as never),
    'rooms',
    'acts on each socket after the handshake, and the engine level has no socket: use authorize() or authorizeStrategy() with io.use() for it',
  ],
  [
    'engine: strategy + liveSession',
    () => authorizeEngine({ strategy, ...base, liveSession: { beforeEvents: true } } as never),
    'liveSession',
    'acts on each socket after the handshake, and the engine level has no socket: use authorize() or authorizeStrategy() with io.use() for it',
  ],
  [
    'strategy: a function',
    () => authorizeStrategy({ strategy: (() => {}) as never }),
    'strategy',
    "must be a strategy instance, not its class or a function: pass the name it was registered under with passport.use() ('jwt'), or the instance (new JwtStrategy(...))",
  ],
  [
    'strategy: ""',
    () => authorizeStrategy({ strategy: '' }),
    'strategy',
    "must not be empty: pass the name it was registered under with passport.use() ('jwt'), or the instance (new JwtStrategy(...))",
  ],
  [
    'strategy: 5',
    () => authorizeStrategy({ strategy: 5 as never }),
    'strategy',
    "must be a Passport strategy (with authenticate()), not a number: pass the name it was registered under with passport.use() ('jwt'), or the instance (new JwtStrategy(...))",
  ],
  ['rooms.userId: 1', () => authorize({ ...base, rooms: { userId: 1 as never } }), 'rooms.userId', 'must be a function, not a number'],
  ['timeout: -1', () => authorize({ ...base, timeout: -1 }), 'timeout', 'must be a positive number of milliseconds, not -1'],
];

describe('every wrong option is refused at setup, naming it and saying what to pass', () => {
  for (const [wrong, call, option, problem] of REFUSED) {
    it(`${wrong}: option "${option}"`, () => {
      assert.throws(call, (err: unknown) => {
        assert.ok(err instanceof InvalidOptionError, `an InvalidOptionError, got ${String(err)}`);
        assert.equal(err.name, 'InvalidOptionError');
        assert.equal(err.code, 'ERR_INVALID_OPTION');
        assert.equal(err.option, option);
        assert.equal(err.message, `passport.socketio-compat: option "${option}" ${problem}`);
        return true;
      });
    });
  }
});

describe('the edges of each range are accepted', () => {
  it('timeout, liveSession.interval and session.rolling take 1 ms up to the largest timer Node.js has', () => {
    for (const ms of [1, 0.5 + 0.5, MAX_TIMER_MS]) {
      assert.equal(typeof authorize({ ...base, timeout: ms }), 'function');
      assert.equal(typeof authorize({ ...base, liveSession: { interval: ms } }), 'function');
      assert.equal(typeof authorize({ ...base, session: { rolling: ms } }), 'function');
    }
    assert.equal(resolveOptions({ ...base, timeout: 0.5 }).timeout, 0.5, 'a timeout only has to be positive');
  });

  it('a strategy by name on a Passport instance, or an instance without one', () => {
    passport.use('edge-test', strategy as never);
    assert.equal(typeof authorizeStrategy({ strategy: 'edge-test', passport }), 'function');
    assert.equal(typeof authorizeStrategy({ strategy }), 'function');
    assert.equal(typeof authorizeStrategy({ strategy: 'edge-test', passport: { _strategies: {} } as never }), 'function');
    assert.equal(typeof authorizeStrategy({ strategy: 'edge-test', passport: { _strategy() {} } as never }), 'function');
  });

  it('cookieSession takes an app secret in place of keys', () => {
    assert.equal(typeof authorize(cs({ secret: 'app secret' }) as never), 'function');
    assert.equal(typeof authorize(cs({ keys: ['new', 'old'], algorithm: 'SHA256', name: 'my.session' }) as never), 'function');
  });
});

describe('the defaults each option documents', () => {
  it('liveSession: true is a timed check every minute, before no event, refreshing nothing', () => {
    const live = resolveOptions({ ...base, liveSession: true }).liveSession;
    assert.deepEqual(
      { ...live, rooms: undefined },
      {
        interval: 60_000,
        timer: true,
        beforeEvents: false,
        refreshUser: false,
        onUserRefresh: undefined,
        reconnect: false,
        userProperty: 'user',
        rooms: undefined,
        onSocketEvent: undefined,
        includeUserIdInDecisions: false,
      },
    );
    assert.deepEqual(resolveOptions({ ...base, liveSession: {} }).liveSession, live, 'an empty object means the same');
    const own = resolveOptions({
      ...base,
      liveSession: { refreshUser: true, reconnect: true, timer: false, beforeEvents: true },
    }).liveSession;
    assert.equal(own?.refreshUser, true);
    assert.equal(own?.reconnect, true);
    assert.equal(own?.timer, false);
    assert.equal(own?.beforeEvents, true);
  });

  it('session: true puts the Session on the socket without renewing it; rolling: true renews every minute', () => {
    const plain = resolveOptions({ ...base, session: true }).session;
    assert.equal(plain?.onSocket, true);
    assert.equal(plain?.rollingInterval, undefined);
    assert.equal(typeof plain?.createSession, 'function');
    assert.equal(resolveOptions({ ...base, session: { rolling: true } }).session?.rollingInterval, 60_000);
    assert.equal(resolveOptions({ ...base, session: { rolling: false } }).session?.rollingInterval, undefined);
    assert.equal(resolveOptions({ ...base, session: { onSocket: false } }).session?.onSocket, false);
    assert.equal(resolveOptions({ ...base, session: false }).session, undefined);
  });

  it('rooms: one naming for true and for an empty object; functions of its own replace only their part', () => {
    const byDefault = resolveOptions({ ...base, rooms: true }).rooms;
    assert.equal(resolveOptions({ ...base, rooms: {} }).rooms, byDefault);
    assert.equal(byDefault?.sessionRoom('key'), 'passport:session:key');
    assert.equal(byDefault?.userRoom(7), 'passport:user:7');
    const userId = () => 'me';
    const own = resolveOptions({ ...base, rooms: { userId } }).rooms;
    assert.equal(own?.userId, userId);
    assert.equal(own?.sessionRoom('key'), 'passport:session:key');
    assert.equal(own?.userRoom(7), 'passport:user:7');
    const named = resolveOptions({ ...base, rooms: { sessionRoom: (k: string) => `s/${k}`, userRoom: (id: unknown) => `u/${id}` } }).rooms;
    assert.equal(named?.sessionRoom('key'), 's/key');
    assert.equal(named?.userRoom(7), 'u/7');
    assert.equal(named?.userId, undefined);
  });

  it('tokens come from the Authorization header and handshake.auth.token on sockets, and from the header alone at the engine level', () => {
    assert.deepEqual({ ...resolveStrategyOptions({ strategy }, 'socket').tokenFrom }, { header: true, auth: 'token', query: false });
    assert.deepEqual({ ...resolveStrategyOptions({ strategy }, 'engine').tokenFrom }, { header: true, auth: false, query: false });
    assert.equal(resolveStrategyOptions({ strategy }, 'socket').registry, undefined, 'an instance needs no Passport');
    assert.equal(resolveStrategyOptions({ strategy: 'jwt', passport }, 'socket').registry, passport);
    assert.equal(resolveStrategyOptions({ strategy, passport }, 'socket').registry, passport);
    assert.equal(typeof authorizeEngine({ strategy }), 'function');
  });
});
