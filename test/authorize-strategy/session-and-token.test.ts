/**
 * One configuration for both kinds of client on the same namespace: browser users with the
 * Express session cookie, service clients with a bearer token; tried in the configured order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { whoami } from '../support/client';
import { withFaults } from '../support/faults';
import { trackSockets } from '../support/sockets';
import { defineStack } from '../support/stack';
import { connected, expiringToken, hsToken, recordingFail, refused, startTokenApp, type TokenApp, until } from './support';

const stack = defineStack();

const { track, closeSockets } = trackSockets();

for (const order of ['session-first', 'strategy-first'] as const) {
  describe(`session cookie and bearer token on one namespace, ${order}`, () => {
    let app: TokenApp;
    const recorder = recordingFail();
    before(async () => {
      app = await startTokenApp(stack, { mode: 'socket', withSessions: true, options: { order, fail: recorder.fail } });
    });
    after(async () => {
      closeSockets();
      await app.close();
    });
    const lastFail = () => recorder.calls[recorder.calls.length - 1];

    for (const transport of ['polling', 'websocket'] as const) {
      it(`lets in a browser user by the session cookie over ${transport}`, async () => {
        const socket = track(await connected(stack, app.url, { transports: [transport], cookie: await app.login('alice') }));
        const seen = await whoami(socket);
        assert.deepEqual(seen.user, { id: 1, username: 'alice', name: 'Alice', logged_in: true });
        assert.match(seen.sessionID, /^[\w-]{10,}$/);
      });

      it(`lets in a service client by the bearer token over ${transport}`, async () => {
        const socket = track(await connected(stack, app.url, { transports: [transport], bearer: hsToken(2) }));
        assert.deepEqual((await whoami(socket)).user, { id: 2, username: 'bob', name: 'Bob', logged_in: true });
      });
    }

    it(`refuses a client with neither with the ${order === 'session-first' ? 'session' : 'token'} message`, async () => {
      const result = await refused(stack, app.url, {});
      const expected = order === 'session-first' ? 'No session found' : 'No token found';
      assert.equal(result.message, expected);
      assert.equal(lastFail()?.message, expected);
    });

    it(`takes the ${order === 'session-first' ? 'session' : 'token'} user when a client sends both`, async () => {
      const socket = track(await connected(stack, app.url, { cookie: await app.login('alice'), auth: { token: hsToken(2) } }));
      assert.equal((await whoami(socket)).user.username, order === 'session-first' ? 'alice' : 'bob');
    });

    it('falls back to the other credential when the first one is bad', async () => {
      const byCookie = track(await connected(stack, app.url, { cookie: await app.login('alice'), auth: { token: expiringToken(2, -60) } }));
      assert.equal((await whoami(byCookie)).user.username, 'alice');
      const byToken = track(await connected(stack, app.url, { cookie: await app.anonymousSession(), auth: { token: hsToken(2) } }));
      assert.equal((await whoami(byToken)).user.username, 'bob');
    });

    it('gives fail the failure of the first credential that was sent', async () => {
      await refused(stack, app.url, { auth: { token: expiringToken(2, -60) } });
      assert.equal(lastFail()?.message, 'Token expired');
      await refused(stack, app.url, { cookie: await app.anonymousSession() });
      assert.equal(lastFail()?.message, 'Passport was not initialized');
      await refused(stack, app.url, { cookie: await app.anonymousSession(), auth: { token: expiringToken(2, -60) } });
      assert.equal(lastFail()?.message, order === 'session-first' ? 'Passport was not initialized' : 'Token expired');
      assert.deepEqual(lastFail()?.userAtFailTime, { logged_in: false });
    });

    it('reports how each client got in: sessionIdSource for the cookie, tokenSource for the token', async () => {
      // Events of earlier handshakes may still be on their way: look only at accepted ones from here on.
      const decided = app.events.length;
      const accepted = () => app.events.slice(decided).filter((event) => event.accepted);
      track(await connected(stack, app.url, { cookie: await app.login('alice') }));
      await until(() => accepted().length === 1, 'the first decision');
      track(await connected(stack, app.url, { bearer: hsToken(2) }));
      await until(() => accepted().length === 2, 'the second decision');
      const [cookieEvent, tokenEvent] = accepted();
      assert.equal(cookieEvent?.mode, 'strategy');
      assert.equal(cookieEvent?.code, 'OK');
      assert.equal(cookieEvent?.sessionIdSource, 'cookie');
      assert.equal(cookieEvent?.tokenSource, 'none');
      assert.equal(tokenEvent?.code, 'OK');
      assert.equal(tokenEvent?.tokenSource, 'header');
      assert.equal(tokenEvent?.sessionIdSource, 'none');
    });
  });
}

describe('session cookie and bearer token when the session store fails', () => {
  it('still lets a service client in by its token, and refuses the cookie alone as critical', async () => {
    const recorder = recordingFail();
    const app = await startTokenApp(stack, { mode: 'socket', withSessions: true, options: { fail: recorder.fail } });
    try {
      const cookie = await app.login('alice');
      withFaults(app.store).fault = 'error';
      const socket = await connected(stack, app.url, { cookie, bearer: hsToken(2) });
      assert.equal((await whoami(socket)).user.username, 'bob');
      socket.close();
      const result = await refused(stack, app.url, { cookie });
      assert.equal(result.message, 'Internal server error');
      assert.equal(recorder.calls[0]?.error.code, 'ERR_SESSION_STORE');
      assert.equal(recorder.calls[0]?.critical, true);
    } finally {
      await app.close();
    }
  });
});

describe('session cookie and bearer token at the engine level', () => {
  let app: TokenApp;
  before(async () => {
    app = await startTokenApp(stack, { mode: 'engine', withSessions: true, namespaces: ['/chat'] });
  });
  after(async () => {
    closeSockets();
    await app.close();
  });

  for (const transports of [['polling', 'websocket'], ['websocket']] as const) {
    it(`lets in the cookie user and the token client over ${transports.join(' then ')}`, async () => {
      const browser = track(await connected(stack, app.url, { transports: [...transports], cookie: await app.login('alice') }));
      const service = track(await connected(stack, app.url, { transports: [...transports], bearer: hsToken(2) }));
      assert.equal((await whoami(browser)).user.username, 'alice');
      assert.equal((await whoami(service)).user.username, 'bob');
    });
  }

  it('refuses a client with neither', async () => {
    const result = await refused(stack, app.url, { transports: ['polling'] });
    assert.equal(result.description, 401);
    assert.deepEqual(JSON.parse(result.responseText ?? ''), { code: 'ERR_NO_SESSION', message: 'No session found' });
  });
});

describe('session cookie and bearer token with rooms', () => {
  it('gives a session-admitted socket its session room and identity, and a token-admitted one neither', async () => {
    const app = await startTokenApp(stack, { mode: 'socket', withSessions: true, options: { rooms: true } });
    try {
      const browser = await connected(stack, app.url, { cookie: await app.login('alice') });
      // A cookie of an anonymous session too: the token lets it in, the session must not give it rooms.
      const service = await connected(stack, app.url, { bearer: hsToken(2), cookie: await app.anonymousSession() });
      assert.equal((await whoami(browser)).user.username, 'alice');
      assert.equal((await whoami(service)).user.username, 'bob');
      const browserOnServer = app.serverSockets.get(browser.id);
      const serviceOnServer = app.serverSockets.get(service.id);
      assert.equal(browserOnServer.data.passport?.id, 1);
      assert.ok(browserOnServer.rooms.has(browserOnServer.data.passport.sessionRoom));
      assert.equal(serviceOnServer.data.passport, undefined);
      assert.deepEqual([...serviceOnServer.rooms], [service.id]);
      browser.close();
      service.close();
    } finally {
      await app.close();
    }
  });
});
