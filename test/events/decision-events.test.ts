/**
 * Decision events as an operator sees them: one per handshake, over real Express logins and real
 * socket.io connections, with the outcome's stable code and nothing secret in it.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import createDebug from 'debug';
import { type DecisionEvent, decisionEvents } from '../../src';
import { isObserved } from '../../src/events/decision-events';
import { type AppOptions, startApp, type TestApp } from '../support/app';
import { type ConnectOptions, connect, connectOk, whoami } from '../support/client';
import { type Any, defineStack, type Stack } from '../support/stack';
import {
  assertNoSecrets,
  EVENT_FIELDS,
  editSession,
  forgedValue,
  listenToDecisions,
  readSessionCookie,
  type SessionCookie,
  secretsOf,
  sleep,
  waitFor,
} from './support';

const stack = defineStack();
/** Short, so that the timeout outcomes come quickly; every bound below is this timeout itself. */
const TIMEOUT = 200;

const neverAnswers = () => {};
const letIn = (_data: Any, _message: string, _critical: boolean, accept: Any) => accept();

interface OutcomeCase {
  name: string;
  app?: AppOptions;
  /** Prepares the app and says how the client connects; `secrets` must not show up in the event. */
  arrange(app: TestApp): Promise<{ connect: ConnectOptions; secrets: string[] }>;
  expect: {
    code: DecisionEvent['code'];
    accepted: boolean;
    critical: boolean;
    sessionIdSource: DecisionEvent['sessionIdSource'];
    sessionIdRejected?: boolean;
    /** Whether the store was read and the user deserialized (then their timings are numbers). */
    storeRead: boolean;
    deserialized: boolean;
    /** A timeout of the package's own that must have run out before this decision. */
    waitedFor?: 'storeMs' | 'deserializeMs' | 'totalMs';
  };
}

async function loggedIn(app: TestApp, username = 'alice') {
  const cookie = readSessionCookie(await app.login(username));
  return { connect: { cookie: cookie.header }, secrets: secretsOf(cookie), cookie };
}

/** Makes the app's real store fail the way a broken Redis does, naming the key it wanted. */
function storeFailsNamingTheKey(app: TestApp): void {
  app.store.get = (sid: string, callback: (err: unknown) => void) => callback(new Error(`connection lost while reading sess:${sid}`));
}

function storeNeverAnswers(app: TestApp): void {
  app.store.get = neverAnswers;
}

