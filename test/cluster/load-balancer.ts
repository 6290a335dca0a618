/**
 * The README's cluster setup, run for real: node processes of examples/cluster/server.js (plain
 * JavaScript, `require('passport.socketio-compat')` resolved to this package's build) behind
 * HAProxy with examples/cluster/haproxy.cfg, its ports rewritten to free ones in a temporary
 * directory. Every process started here is killed when the test ends, also when it fails.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCi } from '../support/services';

export const ROOT = join(__dirname, '..', '..');
export const EXAMPLE_DIR = join(ROOT, 'examples', 'cluster');
const START_TIMEOUT_MS = 30_000;

/** Why HAProxy cannot run here (one line), or undefined. With CI=true, throws instead. */
export function haproxySkipReason(): string | undefined {
  const found = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (!found.error && found.status === 0) return undefined;
  const problem = 'haproxy is not installed (the load-balanced cluster runs the real load balancer)';
  if (isCi()) throw new Error(`${problem}. CI=true, so this fails instead of skipping; install it with: apt-get install haproxy`);
  return `skipped: ${problem}; install it with: apt-get install haproxy`;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** A directory whose `passport.socketio-compat` is this repository: the example's NODE_PATH. */
function packageLinkDir(): string {
  if (!existsSync(join(ROOT, 'dist', 'cjs', 'index.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'pssio-example-'));
  symlinkSync(ROOT, join(dir, 'passport.socketio-compat'), 'dir');
  return dir;
}

export interface ExampleNode {
  name: string;
  port: number;
  url: string;
  process: ChildProcess;
  /** Everything the node printed, for failure messages and checks. */
  output(): string;
}

/** Starts `node examples/cluster/server.js` on a free port, as the README says, with `env`. */
export function startExampleNode(name: string, env: Record<string, string>, nodePath: string): Promise<ExampleNode> {
  const child = track(
    spawn(process.execPath, [join(EXAMPLE_DIR, 'server.js')], {
      cwd: EXAMPLE_DIR,
      env: { ...process.env, NODE_PATH: nodePath, PORT: '0', SERVER_NAME: name, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`example node ${name} did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`example node ${name} exited (${code ?? signal}) before listening:\n${output}`));
    });
    const onData = () => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.removeAllListeners('exit');
      const port = Number(match[1]);
      resolve({ name, port, url: `http://127.0.0.1:${port}`, process: child, output: () => output });
    };
    child.stdout?.on('data', onData);
  });
}

/**
 * examples/cluster/haproxy.cfg with its listening port and its three node ports replaced; fails
 * if the file no longer has the lines this rewrites (so the test keeps running the real file).
 */
export function exampleHaproxyConfig(frontendPort: number, nodePorts: number[]): string {
  let config = readFileSync(join(EXAMPLE_DIR, 'haproxy.cfg'), 'utf8');
  const replace = (from: string, to: string) => {
    if (!config.includes(from)) throw new Error(`examples/cluster/haproxy.cfg no longer contains "${from}"`);
    config = config.replace(from, to);
  };
  replace('bind 127.0.0.1:8080', `bind 127.0.0.1:${frontendPort}`);
  for (const [index, port] of nodePorts.entries()) replace(`127.0.0.1:${3001 + index} `, `127.0.0.1:${port} `);
  return config;
}

export interface Haproxy {
  url: string;
  stop(): Promise<void>;
}

/** Runs haproxy in the foreground with `config` (written to a temporary directory). */
export async function startHaproxy(config: string, frontendPort: number): Promise<Haproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'pssio-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child = track(spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${frontendPort}`;
  const stop = async () => {
    await killAndWait(child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (!isRunning(child)) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`haproxy exited: ${output}`);
    }
    const answered = await fetch(`${url}/healthz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (answered) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not answer within ${START_TIMEOUT_MS} ms: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface ExampleCluster {
  lb: Haproxy;
  nodes: ExampleNode[];
  /** The NODE_PATH the nodes run with (for starting one more). */
  nodePath: string;
  stop(): Promise<void>;
}

/** Three example nodes (a, b, c) sharing `redisUrl`, behind HAProxy. */
export async function startExampleCluster(redisUrl: string, frontendPort: number): Promise<ExampleCluster> {
  const nodePath = packageLinkDir();
  const nodes: ExampleNode[] = [];
  let lb: Haproxy | undefined;
  const stop = async () => {
    await lb?.stop();
    await Promise.all(nodes.map((node) => killAndWait(node.process, 'SIGTERM')));
    rmSync(nodePath, { recursive: true, force: true });
  };
  try {
    const env = { REDIS_URL: redisUrl, SESSION_SECRET: 'a long random string for the example' };
    for (const name of ['a', 'b', 'c']) nodes.push(await startExampleNode(name, env, nodePath));
    lb = await startHaproxy(
      exampleHaproxyConfig(
        frontendPort,
        nodes.map((node) => node.port),
      ),
      frontendPort,
    );
    return { lb, nodes, nodePath, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export { isRunning, killAndWait };
