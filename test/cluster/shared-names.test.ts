/**
 * Room names are handed to the adapter and `socket.data` as shared copies (see sharedName in
 * src/cluster/rooms.ts): whatever the app's naming functions return must come back unchanged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Server } from 'socket.io';
import { forgetNamesOfDeletedRooms, sharedName, sharedNameCount } from '../../src/cluster/rooms';

describe('shared room names', () => {
  it('gives back every name with exactly its characters, one after the other', () => {
    const names = [
      'passport:session:AAAAAAAAAAAAAAAAAAAAAA',
      'passport:user:1',
      '5',
      '05',
      '4294967295',
      '-0',
      '__proto__',
      'constructor',
      'toString',
      'room with spaces',
      'salle:élève:😀',
      `long:${'x'.repeat(10_000)}`,
    ];
    for (const name of names) assert.equal(sharedName(name), name);
    for (const name of [...names].reverse()) assert.equal(sharedName(`${name}`), name);
  });

  it('gives back the name an app builds at run time, not one it was given before', () => {
    for (let i = 0; i < 1000; i++) {
      const name = `passport:user:${i}`;
      assert.equal(sharedName(name), `passport:user:${i}`);
    }
  });

  it('lets go of a name once the last socket has left its room, and holds a bounded number of names', () => {
    const adapter = new Server().of('/').adapter;
    forgetNamesOfDeletedRooms(adapter);
    const room = sharedName(`passport:user:leaving-${process.pid}`);
    adapter.addAll('socket-1', new Set([room]));
    adapter.addAll('socket-2', new Set([sharedName(`passport:user:leaving-${process.pid}`)]));
    const held = sharedNameCount();
    adapter.delAll('socket-1');
    assert.equal(sharedNameCount(), held, 'the room still has a socket');
    adapter.delAll('socket-2');
    assert.equal(sharedNameCount(), held - 1);
    for (let i = 0; i < 70_000; i++) sharedName(`passport:user:many-${i}`);
    assert.ok(sharedNameCount() <= 65_536, `${sharedNameCount()} names held`);
  });
});
