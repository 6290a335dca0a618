/**
 * The cluster helpers on one node (socket.io's in-memory adapter, express-session's MemoryStore),
 * over real HTTP logins and real socket.io-client connections. The multi-process runs are in
 * redis-cluster.test.ts and node-cluster.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import session from 'express-session';
import { type ClusterNode, startNode } from './apps/node-app';
import { soloNode } from './solo-node';
import { type ClientSocket, closeAll, connectSocket, ending, get, login, post, sessionIdOf, stillConnectedAfter } from './support';

describe('cluster helpers on a single node', () => {
  const solo = soloNode({ name: 'solo', store: new session.MemoryStore() });
  const connect = (cookie: string, namespace?: string) => solo.connect(cookie, namespace);

  it('puts a logged-in socket in its session room and user room, with its identity in socket.data', async () => {
    const cookie = await login(solo.node.url, 'alice');
    const socket = await connect(cookie);
    const seen = await askWhoami(socket);
    const sessionRoom = seen.rooms.find((room: string) => room.startsWith('passport:session:'));
    assert.ok(sessionRoom, `a session room among ${seen.rooms}`);
    assert.match(sessionRoom, /^passport:session:[\w-]{22}$/);
    assert.ok(seen.rooms.includes('passport:user:1'));
    assert.deepEqual(seen.identity, { id: 1, logged_in: true, sessionRoom });
  });

  it('never puts the session id in a room name or in socket.data', async () => {
    const cookie = await login(solo.node.url, 'alice');
    const sessionId = sessionIdOf(cookie);
    const seen = await askWhoami(await connect(cookie));
    assert.ok(sessionId.length > 10);
    assert.ok(!JSON.stringify(seen).includes(sessionId), 'the session id is nowhere in rooms or data');
    const fetched = await get(solo.node.url, '/sockets/user/1');
    assert.ok(!JSON.stringify(fetched).includes(sessionId));
  });

  it('fetchSocketsByUser finds every socket of a user, by id and by filter, and no one else', async () => {
    const aliceA = await connect(await login(solo.node.url, 'alice'));
    const aliceB = await connect(await login(solo.node.url, 'alice'));
    const bob = await connect(await login(solo.node.url, 'bob'));
    const byId: Array<{ id: string; data: any }> = await get(solo.node.url, '/sockets/user/1');
    const ids = byId.map((socket) => socket.id);
    assert.ok(ids.includes(aliceA.id as string) && ids.includes(aliceB.id as string));
    assert.ok(!ids.includes(bob.id as string));
    assert.ok(byId.every((socket) => socket.data.passport.id === 1 && socket.data.node === 'solo'));
    const byFilter: Array<{ id: string }> = await get(solo.node.url, '/sockets/filter/1');
    assert.deepEqual(byFilter.map((socket) => socket.id).sort(), [...ids].sort());
  });

  it('emitToUser reaches every socket of the user and no other', async () => {
    const aliceA = await connect(await login(solo.node.url, 'alice'));
    const aliceB = await connect(await login(solo.node.url, 'alice'));
    const bob = await connect(await login(solo.node.url, 'bob'));
    const notes: string[] = [];
    for (const [name, socket] of [
      ['aliceA', aliceA],
      ['aliceB', aliceB],
      ['bob', bob],
    ] as const) {
      socket.on('note', () => notes.push(name));
    }
    await post(solo.node.url, '/emit/user/1');
    // A round trip on each socket: the note, if sent to it, arrived before the echo.
    await Promise.all([aliceA, aliceB, bob].map((socket) => stillConnectedAfter(socket)));
    assert.deepEqual(notes.sort(), ['aliceA', 'aliceB']);
  });

  it('disconnectUser ends every socket of the user, in every namespace, telling the client the reason; others stay', async () => {
    const aliceCookie = await login(solo.node.url, 'alice');
    const alice = await connect(aliceCookie);
    const aliceChat = await connect(aliceCookie, '/chat');
    const aliceElsewhere = await connect(await login(solo.node.url, 'alice'));
    const bob = await connect(await login(solo.node.url, 'bob'));
    const ended = Promise.all([alice, aliceChat, aliceElsewhere].map(ending));
    await post(solo.node.url, '/disconnect/user/1?reason=banned');
    for (const end of await ended) {
      assert.deepEqual(end.order, ['session_ended:banned', 'disconnect:io server disconnect']);
    }
    assert.equal(await stillConnectedAfter(bob), true);
  });

  it('disconnectSession ends the sockets of that session only', async () => {
    const cookie = await login(solo.node.url, 'alice');
    const mine = await connect(cookie);
    const mineChat = await connect(cookie, '/chat');
    const otherSession = await connect(await login(solo.node.url, 'alice'));
    const ended = Promise.all([mine, mineChat].map(ending));
    await post(solo.node.url, '/disconnect/my-session', cookie);
    for (const end of await ended) assert.equal(end.told, 'revoked');
    assert.equal(await stillConnectedAfter(otherSession), true);
  });

  for (const route of ['/logout', '/logout-middleware']) {
    it(`${route} ends the sockets of the session with reason 'logout'; the user's other sessions stay`, async () => {
      const cookie = await login(solo.node.url, 'alice');
      const tab = await connect(cookie);
      const chat = await connect(cookie, '/chat');
      const phone = await connect(await login(solo.node.url, 'alice'));
      const ended = Promise.all([tab, chat].map(ending));
      await post(solo.node.url, route, cookie);
      for (const end of await ended) {
        assert.deepEqual(end.order, ['session_ended:logout', 'disconnect:io server disconnect']);
      }
      assert.equal(await stillConnectedAfter(phone), true);
      await assert.rejects(connectSocket(solo.node.url, cookie), /No session found/, 'the old cookie no longer connects');
    });
  }

  it("logout with scope 'user' ends every session of the user", async () => {
    const cookie = await login(solo.node.url, 'alice');
    const tab = await connect(cookie);
    const phone = await connect(await login(solo.node.url, 'alice'));
    const bob = await connect(await login(solo.node.url, 'bob'));
    const ended = Promise.all([tab, phone].map(ending));
    await post(solo.node.url, '/logout?scope=user', cookie);
    for (const end of await ended) assert.equal(end.told, 'logout');
    assert.equal(await stillConnectedAfter(bob), true);
  });
});

describe('rooms stay off for an app that does not opt in', () => {
  let node: ClusterNode;
  const open: ClientSocket[] = [];
  before(async () => {
    node = await startNode({ name: 'legacy', store: new session.MemoryStore(), authorize: { rooms: false } });
  });
  after(async () => {
    closeAll(open);
    await node.close();
  });

  it('joins no room but its own and leaves socket.data alone', async () => {
    const socket = await connectSocket(node.url, await login(node.url, 'alice'));
    open.push(socket);
    const seen = await askWhoami(socket);
    assert.deepEqual(seen.rooms, [socket.id]);
    assert.equal(seen.identity, null);
    assert.equal(node.io.of('/').listenerCount('connection'), 1, 'no listener of the package on the namespace');
  });
});

function askWhoami(socket: ClientSocket): Promise<any> {
  return new Promise((resolve) => socket.emit('whoami', resolve));
}
