/**
 * `passport.socketio-compat/client`: the same codes and messages as the server, no server code
 * in it, and `readConnectError` reading real refusals of real servers the way a client must act.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import session from 'express-session';
import { Passport } from 'passport';
import { Server } from 'socket.io';
import { io as ioClient } from 'socket.io-client';
import * as server from '../../src';
import * as client from '../../src/client';
import { STRATEGY_MESSAGES } from '../../src/identify/strategy-failures';
import type { Any } from '../support/stack';

const ROOT = join(__dirname, '../..');
const ServerV2: Any = require('socket.io-v2');
const ioClientV2: Any = require('socket.io-client-v2');

describe('the client entry agrees with the server', () => {
  it('has exactly the server’s ErrorCodes', () => {
    assert.deepEqual(client.ErrorCodes, server.ErrorCodes);
  });

  it('knows every message a client can receive without a code, each with the server’s code for it', () => {
    const expected = {
      [server.LEGACY_MESSAGES.noSession]: server.ErrorCodes.NO_SESSION,
      [server.LEGACY_MESSAGES.passportNotInitialized]: server.ErrorCodes.PASSPORT_NOT_INITIALIZED,
      [server.LEGACY_MESSAGES.userPropertyNotFound]: server.ErrorCodes.USER_PROPERTY_NOT_FOUND,
      [server.LEGACY_MESSAGES.userNotFound]: server.ErrorCodes.USER_NOT_FOUND,
      [STRATEGY_MESSAGES.noToken]: server.ErrorCodes.NO_TOKEN,
      [STRATEGY_MESSAGES.tokenExpired]: server.ErrorCodes.TOKEN_EXPIRED,
      [STRATEGY_MESSAGES.tokenNotActive]: server.ErrorCodes.TOKEN_NOT_ACTIVE,
      [STRATEGY_MESSAGES.strategyFailed]: server.ErrorCodes.STRATEGY_FAILED,
      [server.REFUSED_MESSAGE]: server.ErrorCodes.HANDSHAKE_REFUSED,
    };
    assert.deepEqual(client.CLIENT_MESSAGES, expected);
    assert.equal(client.GENERIC_CLIENT_MESSAGE, server.GENERIC_CLIENT_MESSAGE);
    assert.equal(client.readConnectError(`${STRATEGY_MESSAGES.tokenInvalid}jwt malformed`).code, server.ErrorCodes.TOKEN_INVALID);
  });

  it('tells "log in again" from "retry later" for every code', () => {
    const login = ['ERR_NO_SESSION', 'ERR_PASSPORT_NOT_INITIALIZED', 'ERR_USER_PROPERTY_NOT_FOUND', 'ERR_USER_NOT_FOUND'];
    const tokenLogin = ['ERR_NO_TOKEN', 'ERR_TOKEN_EXPIRED', 'ERR_TOKEN_INVALID', 'ERR_STRATEGY_FAILED'];
    for (const code of Object.values(client.ErrorCodes)) {
      const reading = client.readConnectError({ message: 'x', data: { code } });
      const expected = [...login, ...tokenLogin].includes(code) ? 'login' : code === 'ERR_HANDSHAKE_REFUSED' ? 'refused' : 'retry';
      assert.equal(reading.action, expected, code);
      assert.equal(reading.code, code);
      assert.equal(client.needsLogin({ data: { code } }), expected === 'login');
      assert.equal(client.shouldRetryLater({ data: { code } }), expected === 'retry');
    }
  });

  it('never throws on whatever a connect_error may be', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    for (const value of [undefined, null, 0, 'text', {}, [], { data: null }, { data: { code: 'ERR_NOPE' } }, hostile]) {
      assert.equal(['unknown', 'login', 'refused'].includes(client.readConnectError(value).action), true);
    }
    assert.deepEqual(client.readConnectError({ message: 'xhr poll error' }), {
      action: 'unknown',
      code: undefined,
      message: 'xhr poll error',
    });
  });
});

describe('the built client entry', () => {
  it('is plain code with no import or require of anything', () => {
    const cjs = readFileSync(join(ROOT, 'dist/cjs/client.js'), 'utf8');
    assert.doesNotMatch(cjs, /\brequire\(/);
    const esm = readFileSync(join(ROOT, 'dist/esm/client.mjs'), 'utf8');
    assert.deepEqual(esm.match(/from '[^']+'/g), ["from '../cjs/client.js'"]);
  });

  it('loads as passport.socketio-compat/client from require and import, without loading the server entry', () => {
    const script = (kind: 'require' | 'import') => `
      const before = new Set(Object.keys(require.cache));
      const load = ${kind === 'require' ? "async () => require('passport.socketio-compat/client')" : "() => import('passport.socketio-compat/client')"};
      load().then((entry) => {
        const loaded = Object.keys(require.cache).filter((file) => !before.has(file));
        console.log(JSON.stringify({ noSession: entry.ErrorCodes.NO_SESSION, action: entry.readConnectError({ data: { code: 'ERR_NO_SESSION' } }).action, loaded }));
      });`;
    for (const kind of ['require', 'import'] as const) {
      const report = JSON.parse(execFileSync(process.execPath, ['-e', script(kind)], { cwd: ROOT, encoding: 'utf8' }));
      assert.equal(report.noSession, 'ERR_NO_SESSION');
      assert.equal(report.action, 'login');
      assert.ok(
        report.loaded.some((file: string) => /client\.js$/.test(file)),
        `${kind} loaded ${report.loaded}`,
      );
      for (const file of report.loaded) assert.match(file, /dist[\\/]cjs[\\/](client\.js|package\.json)$/, `${kind} loaded ${file}`);
    }
  });
});

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A socket.io 4 server whose authorize gets a store that fails on demand. */
async function startServer(options: Record<string, unknown> = {}): Promise<string> {
  const http = createServer();
  const io = new Server(http);
  const passport = new Passport();
  passport.deserializeUser((id: unknown, done: (err: unknown, user?: unknown) => void) => done(null, { id }));
  io.use(server.authorize({ store: new session.MemoryStore(), secret: 'client entry', passport, ...options } as Any));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => io.close(() => resolve())));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

