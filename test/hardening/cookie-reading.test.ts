/**
 * How the Cookie header of a handshake is read: `data.cookie` holds exactly what cookie-parser
 * leaves in `req.signedCookies` (with and without the legacy `cookieParser` option), the session
 * cookie is found whatever junk surrounds it, and junk signed cookies cost no HMAC until an app
 * reads them. Real authorize() on real http.IncomingMessage requests, a real MemoryStore, real
 * cookie-parser (today's and an old release) and real signatures.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import cookieParser from 'cookie-parser';
import { sign } from 'cookie-signature';
import session from 'express-session';
import fc from 'fast-check';
import { Passport } from 'passport';
import { type AuthorizeOptions, authorize } from '../../src';
import { createSignedCookieReader } from '../../src/identify/session-id';
import { cookieHeaderArb } from './support/arbitraries';

type Any = any;
const SID = 'reading-session-id';
const SECRETS = ['newest secret', 'older secret', 'oldest secret'];
// An older cookie-parser release (1.3.5, on `cookie` 0.1), installed for express-socket.io-session.
const oldCookieParser: typeof cookieParser = require(
  require.resolve('cookie-parser', { paths: [require.resolve('express-socket.io-session')] }),
);

/** What a cookie-parser middleware made with `secret` leaves in req.signedCookies for `header`. */
function cookieParserReads(factory: typeof cookieParser, secret: string | string[], header: string): Record<string, unknown> {
  const req: Any = { headers: { cookie: header } };
  factory(secret)(req, {} as Any, () => {});
  return req.signedCookies;
}

/** The same keys in the same order, and the same values. */
function assertSameCookies(actual: unknown, expected: Record<string, unknown>, label: string): void {
  assert.ok(actual !== null && typeof actual === 'object', `${label}: data.cookie is an object`);
  assert.deepEqual(Object.keys(actual), Object.keys(expected), `${label}: the same cookie names, in the same order`);
  for (const name of Object.keys(expected)) {
    assert.ok(isDeepStrictEqual((actual as Record<string, unknown>)[name], expected[name]), `${label}: the same value for ${name}`);
  }
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), `${label}: the same JSON`);
}

const signed = (value: string, secret = SECRETS[0] as string) => `s:${sign(value, secret)}`;
const sessionCookie = (secret = SECRETS[0]) => `connect.sid=${encodeURIComponent(signed(SID, secret))}`;

function storeWithSession() {
  const store = new session.MemoryStore();
  store.set(SID, { cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) }, passport: { user: 7 } } as Any);
  return store;
}

const passport = new Passport();
passport.deserializeUser((id: unknown, done: (err: unknown, user?: Any) => void) => done(null, { id }));

/** One handshake through the socket.io 1+ middleware form; resolves once decided. */
async function handshake(middleware: ReturnType<typeof authorize>, cookie: string) {
  const request = new IncomingMessage(new Socket()) as IncomingMessage & Record<string, Any>;
  request.headers = { cookie };
  const keepAlive = setInterval(() => {}, 1000);
  const error = await new Promise<unknown>((resolve) => {
    middleware({ request, handshake: { query: {}, auth: {} } } as Any, (err?: unknown) => {
      clearInterval(keepAlive);
      resolve(err);
    });
  });
  return { error, request: request as IncomingMessage & Record<string, Any> & { cookie: Record<string, Any> } };
}

function authorizer(options: Partial<AuthorizeOptions> & Record<string, unknown> = {}) {
  return authorize({ store: storeWithSession(), secret: SECRETS, passport, ...options } as AuthorizeOptions);
}

/** Counts HMACs computed (cookie-signature signs and verifies with crypto.createHmac) while `run` runs. */
async function countHmacs<T>(run: () => Promise<T>): Promise<{ hmacs: number; result: T }> {
  const real = crypto.createHmac;
  let hmacs = 0;
  crypto.createHmac = ((...args: Parameters<typeof real>) => {
    hmacs++;
    return real(...args);
  }) as typeof real;
  try {
    const result = await run();
    return { hmacs, result };
  } finally {
    crypto.createHmac = real;
  }
}

