/**
 * expireWithToken: a socket let in by a JWT is told, then disconnected, when the token's `exp`
 * passes; over real socket.io 4 connections, polling and WebSocket.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorizeStrategy, InvalidOptionError } from '../../src';
import { whoami } from '../support/client';
import { type Any, defineStack } from '../support/stack';
import { connected, expiringToken, hsToken, startTokenApp, type TokenApp, type TokenAppOptions } from './support';

const stack = defineStack();

async function withApp<T>(config: Omit<TokenAppOptions, 'mode'>, body: (app: TokenApp) => Promise<T>): Promise<T> {
  const app = await startTokenApp(stack, { mode: 'socket', ...config });
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}

/** Resolves with what the client heard, in order, until it was disconnected (or `boundMs` passed). */
function listen(socket: Any, event: string, boundMs: number): Promise<{ heard: [string, unknown][] }> {
  const heard: [string, unknown][] = [];
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ heard }), boundMs);
    socket.on(event, (notice: unknown) => heard.push([event, notice]));
    socket.on('disconnect', (reason: string) => {
      heard.push(['disconnect', reason]);
      clearTimeout(timer);
      resolve({ heard });
    });
  });
}

/** The server-side socket of a client, with every emit it makes recorded. */
function recordEmits(app: TokenApp, client: Any): string[] {
  const server = app.serverSockets.get(client.id);
  assert.ok(server, 'the server knows the socket');
  const events: string[] = [];
  const emit = server.emit.bind(server);
  server.emit = (event: string, ...args: unknown[]) => {
    events.push(event);
    return emit(event, ...args);
  };
  return events;
}

const NOTICE = { code: 'ERR_TOKEN_EXPIRED', message: 'Token expired' };

describe('authorizeStrategy with expireWithToken on socket.io 4', { concurrency: true }, () => {
  for (const transport of ['polling', 'websocket'] as const) {
    it(`tells a ${transport} client why, then disconnects it, when its token expires`, async () => {
      await withApp({ options: { expireWithToken: true } }, async (app) => {
        const socket = await connected(stack, app.url, { transports: [transport], auth: { token: expiringToken(1, 2) } });
        assert.equal((await whoami(socket)).user.logged_in, true);
        const { heard } = await listen(socket, 'token_expired', 10_000);
        assert.deepEqual(heard, [
          ['token_expired', NOTICE],
          ['disconnect', 'io server disconnect'],
        ]);
        socket.close();
      });
    });
  }

  it('uses the configured event name', async () => {
    await withApp({ options: { expireWithToken: true, expiredEvent: 'auth:expired' } }, async (app) => {
      const socket = await connected(stack, app.url, { auth: { token: expiringToken(1, 1) } });
      const { heard } = await listen(socket, 'auth:expired', 10_000);
      assert.deepEqual(heard, [
        ['auth:expired', NOTICE],
        ['disconnect', 'io server disconnect'],
      ]);
      socket.close();
    });
  });

  it('leaves a socket connected past its token expiry when expireWithToken is off', async () => {
    await withApp({}, async (app) => {
      const socket = await connected(stack, app.url, { auth: { token: expiringToken(1, 1) } });
      const { heard } = await listen(socket, 'token_expired', 2500);
      assert.deepEqual(heard, []);
      assert.equal((await whoami(socket)).user.username, 'alice');
      socket.close();
    });
  });

  it('clears the timer when the client disconnects first: nothing is emitted at expiry', async () => {
    await withApp({ options: { expireWithToken: true } }, async (app) => {
      const socket = await connected(stack, app.url, { auth: { token: expiringToken(1, 1) } });
      const emitted = recordEmits(app, socket);
      socket.close();
      await new Promise((resolve) => setTimeout(resolve, 2500));
      assert.deepEqual(emitted, []);
    });
  });

  it('does not fire early for a token that expires beyond setTimeout range (30 days)', async () => {
    await withApp({ options: { expireWithToken: true } }, async (app) => {
      const socket = await connected(stack, app.url, { auth: { token: hsToken(1, { exp: Math.floor(Date.now() / 1000) + 30 * 86_400 }) } });
      const { heard } = await listen(socket, 'token_expired', 300);
      assert.deepEqual(heard, []);
      assert.equal(socket.connected, true);
      socket.close();
    });
  });

  it('checks expiredEvent and expireWithToken when authorizeStrategy is called', () => {
    const passport = { _strategy: () => undefined };
    assert.throws(
      () => authorizeStrategy({ strategy: 'jwt', passport, expireWithToken: 'yes' as Any }),
      (err: Any) => err instanceof InvalidOptionError && err.option === 'expireWithToken',
    );
    assert.throws(
      () => authorizeStrategy({ strategy: 'jwt', passport, expiredEvent: '' }),
      (err: Any) => err instanceof InvalidOptionError && err.option === 'expiredEvent',
    );
  });
});
