/**
 * Every wrong argument of the cluster helpers fails at the call, with a coded error that names the
 * argument and says what to pass, word for word; the edges of each range are accepted. A real
 * socket.io 4 server, not attached to an HTTP server: the calls need no client.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Server } from 'socket.io';
import {
  disconnectOnLogout,
  disconnectSession,
  disconnectUser,
  emitToUser,
  fetchSocketsByUser,
  InvalidArgumentError,
  InvalidOptionError,
  logoutSockets,
} from '../../src';

const io = new Server();
const MAX_TIMER_MS = 2 ** 31 - 1;
const PREFIX = 'passport.socketio-compat: ';

function throwsOption(call: () => unknown, option: string, problem: string): void {
  assert.throws(call, (err: unknown) => {
    assert.ok(err instanceof InvalidOptionError, `an InvalidOptionError, not ${String(err)}`);
    assert.equal(err.code, 'ERR_INVALID_OPTION');
    assert.equal(err.option, option);
    assert.equal(err.message, `${PREFIX}option "${option}" ${problem}`);
    return true;
  });
}

function throwsArgument(call: () => unknown, argument: string, sentence: string): void {
  assert.throws(call, (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, `an InvalidArgumentError, not ${String(err)}`);
    assert.equal(err.code, 'ERR_INVALID_ARGUMENT');
    assert.equal(err.argument, argument);
    assert.equal(err.message, PREFIX + sentence);
    return true;
  });
}

describe('the arguments of the logout helpers', () => {
  const OPTIONS = "must be an object, for example { scope: 'user' }";
  const RECONNECT = 'must be true (the clients reconnect) or false (for good)';

  it('refuses options that are not an object', () => {
    throwsOption(() => logoutSockets(io, { sessionID: 'sid' }, null as never), 'options', OPTIONS);
    throwsOption(() => logoutSockets(io, { sessionID: 'sid' }, 'user' as never), 'options', OPTIONS);
    throwsOption(() => disconnectOnLogout(io, null as never), 'options', OPTIONS);
  });

  it("refuses a scope other than 'session' or 'user', showing what was given", () => {
    throwsOption(
      () => logoutSockets(io, { sessionID: 'sid' }, { scope: 'all' as never }),
      'scope',
      `must be 'session' or 'user', not "all"`,
    );
    throwsOption(() => disconnectOnLogout(io, { scope: 1 as never }), 'scope', `must be 'session' or 'user', not 1`);
    throwsOption(() => disconnectOnLogout(io, { scope: (() => 'user') as never }), 'scope', `must be 'session' or 'user', not function`);
  });

  it('refuses a reconnect that is not a boolean', () => {
    throwsOption(() => logoutSockets(io, { sessionID: 'sid' }, { reconnect: 'yes' as never }), 'reconnect', RECONNECT);
    throwsOption(() => disconnectOnLogout(io, { reconnect: 1 as never }), 'reconnect', RECONNECT);
  });

  it('refuses a request that is not an object', () => {
    throwsArgument(() => logoutSockets(io, null as never), 'req', 'logoutSockets(io, req): req must be the Express request');
    throwsArgument(() => logoutSockets(io, 'sid' as never), 'req', 'logoutSockets(io, req): req must be the Express request');
  });

  it('refuses an io that is not a socket.io server or namespace, naming the helper', () => {
    throwsArgument(() => disconnectOnLogout(null as never), 'io', 'disconnectOnLogout(io): io must be a socket.io server or namespace');
    throwsArgument(
      () => logoutSockets({} as never, { sessionID: 'sid' }),
      'io',
      'logoutSockets(io, req): io must be a socket.io server or namespace',
    );
  });

  it('accepts the documented forms, and a request without a session does nothing', () => {
    assert.doesNotThrow(() => logoutSockets(io, {}));
    assert.doesNotThrow(() => logoutSockets(io, { sessionID: '' }, { scope: 'user' }));
    assert.doesNotThrow(() => logoutSockets(io, { sessionID: 'sid' }, { scope: 'session', reconnect: true, reason: 'bye' }));
    assert.equal(typeof disconnectOnLogout(io.of('/chat'), { scope: 'user', reconnect: false }), 'function');
  });
});

describe('the arguments of disconnectSession, disconnectUser and emitToUser', () => {
  it('refuses options that are not an object', () => {
    const problem = 'must be an object, for example { reason: "logout" }';
    throwsOption(() => disconnectSession(io, 'sid', null as never), 'options', problem);
    throwsOption(() => disconnectUser(io, 1, 7 as never), 'options', problem);
  });

  it('refuses a reconnect that is not a boolean', () => {
    const problem = 'must be true (the client reconnects) or false (for good)';
    throwsOption(() => disconnectSession(io, 'sid', { reconnect: 'true' as never }), 'reconnect', problem);
    throwsOption(() => disconnectUser(io, 1, { reconnect: 0 as never }), 'reconnect', problem);
  });

  it('refuses a session id or a user id that cannot name a room', () => {
    for (const sessionId of ['', 42, undefined]) {
      throwsArgument(
        () => disconnectSession(io, sessionId as never),
        'sessionId',
        'disconnectSession(io, sessionId): the session id must be a non-empty string (req.sessionID)',
      );
    }
    for (const userId of ['', Number.NaN, Number.POSITIVE_INFINITY, {}, null]) {
      throwsArgument(
        () => disconnectUser(io, userId as never),
        'userId',
        'disconnectUser(io, userId): the user id must be a non-empty string or a finite number',
      );
    }
  });

  it('refuses an event name that is not a non-empty string', () => {
    for (const event of ['', 42, undefined]) {
      throwsArgument(() => emitToUser(io, 1, event as never), 'event', 'emitToUser(io, userId, event): event must be a non-empty string');
    }
  });

  it('refuses an io that is not a socket.io server or namespace', () => {
    for (const wrong of [null, undefined, 'io', {}]) {
      throwsArgument(
        () => disconnectUser(wrong as never, 1),
        'io',
        'disconnectUser(io, userId): io must be a socket.io server or namespace',
      );
      throwsArgument(
        () => emitToUser(wrong as never, 1, 'hello'),
        'io',
        'emitToUser(io, userId, event): io must be a socket.io server or namespace',
      );
    }
  });

  it('accepts string and numeric ids, and a namespace instead of the server', () => {
    assert.doesNotThrow(() => disconnectSession(io.of('/chat'), 'sid', { reason: 'revoked', reconnect: true }));
    assert.doesNotThrow(() => disconnectUser(io, 'user-1'));
    assert.doesNotThrow(() => disconnectUser(io, 0));
    assert.doesNotThrow(() => emitToUser(io.of('/chat'), 1, 'hello', { a: 1 }));
  });
});

describe('the arguments of fetchSocketsByUser', () => {
  const TIMEOUT = 'must be a positive number of milliseconds, for example { timeout: 2000 }';

  it('refuses a timeout that is not a positive number within the timer range', async () => {
    for (const timeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '5000', MAX_TIMER_MS + 1]) {
      await assert.rejects(fetchSocketsByUser(io, 1, { timeout: timeout as never }), (err: unknown) => {
        assert.ok(err instanceof InvalidOptionError);
        assert.equal(err.message, `${PREFIX}option "timeout" ${TIMEOUT}`);
        return true;
      });
    }
  });

  it('accepts the edges of the timeout range, and answers with the sockets found (none here)', async () => {
    assert.deepEqual(await fetchSocketsByUser(io, 1, { timeout: MAX_TIMER_MS }), []);
    assert.deepEqual(await fetchSocketsByUser(io, 1, { timeout: 0.5 }), []);
    assert.deepEqual(await fetchSocketsByUser(io, () => true), []);
  });

  it('refuses options that are not an object, a bad user id and a bad io', async () => {
    await assert.rejects(fetchSocketsByUser(io, 1, null as never), { option: 'options' });
    await assert.rejects(fetchSocketsByUser(io, ''), {
      message: `${PREFIX}fetchSocketsByUser(io, user): the user id must be a non-empty string or a finite number`,
    });
    await assert.rejects(fetchSocketsByUser(null as never, 1), {
      message: `${PREFIX}fetchSocketsByUser(io, user): io must be a socket.io server or namespace`,
    });
  });
});
