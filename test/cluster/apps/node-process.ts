/**
 * One cluster node in a process of its own: forked by a test (Redis store and Redis adapter), or
 * forked as a Node cluster worker by cluster-primary.ts (file store and cluster adapter). Reads
 * its configuration from CLUSTER_NODE (JSON), tells its parent `{ type: 'ready', name, url }`,
 * and shuts down on `{ type: 'close' }` or when its parent goes away.
 */
import session from 'express-session';
import type { Server } from 'socket.io';
import type { LiveSessionOptions } from '../../../src';
import { startNode } from './node-app';

export interface NodeProcessConfig {
  name: string;
  store: { kind: 'redis'; url: string; prefix: string } | { kind: 'file'; dir: string } | { kind: 'postgres'; url: string; schema: string };
  adapter:
    | { kind: 'redis'; url: string; key: string }
    | { kind: 'cluster' }
    | { kind: 'redis-streams'; url: string; key: string }
    | { kind: 'postgres'; url: string; table: string; channel: string };
  liveSession?: LiveSessionOptions;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.CLUSTER_NODE ?? '') as NodeProcessConfig;
  const cleanups: Array<() => Promise<unknown>> = [];

  let store: session.Store;
  if (config.store.kind === 'redis') {
    const { createClient } = require('redis');
    const { RedisStore } = require('connect-redis');
    const client = createClient({ url: config.store.url });
    client.on('error', () => {});
    await client.connect();
    cleanups.push(() => client.quit());
    store = new RedisStore({ client, prefix: config.store.prefix });
  } else if (config.store.kind === 'postgres') {
    const { Pool } = require('pg');
    const PgStore = require('connect-pg-simple')(session);
    const pool = new Pool({ connectionString: config.store.url, max: 4 });
    pool.on('error', () => {});
    cleanups.push(() => pool.end());
    store = new PgStore({ pool, schemaName: config.store.schema, tableName: 'session', pruneSessionInterval: false });
  } else {
    const FileStore = require('session-file-store')(session);
    store = new FileStore({ path: config.store.dir, retries: 0, reapInterval: -1, logFn: () => {} });
  }

  let installAdapter: (io: Server) => void;
  if (config.adapter.kind === 'redis') {
    const { createClient } = require('redis');
    const { createAdapter } = require('@socket.io/redis-adapter');
    const pub = createClient({ url: config.adapter.url });
    const sub = pub.duplicate();
    pub.on('error', () => {});
    sub.on('error', () => {});
    await Promise.all([pub.connect(), sub.connect()]);
    cleanups.push(
      () => pub.quit(),
      () => sub.quit(),
    );
    const key = config.adapter.key;
    installAdapter = (io) => io.adapter(createAdapter(pub, sub, { key }));
  } else if (config.adapter.kind === 'redis-streams') {
    const { createClient } = require('redis');
    const { createAdapter } = require('@socket.io/redis-streams-adapter');
    const client = createClient({ url: config.adapter.url });
    client.on('error', () => {});
    await client.connect();
    cleanups.push(() => client.quit());
    const key = config.adapter.key;
    installAdapter = (io) => io.adapter(createAdapter(client, { streamName: `${key}:stream`, channelPrefix: `${key}:ch` }));
  } else if (config.adapter.kind === 'postgres') {
    const { Pool } = require('pg');
    const { createAdapter } = require('@socket.io/postgres-adapter');
    // pg's default pool size: the adapter sends each message through whichever connection is free,
    // so two messages may arrive in the other order; ending a room takes one message per node.
    const pool = new Pool({ connectionString: config.adapter.url, max: 10 });
    pool.on('error', () => {});
    cleanups.push(() => pool.end());
    const { table, channel } = config.adapter;
    installAdapter = (io) => io.adapter(createAdapter(pool, { tableName: table, channelPrefix: channel }));
  } else {
    const { createAdapter } = require('@socket.io/cluster-adapter');
    installAdapter = (io) => io.adapter(createAdapter());
  }

  const node = await startNode({
    name: config.name,
    store,
    adapter: installAdapter,
    liveNamespace: config.liveSession,
  });

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await node.close();
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    process.exit(0);
  };
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'close') void close();
  });
  process.on('disconnect', () => void close());
  process.send?.({ type: 'ready', name: config.name, url: node.url });
}

main().catch((err) => {
  console.error(`cluster node failed to start: ${err?.stack ?? err}`);
  process.exit(1);
});
