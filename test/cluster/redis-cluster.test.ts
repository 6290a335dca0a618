/**
 * Two socket.io servers in separate processes sharing a Redis session store (connect-redis) and
 * @socket.io/redis-adapter. Skipped, with one line saying what to start, where Redis is not
 * running; with CI=true it fails instead. Every key of the run has its own prefix and is removed.
 */
import { describe } from 'node:test';
import { redisClusterSuite } from './cluster-suite';

describe('a cluster of two processes over Redis (connect-redis store, Redis adapter)', () => redisClusterSuite('redis', 'cluster'));
