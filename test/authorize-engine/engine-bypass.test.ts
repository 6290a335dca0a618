/**
 * authorizeEngine authorizes every request that engine.io treats as the start of a connection,
 * whatever its `sid` says: empty, unknown, forged or duplicated. Raw HTTP polling requests and
 * WebSocket upgrades, and real socket.io-client connections, in session and strategy mode, on
 * every namespace.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { authorizeEngine, type DecisionEvent, type EngineAuthorizeOptions } from '../../src';
import { connectClient, hsToken, startTokenApp, type TokenApp } from '../authorize-strategy/support';
import { SECRET, startApp, type TestApp } from '../support/app';
import { type Any, defineStack } from '../support/stack';

const stack = defineStack();
const POLLING = '/socket.io/?EIO=4&transport=polling';

/** Where the app's connection handlers were reached, and with which user. */
interface Reached {
  namespace: string;
  userId: unknown;
}

function recordConnections(io: Any, namespaces: string[], reached: Reached[]): void {
  for (const name of namespaces) {
    io.of(name).on('connection', (socket: Any) => {
      // What an app does: read the user's id. With no user, record it instead of throwing.
      const user = socket.request.user;
      reached.push({ namespace: name, userId: user === undefined || user === null ? 'NO USER' : user.id });
    });
  }
}

async function startSessionEngineApp(): Promise<TestApp & { events: DecisionEvent[]; reached: Reached[] }> {
  const app = await startApp(stack, { install: () => {}, namespaces: ['/chat'] });
  const events: DecisionEvent[] = [];
  const reached: Reached[] = [];
  app.io.engine.use(
    authorizeEngine({
      store: app.store,
      secret: SECRET,
      passport: app.passport,
      onDecision: (event: DecisionEvent) => events.push(event),
    } as EngineAuthorizeOptions),
  );
  recordConnections(app.io, ['/', '/chat'], reached);
  return Object.assign(app, { events, reached });
}

async function get(url: string, path: string, init: RequestInit = {}) {
  const response = await fetch(url + path, init);
  return { status: response.status, body: await response.text() };
}

/** A raw WebSocket upgrade request to the engine.io path with the given query. */
function rawUpgrade(url: string, query: string): Promise<{ status: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      hostname,
      port,
      path: `/socket.io/?EIO=4&transport=websocket${query}`,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      },
    });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0 });
    });
    req.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

const SID_VARIANTS: [string, string][] = [
  ['an empty sid', '&sid='],
  ['an empty sid after a non-empty one (the last one counts)', '&sid=abc&sid='],
  ['two empty sids', '&sid=&sid='],
];

const UNKNOWN_SID_VARIANTS: [string, string][] = [
  ['an unknown sid', `&sid=${randomBytes(15).toString('base64url')}`],
  ['a forged sid of the right shape', '&sid=AAAAAAAAAAAAAAAAAAAA'],
  ['an empty sid followed by an unknown one', '&sid=&sid=unknown'],
  ['a sid named like an Object property', '&sid=__proto__'],
];

