/**
 * Login and logout from inside a socket, with the app's own Passport (0.7 with its session
 * regeneration, and 0.4 without): the session, the socket's user and its rooms change as
 * `req.login` / `req.logout` would change them, and a logout ends the session's other sockets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineStack, type Stack } from '../support/stack';
import { ask, eventually, sessionApps, sleep } from './app';

const STACKS: Stack[] = [
  defineStack({ socketIo: 'socket.io', passport: 'passport' }),
  defineStack({ socketIo: 'socket.io', passport: 'passport-v04', session: 'express-session-v117' }),
];

const letAnonymousIn = (_data: unknown, _message: string, critical: boolean, accept: (err?: Error | null) => void) =>
  critical ? accept(new Error('refused')) : accept();

for (const stack of STACKS) {
  const regenerates = Number(stack.versions.passport.split('.')[1]) >= 6;
  describe(`loginSocket and logoutSocket with ${stack.name}`, () => {
    const { start, connect } = sessionApps(stack);

    it(`logs an anonymous socket in: its user, its rooms and the stored session${regenerates ? ' (regenerated, as Passport 0.6+ does)' : ''}`, async () => {
      const app = await start({ authorize: { session: true, rooms: true, fail: letAnonymousIn } });
      const cookie = await app.visit();
      const socket = await connect(app, cookie);
      const before = (await ask(socket, 'whoami')).value;
      assert.equal(before.user.logged_in, false);
      const { ok, value } = await ask(socket, 'login', 'alice');
      assert.equal(ok, true, JSON.stringify(value));
      assert.equal(value.user.username, 'alice');
      assert.equal(value.user.logged_in, true);
      assert.ok(value.rooms.includes('passport:user:1'), 'joined the user room');
      if (regenerates) {
        assert.notEqual(value.sessionID, before.sessionID, 'a new session id');
        assert.equal((await app.me(cookie)).user, null, 'the old session is gone');
      } else {
        assert.equal(value.sessionID, before.sessionID);
        assert.equal((await app.me(cookie)).user?.username, 'alice', 'the next HTTP request of the session is logged in');
      }
      const stored = await new Promise<any>((resolve, reject) =>
        app.store.get(value.sessionID, (err: unknown, s: unknown) => (err ? reject(err) : resolve(s))),
      );
      assert.equal(stored.passport.user, 1, 'the session in the store holds the login');
      const admin = await connect(app, await app.login('bob'));
      await ask(admin, 'disconnect-user', 1, false);
      await eventually(
        () => socket.seen.includes('disconnect:io server disconnect'),
        'the logged-in socket is reached through its user room',
      );
    });

    it('keeps a socket watched by liveSession connected through loginSocket and logoutSocket, under its new session', async () => {
      const app = await start({ authorize: { session: true, rooms: true, liveSession: { interval: 100 } } });
      const socket = await connect(app, await app.login('alice'));
      const { value } = await ask(socket, 'login', 'bob');
      assert.equal(value.user.username, 'bob');
      await sleep(400);
      assert.equal(socket.connected, true, 'not ended by a live check of the old session');
      assert.equal((await ask(socket, 'whoami')).value.user.username, 'bob');
      assert.deepEqual(await ask(socket, 'logout'), { ok: true });
      await sleep(400);
      assert.deepEqual(socket.seen, ['connect'], 'the anonymous socket is not ended by a live check either');
    });

    it("logoutSocket with reconnect: the session's other sockets drop their connection and come back, refused", async () => {
      const app = await start({ authorize: { session: true, rooms: true } });
      const cookie = await app.login('alice');
      const socket = await connect(app, cookie);
      const sibling = await connect(app, cookie, true);
      const errors: string[] = [];
      sibling.on('connect_error', (err: Error) => errors.push(err.message));
      sibling.on('error', (err: unknown) => errors.push(String(err)));
      assert.deepEqual(await ask(socket, 'logout', true), { ok: true });
      await eventually(() => errors.length > 0, 'the sibling tried to come back');
      sibling.close();
      assert.deepEqual(sibling.seen.slice(0, 3), ['connect', 'session_ended:logout:reconnect', 'disconnect:transport close']);
      assert.equal(socket.connected, true);
    });

    it("logoutSocket with scope 'user' ends every socket of the user, in every session", async () => {
      const app = await start({ authorize: { session: true, rooms: true } });
      const socket = await connect(app, await app.login('alice'));
      const elsewhere = await connect(app, await app.login('alice'));
      const bob = await connect(app, await app.login('bob'));
      assert.deepEqual(await ask(socket, 'logout', { scope: 'user' }), { ok: true });
      await eventually(() => elsewhere.seen.includes('disconnect:io server disconnect'), "the user's other session was ended");
      assert.deepEqual(elsewhere.seen, ['connect', 'session_ended:logout', 'disconnect:io server disconnect']);
      assert.equal(socket.connected, true);
      assert.deepEqual(bob.seen, ['connect']);
    });

    it("logs a socket out: it stays connected as anonymous, the session's other sockets are ended, the next HTTP request is logged out", async () => {
      const app = await start({ authorize: { session: true, rooms: true } });
      const cookie = await app.login('alice');
      const socket = await connect(app, cookie);
      const sibling = await connect(app, cookie);
      const elsewhere = await connect(app, await app.login('alice'));
      assert.deepEqual(await ask(socket, 'logout'), { ok: true });
      await eventually(() => sibling.seen.includes('disconnect:io server disconnect'), 'the sibling was ended');
      assert.deepEqual(sibling.seen, ['connect', 'session_ended:logout', 'disconnect:io server disconnect']);
      assert.equal(socket.connected, true);
      assert.equal((await ask(socket, 'whoami')).value.user.logged_in, false);
      assert.equal((await app.me(cookie)).user, null);
      assert.deepEqual(elsewhere.seen, ['connect'], "the user's other session is untouched with scope 'session'");
    });
  });
}
