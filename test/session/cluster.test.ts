/**
 * Two socket.io 4 servers with the Redis adapter and one connect-redis session store: a
 * permission change made on node A reaches the user's sockets on node B, as the app chose:
 * reconnected (`disconnectUser(..., { reconnect: true })` on A; B drops the connections, the
 * clients come back and are authorized with the new role) or refreshed in place
 * (`liveSession: { refreshUser: true }` on B).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { REDIS_URL, requireService, uniqueName } from '../support/services';
import { defineStack } from '../support/stack';
import { redisStore } from '../support/stores';
import { ask, connectClient, eventually, type SessionApp, type SessionAppOptions, startSessionApp, userDb } from './app';

const stack = defineStack({ socketIo: 'socket.io', store: redisStore });

describe('a permission change on node A reaches the user’s sockets on node B (Redis adapter and store)', async () => {
  if (!(await requireService('redis'))) return;
  const { createAdapter } = require('@socket.io/redis-adapter');
  const key = uniqueName('session-cluster');
  const clients: ReturnType<typeof createClient>[] = [];
  const apps: SessionApp[] = [];
  const sockets: any[] = [];
  let shared: { store: any; cleanup(): Promise<void> };

  const adapter = (io: any) => {
    const pub = createClient({ url: REDIS_URL });
    const sub = pub.duplicate();
    pub.on('error', () => {});
    sub.on('error', () => {});
    clients.push(pub, sub);
    return Promise.all([pub.connect(), sub.connect()]).then(() => io.adapter(createAdapter(pub, sub, { key })));
  };
  const pair = async (options: SessionAppOptions) => {
    const db = userDb();
    const nodes: SessionApp[] = [];
    for (let i = 0; i < 2; i++) {
      const pending: Promise<unknown>[] = [];
      const app = await startSessionApp(stack, { ...options, db, store: shared.store, adapter: (io) => pending.push(adapter(io)) });
      await Promise.all(pending);
      apps.push(app);
      nodes.push(app);
    }
    return nodes as [SessionApp, SessionApp];
  };
  const connect = async (app: SessionApp, cookie: string) => {
    const socket = await connectClient(stack, app.url, cookie, true);
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    shared = await stack.store.create(stack.session);
  });
  after(async () => {
    for (const socket of sockets) socket.close();
    for (const app of apps) await app.close();
    for (const client of clients) await client.quit().catch(() => {});
    await shared?.cleanup();
  });

  it('reconnected: disconnectUser with reconnect on A drops the connections on B; the clients come back with the new role', async () => {
    const [A, B] = await pair({ authorize: { rooms: true } });
    const cookie = await A.login('alice');
    const onB = await connect(B, cookie);
    const onA = await connect(A, cookie);
    const admin = await connect(A, await A.login('bob'));
    assert.equal((await ask(onB, 'whoami')).value.user.role, 'reader');
    await fetch(`${A.url}/role/1/editor`, { method: 'POST' }).then((r) => r.arrayBuffer());
    await ask(admin, 'disconnect-user', 1, true);
    for (const socket of [onB, onA]) {
      await eventually(() => socket.seen.filter((seen: string) => seen === 'connect').length === 2, 'the client came back');
      assert.deepEqual(socket.seen, ['connect', 'session_ended:permissions:reconnect', 'disconnect:transport close', 'connect']);
    }
    assert.equal((await ask(onB, 'whoami')).value.user.role, 'editor', 'authorized again on B with the new role');
    assert.deepEqual(admin.seen, ['connect']);
  });

  it('ended for good: without reconnect the sockets on B get io server disconnect and stay away', async () => {
    const [A, B] = await pair({ authorize: { rooms: true } });
    const onB = await connect(B, await A.login('alice'));
    const admin = await connect(A, await A.login('bob'));
    await ask(admin, 'disconnect-user', 1, false);
    await eventually(() => onB.seen.includes('disconnect:io server disconnect'), 'the socket on B was ended');
    assert.deepEqual(onB.seen, ['connect', 'session_ended:permissions', 'disconnect:io server disconnect']);
  });

  it('refreshed: with liveSession refreshUser, the socket on B gets the new role in place, still connected', async () => {
    const [A, B] = await pair({ authorize: { rooms: true, liveSession: { interval: 200, refreshUser: true } } });
    const onB = await connect(B, await A.login('alice'));
    await fetch(`${A.url}/role/1/admin`, { method: 'POST' }).then((r) => r.arrayBuffer());
    await eventually(async () => (await ask(onB, 'whoami')).value.user.role === 'admin', 'the socket on B sees the new role');
    assert.deepEqual(onB.seen, ['connect'], 'never disconnected');
    assert.equal(B.refreshed.length, 1);
  });
});
