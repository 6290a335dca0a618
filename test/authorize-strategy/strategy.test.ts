/**
 * authorizeStrategy with passport-jwt and jsonwebtoken, over real socket.io 4 servers and clients:
 * where tokens come from, what every kind of bad token gives `fail`, the accept forms, and
 * strategies that misbehave.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { Strategy as JwtStrategy } from 'passport-jwt';
import { ErrorCodes } from '../../src';
import { whoami } from '../support/client';
import { trackSockets } from '../support/sockets';
import { type Any, defineStack } from '../support/stack';
import {
  AUDIENCE,
  authorizationHeaderSeenBy,
  connectClient,
  connected,
  expiringToken,
  findUser,
  HS_SECRET,
  hsToken,
  ISSUER,
  jwtStrategyOptions,
  RSA_PUBLIC_PEM,
  recordingFail,
  refused,
  rsToken,
  startTokenApp,
  type TokenApp,
  type TokenAppOptions,
  tamperedToken,
  unsignedToken,
  until,
} from './support';

const stack = defineStack();
const ALICE = { id: 1, username: 'alice', name: 'Alice', logged_in: true };

const { track, closeSockets } = trackSockets();

async function withApp<T>(config: Omit<TokenAppOptions, 'mode'>, body: (app: TokenApp) => Promise<T>): Promise<T> {
  const app = await startTokenApp(stack, { mode: 'socket', ...config });
  try {
    return await body(app);
  } finally {
    closeSockets();
    await app.close();
  }
}

describe('authorizeStrategy with passport-jwt on socket.io 4', () => {
  describe('where the token comes from', () => {
    let app: TokenApp;
    before(async () => {
      app = await startTokenApp(stack, { mode: 'socket', options: { tokenFrom: { query: 'access_token' } } });
    });
    after(async () => {
      closeSockets();
      await app.close();
    });

    for (const transport of ['polling', 'websocket'] as const) {
      it(`accepts a token in the Authorization: Bearer header over ${transport} and sets socket.request.user with logged_in`, async () => {
        const socket = track(await connected(stack, app.url, { transports: [transport], bearer: hsToken(1) }));
        const seen = await whoami(socket);
        assert.deepEqual(seen.user, ALICE);
        assert.equal(seen.isAuthenticated, true);
        assert.equal(seen.isUnauthenticated, false);
        assert.equal(seen.socketio_version_1, true);
      });

      it(`accepts a token in handshake.auth.token over ${transport}`, async () => {
        const socket = track(await connected(stack, app.url, { transports: [transport], auth: { token: hsToken(1) } }));
        assert.deepEqual((await whoami(socket)).user, ALICE);
      });

      it(`accepts a token in the configured query parameter over ${transport}`, async () => {
        const socket = track(await connected(stack, app.url, { transports: [transport], query: { access_token: hsToken(2) } }));
        assert.equal((await whoami(socket)).user.username, 'bob');
      });

      it(`refuses a client with no token over ${transport} with 'No token found' and ERR_NO_TOKEN`, async () => {
        const result = await refused(stack, app.url, { transports: [transport] });
        assert.equal(result.message, 'No token found');
        assert.deepEqual(result.data, { code: 'ERR_NO_TOKEN' });
      });
    }

    it("accepts 'Bearer <token>' in handshake.auth.token, as some clients send it", async () => {
      const socket = track(await connected(stack, app.url, { auth: { token: `Bearer ${hsToken(1)}` } }));
      assert.deepEqual((await whoami(socket)).user, ALICE);
    });

    it("does not write a token from handshake.auth into the real request's Authorization header", async () => {
      const socket = track(await connected(stack, app.url, { transports: ['websocket'], auth: { token: hsToken(1) } }));
      assert.equal(await authorizationHeaderSeenBy(socket), null);
    });

    it('ignores the query parameter unless it is configured', async () => {
      await withApp({}, async (plain) => {
        const result = await refused(stack, plain.url, { query: { token: hsToken(1), access_token: hsToken(1) } });
        assert.equal(result.message, 'No token found');
      });
    });

    it('gives every concurrent handshake its own outcome (no state shared between strategy runs)', async () => {
      const clients = Array.from({ length: 24 }, (_, i) => {
        const kind = i % 3;
        const options =
          kind === 0 ? { auth: { token: hsToken(1) } } : kind === 1 ? { bearer: hsToken(2) } : { auth: { token: 'not-a-jwt' } };
        return connectClient(stack, app.url, { transports: [i % 2 ? 'polling' : 'websocket'], ...options });
      });
      const results = await Promise.all(clients);
      for (const [i, result] of results.entries()) {
        const kind = i % 3;
        if (kind === 2) {
          assert.equal(result.connected, false, `client ${i} must be refused`);
          continue;
        }
        assert.ok(result.connected, `client ${i} must be accepted`);
        track(result.socket);
        assert.equal((await whoami(result.socket)).user.username, kind === 0 ? 'alice' : 'bob');
      }
    });
  });

  describe('RS256', () => {
    it('accepts a token signed with the private key, verified with the public key', async () => {
      await withApp({ jwt: { secretOrKey: RSA_PUBLIC_PEM, algorithms: ['RS256'] } }, async (app) => {
        const socket = track(await connected(stack, app.url, { auth: { token: rsToken(1) } }));
        assert.deepEqual((await whoami(socket)).user, ALICE);
      });
    });
  });

  describe('bad tokens: each refused with a clear message, nothing crashes', () => {
    const RS_APP = { jwt: { secretOrKey: RSA_PUBLIC_PEM, algorithms: undefined } };
    const cases: { name: string; token: () => string; message: string | RegExp; code: string; config?: Omit<TokenAppOptions, 'mode'> }[] = [
      {
        name: 'an expired token',
        token: () => hsToken(1, { exp: Math.floor(Date.now() / 1000) - 60 }),
        message: 'Token expired',
        code: 'ERR_TOKEN_EXPIRED',
      },
      {
        name: 'a token not yet valid (nbf)',
        token: () => hsToken(1, { nbf: Math.floor(Date.now() / 1000) + 3600 }),
        message: 'Token not yet valid',
        code: 'ERR_TOKEN_NOT_ACTIVE',
      },
      {
        name: 'a token from another issuer',
        token: () => hsToken(1, { iss: 'https://evil.example' }),
        message: /^Invalid token: jwt issuer invalid/,
        code: 'ERR_TOKEN_INVALID',
      },
      {
        name: 'a token for another audience',
        token: () => hsToken(1, { aud: 'another-api' }),
        message: /^Invalid token: jwt audience invalid/,
        code: 'ERR_TOKEN_INVALID',
      },
      {
        name: 'an unsigned token (alg: none)',
        token: () => unsignedToken(1),
        message: 'Invalid token: jwt signature is required',
        code: 'ERR_TOKEN_INVALID',
      },
      {
        name: 'a token with a tampered payload',
        token: () => tamperedToken(hsToken(2), 1),
        message: 'Invalid token: invalid signature',
        code: 'ERR_TOKEN_INVALID',
      },
      {
        name: 'a token signed with another secret',
        token: () => jwt.sign({ sub: 1, iss: ISSUER, aud: AUDIENCE }, 'another secret', { expiresIn: 60 }),
        message: 'Invalid token: invalid signature',
        code: 'ERR_TOKEN_INVALID',
      },
      {
        name: 'a token whose signature was replaced',
        token: () => hsToken(1).replace(/\.[^.]+$/, `.${'A'.repeat(43)}`),
        message: 'Invalid token: invalid signature',
        code: 'ERR_TOKEN_INVALID',
      },
      {
        name: 'a token that is not a JWT',
        token: () => 'definitely-not-a-jwt',
        message: 'Invalid token: jwt malformed',
        code: 'ERR_TOKEN_INVALID',
      },
      {
        name: 'an HS256 token on an RS256 app',
        token: () => hsToken(1),
        message: 'Invalid token: invalid algorithm',
        code: 'ERR_TOKEN_INVALID',
        config: { jwt: { secretOrKey: RSA_PUBLIC_PEM, algorithms: ['RS256'] } },
      },
    ];

    for (const { name, token, message, code, config } of cases) {
      it(`refuses ${name}: not critical, code ${code}`, async () => {
        const recorder = recordingFail();
        await withApp({ ...config, options: { fail: recorder.fail } }, async (app) => {
          const result = await refused(stack, app.url, { auth: { token: token() } });
          const [call] = recorder.calls;
          assert.equal(recorder.calls.length, 1);
          if (typeof message === 'string') assert.equal(call?.message, message);
          else assert.match(call?.message ?? '', message);
          assert.equal(call?.critical, false);
          assert.equal(call?.error.code, code);
          assert.deepEqual(call?.userAtFailTime, { logged_in: false });
          assert.equal(result.message, call?.message, 'the client sees the same message');
          assert.deepEqual(result.data, { code });
          // and the server still lets a good token in
          const good = track(await connected(stack, app.url, { auth: { token: config === undefined ? hsToken(1) : rsToken(1) } }));
          assert.equal((await whoami(good)).user.id, 1);
        });
      });
    }

    it('refuses an HS256 token signed with the RSA public key as HMAC secret (HS/RS confusion) on an app that pins no algorithm', async () => {
      const crypto = require('node:crypto');
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const signingInput = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub: 1, iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 3600 })}`;
      const forged = `${signingInput}.${crypto.createHmac('sha256', RSA_PUBLIC_PEM).update(signingInput).digest('base64url')}`;
      const recorder = recordingFail();
      await withApp({ ...(RS_APP as Any), options: { fail: recorder.fail } }, async (app) => {
        await refused(stack, app.url, { auth: { token: forged } });
        assert.equal(recorder.calls[0]?.error.code, 'ERR_TOKEN_INVALID');
        assert.equal(recorder.calls[0]?.message, 'Invalid token: invalid algorithm');
      });
    });

    it("calls fail with 'User not found', not critical, when verify finds no user for a valid token", async () => {
      const recorder = recordingFail();
      await withApp({ options: { fail: recorder.fail } }, async (app) => {
        const result = await refused(stack, app.url, { auth: { token: hsToken(99) } });
        assert.equal(result.message, 'User not found');
        assert.equal(recorder.calls[0]?.critical, false);
        assert.equal(recorder.calls[0]?.error.code, ErrorCodes.USER_NOT_FOUND);
      });
    });

    it("passes verify's own reason to fail when it refuses with info", async () => {
      const recorder = recordingFail();
      const verify = (_payload: Any, done: Any) => done(null, false, { message: 'account suspended' });
      await withApp({ verify, options: { fail: recorder.fail } }, async (app) => {
        const result = await refused(stack, app.url, { auth: { token: hsToken(1) } });
        assert.equal(result.message, 'account suspended');
        assert.equal(recorder.calls[0]?.error.code, ErrorCodes.STRATEGY_FAILED);
      });
    });

    it("treats verify's error as critical: fail gets the message, the client only 'Internal server error'", async () => {
      const recorder = recordingFail();
      const verify = (_payload: Any, done: Any) => done(new Error('db down at 10.0.0.5'));
      await withApp({ verify, options: { fail: recorder.fail } }, async (app) => {
        const result = await refused(stack, app.url, { auth: { token: hsToken(1) } });
        assert.equal(recorder.calls[0]?.message, 'Error in authentication strategy:\ndb down at 10.0.0.5');
        assert.equal(recorder.calls[0]?.critical, true);
        assert.equal(recorder.calls[0]?.error.code, ErrorCodes.STRATEGY_ERROR);
        assert.equal(recorder.calls[0]?.error.cause.message, 'db down at 10.0.0.5');
        assert.equal(result.message, 'Internal server error');
        assert.deepEqual(result.data, { code: 'ERR_STRATEGY_ERROR' });
      });
    });

    it('survives a verify that throws', async () => {
      const verify = () => {
        throw new Error('verify exploded');
      };
      await withApp({ verify }, async (app) => {
        const result = await refused(stack, app.url, { auth: { token: hsToken(1) } });
        assert.equal(result.message, 'Internal server error');
        assert.deepEqual(result.data, { code: 'ERR_STRATEGY_ERROR' });
      });
    });
  });

  describe('the accept forms and callbacks, as with authorize', () => {
    const forms: { call: string; success: (data: Any, accept: Any) => void; connected: boolean; message?: string }[] = [
      { call: 'accept()', success: (_d, accept) => accept(), connected: true },
      { call: 'accept(null)', success: (_d, accept) => accept(null), connected: true },
      { call: 'accept(null, true)', success: (_d, accept) => accept(null, true), connected: true },
      { call: 'accept(null, false)', success: (_d, accept) => accept(null, false), connected: false, message: 'handshake unauthorized' },
      { call: "accept(new Error('banned'))", success: (_d, accept) => accept(new Error('banned')), connected: false, message: 'banned' },
      { call: "accept('go away')", success: (_d, accept) => accept('go away'), connected: false, message: 'go away' },
    ];
    for (const form of forms) {
      it(`${form.connected ? 'accepts' : 'refuses'} a found user on ${form.call} in success`, async () => {
        await withApp({ options: { success: form.success } }, async (app) => {
          const result = await connectClient(stack, app.url, { auth: { token: hsToken(1) } });
          assert.equal(result.connected, form.connected);
          if (result.connected) track(result.socket);
          else assert.equal(result.message, form.message);
        });
      });
    }

    it('gives success the request with the user and logged_in, and authInfo from verify', async () => {
      let seen: Any;
      const verify = (payload: Any, done: Any) => findUser(payload, (err, user) => done(err, user, { scope: 'chat:read' }));
      await withApp(
        {
          verify,
          options: {
            success(data: Any, accept: Any) {
              seen = { user: { ...data.user }, authInfo: data.authInfo };
              accept();
            },
          },
        },
        async (app) => {
          track(await connected(stack, app.url, { auth: { token: hsToken(1) } }));
          assert.deepEqual(seen, { user: ALICE, authInfo: { scope: 'chat:read' } });
        },
      );
    });

    it('lets fail admit an anonymous client with { logged_in: false } and isAuthenticated() false', async () => {
      const fail = (_d: Any, _m: string, critical: boolean, accept: Any) => (critical ? accept(new Error('broken')) : accept());
      await withApp({ options: { fail } }, async (app) => {
        const socket = track(await connected(stack, app.url, {}));
        const seen = await whoami(socket);
        assert.deepEqual(seen.user, { logged_in: false });
        assert.equal(seen.isAuthenticated, false);
      });
    });

    it('calls a two-argument fail(data, accept) the legacy way', async () => {
      let calls = 0;
      const fail = (_data: Any, accept: Any) => {
        calls += 1;
        accept(null, false);
      };
      await withApp({ options: { fail } }, async (app) => {
        const result = await refused(stack, app.url, { auth: { token: expiringToken(1, -10) } });
        assert.equal(result.message, 'handshake unauthorized');
        assert.equal(calls, 1);
      });
    });

    it("survives the README's `if (critical) throw new Error(message)` fail on a strategy error", async () => {
      const fail = (_d: Any, message: string, critical: boolean, accept: Any) => {
        if (critical) throw new Error(message);
        accept(new Error(message));
      };
      await withApp({ verify: (_p: Any, done: Any) => done(new Error('db down')), options: { fail } }, async (app) => {
        const result = await refused(stack, app.url, { auth: { token: hsToken(1) } });
        assert.equal(result.message, 'Internal server error');
        assert.deepEqual(result.data, { code: 'ERR_CALLBACK_THREW' });
        await refused(stack, app.url, { auth: { token: hsToken(1) } });
      });
    });

    it('puts the user on the userProperty it is given', async () => {
      await withApp({ options: { userProperty: 'account' }, app: { authorize: { userProperty: 'account' } } }, async (app) => {
        const socket = track(await connected(stack, app.url, { auth: { token: hsToken(1) } }));
        assert.deepEqual((await whoami(socket)).user, ALICE);
      });
    });
  });

  describe('strategies given and behaving in other ways', () => {
    it('takes a strategy instance instead of a registered name', async () => {
      const instance = new JwtStrategy(jwtStrategyOptions(), findUser);
      await withApp({ options: { strategy: instance } }, async (app) => {
        const socket = track(await connected(stack, app.url, { auth: { token: hsToken(1) } }));
        assert.deepEqual((await whoami(socket)).user, ALICE);
      });
    });

    it('looks the name up in a Passport-like registry that keeps its strategies in _strategies only', async () => {
      const registry = { _strategies: { jwt: new JwtStrategy(jwtStrategyOptions(), findUser), broken: {} } };
      await withApp({ options: { passport: registry as Any } }, async (app) => {
        const socket = track(await connected(stack, app.url, { auth: { token: hsToken(1) } }));
        assert.deepEqual((await whoami(socket)).user, ALICE);
      });
      for (const name of ['broken', 'bearer']) {
        const recorder = recordingFail();
        await withApp({ options: { passport: registry as Any, strategy: name, fail: recorder.fail } }, async (app) => {
          await refused(stack, app.url, { auth: { token: hsToken(1) } });
          assert.equal(recorder.calls[0]?.error.code, 'ERR_STRATEGY_ERROR');
          assert.match(recorder.calls[0]?.message ?? '', new RegExp(`Unknown authentication strategy "${name}"`));
        });
      }
    });

    it('refuses as an unknown strategy when the registry throws while looking it up', async () => {
      const recorder = recordingFail();
      const registry = {
        _strategy() {
          throw new Error('registry exploded');
        },
      };
      await withApp({ options: { passport: registry as Any, fail: recorder.fail } }, async (app) => {
        await refused(stack, app.url, { auth: { token: hsToken(1) } });
        assert.equal(recorder.calls[0]?.error.code, 'ERR_STRATEGY_ERROR');
        assert.match(recorder.calls[0]?.message ?? '', /Unknown authentication strategy "jwt"/);
      });
    });

    it('refuses with a critical ERR_STRATEGY_ERROR naming a strategy that is not registered', async () => {
      const recorder = recordingFail();
      await withApp({ options: { strategy: 'bearer', fail: recorder.fail } }, async (app) => {
        const result = await refused(stack, app.url, { auth: { token: hsToken(1) } });
        assert.equal(result.message, 'Internal server error');
        assert.match(recorder.calls[0]?.message ?? '', /Unknown authentication strategy "bearer"/);
        assert.equal(recorder.calls[0]?.critical, true);
      });
    });

    const custom = (authenticate: (this: Any, req: Any) => void) => ({ name: 'custom', authenticate });
    const behaviours: { name: string; strategy: Any; code: string; critical: boolean; message: string | RegExp }[] = [
      {
        name: 'throws',
        strategy: custom(() => {
          throw new Error('strategy exploded');
        }),
        code: 'ERR_STRATEGY_ERROR',
        critical: true,
        message: 'Error in authentication strategy:\nstrategy exploded',
      },
      {
        name: 'returns a rejected promise',
        strategy: custom(async () => {
          throw new Error('async strategy exploded');
        }),
        code: 'ERR_STRATEGY_ERROR',
        critical: true,
        message: 'Error in authentication strategy:\nasync strategy exploded',
      },
      {
        name: 'never answers',
        strategy: custom(() => {}),
        code: 'ERR_STRATEGY_TIMEOUT',
        critical: true,
        message: /did not answer within 300 ms$/,
      },
      {
        name: 'asks for a redirect',
        strategy: custom(function (this: Any) {
          this.redirect('https://login.example');
        }),
        code: 'ERR_STRATEGY_ERROR',
        critical: true,
        message: /redirect/,
      },
      {
        name: 'passes',
        strategy: custom(function (this: Any) {
          this.pass();
        }),
        code: 'ERR_STRATEGY_FAILED',
        critical: false,
        message: 'Authentication failed',
      },
      {
        name: 'fails with a string reason',
        strategy: custom(function (this: Any) {
          this.fail('token revoked');
        }),
        code: 'ERR_STRATEGY_FAILED',
        critical: false,
        message: 'token revoked',
      },
      {
        name: 'fails with an info whose message is not a string',
        strategy: custom(function (this: Any) {
          this.fail({ message: 42 });
        }),
        code: 'ERR_STRATEGY_FAILED',
        critical: false,
        message: 'Authentication failed',
      },
      {
        name: 'fails with an error of its own whose code only looks like a library code',
        strategy: custom(function (this: Any) {
          this.fail(Object.assign(new Error('account locked'), { code: 'ERR_ACCOUNT_LOCKED' }));
        }),
        code: 'ERR_STRATEGY_FAILED',
        critical: false,
        message: 'account locked',
      },
      {
        name: "fails with jsonwebtoken's error class and no message",
        strategy: custom(function (this: Any) {
          this.fail(Object.assign(new Error(''), { name: 'JsonWebTokenError' }));
        }),
        code: 'ERR_TOKEN_INVALID',
        critical: false,
        message: 'Invalid token: rejected',
      },
      {
        name: 'fails with a status only',
        strategy: custom(function (this: Any) {
          this.fail(403);
        }),
        code: 'ERR_USER_NOT_FOUND',
        critical: false,
        message: 'User not found',
      },
    ];
    for (const behaviour of behaviours) {
      it(`refuses with ${behaviour.code} when the strategy ${behaviour.name}, and keeps serving`, async () => {
        const recorder = recordingFail();
        await withApp({ options: { strategy: behaviour.strategy, fail: recorder.fail, timeout: 300 } }, async (app) => {
          await refused(stack, app.url, { auth: { token: 'some-token' } });
          const [call] = recorder.calls;
          assert.equal(call?.error.code, behaviour.code);
          assert.equal(call?.critical, behaviour.critical);
          if (typeof behaviour.message === 'string') assert.equal(call?.message, behaviour.message);
          else assert.match(call?.message ?? '', behaviour.message);
          await refused(stack, app.url, { auth: { token: 'some-token' } });
          assert.equal(recorder.calls.length, 2);
        });
      });
    }

    for (const [what, strategy] of [
      [
        'throws after answering',
        custom(function (this: Any) {
          this.success({ id: 7, name: 'first' });
          throw new Error('thrown after the answer');
        }),
      ],
      [
        'rejects its promise after answering',
        custom(async function (this: Any) {
          this.success({ id: 7, name: 'first' });
          throw new Error('rejected after the answer');
        }),
      ],
    ] as const) {
      it(`keeps the answer of a strategy that ${what}`, async () => {
        const recorder = recordingFail();
        await withApp({ options: { strategy, fail: recorder.fail } }, async (app) => {
          const socket = track(await connected(stack, app.url, { auth: { token: 'x' } }));
          assert.deepEqual((await whoami(socket)).user, { id: 7, name: 'first', logged_in: true });
          assert.equal(recorder.calls.length, 0, 'fail was not called');
        });
      });
    }

    it('counts only the first answer of a strategy that answers twice', async () => {
      let successes = 0;
      const twice = custom(function (this: Any) {
        this.success({ id: 7, name: 'first' });
        this.fail('second answer');
        this.error(new Error('third answer'));
      });
      const success = (_d: Any, accept: Any) => {
        successes += 1;
        accept();
      };
      await withApp({ options: { strategy: twice, success } }, async (app) => {
        const socket = track(await connected(stack, app.url, { auth: { token: 'x' } }));
        assert.deepEqual((await whoami(socket)).user, { id: 7, name: 'first', logged_in: true });
        assert.equal(successes, 1);
      });
    });

    it('runs the strategy with session: false and a request that carries the token as a bearer header', async () => {
      let seen: Any;
      const spy = custom(function (this: Any, req: Any, options?: Any) {
        seen = { options, authorization: req.headers.authorization, url: req.url };
        this.success({ id: 1 });
      } as Any);
      await withApp({ options: { strategy: spy } }, async (app) => {
        track(await connected(stack, app.url, { auth: { token: 'abc.def.ghi' } }));
        assert.deepEqual(seen.options, { session: false });
        assert.equal(seen.authorization, 'Bearer abc.def.ghi');
        assert.match(seen.url, /^\/socket\.io\/\?/);
      });
    });
  });

  describe('decision events', () => {
    it("emits exactly one 'strategy' event per handshake, with the token's source and never the token", async () => {
      await withApp({}, async (app) => {
        const good = hsToken(1);
        const expired = expiringToken(2, -30);
        track(await connected(stack, app.url, { auth: { token: good } }));
        track(await connected(stack, app.url, { transports: ['polling'], bearer: good }));
        await refused(stack, app.url, { auth: { token: expired } });
        await refused(stack, app.url, {});
        await until(() => app.events.length >= 4, 'four decision events');
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(app.events.length, 4);
        const summary = app.events.map((e) => [e.mode, e.accepted, e.code, e.tokenSource, e.sessionIdSource, e.namespace]);
        assert.deepEqual(summary, [
          ['strategy', true, 'OK', 'auth', 'none', '/'],
          ['strategy', true, 'OK', 'header', 'none', '/'],
          ['strategy', false, 'ERR_TOKEN_EXPIRED', 'auth', 'none', '/'],
          ['strategy', false, 'ERR_NO_TOKEN', 'none', 'none', '/'],
        ]);
        assert.deepEqual(
          app.events.map((e) => e.transport),
          ['websocket', 'polling', 'websocket', 'websocket'],
        );
        const text = JSON.stringify(app.events);
        for (const secret of [good, expired, HS_SECRET, good.split('.')[2] as string]) assert.ok(!text.includes(secret));
      });
    });
  });
});
