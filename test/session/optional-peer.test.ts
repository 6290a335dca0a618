/**
 * express-session is an optional peer: the package never loads it at import time, nor for
 * `authorize()` without `session`; with `session`, it uses the store's own `createSession` and
 * loads express-session only for a store without one. Each case runs in a fresh Node.js process
 * over the built package, so that the module cache shows exactly what was loaded.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const DIST = join(__dirname, '../../dist/cjs/index.js');

function loadedAfter(setup: string): boolean {
  const script = `
    const lib = require(${JSON.stringify(DIST)});
    const passport = { deserializeUser() {} };
    ${setup}
    const loaded = Object.keys(require.cache).some((path) => /[\\\\/]express-session[\\\\/]/.test(path));
    process.stdout.write(String(loaded));
  `;
  return execFileSync(process.execPath, ['-e', script], { cwd: join(__dirname, '../..') }).toString() === 'true';
}

describe('express-session as an optional peer', () => {
  it('is not loaded by importing the package or by authorize() without the session option', () => {
    assert.equal(loadedAfter(`lib.authorize({ store: { get() {}, set() {} }, secret: 's', passport });`), false);
  });

  it("is not loaded with session: true when the store has its own createSession (stores built on express-session's Store)", () => {
    assert.equal(
      loadedAfter(`lib.authorize({ store: { get() {}, set() {}, createSession() {} }, secret: 's', passport, session: true });`),
      false,
    );
  });

  it('is loaded, lazily, with session: true for a store without createSession', () => {
    assert.equal(loadedAfter(`lib.authorize({ store: { get() {}, set() {} }, secret: 's', passport, session: true });`), true);
  });

  it('refuses session with a store that cannot save, naming the option', () => {
    assert.throws(
      () => loadedAfter(`lib.authorize({ store: { get() {} }, secret: 's', passport, session: true });`),
      /InvalidOptionError[\s\S]*session/,
    );
  });
});
