/**
 * Faults injected into real session stores over real connections: a Redis server of the test's
 * own paused, killed and restarted; a PostgreSQL session table locked or gone; a store that
 * answers slowly. During the fault handshakes are refused through the store-error path, the app
 * keeps serving, and once the store is back handshakes succeed again without a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import session from 'express-session';
import { connect, connectOk } from '../support/client';
import { POSTGRES_URL, requireService, uniqueName } from '../support/services';
import { type Any, defineStack } from '../support/stack';
import { connectOnceStoreIsBack, expectStillServing, expectStoreRefusals, type FaultyApp, startFaultyApp } from './support/faulty-app';
import { type OwnRedis, redisServerSkipReason, startOwnRedis } from './support/redis-server';

const stack = defineStack();
const TIMEOUT_MS = 300;

describe('a Redis store whose server is paused, killed and restarted (a redis-server of the test, on a free port)', () => {
  const skip = redisServerSkipReason();
  if (skip) {
    it(skip, { skip: 'redis-server not installed (with CI=true this fails)' }, () => {});
    return;
  }
  let redis: OwnRedis;
  let client: Any;
  let app: FaultyApp;
  let cookie: string;
  let openSocket: Any;

  before(async () => {
    redis = await startOwnRedis();
    const { createClient } = require('redis');
    const { RedisStore } = require('connect-redis');
    client = createClient({ url: redis.url, socket: { reconnectStrategy: (retries: number) => Math.min(50 * (retries + 1), 250) } });
    client.on('error', () => {});
    await client.connect();
    app = await startFaultyApp(stack, new RedisStore({ client, prefix: `${uniqueName('faults')}:` }), TIMEOUT_MS);
    cookie = await app.login('alice');
    openSocket = await connectOk(stack, app.url, { cookie });
  });
  after(async () => {
    openSocket?.close();
    await app?.close();
    await client?.close().catch(() => client.destroy());
    await redis?.stop();
  });

  it('refuses with ERR_SESSION_STORE_TIMEOUT while the server is paused (SIGSTOP), keeps serving, and accepts once it resumes', async () => {
    redis.pause();
    try {
      await expectStoreRefusals(stack, app, cookie, 5, ['ERR_SESSION_STORE_TIMEOUT']);
      assert.match(app.failures.at(-1)!.message, /did not answer within 300 ms/);
      await expectStillServing(app, openSocket, 1);
    } finally {
      redis.resume();
    }
    (await connectOnceStoreIsBack(stack, app, cookie)).close();
  });

  it('refuses through the store-error path while the server is down, keeps serving, and accepts the same session after a restart', async () => {
    await redis.kill();
    await expectStoreRefusals(stack, app, cookie, 5);
    await expectStillServing(app, openSocket, 1);
    await redis.start();
    (await connectOnceStoreIsBack(stack, app, cookie)).close();
  });

  it('decides every handshake that is in flight when the server is killed, then recovers', async () => {
    const inFlight = Array.from({ length: 20 }, () => connect(stack, app.url, { cookie }));
    await new Promise((resolve) => setImmediate(resolve));
    await redis.kill();
    const results = await Promise.all(inFlight);
    for (const result of results) {
      if (result.connected) result.socket.close();
      else assert.ok(['ERR_SESSION_STORE', 'ERR_SESSION_STORE_TIMEOUT'].includes(result.data?.code), JSON.stringify(result));
    }
    assert.ok(
      results.every((result) => result.connected || result.message === 'Internal server error'),
      'each is accepted or refused, none hangs',
    );
    await expectStillServing(app, openSocket, 1);
    await redis.start();
    (await connectOnceStoreIsBack(stack, app, cookie)).close();
  });
});

describe('a PostgreSQL store (connect-pg-simple) whose session table is locked or gone', async () => {
  if (!(await requireService('postgres'))) return;
  const { Pool, Client } = require('pg');
  const PgStore = require('connect-pg-simple')(session);
  const schema = uniqueName('faults');
  const table = `"${schema}"."session"`;
  let pool: Any;
  let store: Any;
  let app: FaultyApp;
  let cookie: string;
  let openSocket: Any;

  before(async () => {
    pool = new Pool({ connectionString: POSTGRES_URL, max: 4 });
    pool.on('error', () => {});
    await pool.query(`CREATE SCHEMA "${schema}"`);
    store = new PgStore({ pool, schemaName: schema, tableName: 'session', createTableIfMissing: true, pruneSessionInterval: false });
    app = await startFaultyApp(stack, store, TIMEOUT_MS);
    cookie = await app.login('bob');
    openSocket = await connectOk(stack, app.url, { cookie });
  });
  after(async () => {
    openSocket?.close();
    await app?.close();
    await store?.close();
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
  });

  it('refuses with ERR_SESSION_STORE_TIMEOUT while another connection holds ACCESS EXCLUSIVE on the table, and accepts once it is released', async () => {
    const locker = new Client({ connectionString: POSTGRES_URL });
    locker.on('error', () => {});
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      await expectStoreRefusals(stack, app, cookie, 3, ['ERR_SESSION_STORE_TIMEOUT']);
      await expectStillServing(app, openSocket, 2);
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }
    (await connectOnceStoreIsBack(stack, app, cookie)).close();
  });

  it('refuses with ERR_SESSION_STORE and the database error while the table is gone, and accepts once it is back', async () => {
    await pool.query(`ALTER TABLE ${table} RENAME TO session_away`);
    try {
      await expectStoreRefusals(stack, app, cookie, 3, ['ERR_SESSION_STORE']);
      assert.match(app.failures.at(-1)!.message, /^Error in session store:\n.*session.*does not exist/);
      await expectStillServing(app, openSocket, 2);
    } finally {
      await pool.query(`ALTER TABLE "${schema}"."session_away" RENAME TO session`);
    }
    (await connectOnceStoreIsBack(stack, app, cookie)).close();
  });
});

describe('a store that answers slowly', () => {
  const memory = new session.MemoryStore();
  let delayMs = 0;
  let lateAnswers = 0;
  const store = Object.assign(Object.create(memory), {
    get(sid: string, callback: (err: unknown, value?: unknown) => void) {
      const wait = delayMs;
      memory.get(sid, (err, value) => {
        if (wait === 0) return callback(err, value);
        setTimeout(() => {
          lateAnswers += 1;
          callback(err, value);
        }, wait);
      });
    },
  });
  let app: FaultyApp;
  let cookie: string;
  let openSocket: Any;

  before(async () => {
    app = await startFaultyApp(stack, store, TIMEOUT_MS);
    cookie = await app.login('alice');
    openSocket = await connectOk(stack, app.url, { cookie });
  });
  after(async () => {
    openSocket?.close();
    await app?.close();
  });

  it('refuses with ERR_SESSION_STORE_TIMEOUT while answers take longer than the timeout, ignores the late answers, and accepts once it is fast again', async () => {
    delayMs = TIMEOUT_MS * 3;
    await expectStoreRefusals(stack, app, cookie, 5, ['ERR_SESSION_STORE_TIMEOUT']);
    await expectStillServing(app, openSocket, 1);
    const failuresBefore = app.failures.length;
    while (lateAnswers < 5) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(app.failures.length, failuresBefore, 'a late answer decides nothing a second time');
    delayMs = TIMEOUT_MS / 3;
    (await connectOk(stack, app.url, { cookie })).close();
    delayMs = 0;
  });
});
