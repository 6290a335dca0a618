/**
 * The session stores legacy apps run, each over a real connection, as a StoreVariant for the
 * behaviour suite. Every `create()` gets its own key prefix, schema or directory, and its
 * `cleanup()` removes it and closes the connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POSTGRES_URL, REDIS_URL, uniqueName } from './services';
import { memoryStore, type StoreVariant, versionOf } from './stack';

export { memoryStore };

/** The `memorystore` package (an LRU MemoryStore without express-session's leak warning). */
export const memorystoreStore: StoreVariant = {
  name: `memorystore ${versionOf('memorystore')}`,
  async create(session) {
    const MemoryStore = require('memorystore')(session);
    const store = new MemoryStore({ checkPeriod: 24 * 60 * 60 * 1000 });
    return { store, cleanup: async () => store.stopInterval() };
  },
};

/**
 * connect-redis over the `redis` (node-redis 5) client. connect-redis 9 does not support ioredis
 * (it calls node-redis 5's `set(key, value, { expiration })`, `mGet` and `scanIterator`), and
 * connect-redis 10 needs Node 22, so 9 is the newest release this Node 20 machine can test.
 */
export const redisStore: StoreVariant = {
  name: `Redis (connect-redis ${versionOf('connect-redis')}, redis ${versionOf('redis')})`,
  service: 'redis',
  async create() {
    const { RedisStore } = require('connect-redis');
    const { createClient } = require('redis');
    const client = createClient({ url: REDIS_URL });
    client.on('error', () => {});
    await client.connect();
    const prefix = `${uniqueName('sess')}:`;
    const store = new RedisStore({ client, prefix });
    return {
      store,
      async cleanup() {
        const keys: string[] = [];
        for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) keys.push(...batch);
        if (keys.length > 0) await client.del(keys);
        await client.close();
      },
    };
  },
};

/**
 * connect-pg-simple in a schema of its own (its table and index names are fixed, so parallel runs
 * could not share one schema), created here and dropped with everything in it.
 */
export const postgresStore: StoreVariant = {
  name: `PostgreSQL (connect-pg-simple ${versionOf('connect-pg-simple')}, pg ${versionOf('pg')})`,
  service: 'postgres',
  async create(session) {
    const { Pool } = require('pg');
    const PgStore = require('connect-pg-simple')(session);
    const pool = new Pool({ connectionString: POSTGRES_URL, max: 4 });
    pool.on('error', () => {});
    const schemaName = uniqueName('sess');
    await pool.query(`CREATE SCHEMA "${schemaName}"`);
    const store = new PgStore({ pool, schemaName, tableName: 'session', createTableIfMissing: true, pruneSessionInterval: false });
    return {
      store,
      async cleanup() {
        await store.close();
        try {
          await pool.query(`DROP SCHEMA "${schemaName}" CASCADE`);
        } finally {
          await pool.end();
        }
      },
    };
  },
};

/** session-file-store in a temporary directory, removed afterwards. */
export const fileStore: StoreVariant = {
  name: `session-file-store ${versionOf('session-file-store')}`,
  async create(session) {
    const FileStore = require('session-file-store')(session);
    const path = mkdtempSync(join(tmpdir(), 'pssio-sessions-'));
    // No retries: a missing session file is an answer ('No session found'), not a reason to wait.
    const store = new FileStore({ path, retries: 0, reapInterval: -1, logFn: () => {} });
    return { store, cleanup: async () => rmSync(path, { recursive: true, force: true }) };
  },
};

/** Every store the matrix runs, by the short name used in test/matrix file names. */
export const STORES = {
  memory: memoryStore,
  memorystore: memorystoreStore,
  redis: redisStore,
  postgres: postgresStore,
  file: fileStore,
} as const satisfies Record<string, StoreVariant>;
