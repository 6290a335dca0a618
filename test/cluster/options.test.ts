/**
 * The cluster options and helper arguments are checked when called, with an error naming the
 * culprit; on socket.io 2 and 3 the helpers refuse clearly instead of answering wrong.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import session from 'express-session';
import { Passport } from 'passport';
import {
  authorize,
  disconnectOnLogout,
  disconnectSession,
  disconnectUser,
  emitToUser,
  fetchSocketsByUser,
  InvalidOptionError,
  logoutSockets,
  UnsupportedSocketIoError,
} from '../../src';

const base = () => ({ store: new session.MemoryStore(), secret: 's', passport: new Passport() });

function throwsOption(call: () => unknown, option: string): void {
  assert.throws(call, (err: unknown) => {
    assert.ok(err instanceof InvalidOptionError, `an InvalidOptionError, got ${String(err)}`);
    assert.equal(err.option, option);
    assert.match(err.message, new RegExp(`option "${option.replace('.', '\\.')}"`));
    return true;
  });
}

describe('cluster options of authorize()', () => {
  it('rejects a rooms option that is neither true nor an object of functions', () => {
    throwsOption(() => authorize({ ...base(), rooms: 'yes' as any }), 'rooms');
    throwsOption(() => authorize({ ...base(), rooms: { userRoom: 'user' as any } }), 'rooms.userRoom');
    throwsOption(() => authorize({ ...base(), rooms: { userId: 1 as any } }), 'rooms.userId');
  });

  it('rejects a liveSession option with a bad interval, flag, or nothing to check with', () => {
    throwsOption(() => authorize({ ...base(), liveSession: 'often' as any }), 'liveSession');
    throwsOption(() => authorize({ ...base(), liveSession: { interval: 0 } }), 'liveSession.interval');
    throwsOption(() => authorize({ ...base(), liveSession: { interval: Number.NaN } }), 'liveSession.interval');
    throwsOption(() => authorize({ ...base(), liveSession: { timer: 'yes' as any } }), 'liveSession.timer');
    throwsOption(() => authorize({ ...base(), liveSession: { beforeEvents: 1 as any } }), 'liveSession.beforeEvents');
    throwsOption(() => authorize({ ...base(), liveSession: { timer: false } }), 'liveSession');
  });

  it('accepts the documented forms', () => {
    for (const extra of [
      { rooms: true, liveSession: true },
      { rooms: false, liveSession: false },
      { rooms: {}, liveSession: { interval: 5000, beforeEvents: true } },
      { liveSession: { timer: false, beforeEvents: true } },
    ]) {
      assert.equal(typeof authorize({ ...base(), ...extra }), 'function');
    }
  });
});

describe('cluster helper arguments', () => {
  const { Server } = require('socket.io');
  // Not attached to an HTTP server: it holds nothing to close.
  const io = new Server();

  it('checks the reason, scope and ids', async () => {
    throwsOption(() => disconnectUser(io, 1, { reason: '' }), 'reason');
    throwsOption(() => disconnectSession(io, 'sid', { reason: 42 as any }), 'reason');
    throwsOption(() => disconnectOnLogout(io, { scope: 'everyone' as any }), 'scope');
    throwsOption(() => logoutSockets(io, { sessionID: 'sid' }, { scope: 'all' as any }), 'scope');
    assert.throws(() => disconnectUser(io, {} as any), /user id must be a non-empty string or a finite number/);
    assert.throws(() => disconnectSession(io, ''), /session id must be a non-empty string/);
    assert.throws(() => emitToUser(io, 1, ''), /event must be a non-empty string/);
    await assert.rejects(fetchSocketsByUser(io, Number.NaN), /user id must be/);
    assert.throws(() => disconnectUser({} as any, 1), /io must be a socket.io server or namespace/);
  });

  it('does nothing for a logout request without a session', () => {
    assert.doesNotThrow(() => logoutSockets(io, {}));
  });
});

describe('cluster helpers on socket.io 2 and 3', () => {
  for (const [name, make] of [
    ['socket.io 2', () => require('socket.io-v2')(createServer())],
    ['socket.io 3', () => new (require('socket.io-v3').Server)(createServer())],
  ] as const) {
    it(`refuse on ${name} with UnsupportedSocketIoError instead of a partial answer`, async () => {
      const io = make();
      try {
        const unsupported = (err: unknown) => {
          assert.ok(err instanceof UnsupportedSocketIoError);
          assert.equal(err.code, 'ERR_SOCKET_IO_4_REQUIRED');
          assert.match(err.message, /needs socket\.io 4 or later.*filterSocketsByUser/);
          return true;
        };
        await assert.rejects(fetchSocketsByUser(io, 1), unsupported);
        await assert.rejects(
          fetchSocketsByUser(io.of('/chat'), () => true),
          unsupported,
        );
        assert.throws(() => disconnectUser(io, 1), unsupported);
        assert.throws(() => disconnectSession(io, 'sid'), unsupported);
        assert.throws(() => emitToUser(io, 1, 'hello'), unsupported);
        assert.throws(() => logoutSockets(io, { sessionID: 'sid' }), unsupported);
      } finally {
        io.close();
      }
    });
  }
});