describe('authorizeEngine authorizes every request that opens an engine.io connection, whatever its sid (session cookies)', () => {
  let app: Awaited<ReturnType<typeof startSessionEngineApp>>;
  before(async () => {
    app = await startSessionEngineApp();
  });
  after(async () => {
    await app.close();
  });

  for (const [what, query] of SID_VARIANTS) {
    it(`answers a raw polling request without a cookie and with ${what} with HTTP 401, not an open packet`, async () => {
      const response = await get(app.url, POLLING + query);
      assert.equal(response.status, 401, `got ${response.status} ${response.body.slice(0, 60)}`);
      assert.deepEqual(JSON.parse(response.body), { code: 'ERR_NO_SESSION', message: 'No session found' });
    });

    it(`answers a raw WebSocket upgrade without a cookie and with ${what} with HTTP 401, not 101`, async () => {
      assert.equal((await rawUpgrade(app.url, query)).status, 401);
    });
  }

  it('answers a raw POST without a sid or with an empty one with an error, never a connection', async () => {
    for (const query of ['', '&sid=']) {
      const response = await get(app.url, POLLING + query, { method: 'POST', body: '40' });
      assert.ok(response.status >= 400, `POST ${query || 'without sid'}: ${response.status}`);
    }
  });

  for (const [what, query] of UNKNOWN_SID_VARIANTS) {
    it(`lets engine.io refuse ${what}: HTTP 400, no connection`, async () => {
      const response = await get(app.url, POLLING + query);
      assert.equal(response.status, 400);
      assert.doesNotMatch(response.body, /^0\{/);
      assert.equal((await rawUpgrade(app.url, query)).status, 400);
    });
  }

  for (const transports of [['polling'], ['websocket']] as const) {
    for (const namespace of ['', '/chat']) {
      it(`refuses a socket.io-client with query { sid: '' } and no cookie over ${transports[0]} on ${namespace || '/'}`, async () => {
        const result = await connectClient(stack, app.url, { transports: [...transports], query: { sid: '' }, namespace });
        assert.equal(result.connected, false);
      });
    }
  }

  it('never reached a connection handler without a user', () => {
    assert.deepEqual(
      app.reached.filter((r) => r.userId === 'NO USER'),
      [],
    );
  });

  it('opens a connection for a signed session_id, and never when the value engine.io reads is empty or unsigned, duplicated keys included', async () => {
    const cookie = await app.login('alice');
    const signed = encodeURIComponent(decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)));
    assert.equal((await get(app.url, `${POLLING}&session_id=${signed}`)).status, 200, 'the signed value alone opens');
    // engine.io 6 reads a duplicated key's last value (URLSearchParams); none of these ends in a signed one.
    for (const query of [
      '&session_id=',
      '&session_id=junk',
      `&session_id=${signed}&session_id=junk`,
      `&session_id=${signed}&session_id=`,
      `&session_id=${signed}&session_id=${signed.slice(0, -4)}`,
    ]) {
      const response = await get(app.url, POLLING + query);
      assert.equal(response.status, 401, `${query}: got ${response.status} ${response.body.slice(0, 60)}`);
      assert.deepEqual(JSON.parse(response.body), { code: 'ERR_NO_SESSION', message: 'No session found' });
    }
  });

  it('authorizes a request with an empty or unknown EIO before engine.io reads it: no cookie, HTTP 401', async () => {
    for (const query of ['/socket.io/?EIO=&transport=polling', '/socket.io/?EIO=99&transport=polling', '/socket.io/?transport=polling']) {
      const response = await get(app.url, query);
      assert.equal(response.status, 401, `${query}: got ${response.status}`);
    }
  });

  it("still serves the later requests of an authorized connection (its own sid), and a logged-in client with query { sid: '' }", async () => {
    const cookie = await app.login('alice');
    const open = await get(app.url, POLLING, { headers: { cookie } });
    assert.equal(open.status, 200);
    const sid = JSON.parse(open.body.slice(1)).sid as string;
    const post = await get(app.url, `${POLLING}&sid=${sid}`, { method: 'POST', body: '40' });
    assert.equal(post.status, 200);
    const result = await connectClient(stack, app.url, { cookie, query: { sid: '' }, namespace: '/chat' });
    assert.equal(result.connected, true);
    if (result.connected) result.socket.close();
  });
});

describe('authorizeEngine authorizes every request that opens an engine.io connection, whatever its sid (Passport strategy)', () => {
  let app: TokenApp;
  const reached: Reached[] = [];
  before(async () => {
    app = await startTokenApp(stack, { mode: 'engine', namespaces: ['/chat'] });
    recordConnections(app.io, ['/', '/chat'], reached);
  });
  after(async () => {
    await app.close();
  });

  for (const [what, query] of SID_VARIANTS) {
    it(`answers a raw polling request without a token and with ${what} with HTTP 401 ERR_NO_TOKEN`, async () => {
      const response = await get(app.url, POLLING + query);
      assert.equal(response.status, 401);
      assert.equal(JSON.parse(response.body).code, 'ERR_NO_TOKEN');
      assert.equal((await rawUpgrade(app.url, query)).status, 401);
    });
  }

  for (const transports of [['polling'], ['websocket']] as const) {
    for (const namespace of ['', '/chat']) {
      it(`refuses a client with query { sid: '' } and no token over ${transports[0]} on ${namespace || '/'}: no handler reads an undefined user`, async () => {
        const result = await connectClient(stack, app.url, { transports: [...transports], query: { sid: '' }, namespace });
        assert.equal(result.connected, false);
        assert.deepEqual(
          reached.filter((r) => r.userId === 'NO USER'),
          [],
        );
      });
    }
  }

  it("accepts a client with a good token and query { sid: '' }, and every handler reads its user", async () => {
    const result = await connectClient(stack, app.url, { bearer: hsToken(2), query: { sid: '' }, namespace: '/chat' });
    assert.equal(result.connected, true);
    if (result.connected) result.socket.close();
    assert.ok(reached.some((r) => r.namespace === '/chat' && r.userId === 2));
    assert.ok(reached.every((r) => r.userId !== 'NO USER'));
  });
});