const OUTCOMES: OutcomeCase[] = [
  {
    name: 'OK for a logged-in user with the session cookie',
    arrange: (app) => loggedIn(app),
    expect: { code: 'OK', accepted: true, critical: false, sessionIdSource: 'cookie', storeRead: true, deserialized: true },
  },
  {
    name: 'OK for a logged-in user with a signed session_id query value',
    async arrange(app) {
      const { cookie, secrets } = await loggedIn(app);
      return { connect: { query: { session_id: cookie.signedValue } }, secrets };
    },
    expect: { code: 'OK', accepted: true, critical: false, sessionIdSource: 'query', storeRead: true, deserialized: true },
  },
  {
    name: 'ERR_NO_SESSION for a visitor with no cookie',
    arrange: async () => ({ connect: {}, secrets: [] }),
    expect: {
      code: 'ERR_NO_SESSION',
      accepted: false,
      critical: false,
      sessionIdSource: 'none',
      sessionIdRejected: false,
      storeRead: false,
      deserialized: false,
    },
  },
  {
    name: 'ERR_NO_SESSION, with sessionIdRejected, for a cookie signed with another secret',
    async arrange(app) {
      const { cookie, secrets } = await loggedIn(app);
      const forged = forgedValue(cookie.sid);
      return { connect: { cookie: `connect.sid=${encodeURIComponent(forged)}` }, secrets: [...secrets, forged, 'not the secret'] };
    },
    expect: {
      code: 'ERR_NO_SESSION',
      accepted: false,
      critical: false,
      sessionIdSource: 'none',
      sessionIdRejected: true,
      storeRead: false,
      deserialized: false,
    },
  },
  {
    name: 'ERR_NO_SESSION, with sessionIdRejected, for a session_id query value with a bad signature',
    async arrange(app) {
      const { cookie, secrets } = await loggedIn(app);
      const forged = forgedValue(cookie.sid);
      return { connect: { query: { session_id: forged } }, secrets: [...secrets, forged] };
    },
    expect: {
      code: 'ERR_NO_SESSION',
      accepted: false,
      critical: false,
      sessionIdSource: 'none',
      sessionIdRejected: true,
      storeRead: false,
      deserialized: false,
    },
  },
  {
    name: 'ERR_NO_SESSION after the store was read, for the cookie of a session that was logged out',
    async arrange(app) {
      const { connect, secrets } = await loggedIn(app);
      await app.logout(connect.cookie);
      return { connect, secrets };
    },
    expect: { code: 'ERR_NO_SESSION', accepted: false, critical: false, sessionIdSource: 'cookie', storeRead: true, deserialized: false },
  },
  {
    name: 'ERR_PASSPORT_NOT_INITIALIZED for a saved session of an anonymous visitor',
    async arrange(app) {
      const cookie = readSessionCookie(await app.anonymousSession());
      return { connect: { cookie: cookie.header }, secrets: secretsOf(cookie) };
    },
    expect: {
      code: 'ERR_PASSPORT_NOT_INITIALIZED',
      accepted: false,
      critical: false,
      sessionIdSource: 'cookie',
      storeRead: true,
      deserialized: false,
    },
  },
  {
    name: 'ERR_USER_PROPERTY_NOT_FOUND for passport data without a user',
    async arrange(app) {
      const cookie = readSessionCookie(await app.anonymousSession());
      await editSession(app, cookie.sid, (session) => {
        session.passport = {};
      });
      return { connect: { cookie: cookie.header }, secrets: secretsOf(cookie) };
    },
    expect: {
      code: 'ERR_USER_PROPERTY_NOT_FOUND',
      accepted: false,
      critical: false,
      sessionIdSource: 'cookie',
      storeRead: true,
      deserialized: false,
    },
  },
  {
    name: 'ERR_USER_NOT_FOUND when deserializeUser finds no user',
    app: { deserializeUser: (_id: unknown, done: Any) => done(null, false) },
    arrange: (app) => loggedIn(app),
    expect: {
      code: 'ERR_USER_NOT_FOUND',
      accepted: false,
      critical: false,
      sessionIdSource: 'cookie',
      storeRead: true,
      deserialized: true,
    },
  },
  {
    name: "ERR_SESSION_STORE when the store errors, without the store's message (which names the key)",
    async arrange(app) {
      const arranged = await loggedIn(app);
      storeFailsNamingTheKey(app);
      return { ...arranged, secrets: [...arranged.secrets, 'connection lost'] };
    },
    expect: { code: 'ERR_SESSION_STORE', accepted: false, critical: true, sessionIdSource: 'cookie', storeRead: true, deserialized: false },
  },
  {
    name: 'ERR_SESSION_STORE_TIMEOUT when the store never answers',
    async arrange(app) {
      const arranged = await loggedIn(app);
      storeNeverAnswers(app);
      return arranged;
    },
    expect: {
      code: 'ERR_SESSION_STORE_TIMEOUT',
      accepted: false,
      critical: true,
      sessionIdSource: 'cookie',
      storeRead: true,
      deserialized: false,
      waitedFor: 'storeMs',
    },
  },
  {
    name: "ERR_DESERIALIZE_USER when deserializeUser fails, without the error's message",
    app: { deserializeUser: (_id: unknown, done: Any) => done(new Error('users table unreachable')) },
    async arrange(app) {
      const arranged = await loggedIn(app);
      return { ...arranged, secrets: [...arranged.secrets, 'users table'] };
    },
    expect: {
      code: 'ERR_DESERIALIZE_USER',
      accepted: false,
      critical: true,
      sessionIdSource: 'cookie',
      storeRead: true,
      deserialized: true,
    },
  },
  {
    name: 'ERR_DESERIALIZE_TIMEOUT when deserializeUser never calls back',
    app: { deserializeUser: neverAnswers },
    arrange: (app) => loggedIn(app),
    expect: {
      code: 'ERR_DESERIALIZE_TIMEOUT',
      accepted: false,
      critical: true,
      sessionIdSource: 'cookie',
      storeRead: true,
      deserialized: true,
      waitedFor: 'deserializeMs',
    },
  },
  {
    name: 'ERR_CALLBACK_THREW when success throws',
    app: {
      authorize: {
        success: () => {
          throw new Error('bug in success');
        },
      },
    },
    arrange: (app) => loggedIn(app),
    expect: { code: 'ERR_CALLBACK_THREW', accepted: false, critical: true, sessionIdSource: 'cookie', storeRead: true, deserialized: true },
  },
  {
    name: 'ERR_CALLBACK_THREW when fail throws (the failure it was told of is not the outcome)',
    app: {
      authorize: {
        fail: (_data: Any, _message: string, _critical: boolean, _accept: Any) => {
          throw new Error('bug in fail');
        },
      },
    },
    arrange: async () => ({ connect: {}, secrets: [] }),
    expect: { code: 'ERR_CALLBACK_THREW', accepted: false, critical: true, sessionIdSource: 'none', storeRead: false, deserialized: false },
  },
  {
    name: 'ERR_CALLBACK_TIMEOUT when success never calls accept',
    app: { authorize: { success: neverAnswers } },
    arrange: (app) => loggedIn(app),
    expect: {
      code: 'ERR_CALLBACK_TIMEOUT',
      accepted: false,
      critical: true,
      sessionIdSource: 'cookie',
      storeRead: true,
      deserialized: true,
      waitedFor: 'totalMs',
    },
  },
  {
    name: 'ERR_HANDSHAKE_REFUSED when success calls accept(null, false)',
    app: { authorize: { success: (_data: Any, accept: Any) => accept(null, false) } },
    arrange: (app) => loggedIn(app),
    expect: {
      code: 'ERR_HANDSHAKE_REFUSED',
      accepted: false,
      critical: false,
      sessionIdSource: 'cookie',
      storeRead: true,
      deserialized: true,
    },
  },
  {
    name: "ERR_HANDSHAKE_REFUSED when success refuses with the app's own Error",
    app: { authorize: { success: (_data: Any, accept: Any) => accept(new Error('banned')) } },
    arrange: (app) => loggedIn(app),
    expect: {
      code: 'ERR_HANDSHAKE_REFUSED',
      accepted: false,
      critical: false,
      sessionIdSource: 'cookie',
      storeRead: true,
      deserialized: true,
    },
  },
  {
    name: 'accepted with ERR_NO_SESSION for an anonymous visitor that fail lets in',
    app: { authorize: { fail: letIn } },
    arrange: async () => ({ connect: {}, secrets: [] }),
    expect: { code: 'ERR_NO_SESSION', accepted: true, critical: false, sessionIdSource: 'none', storeRead: false, deserialized: false },
  },
  {
    name: 'accepted with ERR_PASSPORT_NOT_INITIALIZED for an anonymous session that fail lets in',
    app: { authorize: { fail: letIn } },
    async arrange(app) {
      const cookie = readSessionCookie(await app.anonymousSession());
      return { connect: { cookie: cookie.header }, secrets: secretsOf(cookie) };
    },
    expect: {
      code: 'ERR_PASSPORT_NOT_INITIALIZED',
      accepted: true,
      critical: false,
      sessionIdSource: 'cookie',
      storeRead: true,
      deserialized: false,
    },
  },
];

