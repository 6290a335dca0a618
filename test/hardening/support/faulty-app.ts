/**
 * What every store-fault test checks over real connections: a refusal through the store-error
 * path with a clear reason, an app that keeps serving meanwhile, and recovery without a restart.
 */
import assert from 'node:assert/strict';
import { type AppOptions, startApp, type TestApp } from '../../support/app';
import { connect, whoami } from '../../support/client';
import type { Any, Stack } from '../../support/stack';

export interface FailRecord {
  message: string;
  critical: boolean;
  code: string;
}

export interface FaultyApp extends TestApp {
  /** What `fail` received, newest last. */
  failures: FailRecord[];
}

/** The test app, with a `fail` that records what it got and refuses as the default does. */
export async function startFaultyApp(stack: Stack, store: Any, timeout: number, options: AppOptions = {}): Promise<FaultyApp> {
  const failures: FailRecord[] = [];
  const app = await startApp(stack, {
    ...options,
    store,
    authorize: {
      timeout,
      fail(_data, message, critical, accept, error) {
        failures.push({ message, critical, code: error.code });
        accept(error);
      },
      ...options.authorize,
    },
  });
  return Object.assign(app, { failures });
}

const STORE_CODES = ['ERR_SESSION_STORE', 'ERR_SESSION_STORE_TIMEOUT'];

/**
 * Connects `count` clients at once with `cookie` and expects each to be refused through the
 * store-error path: the client sees only the generic message and the code; `fail` got the reason.
 */
export async function expectStoreRefusals(stack: Stack, app: FaultyApp, cookie: string, count: number, codes = STORE_CODES): Promise<void> {
  const before = app.failures.length;
  const results = await Promise.all(Array.from({ length: count }, () => connect(stack, app.url, { cookie })));
  for (const result of results) {
    if (result.connected) {
      result.socket.close();
      assert.fail('a handshake was accepted while the store was failing');
    }
    assert.equal(result.message, 'Internal server error', 'the client gets no internal detail');
    assert.ok(codes.includes(result.data?.code), `the client sees a store code, got ${JSON.stringify(result.data)}`);
  }
  const failures = app.failures.slice(before);
  assert.equal(failures.length, count, 'fail was called once per handshake');
  for (const failure of failures) {
    assert.ok(codes.includes(failure.code), `fail got a store code, got ${failure.code}`);
    assert.equal(failure.critical, true);
    assert.match(failure.message, /^Error in session store:\n\S/, 'fail gets the legacy message with the reason');
  }
}

/** The app still answers HTTP (a request that needs no session) and talks on an open socket. */
export async function expectStillServing(app: TestApp, openSocket: Any, expectedUserId: number): Promise<void> {
  const response = await fetch(`${app.url}/no-such-page`);
  assert.equal(response.status, 404, 'Express answers a request that needs no session');
  await response.arrayBuffer();
  const seen = await whoami(openSocket);
  assert.equal(seen.user.id, expectedUserId, 'an already connected socket keeps working');
}

/** Retries a handshake until the store is back (reconnect back-off), without restarting anything. */
export async function connectOnceStoreIsBack(stack: Stack, app: TestApp, cookie: string, attempts = 60): Promise<Any> {
  let last = '';
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const result = await connect(stack, app.url, { cookie });
    if (result.connected) return result.socket;
    last = `${result.message} ${JSON.stringify(result.data)}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`handshakes still refused after ${attempts} attempts: ${last}`);
}
