/**
 * The README's cluster setup, as a newcomer would run it: three processes of
 * examples/cluster/server.js (Express, Passport, connect-redis, the Redis adapter, `authorize` with
 * `rooms` and `liveSession`) behind HAProxy with examples/cluster/haproxy.cfg (cookie stickiness),
 * every client going through the load balancer. Redis is a redis-server of the test's own on a
 * free port, so that it can be restarted. Skipped with one line where haproxy or redis-server is
 * missing; with CI=true that fails instead.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Fetch, NodeWebSocket } from 'engine.io-client';
import { io as ioClient, type Socket } from 'socket.io-client';
import { freePort, type OwnRedis, redisServerSkipReason, startOwnRedis } from '../hardening/support/redis-server';
import {
  type ExampleCluster,
  type ExampleNode,
  haproxySkipReason,
  isRunning,
  killAndWait,
  startExampleCluster,
  startExampleNode,
} from './load-balancer';

type Transport = 'polling' | 'websocket' | 'upgrade';
const TRANSPORTS = { polling: [Fetch], websocket: [NodeWebSocket], upgrade: [Fetch, NodeWebSocket] };
// The example's fetchSocketsByUser timeout.
const LOOKUP_TIMEOUT_MS = 2000;
// Far above anything expected, so that a hang fails the test instead of the run.
const WAIT_MS = 30_000;

interface Login {
  user: string;
  /** `connect.sid=...`, the session cookie alone (clients get their node cookie from HAProxy). */
  session: string;
}

interface WhoAmI {
  user: string;
  server: string;
}

