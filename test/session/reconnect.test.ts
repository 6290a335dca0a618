/**
 * Disconnects that say whether to come back, over real servers and clients: for good (the client
 * gets `session_ended`, then 'io server disconnect', and stays away) or by dropping the connection
 * (`session_ended` with `reconnect: true`, then 'transport close'; socket.io-client reconnects by
 * itself and is authorized again, with the user as it is now).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineStack, type Stack } from '../support/stack';
import { ask, eventually, sessionApps, sleep } from './app';

const V4 = defineStack({ socketIo: 'socket.io' });
const V3 = defineStack({ socketIo: 'socket.io-v3', passport: 'passport-v05' });
const V2 = defineStack({ socketIo: 'socket.io-v2', passport: 'passport-v04', session: 'express-session-v117' });

function suite(stack: Stack, helpers: boolean) {
  describe(`disconnects that choose whether the client comes back, on ${stack.name}`, () => {
    const { start, connect } = sessionApps(stack, { reconnection: true });

    if (helpers) {
      it("disconnectSession for good: 'session_ended', then 'io server disconnect', and the client stays away", async () => {
        const app = await start({ authorize: { rooms: true } });
        const cookie = await app.login('alice');
        const socket = await connect(app, cookie);
        const other = await connect(app, await app.login('bob'));
        // The socket ends its own session: its acknowledgement never comes.
        socket.emit('disconnect-session', false, () => {});
        await eventually(() => socket.seen.includes('disconnect:io server disconnect'), 'the socket was ended');
        await sleep(500);
        assert.deepEqual(socket.seen, ['connect', 'session_ended:revoked', 'disconnect:io server disconnect']);
        assert.equal(socket.connected, false);
        assert.deepEqual(other.seen, ['connect'], "another session's socket is untouched");
      });

      it("logoutSockets with reconnect: the session's sockets reconnect and come back as anonymous visitors, refused", async () => {
        const app = await start({ authorize: { rooms: true } });
        const cookie = await app.login('alice');
        const socket = await connect(app, cookie);
        const errors: string[] = [];
        socket.on('connect_error', (err: Error) => errors.push(err.message));
        const response = await fetch(`${app.url}/logout?reconnect=true`, { method: 'POST', headers: { cookie } });
        await response.arrayBuffer();
        await eventually(() => errors.length > 0, 'the client tried to come back');
        socket.close();
        assert.deepEqual(socket.seen.slice(0, 3), ['connect', 'session_ended:logout:reconnect', 'disconnect:transport close']);
        assert.ok(
          ['User not authorized through passport. (User Property not found)', 'No session found'].includes(errors[0] as string),
          errors[0],
        );
      });

      it("disconnectUser with reconnect: 'transport close', then the client is back by itself with the user as it is now", async () => {
        const app = await start({ authorize: { rooms: true } });
        const socket = await connect(app, await app.login('alice'));
        const admin = await connect(app, await app.login('bob'));
        assert.equal((await ask(socket, 'whoami')).value.user.role, 'reader');
        (app.db.get(1) as { role: string }).role = 'editor';
        await ask(admin, 'disconnect-user', 1, true);
        await eventually(() => socket.seen.filter((seen: string) => seen === 'connect').length === 2, 'the client reconnected');
        assert.deepEqual(socket.seen, ['connect', 'session_ended:permissions:reconnect', 'disconnect:transport close', 'connect']);
        assert.equal((await ask(socket, 'whoami')).value.user.role, 'editor');
        assert.deepEqual(admin.seen, ['connect'], "another user's socket is untouched");
      });
    }

    it("liveSession with reconnect drops the connection of an ended session: 'transport close', and the client tries again", async () => {
      const app = await start({ authorize: { liveSession: { interval: 200, reconnect: true } } });
      const cookie = await app.login('alice');
      const socket = await connect(app, cookie);
      const errors: string[] = [];
      socket.on('connect_error', (err: Error) => errors.push(err.message));
      socket.on('error', (err: unknown) => errors.push(String(err)));
      await fetch(`${app.url}/me`, { headers: { cookie } });
      await new Promise<void>((resolve, reject) =>
        app.store.destroy(
          cookie
            .slice(cookie.indexOf('=') + 1)
            .replace(/^s%3A/, '')
            .split('.')[0],
          (err: unknown) => (err ? reject(err) : resolve()),
        ),
      );
      await eventually(() => errors.length > 0, 'the client tried to come back');
      socket.close();
      assert.deepEqual(socket.seen.slice(0, 3), ['connect', 'session_ended:session_gone:reconnect', 'disconnect:transport close']);
      assert.equal(errors[0], 'No session found', 'authorized again: refused, its session is gone');
    });
  });
}

suite(V4, true);
suite(V3, false);
suite(V2, false);
