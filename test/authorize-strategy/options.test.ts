/**
 * authorizeStrategy's and authorizeEngine's options are checked when they are called, with an
 * InvalidOptionError naming the option; and real Passport and passport-jwt values fit the types.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import session from 'express-session';
import passport, { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { authorizeEngine, authorizeStrategy, InvalidOptionError } from '../../src';
import type { Any } from '../support/stack';
import { findUser, HS_SECRET } from './support';

const registry = new Passport();
const jwtStrategy = new JwtStrategy({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: HS_SECRET }, findUser);

function rejects(call: () => unknown, option: string, pattern?: RegExp): void {
  assert.throws(call, (err: Any) => {
    assert.ok(err instanceof InvalidOptionError, `an InvalidOptionError, not ${err}`);
    assert.ok(err instanceof TypeError);
    assert.equal(err.option, option);
    assert.equal(err.code, 'ERR_INVALID_OPTION');
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

describe('authorizeStrategy options', () => {
  it('accepts real Passport instances and strategies (types and values)', () => {
    assert.equal(typeof authorizeStrategy({ strategy: 'jwt', passport: registry }), 'function');
    assert.equal(typeof authorizeStrategy({ strategy: 'jwt', passport }), 'function');
    assert.equal(typeof authorizeStrategy({ strategy: jwtStrategy }), 'function');
    assert.equal(typeof authorizeEngine({ strategy: jwtStrategy, tokenFrom: { query: 'access_token' } }), 'function');
    const store = new session.MemoryStore();
    assert.equal(
      typeof authorizeStrategy({ strategy: 'jwt', passport: registry, store, secret: 's', order: 'strategy-first' }),
      'function',
    );
  });

  it("answers socket.io 0.9's authorization call with an error naming authorizeStrategy(), instead of throwing into it", () => {
    const middleware = authorizeStrategy({ strategy: 'jwt', passport: registry }) as unknown as (data: object, accept: Any) => void;
    const answers: unknown[] = [];
    middleware({ headers: { authorization: 'Bearer x' }, query: {} }, (err: unknown) => answers.push(err));
    assert.equal(answers.length, 1);
    assert.ok(answers[0] instanceof Error);
    assert.equal(answers[0].message, 'passport.socketio-compat: authorizeStrategy() is a socket.io middleware for socket.io 1 and later');
  });

  it('names a missing, empty or wrong strategy', () => {
    rejects(() => authorizeStrategy({} as Any), 'strategy', /is required/);
    rejects(() => authorizeStrategy({ strategy: '' }), 'strategy', /must not be empty/);
    rejects(() => authorizeStrategy({ strategy: JwtStrategy as Any }), 'strategy', /not its class/);
    rejects(() => authorizeStrategy({ strategy: { name: 'jwt' } as Any }), 'strategy');
    rejects(() => authorizeStrategy(undefined as Any), 'options');
  });

  it('names a passport that cannot hold strategies', () => {
    rejects(() => authorizeStrategy({ strategy: 'jwt', passport: {} as Any }), 'passport', /Passport instance/);
    rejects(() => authorizeStrategy({ strategy: 'jwt', passport: 'passport' as Any }), 'passport');
  });

  it('names wrong token sources', () => {
    rejects(() => authorizeStrategy({ strategy: jwtStrategy, tokenFrom: 'header' as Any }), 'tokenFrom');
    rejects(() => authorizeStrategy({ strategy: jwtStrategy, tokenFrom: { header: 'yes' as Any } }), 'tokenFrom.header', /true or false/);
    rejects(() => authorizeStrategy({ strategy: jwtStrategy, tokenFrom: { query: '' } }), 'tokenFrom.query', /field name/);
    rejects(() => authorizeStrategy({ strategy: jwtStrategy, tokenFrom: { header: false, auth: false } }), 'tokenFrom', /every place/);
  });

  it('names wrong callbacks, timeout, userProperty and order', () => {
    rejects(() => authorizeStrategy({ strategy: jwtStrategy, success: 'accept' as Any }), 'success');
    rejects(() => authorizeStrategy({ strategy: jwtStrategy, fail: {} as Any }), 'fail');
    rejects(() => authorizeStrategy({ strategy: jwtStrategy, onDecision: 1 as Any }), 'onDecision');
    rejects(() => authorizeStrategy({ strategy: jwtStrategy, timeout: -1 }), 'timeout');
    rejects(() => authorizeStrategy({ strategy: jwtStrategy, userProperty: '' }), 'userProperty');
    rejects(() => authorizeStrategy({ strategy: jwtStrategy, order: 'cookie-first' as Any }), 'order');
  });

  it('checks session options as authorize does once store or secret is given', () => {
    rejects(() => authorizeStrategy({ strategy: 'jwt', passport: registry, secret: 's' }), 'store');
    rejects(() => authorizeStrategy({ strategy: 'jwt', passport: registry, store: new session.MemoryStore() }), 'secret');
  });
});
