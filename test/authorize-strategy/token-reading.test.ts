/**
 * Where authorizeStrategy finds a token and how it reads it, as a client sends it: the forms of
 * `Authorization: Bearer` and `handshake.auth.token`, which configured place wins (as each
 * decision event's `tokenSource` reports), socket.io 2 (no `handshake.auth`), the recovery guard,
 * and a strategy written with jose, whose failures are told apart by their codes. Real socket.io
 * servers, real clients, passport-jwt and jose.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Server } from 'socket.io';
import { whoami } from '../support/client';
import { trackSockets } from '../support/sockets';
import { type Any, defineStack, type Stack } from '../support/stack';
import {
  type ClientOptions,
  connected,
  hsToken,
  recordingFail,
  refused,
  startTokenApp,
  type TokenApp,
  type TokenAppOptions,
  until,
} from './support';

const stack = defineStack();
const { track, closeSockets } = trackSockets();

async function withApp<T>(config: Omit<TokenAppOptions, 'mode'>, body: (app: TokenApp) => Promise<T>, on: Stack = stack): Promise<T> {
  const app = await startTokenApp(on, { mode: 'socket', ...config });
  try {
    return await body(app);
  } finally {
    closeSockets();
    await app.close();
  }
}

/** Connects, and answers who the server says the client is and where the token was found. */
async function admitted(app: TokenApp, options: ClientOptions, on: Stack = stack): Promise<{ id: unknown; tokenSource: unknown }> {
  const before = app.events.length;
  const socket = track(await connected(on, app.url, options));
  await until(() => app.events.length > before, 'the decision event');
  return { id: (await whoami(socket)).user.id, tokenSource: app.events.at(-1)?.tokenSource };
}

describe('authorizeStrategy reads the token the way clients send it (socket.io 4, passport-jwt)', () => {
  describe('handshake.auth.token', () => {
    const accepted: [string, (token: string) => string][] = [
      ['the bare token', (token) => token],
      ["'Bearer <token>'", (token) => `Bearer ${token}`],
      ["'bearer <token>', any case", (token) => `bearer ${token}`],
      ['several spaces after Bearer', (token) => `Bearer   ${token}`],
      ['a tab after Bearer', (token) => `Bearer\t${token}`],
      ['spaces around the token', (token) => `  ${token}  `],
    ];
    for (const [form, write] of accepted) {
      it(`accepts ${form}`, async () => {
        await withApp({}, async (app) => {
          assert.deepEqual(await admitted(app, { auth: { token: write(hsToken(1)) } }), { id: 1, tokenSource: 'auth' });
        });
      });
    }

    const notATokens: [string, (token: string) => unknown][] = [
      ["another scheme's prefix ('xBearer <token>')", (token) => `xBearer ${token}`],
      ['a token followed by more words', (token) => `Bearer ${token} and more`],
      ['two words', (token) => `${token} ${token}`],
      ['an empty string', () => ''],
      ['a number', () => 42],
    ];
    for (const [form, write] of notATokens) {
      it(`refuses ${form} with 'No token found'`, async () => {
        const recorder = recordingFail();
        await withApp({ options: { fail: recorder.fail } }, async (app) => {
          await refused(stack, app.url, { auth: { token: write(hsToken(1)) } });
          assert.equal(recorder.calls[0]?.error.code, 'ERR_NO_TOKEN');
          assert.equal(recorder.calls[0]?.message, 'No token found');
        });
      });
    }
  });

  describe('the Authorization header', () => {
    for (const [form, header] of [
      ["'bearer <token>', any case", 'bearer'],
      ['several spaces after Bearer', 'Bearer   '],
    ] as const) {
      it(`finds ${form} in the header (tokenSource 'header')`, async () => {
        await withApp({}, async (app) => {
          const token = hsToken(1);
          const value = header.endsWith(' ') ? `${header}${token}` : `${header} ${token}`;
          const socket = track(await connected(stack, app.url, { transports: ['polling'], headers: { authorization: value } }));
          await until(() => app.events.length > 0, 'the decision event');
          assert.equal((await whoami(socket)).user.id, 1);
          assert.equal(app.events[0]?.tokenSource, 'header');
        });
      });
    }

    it("refuses another scheme ('Basic ...') with 'No token found'", async () => {
      const recorder = recordingFail();
      await withApp({ options: { fail: recorder.fail } }, async (app) => {
        await refused(stack, app.url, { headers: { authorization: `Basic ${Buffer.from('alice:secret').toString('base64')}` } });
        assert.equal(recorder.calls[0]?.error.code, 'ERR_NO_TOKEN');
      });
    });
  });

  describe('which configured place wins', () => {
    it('takes the header before handshake.auth: the user is the header token’s', async () => {
      await withApp({}, async (app) => {
        assert.deepEqual(await admitted(app, { bearer: hsToken(1), auth: { token: hsToken(2) } }), { id: 1, tokenSource: 'header' });
      });
    });

    it('with tokenFrom.header false, ignores the header and lets the strategy read the handshake.auth token', async () => {
      await withApp({ options: { tokenFrom: { header: false } } }, async (app) => {
        assert.deepEqual(await admitted(app, { bearer: hsToken(1), auth: { token: hsToken(2) } }), { id: 2, tokenSource: 'auth' });
      });
    });

    it('reads the configured query parameter after handshake.auth, and reports it as the source', async () => {
      await withApp({ options: { tokenFrom: { query: 'access_token' } } }, async (app) => {
        assert.deepEqual(await admitted(app, { query: { access_token: hsToken(1) } }), { id: 1, tokenSource: 'query' });
        assert.deepEqual(await admitted(app, { auth: { token: hsToken(2) }, query: { access_token: hsToken(1) } }), {
          id: 2,
          tokenSource: 'auth',
        });
      });
    });

    it('with tokenFrom.auth false, reads the query parameter even when handshake.auth has a token', async () => {
      await withApp({ options: { tokenFrom: { auth: false, query: 'access_token' } } }, async (app) => {
        assert.deepEqual(await admitted(app, { auth: { token: hsToken(2) }, query: { access_token: hsToken(1) } }), {
          id: 1,
          tokenSource: 'query',
        });
      });
    });
  });
});

