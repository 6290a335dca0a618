/**
 * Two socket.io workers of a Node cluster joined by @socket.io/cluster-adapter, no Redis: the
 * sessions live in files (session-file-store) in a directory of this run, removed after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe } from 'node:test';
import type { NodeProcessConfig } from './apps/node-process';
import { clusterSuite } from './cluster-suite';
import { startProcess } from './processes';
import { sessionIdOf } from './support';

const INTERVAL_MS = 500;

describe('a Node cluster of two workers (cluster adapter, file session store)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pssio-cluster-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  clusterSuite({
    interval: INTERVAL_MS,
    start() {
      const config: Omit<NodeProcessConfig, 'name'> = {
        store: { kind: 'file', dir },
        adapter: { kind: 'cluster' },
        liveSession: { interval: INTERVAL_MS },
      };
      return startProcess('cluster-primary.ts', { CLUSTER_PRIMARY: JSON.stringify(config) }, 2);
    },
    async destroySession(cookie) {
      await rm(join(dir, `${sessionIdOf(cookie)}.json`));
    },
  });
});
