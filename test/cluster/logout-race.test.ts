/**
 * A handshake in flight when its session is logged out (it read the session before the logout,
 * and its deserializer answers after `logoutSockets` ended the session's rooms) is refused: on
 * one node, and on another node of a Redis cluster and of a PostgreSQL cluster. Real Express logins and logout routes, real
 * socket.io-client connections; the node apps hold the handshake's deserializer on request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import session from 'express-session';
import { Pool } from 'pg';
import { createClient } from 'redis';
import { POSTGRES_URL, REDIS_URL, requireService, uniqueName } from '../support/services';
import { type ClusterNode, startNode } from './apps/node-app';
import type { NodeProcessConfig } from './apps/node-process';
import { type Processes, startProcess } from './processes';
import { type ClientSocket, connectSocket, ending, get, login, post, until } from './support';

/** Starts a handshake on `handshakeUrl` that stops in its deserializer; logs out on `logoutUrl`; then lets it go on. */
async function handshakeThroughLogout(handshakeUrl: string, logoutUrl: string, cookie: string): Promise<ClientSocket | Error> {
  await post(handshakeUrl, '/test/hold');
  const connecting = connectSocket(handshakeUrl, cookie).then(
    (socket) => socket,
    (err: Error) => err,
  );
  await until(
    () => get(handshakeUrl, '/test/held'),
    (answer) => answer.held === true,
  );
  await post(logoutUrl, '/logout', cookie);
  await post(handshakeUrl, '/test/release');
  return connecting;
}

/**
 * Refused, or (across a cluster, when the handshake ends before the node hears of the logout)
 * ended at once by the logout's own room end. Never left connected as the logged-out user.
 */
async function assertRefusedOrEnded(outcome: ClientSocket | Error, refusedOnly: boolean): Promise<void> {
  if (outcome instanceof Error) {
    assert.equal(outcome.message, 'No session found');
    return;
  }
  const ended = await ending(outcome).catch((err: Error) => err);
  outcome.close();
  assert.ok(!refusedOnly, 'the handshake in flight was admitted after the logout');
  assert.ok(!(ended instanceof Error), 'the handshake in flight was admitted and left connected as the logged-out user');
  assert.equal(ended.told, 'logout');
}

describe('a handshake in flight when the session is logged out, on one node', () => {
  let node: ClusterNode;
  before(async () => {
    node = await startNode({ name: 'solo', store: new session.MemoryStore() });
  });
  after(async () => {
    await node.close();
  });

  it('is refused with No session found, not admitted as the logged-out user', async () => {
    const cookie = await login(node.url, 'alice');
    const other = await connectSocket(node.url, cookie);
    const outcome = await handshakeThroughLogout(node.url, node.url, cookie);
    assert.equal((await ending(other)).told, 'logout', 'the socket already connected was ended by the logout');
    await assertRefusedOrEnded(outcome, true);
  });

  it('still admits a handshake of another session of the same user', async () => {
    const cookie = await login(node.url, 'alice');
    const second = await login(node.url, 'alice');
    await post(node.url, '/logout', cookie);
    const socket = await connectSocket(node.url, second);
    socket.close();
  });
});

interface TwoNodes {
  config: Omit<NodeProcessConfig, 'name'>;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
}

/**
 * Node A logs the session out while node B holds a handshake of it in its deserializer, several
 * rounds in a row: the PostgreSQL adapter sends each message through whichever connection of its
 * pool is free, so a logout told to node B in two messages could arrive in either order.
 */
function handshakeOnOtherNode(label: string, service: 'redis' | 'postgres', cluster: () => TwoNodes) {
  describe(`a handshake in flight on node B when the session is logged out on node A (${label})`, async () => {
    if (!(await requireService(service))) return;
    const setup = cluster();
    let processes: Processes[] = [];
    let urls: Record<string, string> = {};

    before(async () => {
      await setup.setUp();
      const start = (name: string) => startProcess('node-process.ts', { CLUSTER_NODE: JSON.stringify({ name, ...setup.config }) }, 1);
      processes = await Promise.all([start('A'), start('B')]);
      urls = Object.fromEntries(processes.flatMap((p) => Object.values(p.nodes)).map((n) => [n.name, n.url]));
    });
    after(async () => {
      await Promise.all(processes.map((p) => p.stop()));
      await setup.tearDown();
    });

    it('is refused on node B, or ended by the logout the moment it joins its rooms: never left connected', async () => {
      const a = urls.A as string;
      const b = urls.B as string;
      for (let round = 0; round < 5; round++) {
        const cookie = await login(a, 'alice');
        const outcome = await handshakeThroughLogout(b, a, cookie);
        await assertRefusedOrEnded(outcome, false);
      }
    });
  });
}

handshakeOnOtherNode('Redis adapter and store', 'redis', () => {
  const prefix = uniqueName('logout-race');
  const redis = createClient({ url: REDIS_URL });
  return {
    config: {
      store: { kind: 'redis', url: REDIS_URL, prefix: `${prefix}:sess:` },
      adapter: { kind: 'redis', url: REDIS_URL, key: `${prefix}:io` },
    },
    async setUp() {
      await redis.connect();
    },
    async tearDown() {
      const keys: string[] = [];
      for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) keys.push(...batch);
      if (keys.length > 0) await redis.del(keys);
      await redis.quit();
    },
  };
});

handshakeOnOtherNode('PostgreSQL adapter and store', 'postgres', () => {
  const schema = uniqueName('logout_race');
  const pool = new Pool({ connectionString: POSTGRES_URL, max: 2 });
  pool.on('error', () => {});
  return {
    config: {
      store: { kind: 'postgres', url: POSTGRES_URL, schema },
      adapter: { kind: 'postgres', url: POSTGRES_URL, table: `${schema}.socket_io_attachments`, channel: schema },
    },
    async setUp() {
      await pool.query(`CREATE SCHEMA "${schema}"`);
      await pool.query(
        `CREATE TABLE "${schema}".session (sid varchar NOT NULL PRIMARY KEY, sess json NOT NULL, expire timestamp(6) NOT NULL)`,
      );
      await pool.query(
        `CREATE TABLE "${schema}".socket_io_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`,
      );
    },
    async tearDown() {
      try {
        await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
});
