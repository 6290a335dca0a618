/**
 * A short soak with several namespaces per connection, in socket mode (`io.use(authorize)` on each
 * namespace) and engine mode (`io.engine.use(authorizeEngine)`): a burst of concurrent clients,
 * valid, forged, anonymous and with an empty engine `sid`, each joining three namespaces at once.
 * Exactly the entitled clients get in, every accepted socket reads its own user, and once they have
 * all closed the server holds no socket and no engine connection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authorizeEngine, type EngineAuthorizeOptions, socketUser } from '../../src';
import { SECRET, startApp, type TestApp } from '../support/app';
import { type Any, defineStack } from '../support/stack';

const stack = defineStack();
const NAMESPACES = ['/', '/chat', '/orders'];
const CLIENTS = Number(process.env.NAMESPACE_SOAK_CLIENTS ?? 60);

type Kind = 'valid' | 'forged' | 'anonymous' | 'emptySid';

interface Outcome {
  kind: Kind;
  username: string | undefined;
  accepted: string[];
  refused: string[];
  /** What each accepted socket read: its own user (socketUser) and the shared request's. */
  reads: { namespace: string; mine: Any; shared: Any }[];
}

function answerUsers(io: Any): void {
  for (const name of NAMESPACES) {
    io.of(name).on('connection', (socket: Any) => {
      socket.on('users', (ack: (value: unknown) => void) => ack({ mine: socketUser(socket) ?? null, shared: socket.request.user ?? null }));
    });
  }
}

function forge(cookie: string): string {
  // Same session id, another signature.
  return `${cookie.slice(0, cookie.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
}

async function runClient(app: TestApp, kind: Kind, cookie: string | undefined, username: string | undefined): Promise<Outcome> {
  const manager = new stack.ioClient.Manager(app.url, {
    reconnection: false,
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
    query: kind === 'emptySid' ? { sid: '' } : {},
  });
  const outcome: Outcome = { kind, username, accepted: [], refused: [], reads: [] };
  try {
    const sockets = NAMESPACES.map((name) => ({ name, socket: manager.socket(name) }));
    const results = await Promise.all(
      sockets.map(
        ({ name, socket }) =>
          new Promise<{ name: string; socket: Any; ok: boolean }>((resolve) => {
            socket.once('connect', () => resolve({ name, socket, ok: true }));
            socket.once('connect_error', () => resolve({ name, socket, ok: false }));
          }),
      ),
    );
    for (const { name, socket, ok } of results) {
      if (!ok) {
        outcome.refused.push(name);
        continue;
      }
      outcome.accepted.push(name);
      const users = await new Promise<Any>((resolve) => socket.emit('users', resolve));
      outcome.reads.push({ namespace: name, mine: users.mine, shared: users.shared });
    }
  } finally {
    manager.engine?.close();
  }
  return outcome;
}

async function burst(app: TestApp): Promise<Outcome[]> {
  const names = ['alice', 'bob', 'root'];
  const cookies = await Promise.all(names.map((name) => app.login(name)));
  const kinds: Kind[] = ['valid', 'forged', 'anonymous', 'emptySid'];
  return Promise.all(
    Array.from({ length: CLIENTS }, (_, i) => {
      const kind = kinds[i % kinds.length] as Kind;
      const who = i % names.length;
      const cookie = cookies[who] as string;
      if (kind === 'valid') return runClient(app, kind, cookie, names[who]);
      if (kind === 'forged') return runClient(app, kind, forge(cookie), undefined);
      return runClient(app, kind, undefined, undefined);
    }),
  );
}

function check(outcomes: Outcome[]): void {
  assert.equal(outcomes.length, CLIENTS);
  for (const outcome of outcomes) {
    if (outcome.kind !== 'valid') {
      assert.deepEqual(outcome.accepted, [], `${outcome.kind} client got in`);
      continue;
    }
    assert.deepEqual(outcome.accepted.sort(), [...NAMESPACES].sort(), `a valid client was refused: ${outcome.refused}`);
    for (const read of outcome.reads) {
      assert.equal(read.mine?.username, outcome.username, `${read.namespace}: socketUser read ${JSON.stringify(read.mine)}`);
      assert.equal(read.mine?.logged_in, true);
      assert.equal(read.shared?.username, outcome.username, `${read.namespace}: socket.request.user read ${JSON.stringify(read.shared)}`);
    }
  }
}

async function nothingLeft(app: TestApp): Promise<void> {
  const deadline = Date.now() + 10_000;
  const count = () =>
    app.io.engine.clientsCount + NAMESPACES.reduce((sum, name) => sum + (app.io.of(name).sockets as Map<string, unknown>).size, 0);
  while (count() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(count(), 0, 'sockets or engine connections left after every client closed');
}

describe(`namespace soak: ${CLIENTS} concurrent clients, ${NAMESPACES.length} namespaces each, socket mode`, () => {
  let app: TestApp;
  before(async () => {
    app = await startApp(stack, { namespaces: ['/chat', '/orders'], authorize: { rooms: true, liveSession: { interval: 1000 } } });
    answerUsers(app.io);
  });
  after(async () => {
    await app.close();
  });

  it('lets in exactly the valid clients on every namespace, each socket reads its own user, nothing is left behind', async () => {
    check(await burst(app));
    await nothingLeft(app);
  });
});

describe(`namespace soak: ${CLIENTS} concurrent clients, ${NAMESPACES.length} namespaces each, engine mode`, () => {
  let app: TestApp;
  before(async () => {
    app = await startApp(stack, { namespaces: ['/chat', '/orders'], install: () => {} });
    app.io.engine.use(authorizeEngine({ store: app.store, secret: SECRET, passport: app.passport } as EngineAuthorizeOptions));
    answerUsers(app.io);
  });
  after(async () => {
    await app.close();
  });

  it('lets in exactly the valid clients (never one with an empty sid), each socket reads its own user, nothing is left behind', async () => {
    check(await burst(app));
    await nothingLeft(app);
  });
});
