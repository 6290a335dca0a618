/**
 * What a cluster must do, run against each way of building one (Redis store and Redis adapter;
 * Node cluster with a file store and the cluster adapter): two socket.io servers in separate
 * processes, one user with sockets on both, real HTTP logins and logouts, real clients.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createClient } from 'redis';
import { REDIS_URL, requireService, uniqueName } from '../support/services';
import type { NodeProcessConfig } from './apps/node-process';
import { type Processes, type ReadyNode, startProcess } from './processes';
import { type ClientSocket, closeAll, connectSocket, ending, get, login, post, sessionIdOf, stillConnectedAfter, until } from './support';

export interface ClusterUnderTest {
  /** Starts the nodes, which must be named A and B. */
  start(): Promise<Processes>;
  /** Removes the session of this cookie from the shared store, as an admin tool or a TTL would. */
  destroySession(cookie: string): Promise<void>;
  /** Leaves the session in the store with a cookie expiry in the past, where the store allows it. */
  expireSession?(cookie: string): Promise<void>;
  /** The `liveSession.interval` of the nodes' `/live` namespace. */
  interval: number;
}

/** The `liveSession.interval` of the nodes that startTwoProcesses starts. */
export const CLUSTER_INTERVAL_MS = 500;

/** Starts nodes A and B, each in a process of its own, sharing the session store and adapter of `setup`. */
export async function startTwoProcesses(setup: Pick<NodeProcessConfig, 'store' | 'adapter'>): Promise<Processes> {
  const start = (name: string) => {
    const config: NodeProcessConfig = { name, ...setup, liveSession: { interval: CLUSTER_INTERVAL_MS } };
    return startProcess('node-process.ts', { CLUSTER_NODE: JSON.stringify(config) }, 1);
  };
  const [a, b] = await Promise.all([start('A'), start('B')]);
  return { nodes: { ...a.nodes, ...b.nodes }, stop: async () => void (await Promise.all([a.stop(), b.stop()])) };
}

/**
 * The cluster suite with the sessions in Redis (connect-redis) and a Redis adapter of the given kind.
 * Skipped, with one line saying what to start, where Redis is not running; with CI=true it fails
 * instead. Every key of the run has its own prefix (starting with `name`) and is removed.
 */
export async function redisClusterSuite(adapter: 'redis' | 'redis-streams', name: string): Promise<void> {
  if (!(await requireService('redis'))) return;
  const prefix = uniqueName(name);
  const sessionPrefix = `${prefix}:sess:`;
  const redis = createClient({ url: REDIS_URL });

  before(async () => {
    await redis.connect();
  });
  after(async () => {
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) keys.push(...batch);
    if (keys.length > 0) await redis.del(keys);
    await redis.quit();
  });

  clusterSuite({
    interval: CLUSTER_INTERVAL_MS,
    start: () =>
      startTwoProcesses({
        store: { kind: 'redis', url: REDIS_URL, prefix: sessionPrefix },
        adapter: { kind: adapter, url: REDIS_URL, key: `${prefix}:io` },
      }),
    async destroySession(cookie) {
      await redis.del(sessionPrefix + sessionIdOf(cookie));
    },
    async expireSession(cookie) {
      const key = sessionPrefix + sessionIdOf(cookie);
      const stored = JSON.parse((await redis.get(key)) ?? 'null');
      stored.cookie.expires = new Date(Date.now() - 60_000).toISOString();
      await redis.set(key, JSON.stringify(stored), { KEEPTTL: true });
    },
  });
}

// The default `timeout` of authorize(): the longest a live check's store read may take.
const STORE_TIMEOUT_MS = 5000;

