/**
 * socket.io's connectionStateRecovery and authorize: a recovered socket must not come back
 * without its session being checked. Real Express logins, real socket.io 4 servers with recovery
 * on, real socket.io-client connections that lose their transport and recover.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Server } from 'socket.io';
import { startApp, type TestApp } from '../support/app';
import { type Any, defineStack, type Stack } from '../support/stack';

function stackWithRecovery(recovery: Record<string, unknown>): Stack {
  const stack = defineStack();
  return { ...stack, createIoServer: (http: Any) => new Server(http, { connectionStateRecovery: recovery }) };
}

function client(stack: Stack, url: string, cookie: string): Any {
  return stack.ioClient(url, {
    forceNew: true,
    reconnectionDelay: 20,
    reconnectionDelayMax: 50,
    transports: ['websocket'],
    extraHeaders: { cookie },
  });
}

/** socket.io recovers only a client that has received an event (it sends that event's offset back). */
async function receiveOneEvent(app: TestApp, socket: Any): Promise<void> {
  const received = new Promise((resolve) => socket.once('hello', resolve));
  app.io.emit('hello', 1);
  await received;
}

function next(socket: Any, events: string[]): Promise<{ event: string; value: Any }> {
  return new Promise((resolve) => {
    for (const event of events) socket.once(event, (value: Any) => resolve({ event, value }));
  });
}

describe('connectionStateRecovery with its default skipMiddlewares: true', () => {
  const stack = stackWithRecovery({ maxDisconnectionDuration: 60_000 });
  let app: TestApp;
  before(async () => {
    app = await startApp(stack);
  });
  after(async () => {
    await app.close();
  });

  it('refuses every handshake with ERR_RECOVERY_SKIPS_AUTHORIZATION, a logged-in one too, until skipMiddlewares is false', async () => {
    const cookie = await app.login('alice');
    const warnings: { code?: string; message: string }[] = [];
    const onWarning = (warning: { code?: string; message: string }) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const socket = client(stack, app.url, cookie);
        try {
          const outcome = await next(socket, ['connect', 'connect_error']);
          assert.equal(outcome.event, 'connect_error', 'accepted: a recovered socket of this server would skip authorize');
          assert.equal(outcome.value.data?.code, 'ERR_RECOVERY_SKIPS_AUTHORIZATION');
        } finally {
          socket.close();
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
      const mine = warnings.filter((w) => w.code === 'ERR_RECOVERY_SKIPS_AUTHORIZATION');
      assert.equal(mine.length, 1, 'one process warning per server');
      assert.match(mine[0]?.message ?? '', /set connectionStateRecovery\.skipMiddlewares to false/, 'the warning says what to configure');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('connectionStateRecovery with skipMiddlewares: false', () => {
  const stack = stackWithRecovery({ maxDisconnectionDuration: 60_000, skipMiddlewares: false });
  let app: TestApp;
  before(async () => {
    app = await startApp(stack, { authorize: { rooms: true } });
  });
  after(async () => {
    await app.close();
  });

  it('recovers a socket whose session is still logged in (authorize ran again)', async () => {
    const cookie = await app.login('alice');
    const socket = client(stack, app.url, cookie);
    try {
      assert.equal((await next(socket, ['connect', 'connect_error'])).event, 'connect');
      await receiveOneEvent(app, socket);
      socket.io.engine.close();
      assert.equal((await next(socket, ['connect', 'connect_error'])).event, 'connect');
      assert.equal(socket.recovered, true);
    } finally {
      socket.close();
    }
  });

  it('refuses the recovery of a socket whose session was logged out while its transport was down', async () => {
    const cookie = await app.login('alice');
    const socket = client(stack, app.url, cookie);
    try {
      assert.equal((await next(socket, ['connect', 'connect_error'])).event, 'connect');
      await receiveOneEvent(app, socket);
      const reconnecting = next(socket, ['connect', 'connect_error']);
      socket.io.engine.close();
      await app.logout(cookie);
      const outcome = await reconnecting;
      assert.equal(outcome.event, 'connect_error', `recovered: ${socket.recovered}`);
      assert.ok(
        ['No session found', 'Passport was not initialized', 'User not authorized through passport. (User Property not found)'].includes(
          outcome.value.message,
        ),
        outcome.value.message,
      );
    } finally {
      socket.close();
    }
  });
});