describe('authorizeStrategy on socket.io 2, which has no handshake.auth', () => {
  const stack2 = defineStack({ socketIo: 'socket.io-v2' });

  it('accepts a bearer header or the configured query parameter, and refuses a client with neither', async () => {
    const recorder = recordingFail();
    await withApp(
      { options: { tokenFrom: { query: 'access_token' }, fail: recorder.fail } },
      async (app) => {
        assert.deepEqual(await admitted(app, { transports: ['polling'], bearer: hsToken(1) }, stack2), { id: 1, tokenSource: 'header' });
        assert.deepEqual(await admitted(app, { query: { access_token: hsToken(2) } }, stack2), { id: 2, tokenSource: 'query' });
        await refused(stack2, app.url, {});
        assert.equal(recorder.calls[0]?.error.code, 'ERR_NO_TOKEN');
      },
      stack2,
    );
  });
});

describe("authorizeStrategy and connectionStateRecovery's default skipMiddlewares: true", () => {
  const recovering: Stack = { ...stack, createIoServer: (http: Any) => new Server(http, { connectionStateRecovery: {} }) };

  it('refuses every handshake, a good token too, with ERR_RECOVERY_SKIPS_AUTHORIZATION', async () => {
    await withApp(
      {},
      async (app) => {
        const result = await refused(recovering, app.url, { auth: { token: hsToken(1) } });
        assert.equal(result.data?.code, 'ERR_RECOVERY_SKIPS_AUTHORIZATION');
      },
      recovering,
    );
  });
});

describe('authorizeStrategy with a strategy written on jose: its failures by their codes', () => {
  // jose is an ES module: these CommonJS tests load it with import().
  const jose = import('jose');
  const KEY = new TextEncoder().encode('the jose test key, thirty-two bytes at least');
  const OTHER_KEY = new TextEncoder().encode('another jose key, thirty-two bytes at least!');
  const now = () => Math.floor(Date.now() / 1000);
  const sign = async (claims: { exp?: number; nbf?: number; aud?: string }, key = KEY) => {
    const { SignJWT } = await jose;
    const jwt = new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setAudience(claims.aud ?? 'chat-api')
      .setExpirationTime(claims.exp ?? now() + 3600);
    if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
    return jwt.sign(key);
  };
  /** How an app writes a bearer strategy on jose: the library's error is the failure's challenge. */
  const joseStrategy = {
    name: 'jose',
    authenticate(this: Any, req: Any) {
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (token === undefined) return this.fail();
      jose
        .then(({ jwtVerify }) => jwtVerify(token, KEY, { audience: 'chat-api' }))
        .then(
          ({ payload }) => this.success({ id: Number(payload.sub), name: 'Alice' }),
          (err: unknown) => this.fail(err),
        );
    },
  };

  it('accepts a good token', async () => {
    await withApp({ options: { strategy: joseStrategy } }, async (app) => {
      assert.deepEqual(await admitted(app, { auth: { token: await sign({}) } }), { id: 1, tokenSource: 'auth' });
    });
  });

  const cases: { name: string; token: () => Promise<string>; code: string; message: string }[] = [
    { name: 'an expired token', token: () => sign({ exp: now() - 60 }), code: 'ERR_TOKEN_EXPIRED', message: 'Token expired' },
    {
      name: 'a token not valid yet (nbf)',
      token: () => sign({ nbf: now() + 3600 }),
      code: 'ERR_TOKEN_NOT_ACTIVE',
      message: 'Token not yet valid',
    },
    {
      name: 'a token for another audience',
      token: () => sign({ aud: 'billing-api' }),
      code: 'ERR_TOKEN_INVALID',
      message: 'Invalid token: unexpected "aud" claim value',
    },
    {
      name: 'a token signed with another key',
      token: () => sign({}, OTHER_KEY),
      code: 'ERR_TOKEN_INVALID',
      message: 'Invalid token: signature verification failed',
    },
    {
      name: 'a token that is not a JWT',
      token: async () => 'not-a-jwt',
      code: 'ERR_TOKEN_INVALID',
      message: 'Invalid token: Invalid Compact JWS',
    },
  ];
  for (const { name, token, code, message } of cases) {
    it(`refuses ${name}: ${code}, not critical, '${message}'`, async () => {
      const recorder = recordingFail();
      await withApp({ options: { strategy: joseStrategy, fail: recorder.fail } }, async (app) => {
        const result = await refused(stack, app.url, { auth: { token: await token() } });
        assert.equal(recorder.calls[0]?.error.code, code);
        assert.equal(recorder.calls[0]?.critical, false);
        assert.equal(recorder.calls[0]?.message, message);
        assert.equal(result.message, message, 'the client sees the same message');
      });
    });
  }
});
