/**
 * The behaviour of `authorize` and `filterSocketsByUser` as a user sees it, over real HTTP
 * logins and real socket.io connections. One suite, run against every stack (see test/matrix).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it as nodeIt, type TestContext } from 'node:test';
import { authorize, filterSocketsByUser } from '../../src';
import { SECRET, startApp, type TestApp } from '../support/app';
import { connect, connectOk, connectRefused, connectSibling, whoami } from '../support/client';
import { recordingFail, withFaults } from '../support/faults';
import { requireService } from '../support/services';
import { trackSockets } from '../support/sockets';
import type { Any, Stack } from '../support/stack';

export function behaviourSuite(stack: Stack): void {
  const sendsErrorData = stack.socketIoMajor >= 3;
  // Passport 0.6 and later regenerate the session on login and on logout; 0.2 to 0.5 keep it.
  const passportRegenerates = !/^0\.[2-5]\./.test(stack.versions.passport);
  // Passport 0.2 writes an empty `passport: {}` into every session it sees, so a saved anonymous
  // session holds passport data without a user; from 0.3 on it holds no passport data at all.
  const anonymousSessionMessage = /^0\.2\./.test(stack.versions.passport)
    ? 'User not authorized through passport. (User Property not found)'
    : 'Passport was not initialized';
  // socket.io 1.4 to 1.7 prefix a server socket's id with its namespace ('/#id', '/chat#id'); the
  // client's socket.id is the bare engine id. Later majors agree on both sides.
  const clientIdOf = (serverSocket: Any): string =>
    stack.socketIoMajor === 1 ? serverSocket.id.slice(serverSocket.id.indexOf('#') + 1) : serverSocket.id;
  // node's summary of failures names only the test: say which stack it failed on.
  const it = (name: string, body: (t: TestContext) => unknown) =>
    nodeIt(name, async (t) => {
      try {
        await body(t);
      } catch (err) {
        if (err instanceof Error && typeof err.stack === 'string') err.stack = `[on ${stack.name}] ${err.stack}`;
        throw err;
      }
    });
  const { track, closeSockets } = trackSockets();

  /** An app for one test; closed after it, with its sockets. */
  async function withApp<T>(options: Parameters<typeof startApp>[1], body: (app: TestApp) => Promise<T>): Promise<T> {
    const app = await startApp(stack, options);
    try {
      return await body(app);
    } finally {
      closeSockets();
      await app.close();
    }
  }

  describe(`on ${stack.name}`, async () => {
    if (!(await requireService(stack.store.service))) return;
    authorizeSuite();
    filterSocketsByUserSuite();
  });

  function authorizeSuite(): void {
    describe(`authorize on ${stack.name}`, () => {
      describe('login then connect', () => {
        let app: TestApp;
        before(async () => {
          app = await startApp(stack);
        });
        after(async () => {
          closeSockets();
          await app.close();
        });

        for (const transport of ['websocket', 'polling'] as const) {
          it(`accepts a logged-in user over ${transport} and sets socket.request.user with logged_in`, async () => {
            const cookie = await app.login('alice');
            const socket = track(await connectOk(stack, app.url, { cookie, transports: [transport] }));
            const seen = await whoami(socket);
            assert.deepEqual(seen.user, { id: 1, username: 'alice', name: 'Alice', logged_in: true });
            assert.equal(seen.isAuthenticated, true);
            assert.equal(seen.isUnauthenticated, false);
            assert.equal(seen.socketio_version_1, true);
            assert.match(seen.sessionID, /^[\w-]{10,}$/);
            assert.ok(seen.cookieKeys.includes('connect.sid'), 'data.cookie holds the verified session cookie');
          });

          it(`refuses a visitor with no cookie over ${transport} with 'No session found'`, async () => {
            const refused = await connectRefused(stack, app.url, { transports: [transport] });
            assert.equal(refused.message, 'No session found');
          });
        }

        it('reads the session Passport keeps at login: a new id from Passport 0.6 on, the same id before', async () => {
          const anonymous = await app.anonymousSession();
          const cookie = await app.login('alice', undefined, anonymous);
          const seen = await whoami(track(await connectOk(stack, app.url, { cookie })));
          assert.equal(seen.user.username, 'alice');
          if (passportRegenerates) {
            assert.notEqual(cookie, anonymous);
            assert.equal((await connectRefused(stack, app.url, { cookie: anonymous })).message, 'No session found');
          } else {
            assert.equal(cookie, anonymous);
          }
        });

        it('refuses the cookie of a session that logged out', async () => {
          const cookie = await app.login('bob');
          track(await connectOk(stack, app.url, { cookie }));
          await app.logout(cookie);
          const refused = await connectRefused(stack, app.url, { cookie });
          // Passport 0.6+ regenerates the session on logout; 0.2 to 0.5 keep it, without a user.
          assert.equal(
            refused.message,
            passportRegenerates ? 'No session found' : 'User not authorized through passport. (User Property not found)',
          );
        });

        it('accepts a user whose id is 0', async () => {
          const socket = track(await connectOk(stack, app.url, { cookie: await app.login('root') }));
          assert.equal((await whoami(socket)).user.id, 0);
        });

        it('refuses a cookie signed with another secret without reading the store', async () => {
          const cookie = await app.login('alice');
          const sid = decodeURIComponent(cookie.split('=')[1] as string)
            .slice(2)
            .split('.')[0] as string;
          const forged = `connect.sid=${encodeURIComponent(`s:${require('cookie-signature').sign(sid, 'not the secret')}`)}`;
          const refused = await connectRefused(stack, app.url, { cookie: forged });
          assert.equal(refused.message, 'No session found');
        });

        it(
          sendsErrorData
            ? 'sends the failure code to the client in error.data'
            : 'sends a socket.io 2 client the bare message, which is all its error event carries',
          async () => {
            const refused = await connectRefused(stack, app.url, {});
            if (sendsErrorData) assert.deepEqual(refused.data, { code: 'ERR_NO_SESSION' });
            // socket.io 2 sends err.data instead of the message when there is data: there must be none.
            else assert.equal(refused.raw, 'No session found');
          },
        );
      });

      describe('failure messages and critical flags reach fail', () => {
        it("calls fail with 'No session found', not critical, and { logged_in: false } already set", async () => {
          const recorder = recordingFail();
          await withApp({ authorize: { fail: recorder.fail } }, async (app) => {
            await connectRefused(stack, app.url, {});
            const [call] = recorder.calls;
            assert.equal(call?.message, 'No session found');
            assert.equal(call?.critical, false);
            assert.equal(call?.error.code, 'ERR_NO_SESSION');
            assert.deepEqual(call?.userAtFailTime, { logged_in: false });
            assert.equal(call?.data.sessionID, '');
          });
        });

        it(`calls fail with '${anonymousSessionMessage}', not critical, for a saved anonymous session`, async () => {
          const recorder = recordingFail();
          await withApp({ authorize: { fail: recorder.fail } }, async (app) => {
            const refused = await connectRefused(stack, app.url, { cookie: await app.anonymousSession() });
            assert.equal(refused.message, anonymousSessionMessage);
            assert.equal(recorder.calls[0]?.message, anonymousSessionMessage);
            assert.equal(recorder.calls[0]?.critical, false);
          });
        });

        it("calls fail with 'User not authorized through passport. (User Property not found)' when passport holds no user", async () => {
          const recorder = recordingFail();
          await withApp({ authorize: { fail: recorder.fail } }, async (app) => {
            const cookie = await app.anonymousSession();
            const sid = decodeURIComponent(cookie.split('=')[1] as string)
              .slice(2)
              .split('.')[0] as string;
            await new Promise<void>((resolve, reject) =>
              app.store.get(sid, (err: unknown, session: Any) => {
                if (err) return reject(err);
                session.passport = {};
                app.store.set(sid, session, (setErr: unknown) => (setErr ? reject(setErr) : resolve()));
              }),
            );
            await connectRefused(stack, app.url, { cookie });
            assert.equal(recorder.calls[0]?.message, 'User not authorized through passport. (User Property not found)');
            assert.equal(recorder.calls[0]?.critical, false);
          });
        });

        it("calls fail with 'User not found', not critical, when deserializeUser finds no user", async () => {
          const recorder = recordingFail();
          const deserializeUser = (_id: unknown, done: Any) => done(null, false);
          await withApp({ authorize: { fail: recorder.fail }, deserializeUser }, async (app) => {
            const refused = await connectRefused(stack, app.url, { cookie: await app.login('alice') });
            assert.equal(refused.message, 'User not found');
            assert.equal(recorder.calls[0]?.critical, false);
          });
        });

        it("passes a deserializer error to fail as the string 'Error: db down', critical, with the Error as cause", async () => {
          const recorder = recordingFail();
          const deserializeUser = (_id: unknown, done: Any) => done(new Error('db down'));
          await withApp({ authorize: { fail: recorder.fail }, deserializeUser }, async (app) => {
            await connectRefused(stack, app.url, { cookie: await app.login('alice') });
            const [call] = recorder.calls;
            assert.equal(call?.message, 'Error: db down');
            assert.equal(typeof call?.message, 'string');
            assert.equal(call?.critical, true);
            assert.equal(call?.error.code, 'ERR_DESERIALIZE_USER');
            assert.equal(call?.error.cause.message, 'db down');
          });
        });

        it("calls fail with 'Error in session store:' and the store's message, critical, when the store errors", async () => {
          const recorder = recordingFail();
          await withApp({ authorize: { fail: recorder.fail } }, async (app) => {
            const cookie = await app.login('alice');
            const faulty = withFaults(app.store);
            faulty.fault = 'error';
            await connectRefused(stack, app.url, { cookie });
            assert.equal(recorder.calls[0]?.message, 'Error in session store:\nredis down');
            assert.equal(recorder.calls[0]?.critical, true);
            assert.equal(recorder.calls[0]?.error.code, 'ERR_SESSION_STORE');
          });
        });
      });

      describe('the default fail keeps internal details from the client', () => {
        it("shows 'Internal server error' for a store error, while fail would get the full message", async () => {
          await withApp({}, async (app) => {
            const cookie = await app.login('alice');
            withFaults(app.store).fault = 'error';
            const refused = await connectRefused(stack, app.url, { cookie });
            assert.equal(refused.message, 'Internal server error');
            assert.doesNotMatch(JSON.stringify(refused), /redis down/);
            if (sendsErrorData) assert.deepEqual(refused.data, { code: 'ERR_SESSION_STORE' });
          });
        });

        it("shows 'Internal server error' for a deserializer error", async () => {
          const deserializeUser = (_id: unknown, done: Any) => done(new Error('password column leaked'));
          await withApp({ deserializeUser }, async (app) => {
            const refused = await connectRefused(stack, app.url, { cookie: await app.login('alice') });
            assert.equal(refused.message, 'Internal server error');
          });
        });
      });

      describe('faulty stores never crash the server nor hang the handshake', () => {
        it('refuses through the store-error path when store.get throws, and keeps serving', async () => {
          const recorder = recordingFail();
          await withApp({ authorize: { fail: recorder.fail } }, async (app) => {
            const cookie = await app.login('alice');
            const faulty = withFaults(app.store);
            faulty.fault = 'throw';
            await connectRefused(stack, app.url, { cookie });
            assert.equal(recorder.calls[0]?.message, 'Error in session store:\nstore exploded');
            faulty.fault = 'none';
            track(await connectOk(stack, app.url, { cookie }));
          });
        });

        it('refuses with ERR_SESSION_STORE_TIMEOUT when the store never answers', async () => {
          const recorder = recordingFail();
          await withApp({ authorize: { fail: recorder.fail, timeout: 150 } }, async (app) => {
            const cookie = await app.login('alice');
            withFaults(app.store).fault = 'silent';
            const refused = await connectRefused(stack, app.url, { cookie });
            assert.match(refused.message, /^Error in session store:\nthe session store did not answer within 150 ms$/);
            assert.equal(recorder.calls[0]?.error.code, 'ERR_SESSION_STORE_TIMEOUT');
            assert.equal(recorder.calls[0]?.critical, true);
          });
        });

        it('decides once when the store answers twice', async () => {
          const recorder = recordingFail();
          let successes = 0;
          const success = (_data: Any, accept: Any) => {
            successes += 1;
            accept();
          };
          await withApp({ authorize: { fail: recorder.fail, success } }, async (app) => {
            const cookie = await app.login('alice');
            withFaults(app.store).fault = 'twice';
            track(await connectOk(stack, app.url, { cookie }));
            assert.equal(successes, 1);
            assert.equal(recorder.calls.length, 0);
          });
        });

        it('ignores the store answer that comes after the timeout', async () => {
          const recorder = recordingFail();
          let successes = 0;
          const success = (_data: Any, accept: Any) => {
            successes += 1;
            accept();
          };
          await withApp({ authorize: { fail: recorder.fail, success, timeout: 150 } }, async (app) => {
            const cookie = await app.login('alice');
            const held = holdStoreAnswers(app.store);
            await connectRefused(stack, app.url, { cookie });
            assert.equal(recorder.calls[0]?.error.code, 'ERR_SESSION_STORE_TIMEOUT');
            // The real session, delivered only now that the handshake has been decided.
            assert.equal(await held.release(), 1);
            assert.equal(successes, 0);
            assert.equal(recorder.calls.length, 1);
          });
        });

        it("treats an expired session the store still returns as 'No session found'", async () => {
          const recorder = recordingFail();
          await withApp({ authorize: { fail: recorder.fail } }, async (app) => {
            const cookie = await app.login('alice');
            withFaults(app.store).fault = 'expired';
            await connectRefused(stack, app.url, { cookie });
            assert.equal(recorder.calls[0]?.message, 'No session found');
          });
        });

        it('never reads the store for a missing cookie, a forged signature or an unsigned query value', async () => {
          await withApp({}, async (app) => {
            const cookie = await app.login('alice');
            const faulty = withFaults(app.store);
            const sid = decodeURIComponent(cookie.split('=')[1] as string)
              .slice(2)
              .split('.')[0] as string;
            await connectRefused(stack, app.url, {});
            await connectRefused(stack, app.url, { cookie: `connect.sid=${encodeURIComponent(`s:${sid}.forgedsignature`)}` });
            await connectRefused(stack, app.url, { cookie: `connect.sid=${sid}` });
            await connectRefused(stack, app.url, { query: { session_id: sid } });
            assert.equal(faulty.gets, 0);
            track(await connectOk(stack, app.url, { cookie }));
            assert.equal(faulty.gets, 1);
          });
        });
      });

      describe('the accept forms', () => {
        const forms: { call: string; accept: (accept: Any) => void; connected: boolean; message?: string }[] = [
          { call: 'accept()', accept: (a) => a(), connected: true },
          { call: 'accept(null)', accept: (a) => a(null), connected: true },
          { call: 'accept(null, true)', accept: (a) => a(null, true), connected: true },
          { call: 'accept(null, false)', accept: (a) => a(null, false), connected: false, message: 'handshake unauthorized' },
          { call: "accept(new Error('go away'))", accept: (a) => a(new Error('go away')), connected: false, message: 'go away' },
          { call: "accept('some text')", accept: (a) => a('some text'), connected: false, message: 'some text' },
        ];
        let app: TestApp;
        let cookie: string;
        let current: (accept: Any) => void = (a) => a();
        before(async () => {
          app = await startApp(stack, { authorize: { success: (_data: Any, accept: Any) => current(accept) } });
          cookie = await app.login('alice');
        });
        after(async () => {
          closeSockets();
          await app.close();
        });
        for (const form of forms) {
          it(`${form.connected ? 'accepts' : 'refuses'} on ${form.call}`, async () => {
            current = form.accept;
            const result = await connect(stack, app.url, { cookie });
            assert.equal(result.connected, form.connected);
            if (result.connected) track(result.socket);
            else assert.equal(result.message, form.message);
          });
        }

        it('counts only the first call of accept', async () => {
          current = (accept) => {
            accept();
            accept(new Error('too late'));
          };
          track(await connectOk(stack, app.url, { cookie }));
          current = (accept) => {
            accept(new Error('first'));
            accept();
          };
          assert.equal((await connectRefused(stack, app.url, { cookie })).message, 'first');
        });

        it('calls a two-argument fail(data, accept) the legacy way', async () => {
          const seen: unknown[] = [];
          const fail = (data: Any, accept: Any) => {
            seen.push(data.user);
            accept(null, false);
          };
          await withApp({ authorize: { fail } }, async (other) => {
            const refused = await connectRefused(stack, other.url, {});
            assert.equal(refused.message, 'handshake unauthorized');
            assert.deepEqual(seen, [{ logged_in: false }]);
          });
        });
      });

      describe('callbacks that misbehave', () => {
        it("refuses with 'Internal server error' when success throws, and keeps serving", async () => {
          let explode = true;
          const success = (_data: Any, accept: Any) => {
            if (explode) throw new Error('bug in success');
            accept();
          };
          await withApp({ authorize: { success } }, async (app) => {
            const cookie = await app.login('alice');
            const refused = await connectRefused(stack, app.url, { cookie });
            assert.equal(refused.message, 'Internal server error');
            if (sendsErrorData) assert.deepEqual(refused.data, { code: 'ERR_CALLBACK_THREW' });
            explode = false;
            track(await connectOk(stack, app.url, { cookie }));
          });
        });

        it("survives the README's `if (critical) throw new Error(message)` fail on a store error", async () => {
          const fail = (_data: Any, message: string, critical: boolean, accept: Any) => {
            if (critical) throw new Error(message);
            accept(new Error(message));
          };
          await withApp({ authorize: { fail } }, async (app) => {
            const cookie = await app.login('alice');
            const faulty = withFaults(app.store);
            faulty.fault = 'error';
            assert.equal((await connectRefused(stack, app.url, { cookie })).message, 'Internal server error');
            faulty.fault = 'none';
            // An anonymous visitor is not critical any more, so this fail does not throw for them.
            assert.equal((await connectRefused(stack, app.url, { cookie: await app.anonymousSession() })).message, anonymousSessionMessage);
            track(await connectOk(stack, app.url, { cookie }));
          });
        });

        it('refuses with ERR_CALLBACK_TIMEOUT when success never calls accept', async () => {
          let decided: (event: Any) => void = () => {};
          const decision = new Promise<Any>((resolve) => {
            decided = resolve;
          });
          // The same timeout bounds the store read first: generous, so that a real store on a
          // loaded machine answers well within it.
          const authorizeOptions = { success: () => {}, timeout: 1000, onDecision: (event: Any) => decided(event) };
          await withApp({ authorize: authorizeOptions }, async (app) => {
            const refused = await connectRefused(stack, app.url, { cookie: await app.login('alice') });
            assert.equal(refused.message, 'Internal server error');
            if (sendsErrorData) assert.deepEqual(refused.data, { code: 'ERR_CALLBACK_TIMEOUT' });
            assert.equal((await decision).code, 'ERR_CALLBACK_TIMEOUT');
          });
        });
      });

      describe('anonymous users let in by fail', () => {
        const letIn = (_data: Any, _message: string, _critical: boolean, accept: Any) => accept();
        it('gives them { logged_in: false } and isAuthenticated() === false', async () => {
          await withApp({ authorize: { fail: letIn } }, async (app) => {
            const seen = await whoami(track(await connectOk(stack, app.url, {})));
            assert.deepEqual(seen.user, { logged_in: false });
            assert.equal(seen.isAuthenticated, false);
            assert.equal(seen.isUnauthenticated, true);
          });
        });

        it('keeps isAuthenticated() false when the app also runs passport.initialize() on the socket request', async () => {
          await withApp(
            {
              authorize: { fail: letIn },
              install: (nsp, middleware, passport) => {
                nsp.use(middleware);
                nsp.use((socket: Any, next: Any) => passport.initialize()(socket.request, {}, next));
              },
            },
            async (app) => {
              const anonymous = await whoami(track(await connectOk(stack, app.url, {})));
              assert.equal(anonymous.isAuthenticated, false);
              const alice = await whoami(track(await connectOk(stack, app.url, { cookie: await app.login('alice') })));
              assert.equal(alice.isAuthenticated, true);
            },
          );
        });
      });

      describe('the session_id query parameter', () => {
        let app: TestApp;
        let cookie: string;
        let signedValue: string;
        before(async () => {
          app = await startApp(stack);
          cookie = await app.login('alice');
          signedValue = decodeURIComponent(cookie.split('=')[1] as string);
        });
        after(async () => {
          closeSockets();
          await app.close();
        });

        it('accepts a signed session id (the cookie value) from a client that cannot send cookies', async () => {
          const seen = await whoami(track(await connectOk(stack, app.url, { query: { session_id: signedValue } })));
          assert.equal(seen.user.username, 'alice');
        });

        it("refuses a raw, unsigned session id with 'No session found'", async () => {
          const raw = signedValue.slice(2).split('.')[0] as string;
          assert.equal((await connectRefused(stack, app.url, { query: { session_id: raw } })).message, 'No session found');
        });

        it('accepts a raw session id when allowUnsignedSessionIdQuery is set', async () => {
          const raw = signedValue.slice(2).split('.')[0] as string;
          await withApp({ authorize: { allowUnsignedSessionIdQuery: true } }, async (legacy) => {
            const legacyCookie = await legacy.login('bob');
            const legacyRaw = decodeURIComponent(legacyCookie.split('=')[1] as string)
              .slice(2)
              .split('.')[0] as string;
            const seen = await whoami(track(await connectOk(stack, legacy.url, { query: { session_id: legacyRaw } })));
            assert.equal(seen.user.username, 'bob');
            assert.notEqual(raw, legacyRaw);
          });
        });
      });

      describe('options', () => {
        it('verifies with any secret of an array, newest first (key rotation)', async () => {
          await withApp({ authorize: { secret: ['the new secret', SECRET] } }, async (app) => {
            track(await connectOk(stack, app.url, { cookie: await app.login('alice') }));
          });
        });

        it("refuses when the secret is not the app's", async () => {
          await withApp({ authorize: { secret: 'another secret' } }, async (app) => {
            assert.equal((await connectRefused(stack, app.url, { cookie: await app.login('alice') })).message, 'No session found');
          });
        });

        const cookieParser = stack.cookieParser;
        const parsers: [string, Any][] = [
          ['the cookie-parser factory', cookieParser],
          ['a cookieParser(secret) middleware', cookieParser(SECRET)],
          ['a cookieParser() middleware made without a secret', cookieParser()],
        ];
        for (const [label, parser] of parsers) {
          it(`reads the session cookie with ${label}`, async () => {
            await withApp({ authorize: { cookieParser: parser } }, async (app) => {
              const seen = await whoami(track(await connectOk(stack, app.url, { cookie: await app.login('alice') })));
              assert.equal(seen.user.username, 'alice');
            });
          });
        }

        it('reads a custom cookie name given as key, or as name', async () => {
          await withApp({ cookieName: 'app.sid', authorize: { key: 'app.sid' } }, async (app) => {
            track(await connectOk(stack, app.url, { cookie: await app.login('alice') }));
          });
          await withApp({ cookieName: 'app.sid', authorize: { key: undefined, name: 'app.sid' } }, async (app) => {
            track(await connectOk(stack, app.url, { cookie: await app.login('alice') }));
          });
          await withApp({ cookieName: 'app.sid', authorize: { key: undefined } }, async (app) => {
            assert.equal((await connectRefused(stack, app.url, { cookie: await app.login('alice') })).message, 'No session found');
          });
        });

        it('puts the user on the userProperty it is given', async () => {
          await withApp({ authorize: { userProperty: 'currentUser' } }, async (app) => {
            const seen = await whoami(track(await connectOk(stack, app.url, { cookie: await app.login('alice') })));
            assert.equal(seen.user.username, 'alice');
            assert.equal(seen.user.logged_in, true);
            assert.equal(seen.isAuthenticated, true);
          });
        });

        it('reads the session field of a passport whose _key was changed', async () => {
          // The root namespace uses the custom passport: on socket.io 2 every namespace connection
          // also passes the root namespace's middleware, so the default one goes on '/default-key'.
          let byCustomKey: (socket: Any, next: Any) => void = (_socket, next) => next(new Error('not ready'));
          const install = (nsp: Any, middleware: Any) =>
            nsp.use(nsp.name === '/' ? (socket: Any, next: Any) => byCustomKey(socket, next) : middleware);
          await withApp({ namespaces: ['/default-key'], install }, async (app) => {
            const cookie = await app.login('alice');
            const sid = decodeURIComponent(cookie.split('=')[1] as string)
              .slice(2)
              .split('.')[0] as string;
            await new Promise<void>((resolve, reject) =>
              app.store.get(sid, (err: unknown, session: Any) => {
                if (err) return reject(err);
                session.auth = session.passport;
                delete session.passport;
                app.store.set(sid, session, (setErr: unknown) => (setErr ? reject(setErr) : resolve()));
              }),
            );
            const custom = Object.create(app.passport);
            custom._key = 'auth';
            byCustomKey = authorize({ store: app.store, secret: SECRET, passport: custom });
            const seen = await whoami(track(await connectOk(stack, app.url, { cookie })));
            assert.equal(seen.user.username, 'alice');
            // The default passport (_key 'passport') no longer finds anything in that session.
            const refused = await connectRefused(stack, app.url, { cookie, namespace: '/default-key' });
            assert.equal(refused.message, 'Passport was not initialized');
          });
        });
      });

      describe('users of every shape', () => {
        it('boxes a primitive user so that logged_in can be set, and it still equals the value', async () => {
          const seen: Any[] = [];
          const success = (data: Any, accept: Any) => {
            seen.push(data.user);
            accept();
          };
          const deserializeUser = (_id: unknown, done: Any) => done(null, 'alice');
          await withApp({ authorize: { success }, deserializeUser }, async (app) => {
            track(await connectOk(stack, app.url, { cookie: await app.login('alice') }));
            assert.equal(seen[0] == 'alice', true);
            assert.equal(seen[0].logged_in, true);
          });
        });

        it('gives a frozen user a copy with logged_in, keeping its fields and prototype', async () => {
          class Account {
            constructor(readonly id: number) {}
            greet() {
              return `hi ${this.id}`;
            }
          }
          const seen: Any[] = [];
          const success = (data: Any, accept: Any) => {
            seen.push(data.user);
            accept();
          };
          const deserializeUser = (_id: unknown, done: Any) => done(null, Object.freeze(new Account(7)));
          await withApp({ authorize: { success }, deserializeUser }, async (app) => {
            track(await connectOk(stack, app.url, { cookie: await app.login('alice') }));
            assert.equal(seen[0].logged_in, true);
            assert.equal(seen[0].id, 7);
            assert.equal(seen[0].greet(), 'hi 7');
            assert.ok(seen[0] instanceof Account);
          });
        });
      });

      describe('decision events', () => {
        it('tells onDecision of each handshake: accepted with OK, refused with its code, and no secret in it', async () => {
          const events: Any[] = [];
          await withApp({ authorize: { onDecision: (event: Any) => events.push(event) } }, async (app) => {
            const cookie = await app.login('alice');
            track(await connectOk(stack, app.url, { cookie, transports: ['polling'] }));
            await connectRefused(stack, app.url, {});
            assert.equal(events.length, 2);
            assert.equal(events[0].code, 'OK');
            assert.equal(events[0].accepted, true);
            assert.equal(events[0].sessionIdSource, 'cookie');
            assert.equal(events[0].transport, 'polling');
            assert.equal(typeof events[0].storeMs, 'number');
            assert.equal(events[1].code, 'ERR_NO_SESSION');
            assert.equal(events[1].accepted, false);
            assert.equal(events[1].storeMs, null);
            const sid = decodeURIComponent(cookie.split('=')[1] as string)
              .slice(2)
              .split('.')[0] as string;
            assert.ok(!JSON.stringify(events).includes(sid), 'no session id in events');
            assert.ok(!JSON.stringify(events).includes(SECRET), 'no secret in events');
          });
        });
      });

      describe('several namespaces on one connection', () => {
        it("leaves the user of the connection's other sockets as it was when a handshake on another namespace is refused", async () => {
          await withApp({ namespaces: ['/chat', '/room'] }, async (app) => {
            const cookie = await app.login('alice');
            const main = track(await connectOk(stack, app.url, { cookie }));
            const faulty = withFaults(app.store);
            faulty.fault = 'error';
            const chat = await connectSibling(main, '/chat');
            assert.equal(chat.connected, false, 'the /chat handshake is refused while the store fails');
            const seen = await whoami(main);
            assert.equal(seen.user.username, 'alice', 'the / socket still carries alice');
            assert.equal(seen.isAuthenticated, true);
            faulty.fault = 'none';
            // socket.io 2's client keeps the refused /chat socket closed, so try another namespace.
            const again = await connectSibling(main, '/room');
            assert.equal(again.connected, true, 'the same connection joins /room once the store is back');
            if (again.connected) assert.equal((await whoami(again.socket)).user.username, 'alice');
          });
        });
      });

      describe('called by hand', () => {
        it('works as authorize({...})(socket, next) inside another middleware', async () => {
          let wrapped = 0;
          await withApp(
            {
              install: (nsp, middleware) =>
                nsp.use((socket: Any, next: Any) => {
                  wrapped += 1;
                  middleware(socket, next);
                }),
            },
            async (app) => {
              const seen = await whoami(track(await connectOk(stack, app.url, { cookie: await app.login('alice') })));
              assert.equal(seen.user.username, 'alice');
              assert.equal((await connectRefused(stack, app.url, {})).message, 'No session found');
              assert.equal(wrapped, 2);
            },
          );
        });
      });
    });
  }

  /** Holds every answer of `store.get` until `release()`, which delivers them and says how many. */
  function holdStoreAnswers(store: Any): { release(): Promise<number> } {
    const realGet = store.get.bind(store);
    const answers: Promise<() => void>[] = [];
    store.get = (sid: string, callback: (...args: unknown[]) => void) => {
      answers.push(new Promise((resolve) => realGet(sid, (...args: unknown[]) => resolve(() => callback(...args)))));
    };
    return {
      async release() {
        const deliveries = await Promise.all(answers.splice(0));
        for (const deliver of deliveries) deliver();
        return deliveries.length;
      },
    };
  }

  function filterSocketsByUserSuite(): void {
    describe(`filterSocketsByUser on ${stack.name}`, () => {
      let app: TestApp;
      before(async () => {
        app = await startApp(stack, { namespaces: ['/chat'] });
      });
      after(async () => {
        closeSockets();
        await app.close();
      });

      it("returns every connected socket of the user who passes the filter, and no one else's", async () => {
        const alice = await app.login('alice');
        const bob = await app.login('bob');
        const aliceSockets = [
          track(await connectOk(stack, app.url, { cookie: alice })),
          track(await connectOk(stack, app.url, { cookie: alice })),
        ];
        track(await connectOk(stack, app.url, { cookie: bob }));
        const found = filterSocketsByUser(app.io, (user) => user.logged_in && (user as Any).id === 1);
        assert.equal(found.length, 2);
        // The client's socket.id is the server's on every major (socket.io 2 gives both '/nsp#id' off '/').
        assert.deepEqual(found.map(clientIdOf).sort(), aliceSockets.map((s) => s.id).sort());
        assert.equal(filterSocketsByUser(app.io, (user) => user.logged_in && (user as Any).id === 99).length, 0);
      });

      it('looks into the namespace it is given', async () => {
        const bob = await app.login('bob');
        const chatSocket = track(await connectOk(stack, app.url, { cookie: bob, namespace: '/chat' }));
        track(await connectOk(stack, app.url, { cookie: bob }));
        const inChat = filterSocketsByUser(app.io.of('/chat'), (user) => user.logged_in && (user as Any).id === 2);
        assert.equal(inChat.length, 1);
        assert.equal(inChat[0].nsp.name, '/chat');
        assert.equal(clientIdOf(inChat[0]), chatSocket.id);
        const inRoot = filterSocketsByUser(app.io, (user) => user.logged_in && (user as Any).id === 2);
        assert.ok(inRoot.length >= 1);
        assert.ok(inRoot.every((s: Any) => s.nsp.name === '/'));
      });

      it('forgets a socket once it has disconnected', async () => {
        const cookie = await app.login('alice');
        const isAlice = (user: Any) => user.logged_in && user.id === 1;
        const before = filterSocketsByUser(app.io, isAlice).length;
        const socket = await connectOk(stack, app.url, { cookie });
        const [serverSocket] = filterSocketsByUser(app.io, isAlice).filter((s: Any) => clientIdOf(s) === socket.id);
        assert.ok(serverSocket, 'the new socket is found while connected');
        const gone = new Promise((resolve) => serverSocket.once('disconnect', resolve));
        socket.close();
        await gone;
        assert.equal(filterSocketsByUser(app.io, isAlice).length, before);
        assert.ok(filterSocketsByUser(app.io, isAlice).every((s: Any) => clientIdOf(s) !== socket.id));
      });

      it('skips anonymous sockets let in by fail', async () => {
        const letIn = (_data: Any, _message: string, _critical: boolean, accept: Any) => accept();
        await withApp({ authorize: { fail: letIn } }, async (open) => {
          track(await connectOk(stack, open.url, {}));
          track(await connectOk(stack, open.url, { cookie: await open.login('bob') }));
          assert.equal(filterSocketsByUser(open.io, () => true).length, 2);
          const loggedIn = filterSocketsByUser(open.io, (user) => user.logged_in);
          assert.equal(loggedIn.length, 1);
          assert.equal(loggedIn[0].request.user.username, 'bob');
        });
      });
    });
  }
}
