/**
 * Socket events over real servers and clients: each decision a session feature makes on a
 * connected socket (a live check ending it or refreshing its user, a login or logout from a
 * handler) reaches `onSocketEvent` and `decisionEvents`' `'socket'` listeners once, with the
 * namespace, the reason and whether the client comes back, and the user id only when asked;
 * nothing is told when nothing was decided.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { decisionEvents, type SocketEvent } from '../../src';
import { defineStack } from '../support/stack';
import { ask, connectClient, eventually, type SessionApp, type SessionAppOptions, sleep, startSessionApp } from './app';

const stack = defineStack({ socketIo: 'socket.io' });
const INTERVAL_MS = 200;

describe(`socket events on ${stack.name}`, () => {
  const apps: SessionApp[] = [];
  const sockets: any[] = [];
  const start = async (options: SessionAppOptions) => {
    const app = await startSessionApp(stack, options);
    apps.push(app);
    return app;
  };
  const connect = async (app: SessionApp, cookie: string, reconnection = false) => {
    const socket = await connectClient(stack, app.url, cookie, reconnection);
    sockets.push(socket);
    return socket;
  };
  /** Collects the `'socket'` events of decisionEvents while `work` runs. */
  const heard = async (work: (events: SocketEvent[]) => Promise<void>) => {
    const events: SocketEvent[] = [];
    const listener = (event: SocketEvent) => {
      events.push(event);
    };
    decisionEvents.on('socket', listener);
    try {
      await work(events);
    } finally {
      decisionEvents.off('socket', listener);
    }
    return events;
  };
  const destroy = (app: SessionApp, sessionId: string) =>
    new Promise<void>((resolve, reject) => app.store.destroy(sessionId, (err: unknown) => (err ? reject(err) : resolve())));
  after(async () => {
    for (const socket of sockets) socket.close();
    for (const app of apps) await app.close();
  });

  it('tells onSocketEvent and decisionEvents once when a live check ends a socket whose session is gone, with the user id when asked', async () => {
    const told: SocketEvent[] = [];
    const connectedWhenTold: number[] = [];
    const app: SessionApp = await start({
      authorize: {
        includeUserIdInDecisions: true,
        onSocketEvent: (event) => {
          told.push(event);
          connectedWhenTold.push(app.io.of('/').sockets.size);
        },
        liveSession: { interval: INTERVAL_MS },
      },
    });
    const socket = await connect(app, await app.login('alice'));
    const before = Date.now();
    const events = await heard(async (events) => {
      await destroy(app, (await ask(socket, 'whoami')).value.sessionID);
      await eventually(() => events.length > 0 && socket.seen.includes('disconnect:io server disconnect'), 'the socket was ended');
      await sleep(3 * INTERVAL_MS);
    });
    assert.deepEqual(socket.seen, ['connect', 'session_ended:session_gone', 'disconnect:io server disconnect']);
    assert.equal(events.length, 1);
    const { at, ...fields } = events[0] as SocketEvent;
    assert.deepEqual(fields, { kind: 'session-ended', reason: 'session_gone', reconnect: false, namespace: '/', userId: 1 });
    assert.ok(at >= before && at <= Date.now(), 'when it was decided');
    assert.deepEqual(told, events, 'onSocketEvent hears the same event');
    assert.ok(Object.isFrozen(events[0]));
    assert.deepEqual(connectedWhenTold, [0], 'told after the socket was ended, never inside the check');
  });

  it('says reconnect: true when the live check drops the connection so that the client comes back', async () => {
    const app = await start({ authorize: { liveSession: { interval: INTERVAL_MS, reconnect: true } } });
    const socket = await connect(app, await app.login('alice'));
    const events = await heard(async (events) => {
      await destroy(app, (await ask(socket, 'whoami')).value.sessionID);
      await eventually(() => events.length > 0 && socket.seen.includes('disconnect:transport close'), 'the connection was dropped');
    });
    assert.equal(events.length, 1);
    const { at: _at, ...fields } = events[0] as SocketEvent;
    assert.deepEqual(fields, { kind: 'session-ended', reason: 'session_gone', reconnect: true, namespace: '/' }, 'no user id unless asked');
  });

  it('tells of a refreshed user once per socket, and not of the checks that found nothing changed', async () => {
    const told: SocketEvent[] = [];
    const app = await start({
      authorize: {
        includeUserIdInDecisions: true,
        onSocketEvent: (event) => told.push(event),
        liveSession: { interval: INTERVAL_MS, refreshUser: true },
      },
    });
    const socket = await connect(app, await app.login('alice'));
    const events = await heard(async (events) => {
      await sleep(3 * INTERVAL_MS);
      assert.deepEqual(events, [], 'checks that decided nothing tell nothing');
      (app.db.get(1) as { role: string }).role = 'admin';
      await eventually(async () => (await ask(socket, 'whoami')).value.user.role === 'admin', 'the socket sees the new role');
      await sleep(3 * INTERVAL_MS);
    });
    assert.equal(events.length, 1);
    const { at: _at, ...fields } = events[0] as SocketEvent;
    assert.deepEqual(fields, { kind: 'user-refreshed', reason: 'user_data_changed', reconnect: false, namespace: '/', userId: 1 });
    assert.equal(told.length, 1);
    assert.equal(socket.connected, true);
  });

  it('tells of a login and a logout from a socket handler', async () => {
    const app = await start({ authorize: { session: true, rooms: true, liveSession: { interval: INTERVAL_MS } } });
    const alice = await app.login('alice');
    const socket = await connect(app, alice);
    const other = await connect(app, alice);
    const events = await heard(async (events) => {
      assert.equal((await ask(socket, 'login', 'bob')).ok, true);
      await eventually(() => events.length === 1, 'the login was told');
      assert.deepEqual(await ask(other, 'logout', true), { ok: true });
      await eventually(() => events.length === 2 && other.connected === true, 'the logout was told');
      await sleep(3 * INTERVAL_MS);
    });
    assert.deepEqual(
      events.map(({ at: _at, ...fields }) => fields),
      [
        { kind: 'socket-login', reason: 'login', reconnect: false, namespace: '/' },
        { kind: 'socket-logout', reason: 'logout', reconnect: true, namespace: '/' },
      ],
    );
  });

  it('ignores an onSocketEvent that throws: the socket is ended all the same and decisionEvents still hears it', async () => {
    const app = await start({
      authorize: {
        onSocketEvent: () => {
          throw new Error('a broken metrics hook');
        },
        liveSession: { interval: INTERVAL_MS },
      },
    });
    const socket = await connect(app, await app.login('alice'));
    const events = await heard(async (events) => {
      await destroy(app, (await ask(socket, 'whoami')).value.sessionID);
      await eventually(() => events.length > 0 && socket.seen.includes('disconnect:io server disconnect'), 'the socket was ended');
    });
    assert.equal(events[0]?.kind, 'session-ended');
    const still = await connect(app, await app.login('bob'));
    assert.equal((await ask(still, 'whoami')).value.user.username, 'bob', 'the server keeps serving');
  });
});
