/**
 * The primary of a Node cluster with two socket.io workers joined by @socket.io/cluster-adapter
 * (no Redis). Forked by node-cluster.test.ts: relays each worker's `ready` message to the test,
 * and on `{ type: 'close' }` stops the workers and exits. Each worker listens on a port of its
 * own (`exclusive`), so that the test can choose the node a client connects to; an app behind
 * one shared port would use @socket.io/sticky instead (see README.md).
 */
import cluster from 'node:cluster';
import { join } from 'node:path';
import { setupPrimary } from '@socket.io/cluster-adapter';
import type { NodeProcessConfig } from './node-process';

const base = JSON.parse(process.env.CLUSTER_PRIMARY ?? '') as Omit<NodeProcessConfig, 'name'>;
const names = ['A', 'B'];

setupPrimary();
cluster.setupPrimary({ exec: join(__dirname, 'node-process.ts'), execArgv: ['--import', 'tsx'] });
for (const name of names) {
  cluster.fork({ CLUSTER_NODE: JSON.stringify({ ...base, name }) });
}
cluster.on('message', (_worker, message: { type?: string }) => {
  if (message?.type === 'ready') process.send?.(message);
});
cluster.on('exit', (_worker, code) => {
  if (code !== 0 && !stopping) {
    console.error(`a cluster worker exited with code ${code}`);
    process.exit(1);
  }
});

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  const workers = Object.values(cluster.workers ?? {});
  let left = workers.length;
  if (left === 0) process.exit(0);
  for (const worker of workers) {
    worker?.once('exit', () => {
      left -= 1;
      if (left === 0) process.exit(0);
    });
    worker?.send({ type: 'close' });
  }
}
process.on('message', (message: { type?: string }) => {
  if (message?.type === 'close') stop();
});
process.on('disconnect', stop);