function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('three nodes of examples/cluster behind HAProxy (cookie stickiness, Redis adapter, connect-redis)', () => {
  const skip = haproxySkipReason() ?? redisServerSkipReason();
  if (skip) {
    it(skip, { skip: 'haproxy or redis-server not installed (with CI=true this fails)' }, () => {});
    return;
  }
  let redis: OwnRedis;
  let cluster: ExampleCluster;
  let lb: string;
  const open: Socket[] = [];

  const nodeNamed = (name: string): ExampleNode => cluster.nodes.find((node) => node.name === name) as ExampleNode;

  async function login(user: string): Promise<Login> {
    // A form post, as the README's curl line and a browser's login form send it.
    const response = await fetch(`${lb}/login`, {
      method: 'POST',
      body: new URLSearchParams({ username: user, password: `${user}-pw` }),
    });
    assert.equal(response.status, 200, `login of ${user} through the load balancer`);
    const session = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0] as string)
      .find((pair) => pair.startsWith('connect.sid='));
    assert.ok(session, 'a session cookie');
    return { user, session };
  }

  /** An HTTP request through the load balancer, sent to node `server` by its HAProxy cookie. */
  async function post(path: string, login: Login, server: string): Promise<Response> {
    return fetch(`${lb}${path}`, { method: 'POST', headers: { cookie: `${login.session}; SERVERID=${server}` } });
  }

  /** A socket.io client through the load balancer that keeps cookies, as a browser does. */
  function client(login: Login | undefined, transport: Transport, options: { reconnection?: boolean; namespace?: string } = {}) {
    const socket = ioClient(lb + (options.namespace ?? ''), {
      forceNew: true,
      reconnection: options.reconnection ?? false,
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
      transports: TRANSPORTS[transport] as any,
      withCredentials: true,
      extraHeaders: login ? { cookie: login.session } : {},
    });
    open.push(socket);
    return socket;
  }

  function connected(socket: Socket): Promise<Socket> {
    return within(
      new Promise((resolve, reject) => {
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      }),
      'connect',
    );
  }

  const ask = <T>(socket: Socket, event: string): Promise<T> =>
    within(new Promise<T>((resolve) => socket.emit(event, resolve)), `ack of ${event}`);

  /**
   * Opens websocket clients of `login` until there is one on every node; returns them by node. A
   * node HAProxy marked down (after a test stopped it) is back after two health checks.
   */
  async function onEveryNode(login: Login): Promise<Map<string, Socket>> {
    const byNode = new Map<string, Socket>();
    for (let attempt = 0; attempt < 60 && byNode.size < 3; attempt++) {
      const socket = await connected(client(login, 'websocket'));
      const { server } = await ask<WhoAmI>(socket, 'whoami');
      if (!byNode.has(server)) byNode.set(server, socket);
      else {
        socket.close();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    assert.deepEqual([...byNode.keys()].sort(), ['a', 'b', 'c'], 'round robin spreads new connections over the three nodes');
    return byNode;
  }

  before(async () => {
    redis = await startOwnRedis();
    cluster = await startExampleCluster(redis.url, await freePort());
    lb = cluster.lb.url;
  });
  after(async () => {
    for (const socket of open.splice(0)) socket.close();
    await cluster?.stop();
    await redis?.stop();
  });

  it('logs in through the load balancer and connects polling-only, websocket-only and upgrading clients as that user', async () => {
    const alice = await login('alice');
    for (const transport of ['polling', 'websocket', 'upgrade'] as const) {
      const socket = await connected(client(alice, transport));
      // Several round trips: over long-polling each is an HTTP request of its own, which only
      // works when HAProxy sends every one of them to the node that holds the connection.
      const answers: WhoAmI[] = [];
      for (let i = 0; i < 5; i++) answers.push(await ask<WhoAmI>(socket, 'whoami'));
      assert.ok(
        answers.every((answer) => answer.user === 'alice' && answer.server === answers[0]?.server),
        `${transport}: ${JSON.stringify(answers)}`,
      );
      if (transport === 'upgrade') {
        const engine = socket.io.engine;
        if (engine.transport.name !== 'websocket') await within(new Promise((resolve) => engine.once('upgrade', resolve)), 'upgrade');
        assert.equal(engine.transport.name, 'websocket');
        assert.equal((await ask<WhoAmI>(socket, 'whoami')).user, 'alice');
      } else {
        assert.equal(socket.io.engine.transport.name, transport);
      }
      socket.close();
    }
  });

  it('a node started without SESSION_SECRET exits at once, saying what to set', async () => {
    await assert.rejects(startExampleNode('no-secret', { REDIS_URL: redis.url, SESSION_SECRET: '' }, cluster.nodePath), (err: Error) => {
      assert.match(err.message, /exited \(1\) before listening/);
      assert.match(err.message, /SESSION_SECRET is not set/);
      return true;
    });
  });

  it('refuses a client without a session cookie through the load balancer', async () => {
    await assert.rejects(connected(client(undefined, 'polling')), { message: 'No session found' });
  });

  it('finds the sockets of a user on every node from any node, and emitToUser reaches all of them', async () => {
    const bob = await login('bob');
    const sockets = await onEveryNode(bob);
    const ids = [...sockets.values()].map((socket) => socket.id).sort();
    for (const [server, socket] of sockets) {
      const answer = await ask<{ sockets: Array<{ id: string; server: string }> }>(socket, 'my-sockets');
      assert.deepEqual(answer.sockets.map((found) => found.id).sort(), ids, `lookup from node ${server}`);
    }
    for (const server of ['a', 'b', 'c']) {
      const notes = [...sockets.values()].map((socket) =>
        within(new Promise((resolve) => socket.once('notification', resolve)), 'notification'),
      );
      assert.equal((await post('/api/notify', bob, server)).status, 200);
      assert.deepEqual(
        await Promise.all(notes),
        [1, 2, 3].map(() => ({ text: 'hello', from: server })),
      );
    }
    for (const socket of sockets.values()) socket.close();
  });

  it('an HTTP logout through the load balancer ends the sockets of that session on every node; another session stays', async () => {
    const first = await login('alice');
    const other = await login('alice');
    const sockets = await onEveryNode(first);
    const survivor = await connected(client(other, 'websocket'));
    const ended = [...sockets.values()].map((socket) =>
      within(
        new Promise<string[]>((resolve) => {
          const seen: string[] = [];
          socket.on('session_ended', ({ reason }) => seen.push(`session_ended:${reason}`));
          socket.on('disconnect', (reason) => resolve([...seen, `disconnect:${reason}`]));
        }),
        'end of a socket of the session',
      ),
    );
    assert.equal((await post('/logout', first, 'b')).status, 200);
    for (const order of await Promise.all(ended)) assert.deepEqual(order, ['session_ended:logout', 'disconnect:io server disconnect']);
    assert.equal((await ask<WhoAmI>(survivor, 'whoami')).user, 'alice');
    await assert.rejects(connected(client(first, 'websocket')), { message: 'No session found' });
    survivor.close();
  });

  it('a lookup while a node hangs (SIGSTOP) fails with ERR_CLUSTER_LOOKUP at its timeout, and works again once the node resumes', async () => {
    const bob = await login('bob');
    const sockets = await onEveryNode(bob);
    const hanging = nodeNamed('c');
    hanging.process.kill('SIGSTOP');
    try {
      const asker = sockets.get('a') as Socket;
      const answer = await ask<{ error?: string; message?: string }>(asker, 'my-sockets');
      assert.equal(answer.error, 'ERR_CLUSTER_LOOKUP');
      assert.match(answer.message ?? '', new RegExp(`within ${LOOKUP_TIMEOUT_MS} ms`));
    } finally {
      hanging.process.kill('SIGCONT');
    }
    const again = await ask<{ sockets?: unknown[] }>(sockets.get('a') as Socket, 'my-sockets');
    assert.equal(again.sockets?.length, 3);
    for (const socket of sockets.values()) socket.close();
  });

  it('while Redis restarts, lookups fail with ERR_CLUSTER_LOOKUP within their timeout (no crash, no hang), and work again once it is back', async () => {
    const alice = await login('alice');
    const sockets = await onEveryNode(alice);
    const asker = sockets.get('b') as Socket;
    await redis.kill();
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await ask<{ error?: string }>(asker, 'my-sockets');
        assert.equal(answer.error, 'ERR_CLUSTER_LOOKUP');
      }
      assert.ok(
        cluster.nodes.every((node) => isRunning(node.process)),
        'every node still runs',
      );
    } finally {
      await redis.start();
    }
    let answer: { sockets?: unknown[]; error?: string } = {};
    for (let attempt = 0; attempt < 100 && answer.sockets?.length !== 3; attempt++) {
      answer = await ask(asker, 'my-sockets');
      if (answer.sockets?.length !== 3) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(answer.sockets?.length, 3, `after the restart: ${JSON.stringify(answer)}`);
    // The sessions were kept (append-only file): a new client of the same login is let in.
    const later = await connected(client(alice, 'polling'));
    assert.equal((await ask<WhoAmI>(later, 'whoami')).user, 'alice');
    later.close();
    for (const socket of sockets.values()) socket.close();
  });

  it('a node killed with SIGKILL sends its clients to the other nodes, where they are authorized again as the same user', async () => {
    const users = [await login('alice'), await login('bob')];
    const clients: Array<{ user: string; socket: Socket; first: WhoAmI }> = [];
    for (const user of users) {
      for (const transport of ['polling', 'websocket', 'upgrade', 'polling', 'websocket', 'upgrade'] as const) {
        const socket = await connected(client(user, transport, { reconnection: true }));
        clients.push({ user: user.user, socket, first: await ask<WhoAmI>(socket, 'whoami') });
      }
    }
    const victim = clients.find((entry) => entry.first.server !== 'a')?.first.server ?? 'b';
    const moving = clients.filter((entry) => entry.first.server === victim);
    const staying = clients.filter((entry) => entry.first.server !== victim);
    assert.ok(moving.length > 0 && staying.length > 0, 'clients on the victim and on the others');
    const refusals: unknown[] = [];
    for (const entry of clients) entry.socket.on('connect_error', (err) => refusals.push(err.message));
    const reconnected = moving.map((entry) =>
      within(new Promise((resolve) => entry.socket.io.once('reconnect', resolve)), `reconnect of a client of ${entry.user}`),
    );
    await killAndWait(nodeNamed(victim).process, 'SIGKILL');
    await Promise.all(reconnected);
    for (const entry of moving) {
      const now = await ask<WhoAmI>(entry.socket, 'whoami');
      assert.equal(now.user, entry.user, 'the same user, never another');
      assert.notEqual(now.server, victim);
    }
    for (const entry of staying) {
      assert.ok(entry.socket.connected);
      assert.deepEqual(await ask<WhoAmI>(entry.socket, 'whoami'), entry.first);
    }
    // No handshake was refused as anonymous on the way (a dead node only fails to connect).
    assert.ok(!refusals.some((message) => /session|passport|user/i.test(String(message))), JSON.stringify(refusals));
    // The survivors see every socket of the user again, none of the dead node.
    const alice = clients.find((entry) => entry.user === 'alice')?.socket as Socket;
    const answer = await ask<{ sockets: Array<{ server: string }> }>(alice, 'my-sockets');
    assert.equal(answer.sockets.length, clients.filter((entry) => entry.user === 'alice').length);
    assert.ok(answer.sockets.every((found) => found.server !== victim));
    for (const entry of clients) entry.socket.close();
  });
});
