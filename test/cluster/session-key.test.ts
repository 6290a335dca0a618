/**
 * A session's room is named after a key every node computes alike, whatever its Node.js version:
 * the first 128 bits of SHA-256 of the session id, in base64url. Nodes of one cluster in the
 * middle of a rolling upgrade must agree, or a logout on one misses the sockets of another.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { sessionKeyOf } from '../../src/cluster/rooms';

const reference = (sessionId: string) => createHash('sha256').update(sessionId).digest().subarray(0, 16).toString('base64url');

describe('the session key of a room name', () => {
  it('is the first 128 bits of SHA-256 of the session id, as every node computes it', () => {
    const ids = ['a', 'é', '😀', 's'.repeat(4096), 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'];
    for (let i = 0; i < 5000; i++) ids.push(randomBytes(24).toString('base64url'));
    for (const id of ids) assert.equal(sessionKeyOf(id), reference(id), `session id ${JSON.stringify(id.slice(0, 40))}`);
  });

  it('is 22 base64url characters, and never the session id or a part of it', () => {
    for (let i = 0; i < 1000; i++) {
      const id = randomBytes(24).toString('base64url');
      const key = sessionKeyOf(id);
      assert.match(key, /^[A-Za-z0-9_-]{22}$/);
      assert.ok(!id.includes(key.slice(0, 8)) && !key.includes(id.slice(0, 8)));
    }
  });

  it('differs for session ids one character apart', () => {
    const id = randomBytes(24).toString('base64url');
    const other = `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`;
    assert.notEqual(sessionKeyOf(id), sessionKeyOf(other));
  });
});
