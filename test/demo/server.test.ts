/**
 * The demo's server as `npm start` runs it, over plain HTTP and real socket.io-client connections,
 * once with the default in-memory store and once with REDIS_URL (connect-redis).
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { io as ioClient, type Socket } from 'socket.io-client';
import { REDIS_URL, skipUnlessService, uniqueName } from '../support/services';
import { cookieFrom, type DemoProcess, startDemoProcess, tamperSignature } from './harness';

const COOKIE = 'demo.sid';
/** A bound on waiting for the server's push, not a speed check. */
const EVENT_TIMEOUT_MS = 10_000;

interface Variant {
  name: string;
  service?: 'redis';
  start(t: TestContext): Promise<{ demo: DemoProcess; keys?: () => Promise<string[]>; cleanup(): Promise<void> }>;
}

const variants: Variant[] = [
  {
    name: 'in-memory store (the default)',
    async start() {
      const demo = await startDemoProcess();
      return { demo, cleanup: async () => {} };
    },
  },
  {
    name: 'Redis store (REDIS_URL)',
    service: 'redis',
    async start() {
      const prefix = `${uniqueName('demo')}:`;
      const demo = await startDemoProcess({ REDIS_URL, REDIS_PREFIX: prefix });
      const { createClient } = require('redis');
      const client = createClient({ url: REDIS_URL });
      client.on('error', () => {});
      await client.connect();
      const keys = async () => {
        const found: string[] = [];
        for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) found.push(...batch);
        return found;
      };
      return {
        demo,
        keys,
        async cleanup() {
          const left = await keys();
          if (left.length > 0) await client.del(left);
          await client.close();
        },
      };
    },
  },
];

