/**
 * logoutSockets on one node, over real Express logins (Passport 0.7) and real socket.io-client
 * connections: it ends the sockets once the logout's response has been sent (never before, so that
 * a socket opened meanwhile cannot slip through), at once when there is no response to wait for or
 * it was already sent, and with scope 'user' it finds the user under the Passport instance's own
 * session key. The cluster runs of the same helpers are in cluster-suite.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import session from 'express-session';
import { logoutSockets } from '../../src';
import { type ClusterNode, startNode } from './apps/node-app';
import { soloNode } from './solo-node';
import { type ClientSocket, closeAll, connectSocket, type Ending, ending, login, post, sessionIdOf, stillConnectedAfter } from './support';

/** How the socket ended, or 'still connected' when it had not after `ms`. */
function endingWithin(socket: ClientSocket, ms: number): Promise<Ending | 'still connected'> {
  return Promise.race([ending(socket), new Promise<'still connected'>((resolve) => setTimeout(() => resolve('still connected'), ms))]);
}

describe('logoutSockets on one node', () => {
  const solo = soloNode({ name: 'solo', store: new session.MemoryStore() });
  const connect = (cookie: string, namespace?: string) => solo.connect(cookie, namespace);

  it('keeps the sockets until the logout response is sent, then ends them', async () => {
    const cookie = await login(solo.node.url, 'alice');
    const socket = await connect(cookie);
    const ended = ending(socket);
    const responded = post(solo.node.url, '/logout-late', cookie);
    // The route answers 400 ms after logoutSockets and req.logout.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(socket.connected, true, 'ended before the response was sent');
    await responded;
    assert.deepEqual((await ended).order, ['session_ended:logout', 'disconnect:io server disconnect']);
  });

  it('ends the sockets at once when called after the response was sent', async () => {
    const cookie = await login(solo.node.url, 'alice');
    const socket = await connect(cookie);
    const other = await connect(await login(solo.node.url, 'alice'));
    await post(solo.node.url, '/end-after-response', cookie);
    const outcome = await endingWithin(socket, 3000);
    assert.notEqual(outcome, 'still connected');
    assert.equal(outcome !== 'still connected' && outcome.told, 'logout');
    assert.equal(await stillConnectedAfter(other), true, "the user's other session stays");
  });

  it('ends the sockets at once for a request without a response object (a session id alone)', async () => {
    const cookie = await login(solo.node.url, 'bob');
    const socket = await connect(cookie);
    logoutSockets(solo.node.io, { sessionID: sessionIdOf(cookie) }, { reason: 'revoked' });
    const outcome = await endingWithin(socket, 3000);
    assert.equal(outcome !== 'still connected' && outcome.told, 'revoked');
  });

  it("with scope 'user' and no user on the request, ends the request's session only", async () => {
    const cookie = await login(solo.node.url, 'bob');
    const socket = await connect(cookie);
    const otherSession = await connect(await login(solo.node.url, 'bob'));
    logoutSockets(solo.node.io, { sessionID: sessionIdOf(cookie) }, { scope: 'user' });
    const outcome = await endingWithin(socket, 3000);
    assert.equal(outcome !== 'still connected' && outcome.told, 'logout');
    assert.equal(await stillConnectedAfter(otherSession), true);
  });

  it("with scope 'user', reads the user from the request's session when req.user is gone", async () => {
    const cookie = await login(solo.node.url, 'bob');
    const first = await connect(cookie);
    const second = await connect(await login(solo.node.url, 'bob'));
    const alice = await connect(await login(solo.node.url, 'alice'));
    const request = { sessionID: sessionIdOf(cookie), session: { passport: { user: 2 } } };
    logoutSockets(solo.node.io, request, { scope: 'user' });
    for (const socket of [first, second]) {
      const outcome = await endingWithin(socket, 3000);
      assert.equal(outcome !== 'still connected' && outcome.told, 'logout');
    }
    assert.equal(await stillConnectedAfter(alice), true);
  });
});

describe("logoutSockets with scope 'user' reads the serialized user under the Passport instance's own session key", () => {
  let node: ClusterNode;
  const open: ClientSocket[] = [];
  before(async () => {
    node = await startNode({ name: 'keyed', store: new session.MemoryStore(), passportKey: 'auth', userWithoutId: true });
  });
  after(async () => {
    closeAll(open);
    await node.close();
  });

  it("ends every session of a user without id, found through session['auth'].user (the key the request tells)", async () => {
    const first = await login(node.url, 'alice');
    const second = await login(node.url, 'alice');
    const here = await connectSocket(node.url, first);
    const elsewhere = await connectSocket(node.url, second);
    const bob = await connectSocket(node.url, await login(node.url, 'bob'));
    open.push(here, elsewhere, bob);
    await post(node.url, '/logout?scope=user', first);
    assert.equal((await ending(here)).told, 'logout');
    assert.equal((await ending(elsewhere)).told, 'logout', "the user's other session was not ended");
    assert.equal(await stillConnectedAfter(bob), true);
  });

  it('finds it through the passport option when the request does not tell the key', async () => {
    const cookie = await login(node.url, 'bob');
    const here = await connectSocket(node.url, cookie);
    const elsewhere = await connectSocket(node.url, await login(node.url, 'bob'));
    open.push(here, elsewhere);
    const request = { sessionID: sessionIdOf(cookie), session: { auth: { user: 2 }, passport: { user: 1 } } };
    logoutSockets(node.io, request, { scope: 'user', passport: { _key: 'auth' } });
    for (const socket of [here, elsewhere]) {
      const outcome = await endingWithin(socket, 3000);
      assert.equal(outcome !== 'still connected' && outcome.told, 'logout');
    }
  });
});
