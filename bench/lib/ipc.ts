/**
 * Benchmark workers are child processes driven over IPC: one request at a time, each answered
 * with a result or an error. Isolating contenders in processes of their own keeps one's JIT
 * state and heap out of another's measurements; the driver still interleaves them.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

interface Request {
  id: number;
  cmd: string;
  args: unknown;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface Worker {
  call<T = any>(cmd: string, args?: unknown): Promise<T>;
  close(): Promise<void>;
  readonly pid: number;
}

export interface SpawnOptions {
  /** Node flags before the script. */
  execArgv?: string[];
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Starts the compiled `bench/workers/<name>.js` (see build.ts) and resolves once it says it is ready. */
export function spawnWorker(name: string, options: SpawnOptions = {}): Promise<Worker> {
  const buildDir = process.env.BENCH_BUILD_DIR;
  if (!buildDir) throw new Error('the benchmark is not compiled: call buildBench() first');
  const script = join(buildDir, 'bench', 'workers', `${name}.js`);
  const child: ChildProcess = fork(script, options.args ?? [], {
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: options.env ?? process.env,
  });
  let nextId = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let exited = false;
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  child.on('message', (message: Reply | 'ready') => {
    if (message === 'ready') return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${name} worker: ${message.error}`));
  });
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      failAll(new Error(`${name} worker exited (${signal ?? code})`));
      resolve();
    }),
  );
  const worker: Worker = {
    pid: child.pid ?? -1,
    call(cmd, args) {
      if (exited) return Promise.reject(new Error(`${name} worker has exited`));
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, cmd, args } satisfies Request);
      });
    },
    async close() {
      if (exited) return;
      child.send({ id: 0, cmd: 'exit', args: undefined } satisfies Request);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const onReady = (message: unknown) => {
      if (message !== 'ready') return;
      child.off('message', onReady);
      resolve(worker);
    };
    child.on('message', onReady);
    child.once('exit', (code) => reject(new Error(`${name} worker exited before it was ready (${code})`)));
  });
}

/** In a worker: answers the driver's requests; `exit` runs `onExit` and ends the process. */
export function serve(handlers: Record<string, (args: any) => unknown>, onExit: () => Promise<void> | void = () => {}): void {
  let exiting = false;
  const exit = async () => {
    if (exiting) return;
    exiting = true;
    try {
      await onExit();
    } finally {
      process.exit(0);
    }
  };
  process.on('message', async (message: Request) => {
    if (message.cmd === 'exit') return exit();
    const handler = handlers[message.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${message.cmd}`);
      const result = await handler(message.args);
      process.send?.({ id: message.id, ok: true, result } satisfies Reply);
    } catch (err) {
      process.send?.({ id: message.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies Reply);
    }
  });
  // If the driver dies, so do we, after cleaning up: no orphaned servers or Redis keys.
  process.on('disconnect', exit);
  process.send?.('ready');
}