describe('decision events: one per handshake, with the outcome and no secret', () => {
  const global = listenToDecisions(decisionEvents);
  after(() => global.stop());

  for (const outcome of OUTCOMES) {
    it(`reports ${outcome.name}`, async () => {
      const viaOption: DecisionEvent[] = [];
      const app = await startApp(stack, {
        ...outcome.app,
        authorize: { timeout: TIMEOUT, onDecision: (event: DecisionEvent) => viaOption.push(event), ...outcome.app?.authorize },
      });
      try {
        const { connect: connectOptions, secrets } = await outcome.arrange(app);
        global.events.length = 0;
        const result = await connect(stack, app.url, connectOptions);
        if (result.connected) result.socket.close();
        assert.equal(result.connected, outcome.expect.accepted, 'the client saw the outcome the event reports');

        await waitFor(() => viaOption.length > 0 && global.events.length > 0, 'the decision event');
        // Anything that could decide a second time (a timer, a late answer) is bounded by TIMEOUT.
        await sleep(TIMEOUT + 50);
        assert.equal(viaOption.length, 1, 'onDecision heard exactly one decision');
        assert.equal(global.events.length, 1, 'decisionEvents carried exactly one decision');
        const event = viaOption[0] as DecisionEvent;
        assert.equal(global.events[0], event, 'both channels get the same event');
        assert.ok(Object.isFrozen(event));

        assert.deepEqual(Object.keys(event).sort(), EVENT_FIELDS);
        const { expect } = outcome;
        assert.equal(event.mode, 'authorize');
        assert.equal(event.code, expect.code);
        assert.equal(event.accepted, expect.accepted);
        assert.equal(event.critical, expect.critical);
        assert.equal(event.sessionIdSource, expect.sessionIdSource);
        assert.equal(event.sessionIdRejected, expect.sessionIdRejected ?? false);
        assert.equal(event.namespace, '/');
        assert.equal(event.transport, 'websocket');
        if (expect.storeRead) assert.ok(typeof event.storeMs === 'number' && event.storeMs >= 0, `storeMs ${event.storeMs}`);
        else assert.equal(event.storeMs, null);
        if (expect.deserialized) assert.ok(typeof event.deserializeMs === 'number' && event.deserializeMs >= 0);
        else assert.equal(event.deserializeMs, null);
        assert.ok(event.totalMs >= (event.storeMs ?? 0) + (event.deserializeMs ?? 0) - 0.001, 'the total includes the steps');
        // Timers may fire up to a millisecond early by performance.now()'s clock.
        if (expect.waitedFor) assert.ok((event[expect.waitedFor] as number) >= TIMEOUT - 1, `${expect.waitedFor} covers the timeout`);

        assertNoSecrets(JSON.stringify(event), secrets, 'the event');
      } finally {
        await app.close();
      }
    });
  }
});

