/**
 * The `timeout` option of fetchSocketsByUser: checked when called, naming the option, and a
 * lookup that answers in time resolves as before. (A node that does not answer: the cluster
 * suite, run over every adapter, and load-balanced.test.ts.)
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { Server } from 'socket.io';
import { ClusterLookupError, ErrorCodes, fetchSocketsByUser, InvalidOptionError } from '../../src';

describe('fetchSocketsByUser({ timeout })', () => {
  it('rejects a timeout that is not a positive number of milliseconds, naming the option', async () => {
    const io = new Server(createServer());
    try {
      for (const timeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '1000', null]) {
        await assert.rejects(fetchSocketsByUser(io, 1, { timeout: timeout as number }), (err: unknown) => {
          assert.ok(err instanceof InvalidOptionError, `${String(timeout)}: ${String(err)}`);
          assert.equal(err.option, 'timeout');
          return true;
        });
      }
    } finally {
      io.close();
    }
  });

  it('answers within the timeout on a single process (the in-memory adapter needs nobody else)', async () => {
    const io = new Server(createServer());
    try {
      assert.deepEqual(await fetchSocketsByUser(io, 1, { timeout: 1 }), []);
      assert.deepEqual(await fetchSocketsByUser(io, () => true, { timeout: 50 }), []);
    } finally {
      io.close();
    }
  });

  it('names its failures with a stable code', () => {
    const err = new ClusterLookupError('not every node answered', true);
    assert.equal(err.code, ErrorCodes.CLUSTER_LOOKUP);
    assert.equal(err.code, 'ERR_CLUSTER_LOOKUP');
    assert.equal(err.name, 'ClusterLookupError');
    assert.equal(err.timedOut, true);
  });
});
