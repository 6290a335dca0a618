/**
 * What an app's error handling reads from each error the package throws or refuses with: its
 * class and `name` (what logs print), its stable `code`, whether it is critical, its `cause`,
 * and the text of the critical refusals that only operators read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AuthorizationError,
  ClusterLookupError,
  ErrorCodes,
  InvalidArgumentError,
  InvalidOptionError,
  UnsupportedSocketIoError,
} from '../src';
import {
  callbackThrew,
  callbackTimeout,
  messageOf,
  RECOVERY_MESSAGE,
  recoverySkipsAuthorization,
  requestUnreadable,
  storeFailure,
} from '../src/errors';

describe('the errors an app catches', () => {
  it('each class has its own name and code, as logs and error handlers read them', () => {
    const cases: Array<[Error & { code: string }, string, string]> = [
      [new UnsupportedSocketIoError('fetchSocketsByUser(io, userId)'), 'UnsupportedSocketIoError', 'ERR_SOCKET_IO_4_REQUIRED'],
      [new ClusterLookupError('no answer', true), 'ClusterLookupError', 'ERR_CLUSTER_LOOKUP'],
      [new InvalidOptionError('store', 'is required'), 'InvalidOptionError', 'ERR_INVALID_OPTION'],
      [new InvalidArgumentError('userId', 'emitToUser(io, userId): bad'), 'InvalidArgumentError', 'ERR_INVALID_ARGUMENT'],
      [new AuthorizationError(ErrorCodes.NO_SESSION, 'No session found', false), 'AuthorizationError', 'ERR_NO_SESSION'],
    ];
    for (const [err, name, code] of cases) {
      assert.ok(err instanceof Error);
      assert.equal(err.name, name);
      assert.equal(err.code, code);
      assert.match(String(err), new RegExp(`^${name}: `));
    }
    assert.match(new UnsupportedSocketIoError('emitToUser(io, userId)').message, /emitToUser\(io, userId\) needs socket\.io 4/);
  });

  it("a cluster lookup's failure keeps the adapter's own error as its cause, and says whether it timed out", () => {
    const adapterError = new Error('timeout reached: only 1 responses received out of 2');
    const failed = new ClusterLookupError('a node did not answer', true, adapterError);
    assert.equal(failed.cause, adapterError);
    assert.equal(failed.timedOut, true);
    const rejected = new ClusterLookupError('the adapter rejected', false);
    assert.equal(rejected.timedOut, false);
    assert.equal(Object.hasOwn(rejected, 'cause'), false, 'no cause when the adapter gave none');
  });
});

describe('the critical refusals', () => {
  it('an unreadable request is critical, with its cause, and the client reads only the generic message', () => {
    const cause = new TypeError('headers getter threw');
    const err = requestUnreadable(cause);
    assert.equal(err.code, 'ERR_REQUEST_UNREADABLE');
    assert.equal(err.critical, true);
    assert.equal(err.cause, cause);
    assert.equal(err.message, 'Internal server error');
  });

  it('a server whose connection recovery skips middlewares is told what to set', () => {
    const err = recoverySkipsAuthorization();
    assert.equal(err.code, 'ERR_RECOVERY_SKIPS_AUTHORIZATION');
    assert.equal(err.critical, true);
    assert.equal(err.message, RECOVERY_MESSAGE);
    assert.match(RECOVERY_MESSAGE, /set connectionStateRecovery\.skipMiddlewares to false$/);
  });

  it("a callback that throws or never calls accept is named in the operator's message", () => {
    const thrown = callbackThrew('success', new Error('db down'));
    assert.equal(thrown.message, 'the success callback threw: Error: db down');
    assert.equal(thrown.critical, true);
    assert.equal(callbackThrew('fail', Object.create(null)).message, 'the fail callback threw: unprintable error');
    const late = callbackTimeout('fail', 250);
    assert.equal(late.message, 'the fail callback did not call accept within 250 ms');
    assert.equal(late.code, 'ERR_CALLBACK_TIMEOUT');
  });

  it("a store failure keeps the legacy message form with the store's own text, whatever it threw", () => {
    assert.equal(storeFailure(new Error('ECONNRESET')).message, 'Error in session store:\nECONNRESET');
    assert.equal(storeFailure('plain text').message, 'Error in session store:\nplain text');
    assert.equal(storeFailure({ message: 'object text' }).message, 'Error in session store:\nobject text');
    assert.equal(storeFailure(503).message, 'Error in session store:\n503');
    assert.equal(messageOf('plain text'), 'plain text');
    assert.equal(messageOf(null), 'null');
    assert.equal(messageOf(Object.create(null)), 'unprintable error');
    const hostile = new Proxy(new Error('x'), {
      get() {
        throw new Error('trap');
      },
    });
    assert.equal(messageOf(hostile), 'unprintable error');
  });
});
