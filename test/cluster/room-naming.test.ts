/**
 * Custom room names and user ids. Its own file (its own process): the helpers learn the naming
 * from this process's `authorize({ rooms })` calls.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import session from 'express-session';
import { Passport } from 'passport';
import { authorize, disconnectUser, fetchSocketsByUser, InvalidOptionError, type RoomsOptions } from '../../src';
import { type ClusterNode, startNode } from './apps/node-app';
import { type ClientSocket, closeAll, connectSocket, ending, login, post } from './support';

const rooms: RoomsOptions = {
  sessionRoom: (key) => `s/${key}`,
  userRoom: (id) => `u/${id}`,
  userId: (user: { username: string }) => user.username,
};

describe('custom room names', () => {
  let node: ClusterNode;
  const open: ClientSocket[] = [];
  before(async () => {
    node = await startNode({ name: 'custom', store: new session.MemoryStore(), authorize: { rooms } });
  });
  after(async () => {
    closeAll(open);
    await node.close();
  });

  it('joins the rooms the app names, under the user id it extracts', async () => {
    const socket = await connectSocket(node.url, await login(node.url, 'alice'));
    open.push(socket);
    const seen = await new Promise<any>((resolve) => socket.emit('whoami', resolve));
    const sessionRoom = seen.rooms.find((room: string) => room.startsWith('s/'));
    assert.ok(sessionRoom);
    assert.ok(seen.rooms.includes('u/alice'));
    assert.deepEqual(seen.identity, { id: 'alice', logged_in: true, sessionRoom });
    const found = await fetchSocketsByUser(node.io, 'alice');
    assert.deepEqual(
      found.map((s) => s.id),
      [socket.id],
    );
  });

  it('logs out through the custom session room', async () => {
    const cookie = await login(node.url, 'alice');
    const socket = await connectSocket(node.url, cookie);
    open.push(socket);
    const ended = ending(socket);
    await post(node.url, '/logout', cookie);
    assert.equal((await ended).told, 'logout');
  });

  it('asks for the rooms option once two authorize() calls of the process name rooms differently', async () => {
    authorize({ store: new session.MemoryStore(), secret: 's', passport: new Passport(), rooms: { userRoom: (id) => `other/${id}` } });
    assert.throws(
      () => disconnectUser(node.io, 'alice'),
      (err: unknown) => err instanceof InvalidOptionError && err.option === 'rooms' && /different room names/.test(err.message),
    );
    const socket = await connectSocket(node.url, await login(node.url, 'alice'));
    open.push(socket);
    const found = await fetchSocketsByUser(node.io, 'alice', { rooms });
    assert.ok(found.some((s) => s.id === socket.id));
  });
});
