import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import session from 'express-session';
import { authorize, InvalidOptionError } from '../src';

const store = new session.MemoryStore();
const valid = { store, secret: 'keyboard cat' };

function rejects(options: unknown, option: string, hint: RegExp) {
  assert.throws(
    () => authorize(options as Parameters<typeof authorize>[0]),
    (err: unknown) => {
      assert.ok(err instanceof TypeError, 'a TypeError');
      assert.ok(err instanceof InvalidOptionError);
      assert.equal((err as InvalidOptionError).code, 'ERR_INVALID_OPTION');
      assert.equal((err as InvalidOptionError).option, option);
      assert.match(err.message, new RegExp(`option "${option}"`));
      assert.match(err.message, hint);
      return true;
    },
  );
}

describe('authorize() checks its options when it is called', () => {
  it('names "store" when the store is missing, and says what to pass', () => {
    rejects({ secret: 'x' }, 'store', /express-session store/);
  });
  it('names "store" when the store has no get method', () => {
    rejects({ secret: 'x', store: {} }, 'store', /get\(sid, callback\)/);
    rejects({ secret: 'x', store: 'redis' }, 'store', /store object/);
  });
  it('names "secret" when the secret is missing, empty, or not a string', () => {
    rejects({ store }, 'secret', /same secret your express-session uses/);
    rejects({ store, secret: '' }, 'secret', /non-empty string/);
    rejects({ store, secret: [] }, 'secret', /empty array/);
    rejects({ store, secret: ['ok', 42] }, 'secret', /a number/);
  });
  it('names each callback option that is not a function', () => {
    rejects({ ...valid, success: 'yes' }, 'success', /must be a function/);
    rejects({ ...valid, fail: {} }, 'fail', /must be a function/);
    rejects({ ...valid, cookieParser: 'cookie-parser' }, 'cookieParser', /must be a function/);
  });
  it('names "passport" when it is not a Passport instance', () => {
    rejects({ ...valid, passport: {} }, 'passport', /Passport instance/);
  });
  it('names "key", "userProperty", "timeout" and "allowUnsignedSessionIdQuery" when they are of the wrong kind', () => {
    rejects({ ...valid, key: '' }, 'key', /cookie's name/);
    rejects({ ...valid, key: 'a', name: 'b' }, 'key', /disagree/);
    rejects({ ...valid, userProperty: 3 }, 'userProperty', /non-empty string/);
    rejects({ ...valid, timeout: 0 }, 'timeout', /positive number of milliseconds/);
    rejects({ ...valid, timeout: '5s' }, 'timeout', /positive number/);
    rejects({ ...valid, allowUnsignedSessionIdQuery: 'yes' }, 'allowUnsignedSessionIdQuery', /true or false/);
  });
  it('names "options" when called with nothing', () => {
    rejects(undefined, 'options', /must be an object/);
  });
  it('accepts the legacy minimum: store and secret', () => {
    assert.equal(typeof authorize(valid), 'function');
  });
});