/** Junk signed cookies of distinct names: some that cannot carry a signature, some that look signed. */
function junkHeader(count: number, plausible: boolean): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(plausible ? `j${i}=s:${i}.${'A'.repeat(43)}` : `j${i}=s:.`);
  return parts.join('; ');
}

const junkCookieArb = fc.oneof(
  fc.constant('s:.'),
  fc.constant('s:'),
  fc.string({ maxLength: 12 }).map((v) => `s:${v}.${'A'.repeat(43)}`),
  fc.string({ maxLength: 12 }).map((v) => encodeURIComponent(signed(v, 'an attacker secret'))),
  fc.string({ maxLength: 12 }).map((v) => encodeURIComponent(signed(v))),
  fc.jsonValue({ maxDepth: 2 }).map((v) => encodeURIComponent(signed(`j:${JSON.stringify(v)}`))),
  fc.string({ maxLength: 20 }),
);
const junkArb = fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9_.]{1,8}$/), junkCookieArb), { maxLength: 30 });
const render = (pairs: [string, string][]) => pairs.map(([name, value]) => `${name}=${value}`);

describe('data.cookie holds what cookie-parser leaves in req.signedCookies', () => {
  const readers = (secrets: string[], key: string) => {
    const secret = secrets.length === 1 ? (secrets[0] as string) : secrets;
    return {
      'built-in': createSignedCookieReader({ cookieParser: undefined, secret, secrets, key }),
      'cookieParser: require("cookie-parser")': createSignedCookieReader({ cookieParser, secret, secrets, key }),
    };
  };

  it('for any Cookie header, with the built-in reader and with the cookie-parser factory', () => {
    fc.assert(
      fc.property(cookieHeaderArb, junkArb, ({ cookieHeader, key, secrets }, junk) => {
        const header = [...render(junk), cookieHeader, ...render(junk.slice(0, 3))].filter(Boolean).join('; ');
        const expected = cookieParserReads(cookieParser, secrets.length === 1 ? (secrets[0] as string) : secrets, header);
        for (const [label, read] of Object.entries(readers(secrets, key))) assertSameCookies(read(header), expected, label);
      }),
      { numRuns: 300 },
    );
  });

  it('over real handshakes full of junk signed cookies, whichever entry an app reads first', async () => {
    const header = [junkHeader(40, true), sessionCookie(), `remember=${encodeURIComponent(signed('me', SECRETS[2]))}`, junkHeader(5, false)]
      .join('; ')
      .replace('j3=', 'forged=')
      .concat(`; json=${encodeURIComponent(signed('j:{"a":[1]}'))}`);
    const expected = cookieParserReads(cookieParser, SECRETS, header);
    assert.equal(expected.remember, 'me');
    for (const options of [{}, { cookieParser }]) {
      const { request, error } = await handshake(authorizer(options), header);
      assert.equal(error, undefined);
      assert.equal(request.sessionID, SID);
      // One entry read alone, then all of them, as an app might.
      assert.equal(request.cookie.remember, 'me');
      assert.equal(request.cookie.j7, false);
      assertSameCookies(request.cookie, expected, `options ${Object.keys(options).join() || 'none'}`);
      assert.deepEqual({ ...request.cookie }, { ...expected });
    }
  });

  it('keeps an app’s own writes to data.cookie, before or after the entry is read', async () => {
    const header = `a=${encodeURIComponent(signed('one'))}; b=${encodeURIComponent(signed('two'))}; ${sessionCookie()}`;
    const { request } = await handshake(authorizer(), header);
    request.cookie.a = 'written before reading';
    assert.equal(request.cookie.b, 'two');
    request.cookie.b = 'written after reading';
    assert.deepEqual({ ...request.cookie }, { a: 'written before reading', b: 'written after reading', 'connect.sid': SID });
    delete request.cookie.a;
    assert.deepEqual(Object.keys(request.cookie), ['b', 'connect.sid']);
  });

  it('keeps calling a cookie-parser release that reads cookies otherwise (1.3), with its own values', async () => {
    // cookie-parser 1.3 (cookie 0.1) drops a cookie named like an Object.prototype member and
    // strips a leading quote alone; today's release does neither.
    const header = `constructor=${encodeURIComponent(signed('c', 'one secret'))}; q="${encodeURIComponent(signed('q', 'one secret'))}; ${sessionCookie('one secret')}`;
    const expected = cookieParserReads(oldCookieParser, 'one secret', header);
    assert.notDeepEqual(
      Object.keys(expected),
      Object.keys(cookieParserReads(cookieParser, 'one secret', header)),
      'the releases differ here',
    );
    const { request } = await handshake(authorizer({ secret: 'one secret', cookieParser: oldCookieParser }), header);
    assertSameCookies(request.cookie, expected, 'cookie-parser 1.3');
    assert.equal(request.sessionID, SID);
  });
});

