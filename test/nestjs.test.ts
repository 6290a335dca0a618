/**
 * examples/nestjs, installed from the npm registry as a user would (with this build packed in
 * place of the published package), compiled with its own TypeScript and run as its own process:
 * a real login over HTTP, then real socket.io clients against its gateway.
 *
 * The install lives in .tmp/nestjs-example and is reused while examples/nestjs/package.json
 * stays the same: about 20 s the first time, a few seconds after. It needs the npm registry.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { io as ioClient } from 'socket.io-client';
import { ErrorCodes } from '../src';

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples/nestjs');
const WORK = join(ROOT, '.tmp/nestjs-example');
const INSTALL_TIMEOUT_MS = 4 * 60 * 1000;

function run(command: string, args: string[], cwd: string, timeout: number): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The example in WORK, with this build packed as passport.socketio-compat, installed and compiled. */
function prepareExample(): void {
  if (!existsSync(join(ROOT, 'dist/cjs/index.js'))) throw new Error('dist/ is missing: run npm run build first (npm test does)');
  mkdirSync(WORK, { recursive: true });
  const [packed] = JSON.parse(
    run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', WORK, '--loglevel=error'], ROOT, 60_000),
  );
  rmSync(join(WORK, 'src'), { recursive: true, force: true });
  rmSync(join(WORK, 'dist'), { recursive: true, force: true });
  cpSync(join(EXAMPLE, 'src'), join(WORK, 'src'), { recursive: true });
  cpSync(join(EXAMPLE, 'tsconfig.json'), join(WORK, 'tsconfig.json'));
  const manifest = JSON.parse(readFileSync(join(EXAMPLE, 'package.json'), 'utf8'));
  assert.equal(manifest.dependencies['passport.socketio-compat'], 'file:../..');
  manifest.dependencies['passport.socketio-compat'] = `file:./${packed.filename}`;
  writeFileSync(join(WORK, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], WORK, INSTALL_TIMEOUT_MS);
  run(process.execPath, [join(WORK, 'node_modules/typescript/bin/tsc'), '-p', join(WORK, 'tsconfig.json')], WORK, 120_000);
}

interface RunningExample {
  url: string;
  output: string[];
  stop(): Promise<void>;
}

function startExample(): Promise<RunningExample> {
  const child: ChildProcess = spawn(process.execPath, [join(WORK, 'dist/main.js')], {
    cwd: WORK,
    env: { ...process.env, PORT: '0', SESSION_SECRET: 'nest example secret' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let errors = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not start within 60 s:\n${output.join('\n')}\n${errors}`)), 60_000);
    child.stderr?.on('data', (chunk) => {
      errors += chunk;
    });
    child.on('exit', (code) => reject(new Error(`the example exited (${code}) before listening:\n${errors}`)));
    let buffered = '';
    child.stdout?.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        const listening = /^listening on (http:\/\/\S+)/.exec(line);
        if (listening) {
          clearTimeout(timer);
          resolve({
            url: (listening[1] as string).replace('[::1]', '127.0.0.1'),
            output,
            stop: () =>
              new Promise((done) => {
                child.removeAllListeners('exit');
                child.on('exit', () => done());
                child.kill();
              }),
          });
        }
      }
    });
  });
}

async function login(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  await response.arrayBuffer();
  assert.equal(response.status, 201, `login of ${username}`);
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('connect.sid='));
  assert.ok(cookie, 'the login sets the session cookie');
  return cookie.split(';')[0] as string;
}

type Outcome = { connected: true; socket: ReturnType<typeof ioClient> } | { connected: false; message: string; code?: string };

function connect(url: string, cookie?: string, namespace = ''): Promise<Outcome> {
  const socket = ioClient(url + namespace, {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
  });
  return new Promise((resolve) => {
    socket.on('connect', () => resolve({ connected: true, socket }));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      socket.close();
      resolve({ connected: false, message: err.message, code: err.data?.code });
    });
  });
}

const connectionsSeen = (example: RunningExample) => example.output.filter((line) => line.startsWith('handleConnection'));

/** The gateway's lines reach us through a pipe, a moment after the client hears back. */
async function gatewayLines(example: RunningExample, from: number, count: number): Promise<string[]> {
  for (let waited = 0; connectionsSeen(example).length < from + count && waited < 10_000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return connectionsSeen(example).slice(from);
}

/** Without the registry (and not in CI, where nothing may skip) the suite says so and skips. */
function prepareOrSkip(): string | false {
  try {
    prepareExample();
    return false;
  } catch (err) {
    if (process.env.CI === 'true') throw err;
    const reason = `examples/nestjs could not be installed or built (needs the npm registry): ${String(err).split('\n')[0]}`;
    console.log(`# skipped: ${reason}`);
    return reason;
  }
}

const skip = prepareOrSkip();

describe('NestJS example: a gateway behind authorize() in a custom IoAdapter', { skip }, () => {
  let example: RunningExample;
  before(async () => {
    example = await startExample();
  });
  after(async () => {
    await example?.stop();
  });

  it('lets in a user who logged in over HTTP, with the Passport user at connection time', async () => {
    const outcome = await connect(example.url, await login(example.url, 'alice', 'alice-pw'));
    assert.ok(outcome.connected, outcome.connected ? '' : `refused: ${outcome.message}`);
    assert.deepEqual(await outcome.socket.emitWithAck('whoami'), { id: 1, username: 'alice', name: 'Alice' });
    outcome.socket.close();
    assert.deepEqual(await gatewayLines(example, 0, 1), ['handleConnection: alice']);
  });

  it("refuses an anonymous client before the gateway's handleConnection runs", async () => {
    const before = connectionsSeen(example).length;
    const anonymous = await connect(example.url);
    assert.deepEqual(anonymous, { connected: false, message: 'No session found', code: ErrorCodes.NO_SESSION });
    const forged = await connect(example.url, 'connect.sid=s%3Aforged.c2lnbmF0dXJl');
    assert.equal(forged.connected, false);
    // A logged-in client after them: its line is the next one, so theirs never came.
    const bob = await connect(example.url, await login(example.url, 'bob', 'bob-pw'));
    assert.ok(bob.connected);
    assert.equal((await bob.socket.emitWithAck('whoami')).username, 'bob');
    bob.socket.close();
    assert.deepEqual(await gatewayLines(example, before, 1), ['handleConnection: bob']);
  });

  it('guards a gateway on its own namespace the same way', async () => {
    const before = connectionsSeen(example).length;
    const anonymous = await connect(example.url, undefined, '/news');
    assert.deepEqual(anonymous, { connected: false, message: 'No session found', code: ErrorCodes.NO_SESSION });
    const alice = await connect(example.url, await login(example.url, 'alice', 'alice-pw'), '/news');
    assert.ok(alice.connected, alice.connected ? '' : `refused: ${alice.message}`);
    assert.equal(await alice.socket.emitWithAck('whoami'), 'alice');
    alice.socket.close();
    assert.deepEqual(await gatewayLines(example, before, 1), ['handleConnection /news: alice']);
  });
});
