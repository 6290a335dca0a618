/**
 * What the package makes of the answers it gets, over real Express logins and real socket.io
 * connections: the app's `accept(null, x)` with a falsy `x`, the store's expiry in every shape,
 * a store answer that is not a session, and the user id a decision event may carry.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DecisionEvent } from '../../src';
import { startApp, type TestApp } from '../support/app';
import { connect, connectOk, whoami } from '../support/client';
import { type Any, defineStack, type Stack } from '../support/stack';

const stacks: Stack[] = [defineStack(), defineStack({ socketIo: 'socket.io-v2' })];

/** The session id inside a `connect.sid=s%3A<id>.<signature>` Cookie header. */
function sidOf(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  return value.slice(2, value.lastIndexOf('.'));
}

/** Makes the app's real store hand the handshake `change(session)` instead of what it holds. */
function answerWith(app: TestApp, change: (session: Any) => unknown): void {
  const realGet = app.store.get.bind(app.store);
  app.store.get = (sid: string, callback: (err: unknown, session?: unknown) => void) =>
    realGet(sid, (err: unknown, session: Any) => callback(err, session ? change(session) : session));
}

const FALSY: [string, unknown][] = [
  ['false', false],
  ['null', null],
  ['undefined', undefined],
  ['0', 0],
  ["''", ''],
  ['NaN', Number.NaN],
];

for (const stack of stacks) {
  describe(`accept(null, x) on socket.io ${stack.socketIoMajor}: a falsy x refuses, as socket.io 0.9 did`, () => {
    let app: TestApp;
    let second: { count: number; value?: unknown } = { count: 2 };
    before(async () => {
      app = await startApp(stack, {
        authorize: {
          success: (_data: Any, accept: Any) => {
            if (second.count === 0) accept();
            else if (second.count === 1) accept(null);
            else accept(null, second.value);
          },
        },
      });
    });
    after(async () => {
      await app.close();
    });

    for (const [name, value] of FALSY) {
      it(`refuses a logged-in user when success calls accept(null, ${name})`, async () => {
        second = { count: 2, value };
        const cookie = await app.login('alice');
        const result = await connect(stack, app.url, { cookie });
        if (result.connected) result.socket.close();
        assert.equal(result.connected, false, `accept(null, ${name}) let the socket in`);
      });
    }

    it('accepts with accept(), accept(null) and accept(null, true)', async () => {
      const cookie = await app.login('alice');
      for (const call of [{ count: 0 }, { count: 1 }, { count: 2, value: true }]) {
        second = call;
        (await connectOk(stack, app.url, { cookie })).close();
      }
    });
  });
}

describe('expired sessions, whatever shape the store gives cookie.expires', () => {
  const stack = stacks[0] as Stack;
  let app: TestApp;
  let expires: (() => unknown) | undefined;
  before(async () => {
    app = await startApp(stack);
    answerWith(app, (session) => (expires ? { ...session, cookie: { ...session.cookie, expires: expires() } } : session));
  });
  after(async () => {
    await app.close();
  });

  const shapes: [string, () => unknown, boolean][] = [
    ['epoch milliseconds as a number, in the past', () => Date.now() - 1000, true],
    ['epoch milliseconds as a numeric string, in the past', () => String(Date.now() - 1000), true],
    ['epoch milliseconds as a numeric string with spaces around, in the past', () => ` ${Date.now() - 1000} `, true],
    ['epoch milliseconds with a fraction, as a string, in the past', () => `${Date.now() - 1000}.25`, true],
    ['a Date in the past', () => new Date(Date.now() - 1000), true],
    ['an ISO date string in the past', () => new Date(Date.now() - 1000).toISOString(), true],
    ['epoch milliseconds as a number, in the future', () => Date.now() + 60_000, false],
    ['epoch milliseconds as a numeric string, in the future', () => String(Date.now() + 60_000), false],
    ['an ISO date string in the future', () => new Date(Date.now() + 60_000).toISOString(), false],
    ['null (a browser-session cookie)', () => null, false],
  ];
  for (const [shape, value, expired] of shapes) {
    it(`${expired ? 'refuses with No session found' : 'accepts'} a session whose cookie.expires is ${shape}`, async () => {
      const cookie = await app.login('alice');
      expires = value;
      try {
        const result = await connect(stack, app.url, { cookie });
        if (result.connected) result.socket.close();
        if (expired) {
          assert.equal(result.connected, false, 'an expired session was accepted');
          assert.equal((result as { message: string }).message, 'No session found');
        } else assert.equal(result.connected, true);
      } finally {
        expires = undefined;
      }
    });
  }
});

