/**
 * Several namespaces on one connection share `socket.request`: no namespace's handshake may change
 * the user or the session of another namespace's accepted socket. Real Express logins, real
 * socket.io-client connections (socket.io 4 and 2), one engine connection per test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import session from 'express-session';
import fc from 'fast-check';
import { authorize, socketUser } from '../../src';
import { hsToken, startTokenApp, type TokenApp } from '../authorize-strategy/support';
import { SECRET, startApp, type TestApp } from '../support/app';
import { connectSibling, whoami } from '../support/client';
import { type Any, defineStack } from '../support/stack';

const stack4 = defineStack();
const stack2 = defineStack({ socketIo: 'socket.io-v2' });

/** The value of a `connect.sid=...` Cookie header, as a `session_id` query parameter carries it. */
function signedValueOf(cookie: string): string {
  return decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
}

/** Answers 'mine' with the socket's own user (socketUser) and 'shared' with socket.request.user. */
function answerUsers(nsp: Any): void {
  nsp.on('connection', (socket: Any) => {
    socket.on('mine', (ack: (value: unknown) => void) => ack(socketUser(socket) ?? null));
    socket.on('shared', (ack: (value: unknown) => void) => ack(socket.request.user ?? null));
  });
}

function ask(socket: Any, event: string): Promise<Any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to ${event}`)), 10_000);
    socket.emit(event, (value: unknown) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

function until(ready: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const poll = () => {
      if (ready()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 5);
    };
    poll();
  });
}

describe('socket.io 2: a namespace query cannot change the connection session', () => {
  let app: TestApp;
  let gets: string[] = [];
  before(async () => {
    const store = new session.MemoryStore();
    const realGet = store.get.bind(store);
    store.get = (sid: string, callback: Any) => {
      gets.push(sid);
      realGet(sid, callback);
    };
    app = await startApp(stack2, {
      store,
      namespaces: ['/chat'],
      authorize: { liveSession: { interval: 20 }, rooms: true },
    });
  });
  after(async () => {
    await app.close();
  });

  it("keeps alice on '/' and gives '/chat' alice too when /chat is joined with ?session_id=<bob's signed session>", async () => {
    const alice = await app.login('alice');
    const bob = await app.login('bob');
    const root = stack2.ioClient(app.url, {
      forceNew: true,
      reconnection: false,
      transports: ['websocket'],
      extraHeaders: { cookie: alice },
    });
    try {
      await new Promise((resolve) => root.on('connect', resolve));
      const chat = root.io.socket('/chat', { query: `session_id=${encodeURIComponent(signedValueOf(bob))}` });
      await new Promise((resolve, reject) => {
        chat.on('connect', resolve);
        chat.on('error', reject);
      });
      assert.equal((await whoami(chat)).user.username, 'alice', "/chat's user comes from the connection, not its query");
      assert.equal((await whoami(root)).user.username, 'alice', "'/' keeps its user");
      // Every socket closed: no session of this connection is read any more (nothing retained).
      root.io.engine.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      gets = [];
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(gets, [], 'a session was still read after every socket of the connection had closed');
    } finally {
      root.close();
    }
  });
});

// socket.io 2 connects '/' before any other namespace of a connection, so there '/' is always decided first.
for (const stack of [stack4, defineStack({ socketIo: 'socket.io-v3' })]) {
  describe(`socket.io ${stack.socketIoMajor}: an accepted socket keeps its user when another namespace of its connection refuses later`, () => {
    let app: TestApp;
    let releaseAdmin: (() => void) | undefined;
    let releaseRoot: (() => void) | undefined;
    let holdNextDeserialize = false;
    before(async () => {
      const store = new session.MemoryStore();
      app = await startApp(stack, {
        store,
        namespaces: ['/admin'],
        // The first deserialization after `holdNextDeserialize` waits: '/' is still reading its user.
        deserializeUser: (id: number, done: Any) => {
          const user = { id, username: id === 1 ? 'alice' : 'bob', name: 'User' };
          if (!holdNextDeserialize) return done(null, user);
          holdNextDeserialize = false;
          releaseRoot = () => done(null, user);
        },
        install(nsp, middleware, passport) {
          answerUsers(nsp);
          if (nsp.name !== '/admin') return nsp.use(middleware);
          // /admin decides slowly, then refuses: only admins may enter, and alice is none.
          nsp.use(
            authorize({
              store,
              secret: SECRET,
              passport,
              success: (_data: Any, accept: Any) => {
                releaseAdmin = () => accept(new Error('admins only'));
              },
            }),
          );
        },
      });
    });
    after(async () => {
      await app.close();
    });

    it("'/' accepted while /admin is deciding still reads alice (socket.request.user and socketUser) after /admin refuses", async () => {
      const cookie = await app.login('alice');
      holdNextDeserialize = true;
      const root = stack.ioClient(app.url, { forceNew: true, reconnection: false, transports: ['websocket'], extraHeaders: { cookie } });
      try {
        const rootConnected = new Promise((resolve, reject) => {
          root.on('connect', resolve);
          root.on('connect_error', reject);
        });
        await until(() => releaseRoot !== undefined, "'/' to be reading its user");
        const admin = connectSibling(root, '/admin');
        await until(() => releaseAdmin !== undefined, '/admin to be deciding');
        releaseRoot?.();
        await rootConnected;
        releaseAdmin?.();
        assert.equal((await admin).connected, false, '/admin refuses');
        const shared = await ask(root, 'shared');
        assert.equal(shared.username, 'alice', `socket.request.user is ${JSON.stringify(shared)}`);
        assert.equal(shared.logged_in, true);
        assert.equal((await ask(root, 'mine')).username, 'alice');
      } finally {
        root.io.engine.close();
      }
    });
  });
}

describe('strategy mode: joining /chat with another token does not change the user the /orders socket reads', () => {
  let app: TokenApp;
  before(async () => {
    app = await startTokenApp(stack4, { mode: 'socket', namespaces: ['/orders', '/chat'] });
    answerUsers(app.io.of('/orders'));
    answerUsers(app.io.of('/chat'));
  });
  after(async () => {
    await app.close();
  });

  it('socketUser(socket) of /orders stays user 1 after /chat is joined as user 2; /chat reads user 2', async () => {
    const manager = new stack4.ioClient.Manager(app.url, { reconnection: false, transports: ['websocket'] });
    try {
      const orders = manager.socket('/orders', { auth: { token: hsToken(1) } });
      await new Promise((resolve) => orders.on('connect', resolve));
      const chat = manager.socket('/chat', { auth: { token: hsToken(2) } });
      await new Promise((resolve) => chat.on('connect', resolve));
      assert.equal((await ask(orders, 'mine')).id, 1);
      assert.equal((await ask(chat, 'mine')).id, 2);
    } finally {
      manager.engine.close();
    }
  });
});

describe('property: concurrent handshakes on several namespaces of one connection (accept, refuse, slow, in any order)', () => {
  const NAMESPACES = ['/a', '/b', '/c'] as const;
  /** Per user id: how long its success takes and whether it refuses. */
  let plan = new Map<number, { delay: number; refuse: boolean }>();
  let app: TokenApp;
  before(async () => {
    app = await startTokenApp(stack4, {
      mode: 'socket',
      namespaces: [...NAMESPACES],
      options: {
        success: (data: Any, accept: Any) => {
          const step = plan.get(data.user.id) ?? { delay: 0, refuse: false };
          setTimeout(() => (step.refuse ? accept(new Error('refused by plan')) : accept()), step.delay);
        },
      },
    });
    for (const name of ['/', ...NAMESPACES]) answerUsers(app.io.of(name));
  });
  after(async () => {
    await app.close();
  });

  const stepArb = fc.record({ delay: fc.integer({ min: 0, max: 25 }), refuse: fc.boolean(), joinAfter: fc.integer({ min: 0, max: 15 }) });
  it('no accepted socket ever reads another socket’s user or a placeholder', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(stepArb, stepArb, stepArb), async (steps) => {
        // User ids 1, 2, 0: one per namespace; each namespace joins with its own token.
        const ids = [1, 2, 0];
        plan = new Map(steps.map((step, i) => [ids[i] as number, step]));
        const manager = new stack4.ioClient.Manager(app.url, { reconnection: false, transports: ['websocket'] });
        try {
          const outcomes = await Promise.all(
            steps.map(async (step, i) => {
              await new Promise((resolve) => setTimeout(resolve, step.joinAfter));
              const socket = manager.socket(NAMESPACES[i], { auth: { token: hsToken(ids[i] as number) } });
              const connected = await new Promise<boolean>((resolve) => {
                socket.on('connect', () => resolve(true));
                socket.on('connect_error', () => resolve(false));
              });
              return { socket, connected, id: ids[i], refuse: step.refuse };
            }),
          );
          const acceptedIds = outcomes.filter((o) => o.connected).map((o) => o.id);
          for (const outcome of outcomes) {
            assert.equal(outcome.connected, !outcome.refuse, 'the plan decides');
            if (!outcome.connected) continue;
            const mine = await ask(outcome.socket, 'mine');
            assert.equal(mine.id, outcome.id, `socketUser of ${outcome.id} read ${JSON.stringify(mine)}`);
            assert.equal(mine.logged_in, true);
            const shared = await ask(outcome.socket, 'shared');
            assert.ok(acceptedIds.includes(shared.id), `socket.request.user is ${JSON.stringify(shared)}, not an accepted user`);
            assert.equal(shared.logged_in, true, 'socket.request.user is a placeholder');
          }
        } finally {
          manager.engine.close();
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 25) },
    );
  });
});
