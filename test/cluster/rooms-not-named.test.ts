/**
 * When there is no room to name: an app's naming function that returns no name, and visitors let
 * in without a login. The socket still connects, joins only the rooms that were named, and carries
 * an identity only when it has a session room. Real logins, real socket.io-client connections, one
 * node. Its own file (its own process): these namings differ, which the helpers would refuse to guess
 * between, so each helper call here passes its `rooms`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import session from 'express-session';
import { disconnectSession, fetchSocketsByUser, type RoomsOptions } from '../../src';
import { type ClusterNode, startNode } from './apps/node-app';
import { type ClientSocket, closeAll, connectSocket, ending, login, sessionIdOf } from './support';

function whoami(socket: ClientSocket): Promise<{ id: string; identity: unknown; rooms: string[] }> {
  return new Promise((resolve) => socket.emit('whoami', resolve));
}

describe('rooms that the app does not name', () => {
  const nodes: ClusterNode[] = [];
  const open: ClientSocket[] = [];
  const start = async (name: string, rooms: RoomsOptions | true, fail?: unknown) => {
    const node = await startNode({ name, store: new session.MemoryStore(), authorize: { rooms, ...(fail ? { fail } : {}) } as never });
    nodes.push(node);
    return node;
  };
  const connect = async (node: ClusterNode, cookie: string | undefined) => {
    const socket = await connectSocket(node.url, cookie);
    open.push(socket);
    return socket;
  };
  after(async () => {
    closeAll(open);
    await Promise.all(nodes.map((node) => node.close()));
  });

  describe('sessionRoom returns no name', () => {
    let node: ClusterNode;
    before(async () => {
      node = await start('no-session-room', { sessionRoom: () => '' });
    });

    it('connects a logged-in socket without rooms or identity', async () => {
      const socket = await connect(node, await login(node.url, 'alice'));
      const seen = await whoami(socket);
      assert.deepEqual(seen.rooms, [seen.id]);
      assert.equal(seen.identity, null);
    });
  });

  describe('userRoom returns no name', () => {
    const rooms: RoomsOptions = { userRoom: () => undefined as unknown as string };
    let node: ClusterNode;
    before(async () => {
      node = await start('no-user-room', rooms);
    });

    it('joins the session room only, keeps the user id in the identity, and ends through the session room', async () => {
      const cookie = await login(node.url, 'alice');
      const socket = await connect(node, cookie);
      const seen = await whoami(socket);
      const sessionRoom = seen.rooms.find((room) => room.startsWith('passport:session:'));
      assert.ok(sessionRoom, `a session room among ${seen.rooms}`);
      assert.deepEqual([...seen.rooms].sort(), [seen.id, sessionRoom].sort());
      assert.deepEqual(seen.identity, { id: 1, logged_in: true, sessionRoom });
      const ended = ending(socket);
      disconnectSession(node.io, sessionIdOf(cookie), { rooms, reason: 'revoked' });
      assert.equal((await ended).told, 'revoked');
    });
  });

  describe('a visitor let in by fail, without a login', () => {
    let node: ClusterNode;
    before(async () => {
      node = await start('visitors', true, (_data: unknown, _message: string, _critical: boolean, accept: () => void) => accept());
    });

    it('connects without rooms or identity, with or without a session, and a lookup by filter passes over it', async () => {
      const visitor = await connect(node, undefined);
      const visit = await fetch(`${node.url}/visit`, { method: 'POST' });
      const anonymous = await connect(node, (visit.headers.getSetCookie()[0] as string).split(';')[0]);
      const alice = await connect(node, await login(node.url, 'alice'));
      for (const socket of [visitor, anonymous]) {
        const seen = await whoami(socket);
        assert.deepEqual(seen.rooms, [seen.id]);
        assert.equal(seen.identity, null);
      }
      const seenByFilter: unknown[] = [];
      const found = await fetchSocketsByUser(
        node.io,
        (identity) => {
          seenByFilter.push(identity.id);
          return true;
        },
        // The default names, given since this process's authorize() calls name rooms differently.
        { rooms: {} },
      );
      assert.deepEqual(
        found.map((socket) => socket.id),
        [alice.id],
      );
      assert.deepEqual(seenByFilter, [1]);
    });
  });
});
