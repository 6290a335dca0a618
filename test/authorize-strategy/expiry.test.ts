/**
 * expireWithToken: a socket let in by a JWT is told, then disconnected, when the token's `exp`
 * passes; over real socket.io 4 connections, polling and WebSocket.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { authorizeStrategy, InvalidOptionError } from '../../src';
import { whoami } from '../support/client';
import { type Any, defineStack } from '../support/stack';
import {
  AUDIENCE,
  connectClient,
  connected,
  expiringToken,
  HS_SECRET,
  hsToken,
  ISSUER,
  startTokenApp,
  type TokenApp,
  type TokenAppOptions,
} from './support';

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

  it('keeps a socket whose token has no exp claim connected with expireWithToken on', async () => {
    await withApp({ options: { expireWithToken: true } }, async (app) => {
      const socket = await connected(stack, app.url, {
        auth: { token: jwt.sign({ sub: 1, iss: ISSUER, aud: AUDIENCE }, HS_SECRET, { algorithm: 'HS256' }) },
      });
      const { heard } = await listen(socket, 'token_expired', 500);
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

  it('disconnects a socket whose token expired while a later middleware was still running, once it is connected', async () => {
    const token = expiringToken(1, 1);
    const expiresAt = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).exp * 1000;
    const after = (_socket: Any, next: () => void) => setTimeout(next, Math.max(expiresAt - Date.now(), 0) + 150);
    await withApp({ options: { expireWithToken: true }, after }, async (app) => {
      // Listening from the start: the notice may arrive in the same read as the CONNECT packet.
      const socket = stack.ioClient(app.url, { forceNew: true, reconnection: false, transports: ['websocket'], auth: { token } });
      const heard: [string, unknown][] = [];
      socket.on('connect', () => heard.push(['connect', Date.now() > expiresAt ? 'after expiry' : 'before expiry']));
      socket.on('connect_error', (err: Error) => heard.push(['connect_error', err.message]));
      const { heard: rest } = await listen(socket, 'token_expired', 5000);
      socket.close();
      assert.deepEqual(
        [...heard, ...rest],
        [
          ['connect', 'after expiry'],
          ['token_expired', NOTICE],
          ['disconnect', 'io server disconnect'],
        ],
      );
    });
  });

  it('lets a later middleware refuse a socket whose token expired meanwhile, and keeps serving', async () => {
    const token = expiringToken(1, 1);
    const expiresAt = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).exp * 1000;
    let refuse = true;
    const after = (_socket: Any, next: (err?: Error) => void) =>
      refuse ? setTimeout(() => next(new Error('closed for maintenance')), Math.max(expiresAt - Date.now(), 0) + 50) : next();
    await withApp({ options: { expireWithToken: true }, after }, async (app) => {
      const result = await connectClient(stack, app.url, { auth: { token } });
      assert.equal(result.connected, false);
      assert.equal(result.connected === false && result.message, 'closed for maintenance');
      refuse = false;
      const socket = await connected(stack, app.url, { auth: { token: hsToken(1) } });
      assert.equal((await whoami(socket)).user.id, 1);
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
