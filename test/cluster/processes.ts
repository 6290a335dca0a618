/**
 * Starts the cluster apps of test/cluster/apps as child processes, waits for their nodes to be
 * ready, and stops them (then kills what did not stop).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

export interface ReadyNode {
  name: string;
  url: string;
}

export interface Processes {
  nodes: Record<string, ReadyNode>;
  stop(): Promise<void>;
}

// Each process starts TypeScript through tsx; on a busy two-core machine that takes a while.
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** Forks `app` (a file of test/cluster/apps) and waits for `expected` nodes to say they are ready. */
export function startProcess(app: string, env: Record<string, string>, expected: number): Promise<Processes> {
  const child = fork(join(__dirname, 'apps', app), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const nodes: Record<string, ReadyNode> = {};
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${app}: nodes not ready within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      void stopChild(child).then(() => reject(err));
    };
    child.on('exit', (code) => fail(new Error(`${app} exited with code ${code} before its nodes were ready`)));
    child.on('message', (message: { type?: string } & ReadyNode) => {
      if (message?.type !== 'ready') return;
      nodes[message.name] = { name: message.name, url: message.url };
      if (Object.keys(nodes).length < expected) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ nodes, stop: () => stopChild(child) });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'close' });
    else child.kill('SIGTERM');
  });
}