export function clusterSuite(cluster: ClusterUnderTest): void {
  let processes: Processes;
  let A: ReadyNode;
  let B: ReadyNode;
  const open: ClientSocket[] = [];
  const connect = async (node: ReadyNode, cookie: string, namespace?: string) => {
    const socket = await connectSocket(node.url, cookie, { namespace });
    open.push(socket);
    return socket;
  };
  const idsOf = (sockets: Array<{ id: string }>) => sockets.map((socket) => socket.id).sort();

  before(async () => {
    processes = await cluster.start();
    A = processes.nodes.A as ReadyNode;
    B = processes.nodes.B as ReadyNode;
    assert.ok(A && B, 'both nodes started');
  });
  after(async () => {
    closeAll(open);
    await processes?.stop();
  });

  it('lets a user connect to both nodes with one session, and finds all their sockets from either node', async () => {
    const first = await login(A.url, 'alice');
    const second = await login(B.url, 'alice');
    const sockets = [await connect(A, first), await connect(B, first), await connect(B, second)];
    await connect(A, await login(A.url, 'bob'));
    const expected = idsOf(sockets as Array<{ id: string }>);
    for (const node of [A, B]) {
      for (const lookup of ['/sockets/user/1', '/sockets/filter/1']) {
        const found: Array<{ id: string; data: any }> = await until(
          () => get(node.url, lookup),
          (list) => list.length === expected.length,
        );
        assert.deepEqual(idsOf(found), expected, `${lookup} from node ${node.name}`);
        assert.deepEqual([...new Set(found.map((socket) => socket.data.node))].sort(), ['A', 'B']);
        assert.ok(found.every((socket) => socket.data.passport.id === 1 && socket.data.passport.logged_in === true));
      }
    }
  });

  it('keeps filterSocketsByUser to the sockets of its own node', async () => {
    const cookie = await login(A.url, 'bob');
    const onA = await connect(A, cookie);
    const onB = await connect(B, cookie);
    const localToA: string[] = await get(A.url, '/sockets/local');
    assert.ok(localToA.includes(onA.id as string));
    assert.ok(!localToA.includes(onB.id as string));
  });

  it('emitToUser on one node reaches the sockets of the user on the other', async () => {
    const cookie = await login(A.url, 'alice');
    const sockets = [await connect(A, cookie), await connect(B, cookie)];
    const notes = sockets.map((socket) => new Promise((resolve) => socket.once('note', resolve)));
    await post(B.url, '/emit/user/1');
    assert.deepEqual(await Promise.all(notes), [{ from: 'B' }, { from: 'B' }]);
  });

  it('an HTTP logout on node A ends the sockets of that session on node B, telling them why; other sessions stay', async () => {
    const cookie = await login(A.url, 'alice');
    const ofSession = [await connect(A, cookie), await connect(B, cookie), await connect(B, cookie, '/chat')];
    const otherSession = await connect(B, await login(B.url, 'alice'));
    const ended = Promise.all(ofSession.map(ending));
    await post(A.url, '/logout', cookie);
    for (const end of await ended) assert.deepEqual(end.order, ['session_ended:logout', 'disconnect:io server disconnect']);
    assert.equal(await stillConnectedAfter(otherSession), true);
    // Refused (the message depends on the store: session-file-store reports a missing session as ENOENT).
    await assert.rejects(connectSocket(B.url, cookie));
  });

  it('disconnectUser on node B ends the sockets of the user on node A', async () => {
    const onA = await connect(A, await login(A.url, 'alice'));
    const bob = await connect(A, await login(A.url, 'bob'));
    const ended = ending(onA);
    await post(B.url, '/disconnect/user/1?reason=banned');
    assert.equal((await ended).told, 'banned');
    assert.equal(await stillConnectedAfter(bob), true);
  });

  it("tells every socket of a user why before disconnecting it, on the other node, even when the reason travels as the adapter's largest message", async () => {
    // Past the PostgreSQL adapter's 8,000-byte NOTIFY payload, a message goes through a table and
    // takes an extra query on each receiving node: sent as a message of its own, the reason would
    // reach the clients after their disconnect.
    const reason = `banned:${'x'.repeat(9000)}`;
    const cookie = await login(A.url, 'alice');
    const onA = [await connect(A, cookie), await connect(A, cookie), await connect(A, cookie, '/chat')];
    const ended = Promise.all(onA.map(ending));
    await post(B.url, `/disconnect/user/1?reason=${reason}`);
    for (const end of await ended) {
      const seen = end.order.map((event) => (event.length > 40 ? `${event.slice(0, 40)}…` : event));
      assert.ok(end.order.length === 2 && end.order[0] === `session_ended:${reason}`, `the client saw: ${seen.join(', ')}`);
      assert.equal(end.order[1], 'disconnect:io server disconnect');
    }
  });

  it('ends the sockets of a session destroyed in the store, on both nodes, within the configured interval', async () => {
    const cookie = await login(A.url, 'bob');
    const sockets = [await connect(A, cookie, '/live'), await connect(B, cookie, '/live')];
    const ended = Promise.all(sockets.map(ending));
    const destroyedAt = Date.now();
    await cluster.destroySession(cookie);
    for (const end of await ended) assert.equal(end.told, 'session_gone');
    const took = Date.now() - destroyedAt;
    // One interval until the next read, plus at most one store read.
    assert.ok(took <= cluster.interval + STORE_TIMEOUT_MS, `ended ${took} ms after the session was destroyed`);
  });

  it('a lookup while the other node hangs rejects with ERR_CLUSTER_LOOKUP at the timeout the caller chose, and works again after', async () => {
    const cookie = await login(A.url, 'bob');
    await connect(B, cookie);
    const onA = await connect(A, cookie);
    await post(B.url, '/hang?ms=3000');
    // The helpers that only send return at once, and reach this node's sockets.
    const note = new Promise((resolve) => onA.once('note', resolve));
    await post(A.url, '/emit/user/2');
    assert.deepEqual(await note, { from: 'A' });
    const response = await fetch(`${A.url}/sockets/user/2?timeout=500`);
    assert.equal(response.status, 503);
    const answer = (await response.json()) as { code: string; message: string };
    assert.equal(answer.code, 'ERR_CLUSTER_LOOKUP');
    assert.match(answer.message, /within 500 ms/);
    const found: unknown[] = await until(
      () => get(A.url, '/sockets/user/2?timeout=5000').catch(() => []),
      (list) => list.length >= 2,
    );
    assert.ok(found.length >= 2, 'both nodes answer again once B is back');
  });

  if (cluster.expireSession) {
    const expire = cluster.expireSession;
    it("ends the sockets of a session whose cookie expired in the store, with reason 'session_expired'", async () => {
      const cookie = await login(B.url, 'bob');
      const sockets = [await connect(A, cookie, '/live'), await connect(B, cookie, '/live')];
      const ended = Promise.all(sockets.map(ending));
      await expire(cookie);
      for (const end of await ended) assert.equal(end.told, 'session_expired');
    });
  }
}