function connectError(url: string, options: Record<string, unknown> = {}): Promise<unknown> {
  const socket = ioClient(url, { forceNew: true, reconnection: false, transports: ['websocket'], ...options });
  return new Promise((resolve, reject) => {
    socket.on('connect', () => {
      socket.close();
      reject(new Error('expected a refusal'));
    });
    socket.on('connect_error', (err) => {
      socket.close();
      resolve(err);
    });
  });
}

/** A signed session id for the query, as express-session signs its cookie. */
const signedId = async (id: string) => {
  const { sign } = await import('cookie-signature');
  return `s:${sign(id, 'client entry')}`;
};

describe('readConnectError on real refusals', () => {
  it('says "login" for a client with no session', async () => {
    const reading = client.readConnectError(await connectError(await startServer()));
    assert.deepEqual(reading, { action: 'login', code: 'ERR_NO_SESSION', message: 'No session found' });
  });

  it('says "retry" when the session store is down', async () => {
    const store = { get: (_sid: string, cb: (err: unknown) => void) => cb(new Error('ECONNREFUSED 127.0.0.1:6379')) };
    const url = await startServer({ store });
    const err = await connectError(url, { query: { session_id: await signedId('abc') } });
    assert.deepEqual(client.readConnectError(err), { action: 'retry', code: 'ERR_SESSION_STORE', message: 'Internal server error' });
    assert.equal(client.shouldRetryLater(err), true);
  });

  it('says "refused" when the app refused the user', async () => {
    const store = { get: (_sid: string, cb: (err: unknown, s?: unknown) => void) => cb(null, { passport: { user: 7 } }) };
    const url = await startServer({ store, success: (_data: unknown, accept: Any) => accept(null, false) });
    const reading = client.readConnectError(await connectError(url, { query: { session_id: await signedId('abc') } }));
    assert.deepEqual(reading, { action: 'refused', code: 'ERR_HANDSHAKE_REFUSED', message: 'handshake unauthorized' });
  });

  it('says "unknown" when the server cannot be reached at all', async () => {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    await new Promise((resolve) => http.close(resolve));
    const reading = client.readConnectError(await connectError(`http://127.0.0.1:${port}`));
    assert.equal(reading.action, 'unknown');
    assert.equal(reading.code, undefined);
  });

  it('reads the legacy message of a socket.io 2 server, which sends no code', async () => {
    const http = createServer();
    const io = ServerV2(http);
    const passport = new Passport();
    io.use(server.authorize({ store: new session.MemoryStore(), secret: 'client entry', passport } as Any));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => io.close(() => resolve())));
    const socket = ioClientV2(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      forceNew: true,
      reconnection: false,
      transports: ['websocket'],
    });
    const received = await new Promise<unknown>((resolve) =>
      socket.on('error', (err: unknown) => {
        socket.close();
        resolve(err);
      }),
    );
    assert.deepEqual(client.readConnectError(received), { action: 'login', code: 'ERR_NO_SESSION', message: 'No session found' });
  });
});