describe('decision events: what the app chooses to see', () => {
  let app: TestApp;
  let events: DecisionEvent[];
  const open: Any[] = [];
  before(async () => {
    events = [];
    app = await startApp(stack, {
      namespaces: ['/chat'],
      authorize: { includeUserIdInDecisions: true, onDecision: (event: DecisionEvent) => events.push(event) },
    });
  });
  after(async () => {
    for (const socket of open) socket.close();
    await app.close();
  });

  it('puts the user id in the event when the app opts in with includeUserIdInDecisions, including an id of 0', async () => {
    events.length = 0;
    open.push(await connectOk(stack, app.url, { cookie: await app.login('alice') }));
    open.push(await connectOk(stack, app.url, { cookie: await app.login('root') }));
    await waitFor(() => events.length === 2, 'two events');
    assert.deepEqual(
      events.map((event) => event.userId),
      [1, 0],
    );
  });

  it('leaves the user id out of a refused handshake even when the app opts in', async () => {
    events.length = 0;
    await connect(stack, app.url, {});
    await waitFor(() => events.length === 1, 'one event');
    assert.equal('userId' in (events[0] as DecisionEvent), false);
  });

  it('names the namespace and the transport of the handshake', async () => {
    events.length = 0;
    const cookie = await app.login('bob');
    open.push(await connectOk(stack, app.url, { cookie, namespace: '/chat', transports: ['polling'] }));
    await waitFor(() => events.length === 1, 'one event');
    assert.equal(events[0]?.namespace, '/chat');
    assert.equal(events[0]?.transport, 'polling');
  });

  it('has no user id unless the app opts in', async () => {
    const seen: DecisionEvent[] = [];
    const plain = await startApp(stack, { authorize: { onDecision: (event: DecisionEvent) => seen.push(event) } });
    try {
      (await connectOk(stack, plain.url, { cookie: await plain.login('alice') })).close();
      await waitFor(() => seen.length === 1, 'one event');
      assert.equal('userId' in (seen[0] as DecisionEvent), false);
      assert.doesNotMatch(JSON.stringify(seen[0]), /alice/);
    } finally {
      await plain.close();
    }
  });
});

