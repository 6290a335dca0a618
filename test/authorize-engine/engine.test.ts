/**
 * authorizeEngine over real socket.io 4 servers: raw engine.io handshake requests (polling and
 * WebSocket upgrade), and real socket.io-client connections, polling first and WebSocket only.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { authorizeEngine, type DecisionEvent, type EngineAuthorizeOptions, InvalidOptionError } from '../../src';
import {
  connectClient,
  connected,
  expiringToken,
  hsToken,
  refused,
  startTokenApp,
  type TokenApp,
  until,
} from '../authorize-strategy/support';
import { type AppOptions, SECRET, startApp, type TestApp } from '../support/app';
import { connectSibling, whoami } from '../support/client';
import { type FaultyStore, withFaults } from '../support/faults';
import { trackSockets } from '../support/sockets';
import { type Any, defineStack } from '../support/stack';

const stack = defineStack();
const ALICE = { id: 1, username: 'alice', name: 'Alice', logged_in: true };
const HANDSHAKE = '/socket.io/?EIO=4&transport=polling';

interface EngineApp extends TestApp {
  events: DecisionEvent[];
  faults: FaultyStore;
}

/** The test app with no namespace middleware, and authorizeEngine on its engine. */
async function startEngineApp(
  options: Partial<EngineAuthorizeOptions> = {},
  app: AppOptions = {},
  earlier?: (req: Any, res: Any, next: () => void) => void,
): Promise<EngineApp> {
  const started = await startApp(stack, { ...app, install: () => {}, namespaces: ['/chat'] });
  const events: DecisionEvent[] = [];
  const faults = withFaults(started.store);
  if (earlier) started.io.engine.use(earlier);
  started.io.engine.use(
    authorizeEngine({
      store: started.store,
      secret: SECRET,
      passport: started.passport,
      onDecision: (event: DecisionEvent) => events.push(event),
      ...options,
    } as EngineAuthorizeOptions),
  );
  return Object.assign(started, { events, faults });
}

const { track, closeSockets } = trackSockets();

async function withEngineApp<T>(options: Partial<EngineAuthorizeOptions>, body: (app: EngineApp) => Promise<T>): Promise<T> {
  const app = await startEngineApp(options);
  try {
    return await body(app);
  } finally {
    closeSockets();
    await app.close();
  }
}

/** A raw engine.io polling handshake, as a browser's first request. */
async function rawHandshake(url: string, headers: Record<string, string> = {}, path = HANDSHAKE) {
  const response = await fetch(url + path, { headers });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    cache: response.headers.get('cache-control'),
    length: response.headers.get('content-length'),
    body: await response.text(),
  };
}

/** A raw WebSocket handshake (HTTP Upgrade) without `sid`: the first request of a WebSocket-only client. */
function rawUpgrade(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type?: string; cache?: string; length?: string; connection?: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      hostname,
      port,
      path: '/socket.io/?EIO=4&transport=websocket',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, body: '' });
    });
    req.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: response.headers['content-type'],
          cache: response.headers['cache-control'],
          length: response.headers['content-length'],
          connection: response.headers.connection,
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a second namespace on the socket's connection, as a tab using two namespaces does. */
async function joinNamespace(socket: Any, namespace: string): Promise<Any> {
  const result = await connectSibling(socket, namespace);
  if (!result.connected) throw new Error(`expected ${namespace} to connect, but: ${result.message}`);
  return result.socket;
}

/** The engine.io open packet: `0{"sid":...}`. */
function sidOf(body: string): string {
  assert.equal(body[0], '0', `an engine.io open packet, not ${body.slice(0, 80)}`);
  return JSON.parse(body.slice(1)).sid;
}

