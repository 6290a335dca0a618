/**
 * Live session checks on one node: a real MemoryStore whose reads are counted, real logins and
 * real socket.io-client connections. The sessions are changed in the store the way an app, an
 * admin or an expiry would change them.
 */
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { after, afterEach, describe, it } from 'node:test';
import session from 'express-session';
import type { LiveSessionOptions } from '../../src';
import { type ClusterNode, type NodeOptions, startNode } from './apps/node-app';
import { askWithin, type ClientSocket, closeAll, connectSocket, ending, login, sessionIdOf, stillConnectedAfter, until } from './support';

/** express-session's MemoryStore, counting `get` per session id; `failing` makes reads fail. */
class CountingStore extends session.MemoryStore {
  readonly reads = new Map<string, number>();
  failing = false;
  override get(sid: string, callback: (err: any, session?: session.SessionData | null) => void): void {
    this.reads.set(sid, (this.reads.get(sid) ?? 0) + 1);
    if (this.failing) {
      setImmediate(() => callback(new Error('store is down')));
      return;
    }
    super.get(sid, callback);
  }
  readsOf(cookie: string): number {
    return this.reads.get(sessionIdOf(cookie)) ?? 0;
  }
  /** Rewrites a stored session, as an app or an admin tool would. */
  async edit(cookie: string, change: (stored: any) => void): Promise<void> {
    const sid = sessionIdOf(cookie);
    const stored = await new Promise<any>((resolve, reject) => super.get(sid, (err, value) => (err ? reject(err) : resolve(value))));
    change(stored);
    await new Promise<void>((resolve, reject) => this.set(sid, stored, (err) => (err ? reject(err) : resolve())));
  }
  destroyOf(cookie: string): Promise<void> {
    return new Promise((resolve, reject) => this.destroy(sessionIdOf(cookie), (err) => (err ? reject(err) : resolve())));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live session checks', () => {
  const open: ClientSocket[] = [];
  const nodes: ClusterNode[] = [];
  async function node(liveSession: LiveSessionOptions | true, extra: Partial<NodeOptions> = {}) {
    const store = new CountingStore();
    const started = await startNode({ name: 'live', store, authorize: { liveSession }, ...extra });
    nodes.push(started);
    const connect = async (cookie: string, namespace?: string) => {
      const socket = await connectSocket(started.url, cookie, { namespace });
      open.push(socket);
      return socket;
    };
    return { store, url: started.url, io: started.io, connect };
  }
  afterEach(() => closeAll(open));
  after(async () => {
    for (const started of nodes) await started.close();
  });

  it("ends the sockets of a session destroyed in the store within the interval, with reason 'session_gone'", async () => {
    const { store, url, connect } = await node({ interval: 200 });
    const cookie = await login(url, 'alice');
    const sockets = [await connect(cookie), await connect(cookie), await connect(cookie, '/chat')];
    const other = await connect(await login(url, 'alice'));
    const ended = Promise.all(sockets.map(ending));
    await store.destroyOf(cookie);
    for (const end of await ended) assert.deepEqual(end.order, ['session_ended:session_gone', 'disconnect:io server disconnect']);
    assert.equal(await stillConnectedAfter(other), true);
  });

  it('reads each session once per interval, shared by all its sockets on the node', async () => {
    const { store, url, connect } = await node({ interval: 100 });
    const busy = await login(url, 'alice');
    const quiet = await login(url, 'bob');
    for (let i = 0; i < 4; i++) await connect(busy);
    await connect(quiet);
    const busyBefore = store.readsOf(busy);
    const quietBefore = store.readsOf(quiet);
    assert.equal(busyBefore, 4, 'one read per handshake');
    await until(
      async () => store.readsOf(busy) - busyBefore,
      (reads) => reads >= 5,
    );
    const busyReads = store.readsOf(busy) - busyBefore;
    const quietReads = store.readsOf(quiet) - quietBefore;
    assert.ok(Math.abs(busyReads - quietReads) <= 1, `4 sockets read ${busyReads} times, 1 socket ${quietReads} times`);
  });

  it('goes on watching the other sockets of a session when some of them disconnect', async () => {
    const { store, url, connect } = await node({ interval: 150 });
    const cookie = await login(url, 'alice');
    const [first, second, third, fourth] = [await connect(cookie), await connect(cookie), await connect(cookie), await connect(cookie)];
    for (const socket of [first, third]) {
      const gone = ending(socket);
      socket.close();
      await gone;
    }
    const ended = Promise.all([second, fourth].map(ending));
    await store.destroyOf(cookie);
    for (const end of await ended) assert.equal(end.told, 'session_gone');
  });

  it("ends a socket whose session lost its Passport user, with reason 'logged_out'", async () => {
    const { store, url, connect } = await node({ interval: 150 });
    const cookie = await login(url, 'alice');
    const socket = await connect(cookie);
    await store.edit(cookie, (stored) => {
      delete stored.passport.user;
    });
    assert.equal((await ending(socket)).told, 'logged_out');
  });

  it("ends a socket whose session is now logged in to another user, with reason 'user_changed'", async () => {
    const { store, url, connect } = await node({ interval: 150 });
    const cookie = await login(url, 'alice');
    const socket = await connect(cookie);
    await store.edit(cookie, (stored) => {
      stored.passport.user = 2;
    });
    assert.equal((await ending(socket)).told, 'user_changed');
  });

  it('keeps a session whose serialized user is an object, read back as a new copy each time', async () => {
    const { store, url, connect } = await node({ interval: 100 }, { serializeUser: (user) => ({ id: user.id, name: user.username }) });
    const cookie = await login(url, 'alice');
    const socket = await connect(cookie);
    const before = store.readsOf(cookie);
    await until(
      async () => store.readsOf(cookie) - before,
      (reads) => reads >= 3,
    );
    assert.equal(await stillConnectedAfter(socket), true);
  });

  it('keeps the sockets while the store fails, and goes on checking after', async () => {
    const { store, url, connect } = await node({ interval: 100 });
    const cookie = await login(url, 'alice');
    const socket = await connect(cookie);
    store.failing = true;
    const before = store.readsOf(cookie);
    await until(
      async () => store.readsOf(cookie) - before,
      (reads) => reads >= 3,
    );
    assert.equal(socket.connected, true);
    store.failing = false;
    await store.destroyOf(cookie);
    assert.equal((await ending(socket)).told, 'session_gone');
  });

  it('with beforeEvents and no timer, reads nothing while idle and drops the first event of a destroyed session', async () => {
    const interval = 150;
    const { store, url, connect } = await node({ interval, timer: false, beforeEvents: true });
    const cookie = await login(url, 'alice');
    const socket = await connect(cookie);
    assert.equal(await askWithin(socket, 2000, 'echo', 1), 1);
    const readsAfterHandshake = store.readsOf(cookie);
    await store.destroyOf(cookie);
    await sleep(interval * 2);
    assert.equal(store.readsOf(cookie), readsAfterHandshake, 'no read while the socket is idle');
    const answer = await askWithin(socket, 2000, 'echo', 2);
    assert.equal(answer, undefined, 'the event of a destroyed session is not handled');
    assert.equal((await ending(socket)).told, 'session_gone');
    assert.equal(store.readsOf(cookie), readsAfterHandshake + 1);
  });

  it('with beforeEvents and the timer, events do not add reads beyond one per interval', async () => {
    const interval = 100;
    const { store, url, connect } = await node({ interval, beforeEvents: true });
    const cookie = await login(url, 'alice');
    const socket = await connect(cookie);
    const before = store.readsOf(cookie);
    const started = performance.now();
    while (store.readsOf(cookie) - before < 8) assert.equal(await askWithin(socket, 2000, 'echo', 'x'), 'x');
    const reads = store.readsOf(cookie) - before;
    // Reads start at least nine tenths of an interval apart (a tick of slack for late timers).
    const allowed = Math.floor((performance.now() - started) / (interval * 0.9)) + 1;
    assert.ok(reads <= allowed, `${reads} reads where at most ${allowed} may start`);
  });

  it('with beforeEvents, answers events without a read while the last read is fresh', async () => {
    const { store, url, connect } = await node({ interval: 60_000, timer: false, beforeEvents: true });
    const cookie = await login(url, 'alice');
    const socket = await connect(cookie);
    const before = store.readsOf(cookie);
    for (let i = 0; i < 20; i++) assert.equal(await askWithin(socket, 2000, 'echo', i), i);
    assert.equal(store.readsOf(cookie), before);
  });

  it('leaves no timer armed once the last socket of the node is gone', async () => {
    // Every setInterval of the watch, tracked from its creation to its clearing.
    const interval = 170;
    const tick = Math.floor(interval / 10);
    const armed = new Set<number>();
    const hook = createHook({
      init(asyncId, type, _trigger, resource: any) {
        if (type === 'Timeout' && resource?._repeat === tick) armed.add(asyncId);
      },
      destroy(asyncId) {
        armed.delete(asyncId);
      },
    }).enable();
    try {
      const { url, connect } = await node({ interval });
      const cookie = await login(url, 'alice');
      const sockets = [await connect(cookie), await connect(await login(url, 'bob'))];
      assert.equal(armed.size, 1, 'one timer for the whole node');
      const ended = Promise.all(sockets.map(ending));
      for (const socket of sockets) socket.close();
      await ended;
      await until(
        async () => armed.size,
        (size) => size === 0,
      );
      assert.equal(armed.size, 0);
    } finally {
      hook.disable();
    }
  });
});
