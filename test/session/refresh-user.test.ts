/**
 * `liveSession: { refreshUser: true }` over real servers, clients and stores: a socket's user
 * follows what the app's deserializer returns now (a role changed by an admin), with
 * `onUserRefresh` told, still one store read per session per interval; a user the deserializer
 * no longer finds ends the socket.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireService } from '../support/services';
import { defineStack, type Stack } from '../support/stack';
import { postgresStore, redisStore } from '../support/stores';
import { ask, eventually, sessionApps, sleep } from './app';

const STACKS: Stack[] = [
  defineStack({ socketIo: 'socket.io' }),
  defineStack({ socketIo: 'socket.io', store: redisStore }),
  defineStack({ socketIo: 'socket.io', store: postgresStore }),
  defineStack({ socketIo: 'socket.io-v2', passport: 'passport-v04', session: 'express-session-v117' }),
];

const INTERVAL_MS = 200;

for (const stack of STACKS) {
  describe(`a socket user that stays current on ${stack.name}`, async () => {
    if (!(await requireService(stack.store.service))) return;
    const { start, connect } = sessionApps(stack);

    it('puts the user the deserializer returns now on every socket of the session, and tells onUserRefresh once per socket', async () => {
      const app = await start({ authorize: { liveSession: { interval: INTERVAL_MS, refreshUser: true } } });
      const cookie = await app.login('alice');
      const first = await connect(app, cookie);
      const second = await connect(app, cookie);
      assert.equal((await ask(first, 'whoami')).value.user.role, 'reader');
      (app.db.get(1) as { role: string }).role = 'admin';
      await eventually(async () => (await ask(first, 'whoami')).value.user.role === 'admin', 'the first socket sees the new role');
      await eventually(async () => (await ask(second, 'whoami')).value.user.role === 'admin', 'the second socket sees the new role');
      const { user } = (await ask(first, 'whoami')).value;
      assert.equal(user.logged_in, true);
      assert.equal(first.connected && second.connected, true, 'refreshed, not disconnected');
      assert.equal(app.refreshed.length, 2);
      assert.equal(app.refreshed[0]?.previous.role, 'reader');
      assert.equal(app.refreshed[0]?.user.role, 'admin');
    });

    if (stack.socketIoMajor === 4) {
      it("moves the socket's identity and user room with a user id the deserializer's data changed", async () => {
        const rooms = { userId: (user: { username: string }) => user.username };
        const app = await start({ authorize: { rooms, liveSession: { interval: INTERVAL_MS, refreshUser: true } } });
        const socket = await connect(app, await app.login('alice'));
        assert.ok((await ask(socket, 'whoami')).value.rooms.includes('passport:user:alice'));
        (app.db.get(1) as { username: string }).username = 'alicia';
        await eventually(async () => (await ask(socket, 'whoami')).value.rooms.includes('passport:user:alicia'), 'the new user room');
        const { value } = await ask(socket, 'whoami');
        assert.ok(!value.rooms.includes('passport:user:alice'), 'out of the old user room');
        assert.equal(value.identity.id, 'alicia');
      });
    }

    it('keeps reading each session at most once per interval on the node', async () => {
      const app = await start({ authorize: { liveSession: { interval: INTERVAL_MS, refreshUser: true } } });
      const cookie = await app.login('alice');
      for (let i = 0; i < 3; i++) await connect(app, cookie);
      const reads = app.calls.get;
      const started = Date.now();
      await sleep(5 * INTERVAL_MS);
      const rounds = Math.floor((Date.now() - started) / INTERVAL_MS);
      assert.ok(app.calls.get - reads <= rounds + 1, `${app.calls.get - reads} reads in ${rounds} intervals for one session of 3 sockets`);
      assert.ok(app.calls.get - reads >= 1, 'the session was read');
    });

    it("ends the socket with 'logged_out' when the deserializer no longer finds the user", async () => {
      const app = await start({ authorize: { liveSession: { interval: INTERVAL_MS, refreshUser: true } } });
      const socket = await connect(app, await app.login('alice'));
      app.db.delete(1);
      await eventually(() => socket.seen.includes('disconnect:io server disconnect'), 'the socket was ended');
      assert.deepEqual(socket.seen, ['connect', 'session_ended:logged_out', 'disconnect:io server disconnect']);
    });

    it('leaves the user as the handshake found it without refreshUser', async () => {
      const app = await start({ authorize: { liveSession: { interval: INTERVAL_MS } } });
      const socket = await connect(app, await app.login('alice'));
      (app.db.get(1) as { role: string }).role = 'admin';
      await sleep(3 * INTERVAL_MS);
      assert.equal((await ask(socket, 'whoami')).value.user.role, 'reader');
    });
  });
}
