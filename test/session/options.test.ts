/**
 * The options of the session features fail at authorize() time (or at the helper's call) with an
 * InvalidOptionError naming the option, and never later on a socket.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import session from 'express-session';
import { Server } from 'socket.io';
import {
  authorize,
  authorizeEngine,
  disconnectSession,
  disconnectUser,
  loadSocketSession,
  loginSocket,
  logoutSocket,
  logoutSockets,
} from '../../src';

const store = new session.MemoryStore();
const passport = { deserializeUser() {} };
const base = { store, secret: 's', passport };

function refused(run: () => unknown, option: string) {
  assert.throws(run, (err: Error & { option?: string }) => {
    assert.equal(err.name, 'InvalidOptionError');
    assert.match(err.message, new RegExp(`"${option.replace('.', '\\.')}"`));
    return true;
  });
}

describe('options of the session features', () => {
  it('session: true or an object of onSocket and rolling', () => {
    refused(() => authorize({ ...base, session: 'yes' as never }), 'session');
    refused(() => authorize({ ...base, session: { onSocket: 1 as never } }), 'session.onSocket');
    refused(() => authorize({ ...base, session: { rolling: -5 } }), 'session.rolling');
    refused(() => authorize({ ...base, session: { rolling: '1m' as never } }), 'session.rolling');
    refused(() => authorize({ ...base, session: { onSocket: false, rolling: true } }), 'session.rolling');
    assert.equal(typeof authorize({ ...base, session: { rolling: 1000 } }), 'function');
  });

  it('the engine level has no socket to put a session on', () => {
    refused(() => authorizeEngine({ ...base, session: true }), 'session');
  });

  it('cookie-session apps have no store to save a session to', () => {
    refused(() => authorize({ cookieSession: { keys: ['k'] }, passport, session: true } as never), 'session');
  });

  it('liveSession: refreshUser, reconnect, onUserRefresh', () => {
    refused(() => authorize({ ...base, liveSession: { refreshUser: 'yes' as never } }), 'liveSession.refreshUser');
    refused(() => authorize({ ...base, liveSession: { reconnect: 1 as never } }), 'liveSession.reconnect');
    refused(() => authorize({ ...base, liveSession: { onUserRefresh: 'log' as never } }), 'liveSession.onUserRefresh');
  });

  it('onSocketEvent is a function', () => {
    refused(() => authorize({ ...base, liveSession: true, onSocketEvent: 'log' as never }), 'onSocketEvent');
    refused(() => authorize({ ...base, onSocketEvent: {} as never }), 'onSocketEvent');
  });

  it('the disconnect helpers take reconnect: true or false', () => {
    // A server attached to nothing: it holds no port and needs no closing.
    const io = new Server();
    refused(() => disconnectSession(io, 'sid', { reconnect: 'yes' as never }), 'reconnect');
    refused(() => disconnectUser(io, 1, { reconnect: 1 as never }), 'reconnect');
    refused(() => logoutSockets(io, { sessionID: 'sid' }, { reconnect: 'no' as never }), 'reconnect');
  });

  it('loginSocket, logoutSocket and loadSocketSession need a socket authorized with session', async () => {
    const socket = { request: {} };
    await assert.rejects(loginSocket(socket, { id: 1 }, { passport: passport as never }), {
      name: 'InvalidArgumentError',
      message: /session: true/,
    });
    await assert.rejects(logoutSocket(new Server(), socket, { passport: passport as never }), { name: 'InvalidArgumentError' });
    assert.throws(() => loadSocketSession(socket), { name: 'InvalidArgumentError' });
  });
});
