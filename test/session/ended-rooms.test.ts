/**
 * disconnectSession and disconnectUser announce the rooms they end before ending them, as
 * logoutSockets does: a handshake that read the session before the disconnect and is decided
 * after it is refused, not admitted into rooms that were already ended.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import session from 'express-session';
import { type ClusterNode, startNode } from '../cluster/apps/node-app';
import { type ClientSocket, connectSocket, ending, get, login, post, until } from '../cluster/support';

describe('a handshake in flight when disconnectSession or disconnectUser ends its rooms', () => {
  let node: ClusterNode;
  before(async () => {
    node = await startNode({ name: 'solo', store: new session.MemoryStore() });
  });
  after(async () => {
    await node.close();
  });

  async function handshakeThrough(cookie: string, disconnect: () => Promise<unknown>): Promise<ClientSocket | Error> {
    await post(node.url, '/test/hold');
    const connecting = connectSocket(node.url, cookie).then(
      (socket) => socket,
      (err: Error) => err,
    );
    await until(
      () => get(node.url, '/test/held'),
      (answer) => answer.held === true,
    );
    await disconnect();
    await post(node.url, '/test/release');
    return connecting;
  }

  it('is refused after disconnectSession ended its session, while the connected socket is ended', async () => {
    const cookie = await login(node.url, 'alice');
    const connected = await connectSocket(node.url, cookie);
    const outcome = await handshakeThrough(cookie, () => post(node.url, '/disconnect/my-session', cookie));
    assert.equal((await ending(connected)).told, 'revoked');
    if (!(outcome instanceof Error)) outcome.close();
    assert.ok(outcome instanceof Error, 'the handshake in flight was admitted after its session was disconnected');
    assert.equal(outcome.message, 'No session found');
  });

  it('is refused after disconnectUser ended its user, and a new handshake afterwards is admitted', async () => {
    const cookie = await login(node.url, 'alice');
    const outcome = await handshakeThrough(cookie, () => post(node.url, '/disconnect/user/1?reason=banned'));
    if (!(outcome instanceof Error)) outcome.close();
    assert.ok(outcome instanceof Error, 'the handshake in flight was admitted after its user was disconnected');
    const later = await connectSocket(node.url, cookie);
    assert.equal(later.connected, true);
    later.close();
  });
});
