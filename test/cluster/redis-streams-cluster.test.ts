/**
 * The cluster suite over @socket.io/redis-streams-adapter (sessions in Redis through
 * connect-redis): two socket.io servers in processes of their own. Every key of the run has its
 * own prefix and is removed.
 */
import { after, before, describe } from 'node:test';
import { createClient } from 'redis';
import { REDIS_URL, requireService, uniqueName } from '../support/services';
import type { NodeProcessConfig } from './apps/node-process';
import { clusterSuite } from './cluster-suite';
import { startProcess } from './processes';
import { sessionIdOf } from './support';

const INTERVAL_MS = 500;

describe('a cluster of two processes over Redis streams (connect-redis store, Redis streams adapter)', async () => {
  if (!(await requireService('redis'))) return;
  const prefix = uniqueName('streams');
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
    interval: INTERVAL_MS,
    async start() {
      const start = (name: string) => {
        const config: NodeProcessConfig = {
          name,
          store: { kind: 'redis', url: REDIS_URL, prefix: sessionPrefix },
          adapter: { kind: 'redis-streams', url: REDIS_URL, key: `${prefix}:io` },
          liveSession: { interval: INTERVAL_MS },
        };
        return startProcess('node-process.ts', { CLUSTER_NODE: JSON.stringify(config) }, 1);
      };
      const [a, b] = await Promise.all([start('A'), start('B')]);
      return { nodes: { ...a.nodes, ...b.nodes }, stop: async () => void (await Promise.all([a.stop(), b.stop()])) };
    },
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
});