describe('a store answer that is not a session object is a store failure, not an anonymous visitor', () => {
  for (const stack of stacks) {
    const answers: [string, unknown][] = [
      ['a string (a store with the wrong serializer)', '{"cookie":{},"passport":{"user":1}}'],
      ['a number', 42],
      ['an array', [1, 2]],
      ['true', true],
    ];
    for (const [what, answer] of answers) {
      it(`calls fail with 'Error in session store:' ..., critical, ERR_SESSION_STORE_INVALID for ${what} on socket.io ${stack.socketIoMajor}`, async () => {
        const calls: { message: string; critical: boolean; code: string }[] = [];
        const app = await startApp(stack, {
          authorize: {
            fail: (_data: Any, message: string, critical: boolean, accept: Any, error: Any) => {
              calls.push({ message, critical, code: error?.code });
              accept(new Error(message));
            },
          },
        });
        try {
          const cookie = await app.login('alice');
          answerWith(app, () => answer);
          const result = await connect(stack, app.url, { cookie });
          assert.equal(result.connected, false);
          assert.equal(calls.length, 1);
          assert.match(calls[0]?.message ?? '', /^Error in session store:\n/);
          assert.equal(calls[0]?.critical, true);
          assert.equal(calls[0]?.code, 'ERR_SESSION_STORE_INVALID');
        } finally {
          await app.close();
        }
      });
    }
  }
});

describe('decision events carry a user id that is a string or a number, or none', () => {
  const stack = stacks[0] as Stack;

  async function eventOf(serialized: unknown, deserialized: (value: unknown) => unknown): Promise<DecisionEvent> {
    const events: DecisionEvent[] = [];
    const app = await startApp(stack, {
      authorize: { includeUserIdInDecisions: true, onDecision: (event: DecisionEvent) => events.push(event) },
      deserializeUser: (value: unknown, done: (err: unknown, user?: unknown) => void) => done(null, deserialized(value)),
    });
    try {
      const cookie = await app.login('alice');
      // What Passport leaves in the session when an app serializes the whole user.
      const sid = sidOf(cookie);
      const session = await new Promise<Any>((resolve, reject) =>
        app.store.get(sid, (err: unknown, value: Any) => (err ? reject(err) : resolve(value))),
      );
      session.passport.user = serialized;
      await new Promise<void>((resolve, reject) => app.store.set(sid, session, (err: unknown) => (err ? reject(err) : resolve())));
      const socket = await connectOk(stack, app.url, { cookie });
      const seen = await whoami(socket);
      socket.close();
      assert.equal(seen.user.logged_in, true);
      for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(events.length, 1);
      return events[0] as DecisionEvent;
    } finally {
      await app.close();
    }
  }

  it('leaves userId out for a user without id that Passport serialized whole (an OAuth profile with its accessToken)', async () => {
    const profile = { provider: 'github', displayName: 'Alice', accessToken: 'gho_secret_token' };
    const event = await eventOf(profile, (value) => ({ ...(value as object) }));
    assert.equal('userId' in event, false, `userId: ${JSON.stringify(event.userId)}`);
    assert.ok(!JSON.stringify(event).includes('gho_secret_token'));
  });

  it('uses the serialized value when it is a string and the user has no id', async () => {
    const event = await eventOf('alice@example.test', (value) => ({ email: value }));
    assert.equal(event.userId, 'alice@example.test');
  });

  it('ignores a user whose id is an object, and falls back to a number Passport serialized', async () => {
    const event = await eventOf(1, () => ({ id: { oid: 'x' } }));
    assert.equal(event.userId, 1);
  });

  it("uses the user's own id when it is a number", async () => {
    const event = await eventOf(1, () => ({ id: 7 }));
    assert.equal(event.userId, 7);
  });
});
