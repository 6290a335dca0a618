/**
 * `rooms` and `liveSession` on socket.io 2 and 3, where the cluster helpers are not available:
 * the rooms are still joined (for the app's own `io.to(room)`), and live checks still end sockets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApp, type TestApp } from '../support/app';
import { connectOk } from '../support/client';
import { type Any, defineStack } from '../support/stack';

for (const socketIo of ['socket.io-v2', 'socket.io-v3'] as const) {
  const stack = defineStack({ socketIo });

  describe(`rooms and live session checks on ${stack.name}`, () => {
    let app: TestApp;
    const open: Any[] = [];
    before(async () => {
      app = await startApp(stack, { authorize: { rooms: true, liveSession: { interval: 150 } } });
    });
    after(async () => {
      for (const socket of open.splice(0)) socket.close();
      await app.close();
    });

    it('joins the session room and the user room once connected', async () => {
      const socket = await connectOk(stack, app.url, { cookie: await app.login('alice') });
      open.push(socket);
      const rooms = await roomsOf(app.io.of('/'), socket.id);
      assert.ok(rooms.includes('passport:user:1'), `rooms: ${rooms}`);
      assert.ok(rooms.some((room) => /^passport:session:[\w-]{22}$/.test(room)));
    });

    it("ends a socket whose session is destroyed, telling the client 'session_gone'", async () => {
      const cookie = await app.login('alice');
      const socket = await connectOk(stack, app.url, { cookie });
      open.push(socket);
      const events: string[] = [];
      socket.on('session_ended', ({ reason }: { reason: string }) => events.push(`session_ended:${reason}`));
      const disconnected = new Promise<void>((resolve) =>
        socket.on('disconnect', (reason: string) => {
          events.push(`disconnect:${reason}`);
          resolve();
        }),
      );
      const sid = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1))
        .slice(2)
        .split('.')[0] as string;
      await new Promise<void>((resolve, reject) => app.store.destroy(sid, (err: unknown) => (err ? reject(err) : resolve())));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const never = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('the server did not end the socket')), 20_000);
      });
      await Promise.race([disconnected, never]).finally(() => clearTimeout(timer));
      assert.deepEqual(events, ['session_ended:session_gone', 'disconnect:io server disconnect']);
    });
  });
}

/** A socket's rooms as the namespace's in-memory adapter holds them (socket.io 2: objects; 3: Maps). */
async function roomsOf(namespace: Any, socketId: string): Promise<string[]> {
  // The rooms are joined on 'connection', a moment after the client hears it is connected.
  for (let attempt = 0; attempt < 50; attempt++) {
    const serverId = [
      ...Object.keys(namespace.connected ?? {}),
      ...(namespace.sockets instanceof Map ? namespace.sockets.keys() : []),
    ].find((id) => id === socketId || id.endsWith(`#${socketId}`));
    const sids = namespace.adapter.sids;
    const rooms = serverId === undefined ? undefined : sids instanceof Map ? sids.get(serverId) : sids[serverId];
    const names: string[] = rooms instanceof Set ? [...rooms] : Object.keys(rooms ?? {});
    if (names.length > 1) return names;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [];
}