describe('decision listeners never affect the handshake', () => {
  /** Records what would end the process: an exception or a rejection nobody handled. */
  function processTroubles() {
    const troubles: unknown[] = [];
    const record = (error: unknown) => troubles.push(error);
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    return {
      troubles,
      stop() {
        process.off('uncaughtException', record);
        process.off('unhandledRejection', record);
      },
    };
  }

  it('lets the user in when onDecision throws, a listener throws and an async listener rejects, and still tells the others', async () => {
    const trouble = processTroubles();
    const throwing = () => {
      throw new Error('listener bug');
    };
    const rejecting = async () => {
      throw new Error('async listener bug');
    };
    const healthy = listenToDecisions(decisionEvents);
    decisionEvents.on('decision', throwing);
    decisionEvents.on('decision', rejecting);
    const after = listenToDecisions(decisionEvents);
    const app = await startApp(stack, { authorize: { onDecision: throwing } });
    try {
      const socket = await connectOk(stack, app.url, { cookie: await app.login('alice') });
      assert.equal((await whoami(socket)).user.username, 'alice');
      socket.close();
      await waitFor(() => after.events.length === 1, 'the listener after the broken ones');
      // A rejection is reported as unhandled after the microtask queue drains; give it that turn.
      await sleep(20);
      assert.equal(healthy.events[0]?.code, 'OK');
      assert.equal(after.events[0]?.code, 'OK');
      assert.deepEqual(trouble.troubles, []);
    } finally {
      healthy.stop();
      after.stop();
      decisionEvents.off('decision', throwing);
      decisionEvents.off('decision', rejecting);
      trouble.stop();
      await app.close();
    }
  });

  it('runs a listener only after socket.io has connected the socket, so a blocking one cannot hold the handshake back', async () => {
    const order: string[] = [];
    const app = await startApp(stack, {
      authorize: {
        onDecision: (event: DecisionEvent) => {
          order.push(`listener ${event.code}`);
          // A synchronous listener that hogs the event loop: socket.io must already have the socket.
          const until = Date.now() + 20;
          while (Date.now() < until);
        },
      },
    });
    app.io.on('connection', () => order.push('connection'));
    try {
      (await connectOk(stack, app.url, { cookie: await app.login('alice') })).close();
      await waitFor(() => order.length === 2, 'the connection and the event');
      assert.deepEqual(order, ['connection', 'listener OK']);
    } finally {
      await app.close();
    }
  });

  it('decides every handshake while an async listener never settles', async () => {
    let calls = 0;
    const app = await startApp(stack, {
      authorize: {
        onDecision: () => {
          calls += 1;
          return new Promise(() => {});
        },
      },
    });
    try {
      const cookie = await app.login('alice');
      for (let i = 0; i < 5; i += 1) (await connectOk(stack, app.url, { cookie })).close();
      await waitFor(() => calls === 5, 'five calls');
    } finally {
      await app.close();
    }
  });
});