describe('the session cookie is found whatever the header holds, for a bounded number of HMACs', () => {
  it('accepts the session cookie wherever it sits among junk signed cookies, signed with any secret', async () => {
    const middlewares = [authorizer(), authorizer({ cookieParser })];
    await fc.assert(
      fc.asyncProperty(junkArb, junkArb, fc.constantFrom(...SECRETS), fc.boolean(), async (before, after, secret, legacy) => {
        const names = new Set([...before, ...after].map(([name]) => name));
        fc.pre(!names.has('connect.sid'));
        const header = [...render(before), sessionCookie(secret), ...render(after)].join('; ');
        const { error, request } = await handshake(middlewares[legacy ? 1 : 0] as Any, header);
        assert.equal(error, undefined);
        assert.equal(request.sessionID, SID);
        assert.deepEqual(request.user, { id: 7, logged_in: true });
      }),
      { numRuns: 150 },
    );
  });

  it('computes no more HMACs for a 15 KB header of junk signed cookies than for the session cookie alone', async () => {
    for (const options of [{}, { cookieParser }]) {
      const middleware = authorizer(options);
      // Signed with the oldest secret: every secret is tried, as for an attacker's own signatures.
      const aloneHeader = sessionCookie(SECRETS[2]);
      const alone = await countHmacs(() => handshake(middleware, aloneHeader));
      for (const plausible of [false, true]) {
        const header = `${junkHeader(plausible ? 300 : 2000, plausible)}; ${sessionCookie(SECRETS[2])}`;
        assert.ok(header.length > 14_000);
        const hostile = await countHmacs(() => handshake(middleware, header));
        assert.equal(hostile.result.request.sessionID, SID);
        assert.equal(hostile.hmacs, alone.hmacs, `${Object.keys(options).join() || 'built-in'}, plausible junk: ${plausible}`);
        assert.equal(alone.hmacs, SECRETS.length);
      }
    }
  });

  it('recognises cookie-parser once for an app that makes authorize() in its own middleware, per handshake', async () => {
    const perHandshake = () => authorizer({ cookieParser, secret: 'made per handshake' });
    const first = await countHmacs(async () => perHandshake());
    assert.ok(first.hmacs > 0, 'the first authorize() reads telling headers through cookie-parser');
    const header = `${junkHeader(50, true)}; connect.sid=${encodeURIComponent(signed(SID, 'made per handshake'))}`;
    const later = await countHmacs(() => handshake(perHandshake(), header));
    assert.equal(later.result.request.sessionID, SID);
    assert.equal(later.hmacs, 1, 'one HMAC: the session cookie, with the one secret');
  });

  it('computes the HMACs of another signed cookie only when the app reads it', async () => {
    const { request } = await handshake(authorizer(), `${junkHeader(100, true)}; ${sessionCookie()}`);
    const one = await countHmacs(async () => request.cookie.j42);
    assert.equal(one.result, false);
    assert.equal(one.hmacs, SECRETS.length);
    const again = await countHmacs(async () => request.cookie.j42);
    assert.equal(again.hmacs, 0, 'a value read once is kept');
  });
});
