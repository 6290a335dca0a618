/**
 * The cluster suite over @socket.io/postgres-adapter with the sessions in PostgreSQL too
 * (connect-pg-simple): two socket.io servers in processes of their own, no Redis. The run has a
 * schema of its own (session table, adapter table, NOTIFY channel prefix), dropped afterwards.
 */
import { after, before, describe } from 'node:test';
import { Pool } from 'pg';
import { POSTGRES_URL, requireService, uniqueName } from '../support/services';
import { CLUSTER_INTERVAL_MS, clusterSuite, startTwoProcesses } from './cluster-suite';
import { sessionIdOf } from './support';

describe('a cluster of two processes over PostgreSQL (connect-pg-simple store, PostgreSQL adapter)', async () => {
  if (!(await requireService('postgres'))) return;
  const schema = uniqueName('cluster');
  const pool = new Pool({ connectionString: POSTGRES_URL, max: 2 });
  pool.on('error', () => {});

  before(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(
      `CREATE TABLE "${schema}".session (sid varchar NOT NULL PRIMARY KEY, sess json NOT NULL, expire timestamp(6) NOT NULL)`,
    );
    await pool.query(
      `CREATE TABLE "${schema}".socket_io_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`,
    );
  });
  after(async () => {
    try {
      await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
    } finally {
      await pool.end();
    }
  });

  clusterSuite({
    interval: CLUSTER_INTERVAL_MS,
    start: () =>
      startTwoProcesses({
        store: { kind: 'postgres', url: POSTGRES_URL, schema },
        adapter: { kind: 'postgres', url: POSTGRES_URL, table: `${schema}.socket_io_attachments`, channel: schema },
      }),
    async destroySession(cookie) {
      await pool.query(`DELETE FROM "${schema}".session WHERE sid = $1`, [sessionIdOf(cookie)]);
    },
    async expireSession(cookie) {
      await pool.query(
        `UPDATE "${schema}".session SET sess = jsonb_set(sess::jsonb, '{cookie,expires}', to_jsonb($2::text))::json WHERE sid = $1`,
        [sessionIdOf(cookie), new Date(Date.now() - 60_000).toISOString()],
      );
    },
  });
});