describe('decision events cost nothing when nobody listens', () => {
  /** Counts performance.now() calls: the only clock the package reads, and only for observers. */
  function countClockReads() {
    let reads = 0;
    const original = performance.now;
    // Only the package's own reads count: undici also times the test's login fetch.
    const ours = /[\\/]src[\\/](decide[\\/]record|events[\\/]decision-events)\.ts/;
    performance.now = function countedNow(this: typeof performance) {
      if (ours.test(new Error().stack ?? '')) reads += 1;
      return original.call(this);
    };
    return {
      get reads() {
        return reads;
      },
      restore: () => {
        delete (performance as Partial<typeof performance>).now;
      },
    };
  }

  it('reads no clock for a handshake without onDecision, listeners or DEBUG, and times it once someone listens', async (t) => {
    const enabled = createDebug.disable();
    t.after(() => {
      if (enabled) createDebug.enable(enabled);
    });
    assert.equal(decisionEvents.listenerCount('decision'), 0, 'no listener left over from another test');
    assert.equal(isObserved(undefined), false);

    const app = await startApp(stack);
    try {
      const cookie = await app.login('alice');
      const clock = countClockReads();
      try {
        const socket = await connectOk(stack, app.url, { cookie });
        await whoami(socket);
        socket.close();
        await connect(stack, app.url, {});
        assert.equal(clock.reads, 0, 'an unobserved handshake reads no clock');

        const listener = listenToDecisions(decisionEvents);
        try {
          assert.equal(isObserved(undefined), true);
          (await connectOk(stack, app.url, { cookie })).close();
          await waitFor(() => listener.events.length === 1, 'the event');
          assert.ok(clock.reads >= 4, `an observed handshake is timed (start, store, deserialize, end); ${clock.reads} reads`);
          assert.ok(listener.events[0]?.storeMs !== null);
        } finally {
          listener.stop();
        }
      } finally {
        clock.restore();
      }
    } finally {
      await app.close();
    }
  });
});

for (const parts of [{ socketIo: 'socket.io-v2' }, { socketIo: 'socket.io-v3' }] as const) {
  const older: Stack = defineStack(parts);
  describe(`decision events on ${older.name}`, () => {
    it('reports an accepted user and a refused visitor with the namespace and transport', async () => {
      const events: DecisionEvent[] = [];
      const app = await startApp(older, { namespaces: ['/chat'], authorize: { onDecision: (event: DecisionEvent) => events.push(event) } });
      try {
        const cookie = readSessionCookie(await app.login('alice'));
        (await connectOk(older, app.url, { cookie: cookie.header, namespace: '/chat', transports: ['polling'] })).close();
        await connect(older, app.url, {});
        // socket.io 2 clients also join '/' on the way to '/chat': that is a decision of its own.
        const find = (namespace: string, code: string) => events.find((e) => e.namespace === namespace && e.code === code);
        await waitFor(() => find('/chat', 'OK') !== undefined && find('/', 'ERR_NO_SESSION') !== undefined, 'both events');
        const accepted = find('/chat', 'OK') as DecisionEvent;
        const refused = find('/', 'ERR_NO_SESSION') as DecisionEvent;
        assert.deepEqual(
          [accepted.code, accepted.accepted, accepted.namespace, accepted.transport, accepted.sessionIdSource],
          ['OK', true, '/chat', 'polling', 'cookie'],
        );
        assert.deepEqual(
          [refused.code, refused.accepted, refused.namespace, refused.transport, refused.sessionIdSource],
          ['ERR_NO_SESSION', false, '/', 'websocket', 'none'],
        );
        assertNoSecrets(JSON.stringify(events), secretsOf(cookie as SessionCookie), 'the events');
      } finally {
        await app.close();
      }
    });
  });
}