for (const variant of variants) {
  describe(`the demo server, ${variant.name}`, () => {
    it('prints its URL and the demo users, logs in over HTTP, and knows the user on the socket', async (t) => {
      if (variant.service && !(await skipUnlessService(t, variant.service))) return;
      const { demo, keys, cleanup } = await variant.start(t);
      const sockets: Socket[] = [];
      t.after(async () => {
        for (const socket of sockets) socket.close();
        const code = await demo.stop();
        await cleanup();
        assert.equal(code, 0, `the demo should stop cleanly on SIGTERM:\n${demo.output()}`);
      });

      assert.match(demo.output(), /alice \/ wonderland/);
      assert.match(demo.output(), /bob \/ builder/);
      assert.match(demo.output(), variant.service ? /session store: Redis/ : /session store: in memory/);

      const wrong = await post(`${demo.url}/login`, { username: 'alice', password: 'nope' });
      assert.equal(wrong.headers.get('location'), '/login?failed');

      const alice = await login(demo.url, 'alice', 'wonderland');
      const bob = await login(demo.url, 'bob', 'builder');
      if (keys) assert.equal((await keys()).length, 2, 'both sessions live in Redis under the demo prefix');

      const page = await fetch(demo.url, { headers: { cookie: alice }, redirect: 'manual' });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Signed in as <b id="me">Alice<\/b>/);

      const [aliceTab1, hello] = await connect(demo.url, alice, 'hello');
      const [aliceTab2] = await connect(demo.url, alice);
      const [bobTab] = await connect(demo.url, bob);
      sockets.push(aliceTab1, aliceTab2, bobTab);
      assert.deepEqual(hello.you, { id: 1, name: 'Alice', username: 'alice' }, 'the socket knows the user, and never sees a password');

      const received = Promise.all([nextEvent(aliceTab1, 'message'), nextEvent(aliceTab2, 'message')]);
      const ack = await new Promise<any>((resolve) => bobTab.emit('send', { to: 1, text: 'hi' }, resolve));
      assert.equal(ack.tabs, 2);
      for (const message of await received) assert.deepEqual([message.from.name, message.text], ['Bob', 'hi']);

      const refused = await new Promise<any>((resolve) => bobTab.emit('send', { to: 99, text: 'hi' }, resolve));
      assert.deepEqual(refused, { ok: false, error: 'Pick a recipient and write something.' });

      // Logging out over HTTP disconnects both of Alice's sockets, with the reason first; Bob stays.
      const signedOut = Promise.all([aliceTab1, aliceTab2].map((s) => nextEvent(s, 'session_ended')));
      const disconnected = Promise.all([aliceTab1, aliceTab2].map((s) => nextEvent(s, 'disconnect')));
      const logout = await fetch(`${demo.url}/logout`, { method: 'POST', headers: { cookie: alice }, redirect: 'manual' });
      assert.equal(logout.headers.get('location'), '/login?signedOut');
      for (const event of await signedOut) assert.deepEqual(event, { reason: 'logout' });
      assert.deepEqual(await disconnected, ['io server disconnect', 'io server disconnect']);
      assert.equal(bobTab.connected, true);

      // The logged-out session is gone from the store: its old cookie no longer gets a socket.
      const [, error] = await connect(demo.url, alice, 'connect_error');
      assert.deepEqual([error.message, error.data?.code], ['No session found', 'ERR_NO_SESSION']);
      if (keys) assert.equal((await keys()).length, 2, "Bob's session, and the fresh anonymous one Passport saved for Alice's browser");
    });

    it('refuses a socket with a forged session cookie, and counts it in the decisions panel', async (t) => {
      if (variant.service && !(await skipUnlessService(t, variant.service))) return;
      const { demo, cleanup } = await variant.start(t);
      const sockets: Socket[] = [];
      t.after(async () => {
        for (const socket of sockets) socket.close();
        assert.equal(await demo.stop(), 0);
        await cleanup();
      });
      const bob = await login(demo.url, 'bob', 'builder');
      const [watcher] = await connect(demo.url, bob);
      sockets.push(watcher);

      const [name, value] = bob.split('=') as [string, string];
      const update = nextEvent(watcher, 'decisions', (d) => d.counts.ERR_NO_SESSION !== undefined);
      const [, error] = await connect(demo.url, `${name}=${tamperSignature(value)}`, 'connect_error');
      assert.deepEqual([error.message, error.data?.code], ['No session found', 'ERR_NO_SESSION']);

      const decisions = await update;
      assert.deepEqual(decisions.counts, { OK: 1, ERR_NO_SESSION: 1 });
      assert.deepEqual(
        decisions.recent.map((d: any) => [d.code, d.accepted, d.source, d.badSignature]),
        [
          ['ERR_NO_SESSION', false, 'none', true],
          ['OK', true, 'cookie', false],
        ],
      );
      const sessionId = decodeURIComponent(value).slice(2).split('.')[0]!;
      assert.ok(!JSON.stringify(decisions).includes(sessionId), 'no session id in what the panel receives');
    });
  });
}

describe('the demo entry point', () => {
  it('refuses a PORT that is not a port number, saying so', async () => {
    await assert.rejects(startDemoProcess({ PORT: 'http' }), /exited with code 1[\s\S]*PORT must be a port number/);
  });
});

function post(url: string, form: Record<string, string>, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
}

async function login(url: string, username: string, password: string): Promise<string> {
  const response = await post(`${url}/login`, { username, password });
  assert.equal(response.headers.get('location'), '/', `${username} should be signed in`);
  return cookieFrom(response, COOKIE);
}

/** Connects with the browser's cookie; resolves with the socket and the first `event` it gets. */
async function connect(url: string, cookie: string, event = 'connect'): Promise<[Socket, any]> {
  const socket = ioClient(url, { forceNew: true, reconnection: false, transports: ['websocket'], extraHeaders: { cookie } });
  const payload = await nextEvent(socket, event);
  if (event === 'connect_error') socket.close();
  return [socket, payload];
}

/** The next `event` on the socket (whose payload passes `accept`, when given). */
function nextEvent(socket: Socket, event: string, accept: (payload: any) => boolean = () => true): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
    const listener = (payload: any) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      socket.off(event as any, listener);
      resolve(payload);
    };
    socket.on(event as any, listener);
    if (event !== 'connect_error') {
      socket.once('connect_error', (err) => {
        clearTimeout(timer);
        reject(new Error(`expected "${event}", the handshake was refused: ${err.message}`));
      });
    }
  });
}
