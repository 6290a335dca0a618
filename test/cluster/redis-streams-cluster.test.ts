/**
 * The cluster suite over @socket.io/redis-streams-adapter (sessions in Redis through
 * connect-redis): two socket.io servers in processes of their own. Every key of the run has its
 * own prefix and is removed.
 */
import { describe } from 'node:test';
import { redisClusterSuite } from './cluster-suite';

describe('a cluster of two processes over Redis streams (connect-redis store, Redis streams adapter)', () =>
  redisClusterSuite('redis-streams', 'streams'));
