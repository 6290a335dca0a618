/**
 * Rolling expiry (`session: { rolling }`) over real servers, clients and stores: an active socket
 * keeps its session alive as express-session's `rolling` keeps an active browser's, with at most
 * one `store.touch` per session per interval on the node, whatever the number of sockets and events.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireService } from '../support/services';
import { defineStack, type Stack } from '../support/stack';
import { postgresStore, redisStore } from '../support/stores';
import { ask, type SessionAppOptions, sessionApps, sleep } from './app';

const STACKS: Stack[] = [
  defineStack({ socketIo: 'socket.io' }),
  defineStack({ socketIo: 'socket.io', store: redisStore }),
  defineStack({ socketIo: 'socket.io', store: postgresStore }),
  defineStack({ socketIo: 'socket.io-v2', passport: 'passport-v04', session: 'express-session-v117' }),
];

for (const stack of STACKS) {
  describe(`rolling session expiry on ${stack.name}`, async () => {
    if (!(await requireService(stack.store.service))) return;
    const { start, connect } = sessionApps(stack);
    const burst = async (clients: any[], events: number) => {
      for (let i = 0; i < events; i++) await Promise.all(clients.map((socket) => ask(socket, 'echo')));
    };

    it('touches a session once per interval, whatever the number of its sockets and events', async () => {
      const app = await start({ authorize: { session: { rolling: 60_000 } } });
      const cookie = await app.login('alice');
      const clients = [await connect(app, cookie), await connect(app, cookie), await connect(app, cookie)];
      const other = await connect(app, await app.login('bob'));
      const before = app.calls.touch;
      await burst([...clients, other], 20);
      assert.equal(app.calls.touch - before, 2, "one touch for alice's session (3 sockets, 60 events), one for bob's");
    });

    it('touches again once the interval has passed and the socket is still active', async () => {
      const app = await start({ authorize: { session: { rolling: 300 } } });
      const clients = [await connect(app, await app.login('alice'))];
      const before = app.calls.touch;
      await burst(clients, 5);
      await sleep(400);
      await burst(clients, 5);
      assert.equal(app.calls.touch - before, 2);
    });

    it('rolling: true touches once a minute: two bursts a moment apart are one touch', async () => {
      const app = await start({ authorize: { session: { rolling: true } } });
      const clients = [await connect(app, await app.login('alice'))];
      const before = app.calls.touch;
      await burst(clients, 5);
      await sleep(400);
      await burst(clients, 5);
      assert.equal(app.calls.touch - before, 1);
    });

    it('keeps an active socket’s session from expiring, where an idle one expires', async () => {
      const options: SessionAppOptions = { cookie: { maxAge: 1500 }, authorize: { session: { rolling: 100 } } };
      const active = await start(options);
      const idle = await start(options);
      const activeCookie = await active.login('alice');
      const idleCookie = await idle.login('alice');
      const activeSocket = await connect(active, activeCookie);
      await connect(idle, idleCookie);
      for (let i = 0; i < 20; i++) {
        await ask(activeSocket, 'echo');
        await sleep(150);
      }
      assert.equal((await active.me(activeCookie)).user?.username, 'alice', 'the active session lives on');
      assert.equal((await idle.me(idleCookie)).user, null, 'the session of a connected but idle socket expired');
    });

    it('refuses rolling without the session on the socket, naming the option', async () => {
      await assert.rejects(start({ authorize: { session: { onSocket: false, rolling: true } } }), {
        name: 'InvalidOptionError',
        message: /session\.rolling/,
      });
    });
  });
}