describe('authorizeEngine with session cookies on socket.io 4', () => {
  describe('raw engine.io handshakes', () => {
    let app: EngineApp;
    before(async () => {
      app = await startEngineApp();
    });
    after(async () => {
      closeSockets();
      await app.close();
    });

    it('answers a polling handshake without a session with HTTP 401 and a JSON body of code and message, nothing else', async () => {
      const response = await rawHandshake(app.url);
      assert.equal(response.status, 401);
      assert.equal(response.type, 'application/json');
      assert.equal(response.cache, 'no-store', 'no cache keeps a refusal');
      assert.equal(response.length, String(Buffer.byteLength(response.body)));
      assert.deepEqual(JSON.parse(response.body), { code: 'ERR_NO_SESSION', message: 'No session found' });
    });

    it('opens the connection for a logged-in cookie: HTTP 200 with the open packet', async () => {
      const cookie = await app.login('alice');
      const response = await rawHandshake(app.url, { cookie });
      assert.equal(response.status, 200);
      assert.match(sidOf(response.body), /^[\w-]{10,}$/);
    });

    it('never runs on later requests of a connection: the namespace CONNECT posted with the sid and no cookie is served', async () => {
      await withEngineApp({}, async (fresh) => {
        const cookie = await fresh.login('alice');
        const sid = sidOf((await rawHandshake(fresh.url, { cookie })).body);
        const post = await fetch(`${fresh.url}${HANDSHAKE}&sid=${sid}`, { method: 'POST', body: '40' });
        assert.equal(post.status, 200);
        const poll = await rawHandshake(fresh.url, {}, `${HANDSHAKE}&sid=${sid}`);
        assert.equal(poll.status, 200);
        assert.match(poll.body, /^40\{"sid":/, 'the namespace connection was accepted');
        await until(() => fresh.events.length > 0, 'the decision event');
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(fresh.faults.gets, 1, 'the store was read once, at the handshake');
        assert.equal(fresh.events.length, 1, 'one decision for the whole connection');
      });
    });

    it('answers a WebSocket handshake without a session with HTTP 401 and the same JSON body', async () => {
      const response = await rawUpgrade(app.url);
      assert.equal(response.status, 401);
      assert.equal(response.type, 'application/json');
      assert.equal(response.cache, 'no-store', 'no cache keeps a refusal');
      assert.equal(response.length, String(Buffer.byteLength(response.body)));
      assert.equal(response.connection, 'close', 'the refused upgrade connection is not kept');
      assert.deepEqual(JSON.parse(response.body), { code: 'ERR_NO_SESSION', message: 'No session found' });
    });

    it('upgrades a WebSocket handshake with a logged-in cookie (HTTP 101)', async () => {
      const response = await rawUpgrade(app.url, { cookie: await app.login('alice') });
      assert.equal(response.status, 101);
    });

    it('refuses a cookie signed with another secret with 401, without reading the store', async () => {
      const cookie = await app.login('alice');
      const sid = decodeURIComponent(cookie.split('=')[1] as string)
        .slice(2)
        .split('.')[0] as string;
      const forged = `connect.sid=${encodeURIComponent(`s:${require('cookie-signature').sign(sid, 'not the secret')}`)}`;
      const gets = app.faults.gets;
      const response = await rawHandshake(app.url, { cookie: forged });
      assert.equal(response.status, 401);
      assert.equal(app.faults.gets, gets);
    });
  });

  describe('real socket.io-client connections', () => {
    let app: EngineApp;
    before(async () => {
      app = await startEngineApp();
    });
    after(async () => {
      closeSockets();
      await app.close();
    });

    it('resolves the user once for a polling-first connection that upgrades and joins a second namespace', async () => {
      const cookie = await app.login('alice');
      const gets = app.faults.gets;
      const decided = app.events.length;
      const socket = track(await connected(stack, app.url, { cookie, transports: ['polling', 'websocket'] }));
      const engine = socket.io.engine;
      if (engine.transport.name !== 'websocket') await new Promise((resolve) => engine.once('upgrade', resolve));
      const chat = track(await joinNamespace(socket, '/chat'));
      assert.deepEqual((await whoami(socket)).user, ALICE);
      const inChat = await whoami(chat);
      assert.deepEqual(inChat.user, ALICE);
      assert.equal(inChat.isAuthenticated, true);
      await until(() => app.events.length > decided, 'the decision event');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(app.faults.gets - gets, 1, 'one store read for the connection');
      const mine = app.events.slice(decided);
      assert.equal(mine.length, 1, 'one decision for the connection');
      assert.equal(mine[0]?.mode, 'engine');
      assert.equal(mine[0]?.transport, 'polling');
      assert.equal(mine[0]?.namespace, undefined);
      assert.equal(mine[0]?.sessionIdSource, 'cookie');
      assert.equal(mine[0]?.code, 'OK');
    });

    it('accepts a WebSocket-only connection with the cookie and sets socket.request.user in every namespace', async () => {
      const cookie = await app.login('bob');
      const socket = track(await connected(stack, app.url, { cookie, transports: ['websocket'] }));
      const chat = track(await joinNamespace(socket, '/chat'));
      assert.equal((await whoami(socket)).user.username, 'bob');
      assert.equal((await whoami(chat)).user.username, 'bob');
    });

    it("refuses over polling: the client's connect_error is 'xhr poll error', with the status and the JSON body", async () => {
      const result = await refused(stack, app.url, { transports: ['polling', 'websocket'] });
      assert.equal(result.message, 'xhr poll error');
      assert.equal(result.description, 401);
      assert.deepEqual(JSON.parse(result.responseText ?? ''), { code: 'ERR_NO_SESSION', message: 'No session found' });
    });

    it("refuses over WebSocket only: the client's connect_error is 'websocket error'", async () => {
      const result = await refused(stack, app.url, { transports: ['websocket'] });
      assert.equal(result.message, 'websocket error');
      assert.match(String(result.description?.message), /401/);
    });
  });

  describe('the callbacks decide, as with authorize', () => {
    it('answers 403 when success refuses a logged-in user, with the app message and its error data', async () => {
      const success = (data: Any, accept: Any) => {
        const error = Object.assign(new Error(`${data.user.name} is banned`), { data: { until: '2030-01-01' } });
        accept(error);
      };
      await withEngineApp({ success }, async (app) => {
        const response = await rawHandshake(app.url, { cookie: await app.login('alice') });
        assert.equal(response.status, 403);
        assert.deepEqual(JSON.parse(response.body), {
          code: 'ERR_HANDSHAKE_REFUSED',
          message: 'Alice is banned',
          data: { until: '2030-01-01' },
        });
      });
    });

    it('answers 403 without the data when the refusal error carries data JSON cannot send, and keeps serving', async () => {
      let refuse = true;
      const success = (_d: Any, accept: Any) => {
        if (refuse) return accept(Object.assign(new Error('banned'), { data: { until: 10n } }));
        accept();
      };
      await withEngineApp({ success }, async (app) => {
        const cookie = await app.login('alice');
        const response = await rawHandshake(app.url, { cookie });
        assert.equal(response.status, 403);
        assert.deepEqual(JSON.parse(response.body), { code: 'ERR_HANDSHAKE_REFUSED', message: 'banned' });
        refuse = false;
        assert.equal((await rawHandshake(app.url, { cookie })).status, 200);
      });
    });

    it('ends a refused request whose response an earlier engine middleware already started, and keeps serving', async () => {
      let early = true;
      const earlier = (_req: Any, res: Any, next: () => void) => {
        if (early) {
          early = false;
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.write('started early;');
        }
        next();
      };
      const app = await startEngineApp({}, {}, earlier);
      try {
        const response = await rawHandshake(app.url);
        assert.equal(response.body, 'started early;', 'no open packet, no refusal body after the started response');
        await until(() => app.events.length === 1, 'the decision');
        assert.equal(app.events[0]?.code, 'ERR_NO_SESSION');
        assert.equal((await rawHandshake(app.url)).status, 401);
        assert.equal((await rawHandshake(app.url, { cookie: await app.login('alice') })).status, 200);
      } finally {
        await app.close();
      }
    });

    it('keeps serving when a WebSocket client hangs up before its refusal is written', async () => {
      const fail = (_d: Any, _m: string, _c: boolean, accept: Any) => setTimeout(() => accept(null, false), 150);
      await withEngineApp({ fail }, async (app) => {
        const { hostname, port } = new URL(app.url);
        const hungUp = new Promise<void>((resolve) => {
          const socket = connect({ host: hostname, port: Number(port) }, () => {
            socket.write(
              'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
                `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
            );
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, 20);
          });
        });
        await hungUp;
        await until(() => app.events.length === 1, 'the decision after the client left');
        assert.equal(app.events[0]?.accepted, false);
        const response = await rawUpgrade(app.url);
        assert.equal(response.status, 401);
        assert.equal((await rawUpgrade(app.url, { cookie: await app.login('alice') })).status, 101);
      });
    });

    it("answers 401 'handshake unauthorized' when fail calls accept(null, false)", async () => {
      await withEngineApp({ fail: (_d: Any, _m: string, _c: boolean, accept: Any) => accept(null, false) }, async (app) => {
        const response = await rawHandshake(app.url);
        assert.equal(response.status, 401);
        assert.deepEqual(JSON.parse(response.body), { code: 'ERR_NO_SESSION', message: 'handshake unauthorized' });
      });
    });

    it('gives fail the legacy message and critical flag, and lets it admit an anonymous visitor', async () => {
      const calls: Any[] = [];
      const fail = (data: Any, message: string, critical: boolean, accept: Any) => {
        calls.push({ message, critical, user: { ...data.user } });
        accept();
      };
      await withEngineApp({ fail }, async (app) => {
        const socket = track(await connected(stack, app.url, { cookie: await app.anonymousSession(), transports: ['websocket'] }));
        const seen = await whoami(socket);
        assert.deepEqual(seen.user, { logged_in: false });
        assert.equal(seen.isAuthenticated, false);
        assert.deepEqual(calls, [{ message: 'Passport was not initialized', critical: false, user: { logged_in: false } }]);
      });
    });

    it("answers 500 'Internal server error' for a store error, and never shows the store's message", async () => {
      await withEngineApp({}, async (app) => {
        const cookie = await app.login('alice');
        app.faults.fault = 'error';
        const response = await rawHandshake(app.url, { cookie });
        assert.equal(response.status, 500);
        assert.deepEqual(JSON.parse(response.body), { code: 'ERR_SESSION_STORE', message: 'Internal server error' });
        assert.ok(!response.body.includes('redis down'));
        app.faults.fault = 'none';
        assert.equal((await rawHandshake(app.url, { cookie })).status, 200);
      });
    });

    it('answers 500 ERR_CALLBACK_THREW when success throws, never a stack trace, and keeps serving', async () => {
      let throws = true;
      const success = (_d: Any, accept: Any) => {
        if (throws) throw new Error('bug in success at app.js:12');
        accept();
      };
      await withEngineApp({ success }, async (app) => {
        const cookie = await app.login('alice');
        const response = await rawHandshake(app.url, { cookie });
        assert.equal(response.status, 500);
        assert.deepEqual(JSON.parse(response.body), { code: 'ERR_CALLBACK_THREW', message: 'Internal server error' });
        throws = false;
        track(await connected(stack, app.url, { cookie }));
      });
    });

    it('answers 500 ERR_CALLBACK_TIMEOUT when success never calls accept', async () => {
      await withEngineApp({ success: () => {}, timeout: 200 }, async (app) => {
        const response = await rawHandshake(app.url, { cookie: await app.login('alice') });
        assert.equal(response.status, 500);
        assert.equal(JSON.parse(response.body).code, 'ERR_CALLBACK_TIMEOUT');
      });
    });
  });

  describe('options', () => {
    it('checks the session options as authorize does', () => {
      assert.throws(
        () => authorizeEngine({ secret: SECRET } as Any),
        (err: Any) => err instanceof InvalidOptionError && err.option === 'store',
      );
      assert.throws(
        () => authorizeEngine(null as Any),
        (err: Any) => err instanceof InvalidOptionError && err.option === 'options',
      );
    });

    it('refuses rooms and liveSession, which act on sockets the engine level does not have', () => {
      const base = { store: new (require('express-session').MemoryStore)(), secret: SECRET, passport: { deserializeUser() {} } };
      assert.throws(
        () => authorizeEngine({ ...base, rooms: true }),
        (err: Any) => err instanceof InvalidOptionError && err.option === 'rooms' && /io\.use/.test(err.message),
      );
      assert.throws(
        () => authorizeEngine({ ...base, liveSession: true }),
        (err: Any) => err instanceof InvalidOptionError && err.option === 'liveSession',
      );
      assert.throws(
        () =>
          authorizeEngine({ ...base, strategy: 'jwt', passport: { _strategy: () => undefined, deserializeUser() {} }, rooms: true } as Any),
        (err: Any) => err instanceof InvalidOptionError && err.option === 'rooms',
      );
    });

    it('refuses handshake.auth as a token source and expireWithToken, which need a socket', () => {
      const passport = { _strategy: () => undefined };
      assert.throws(
        () => authorizeEngine({ strategy: 'jwt', passport, tokenFrom: { auth: 'token' } }),
        (err: Any) => err instanceof InvalidOptionError && err.option === 'tokenFrom.auth' && /engine level/.test(err.message),
      );
      assert.throws(
        () => authorizeEngine({ strategy: 'jwt', passport, expireWithToken: true }),
        (err: Any) => err instanceof InvalidOptionError && err.option === 'expireWithToken',
      );
    });
  });
});

describe('authorizeEngine with a Passport strategy (passport-jwt) on socket.io 4', () => {
  let app: TokenApp;
  before(async () => {
    app = await startTokenApp(stack, { mode: 'engine', namespaces: ['/chat'], options: { tokenFrom: { query: 'access_token' } } });
  });
  after(async () => {
    closeSockets();
    await app.close();
  });

  it('accepts a bearer token over polling first, and the user is in every namespace', async () => {
    const socket = track(await connected(stack, app.url, { transports: ['polling', 'websocket'], bearer: hsToken(1) }));
    const chat = track(await joinNamespace(socket, '/chat'));
    assert.deepEqual((await whoami(socket)).user, ALICE);
    assert.deepEqual((await whoami(chat)).user, ALICE);
  });

  it('accepts a WebSocket-only client with the token in the query parameter (what a browser can send)', async () => {
    const socket = track(await connected(stack, app.url, { transports: ['websocket'], query: { access_token: hsToken(2) } }));
    assert.equal((await whoami(socket)).user.username, 'bob');
  });

  it('accepts a WebSocket-only Node.js client with the bearer header', async () => {
    const socket = track(await connected(stack, app.url, { transports: ['websocket'], bearer: hsToken(1) }));
    assert.equal((await whoami(socket)).user.username, 'alice');
  });

  it('does not read handshake.auth, which the client sends only after the engine handshake', async () => {
    const result = await connectClient(stack, app.url, { transports: ['polling'], auth: { token: hsToken(1) } });
    assert.equal(result.connected, false);
  });

  it('answers raw handshakes: 401 ERR_NO_TOKEN without a token, 401 ERR_TOKEN_EXPIRED for an expired one, 200 for a good one', async () => {
    const none = await rawHandshake(app.url);
    assert.equal(none.status, 401);
    assert.deepEqual(JSON.parse(none.body), { code: 'ERR_NO_TOKEN', message: 'No token found' });
    const expired = await rawHandshake(app.url, { authorization: `Bearer ${expiringToken(1, -60)}` });
    assert.equal(expired.status, 401);
    assert.deepEqual(JSON.parse(expired.body), { code: 'ERR_TOKEN_EXPIRED', message: 'Token expired' });
    const good = await rawHandshake(app.url, { authorization: `Bearer ${hsToken(1)}` });
    assert.equal(good.status, 200);
  });

  it("emits one 'engine' decision event per connection, with the token source and never the token", async () => {
    const fresh = await startTokenApp(stack, { mode: 'engine', namespaces: ['/chat'] });
    const token = hsToken(2);
    try {
      const socket = track(await connected(stack, fresh.url, { transports: ['polling', 'websocket'], bearer: token }));
      const engine = socket.io.engine;
      if (engine.transport.name !== 'websocket') await new Promise((resolve) => engine.once('upgrade', resolve));
      track(await joinNamespace(socket, '/chat'));
      await until(() => fresh.events.length > 0, 'the decision event');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const mine = fresh.events;
      assert.equal(mine.length, 1, 'one decision for the connection, its upgrade and both namespaces');
      assert.equal(mine[0]?.mode, 'engine');
      assert.equal(mine[0]?.tokenSource, 'header');
      assert.equal(mine[0]?.transport, 'polling');
      assert.ok(!JSON.stringify(mine).includes(token.split('.')[2] as string));
    } finally {
      closeSockets();
      await fresh.close();
    }
  });
});
