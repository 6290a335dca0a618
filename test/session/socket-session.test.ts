/**
 * `authorize({ session })` over real servers, real clients and real stores (express-session's
 * MemoryStore, Redis through connect-redis, PostgreSQL through connect-pg-simple), on socket.io 4
 * and 2: the socket's session is express-session's own `Session`, made from the handshake's one
 * store read; what a handler saves is what the next HTTP request sees.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireService } from '../support/services';
import { defineStack, type Stack } from '../support/stack';
import { fileStore, memorystoreStore, postgresStore, redisStore } from '../support/stores';
import { ask, sessionApps } from './app';

const STACKS: Stack[] = [
  defineStack({ socketIo: 'socket.io' }),
  defineStack({ socketIo: 'socket.io', store: redisStore }),
  defineStack({ socketIo: 'socket.io', store: postgresStore }),
  defineStack({ socketIo: 'socket.io', store: fileStore }),
  defineStack({ socketIo: 'socket.io', store: memorystoreStore }),
  defineStack({ socketIo: 'socket.io-v2', passport: 'passport-v04', session: 'express-session-v117' }),
];

for (const stack of STACKS) {
  describe(`socket.request.session on ${stack.name}`, async () => {
    if (!(await requireService(stack.store.service))) return;
    const { start, connect } = sessionApps(stack);

    it("gives the handler express-session's own Session of the logged-in session, from the handshake's one store read", async () => {
      const app = await start({ authorize: { session: true } });
      const cookie = await app.login('alice');
      await app.me(cookie);
      const readsBefore = app.calls.get;
      const socket = await connect(app, cookie);
      assert.equal(app.calls.get - readsBefore, 1, 'one store read for the handshake, session included');
      const { value } = await ask(socket, 'session:describe');
      assert.equal(value.isExpressSession, true);
      assert.equal(value.sameAsSessionID, true);
      assert.deepEqual(value.methods, ['save', 'reload', 'touch', 'destroy', 'regenerate']);
      assert.equal(app.calls.get - readsBefore, 1, 'no read after the handshake');
    });

    it("keeps today's socket without the option: no session on it", async () => {
      const app = await start({});
      const socket = await connect(app, await app.login('alice'));
      assert.equal((await ask(socket, 'session:describe')).value, null);
    });

    it("writes what a handler saves so that the session's next HTTP request sees it", async () => {
      const app = await start({ authorize: { session: true } });
      const cookie = await app.login('alice');
      const socket = await connect(app, cookie);
      assert.deepEqual(await ask(socket, 'session:set', 'theme', 'dark'), { ok: true });
      const next = await app.me(cookie);
      assert.equal(next.session.theme, 'dark');
      assert.equal(next.user?.username, 'alice', 'still logged in: the save kept Passport’s field');
    });

    it('reload() brings in what an HTTP request changed since the handshake', async () => {
      const app = await start({ authorize: { session: true } });
      const cookie = await app.login('alice');
      const socket = await connect(app, cookie);
      await fetch(`${app.url}/theme/light`, { method: 'POST', headers: { cookie } }).then((r) => r.arrayBuffer());
      assert.equal((await ask(socket, 'session:describe')).value.theme, null);
      assert.deepEqual(await ask(socket, 'session:reload'), { ok: true, value: 'light' });
    });

    it('destroy() removes the session: the next HTTP request is not logged in', async () => {
      const app = await start({ authorize: { session: true } });
      const cookie = await app.login('alice');
      const socket = await connect(app, cookie);
      assert.deepEqual(await ask(socket, 'session:destroy'), { ok: true });
      assert.equal((await app.me(cookie)).user, null);
    });

    it('with onSocket: false holds no session on the socket, and loadSocketSession reads it on demand with one store read', async () => {
      const app = await start({ authorize: { session: { onSocket: false } } });
      const cookie = await app.login('alice');
      await fetch(`${app.url}/theme/blue`, { method: 'POST', headers: { cookie } }).then((r) => r.arrayBuffer());
      const socket = await connect(app, cookie);
      assert.equal((await ask(socket, 'session:describe')).value, null);
      const reads = app.calls.get;
      assert.deepEqual(await ask(socket, 'session:load'), { ok: true, value: { theme: 'blue', isExpressSession: true } });
      assert.equal(app.calls.get - reads, 1);
      assert.deepEqual(await ask(socket, 'session:set', 'theme', 'green'), { ok: true });
      assert.equal((await app.me(cookie)).session.theme, 'green');
    });
  });
}
