/**
 * The room names of accepted sockets are remembered per naming, by session id and by user id,
 * while their rooms exist (see sessionRoomName in src/cluster/rooms.ts): whatever the app's naming
 * functions return must come back unchanged, for exactly the session or user it was made for.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Server } from 'socket.io';
import { forgetNamesOfDeletedRooms, roomNameCount, sessionKeyOf, sessionRoomName, userRoomName } from '../../src/cluster/rooms';
import { checkRoomsObject, DEFAULT_ROOM_NAMING } from '../../src/options';

describe('remembered room names', () => {
  it("gives back exactly what the app's naming functions return, the first time and every time after", () => {
    const odd = [
      '5',
      '05',
      '4294967295',
      '-0',
      '__proto__',
      'constructor',
      'room with spaces',
      'salle:élève:😀',
      `long:${'x'.repeat(10_000)}`,
    ];
    const naming = checkRoomsObject({ sessionRoom: (key: string) => `s:${key}`, userRoom: (id: unknown) => `${typeof id}:${id}` }, 'rooms');
    for (let round = 0; round < 2; round++) {
      for (const id of odd) {
        assert.equal(userRoomName(naming, id), `string:${id}`);
        assert.equal(sessionRoomName(naming, id), `s:${sessionKeyOf(id)}`);
      }
    }
  });

  it('never hands one session or user the room of another, however alike their ids', () => {
    const naming = checkRoomsObject({ userRoom: (id: unknown) => `${typeof id}:${id}` }, 'rooms');
    assert.equal(userRoomName(naming, 5), 'number:5');
    assert.equal(userRoomName(naming, '5'), 'string:5');
    assert.equal(userRoomName(naming, 5), 'number:5');
    const first = sessionRoomName(DEFAULT_ROOM_NAMING, 'abcdefghijklmnopqrstuvwxyz012345');
    const second = sessionRoomName(DEFAULT_ROOM_NAMING, 'abcdefghijklmnopqrstuvwxyz012346');
    assert.notEqual(first, second);
    assert.equal(first, `passport:session:${sessionKeyOf('abcdefghijklmnopqrstuvwxyz012345')}`);
    assert.equal(second, `passport:session:${sessionKeyOf('abcdefghijklmnopqrstuvwxyz012346')}`);
  });

  it('keeps the names of two namings apart', () => {
    const a = checkRoomsObject({ userRoom: (id: unknown) => `a:${id}` }, 'rooms');
    const b = checkRoomsObject({ userRoom: (id: unknown) => `b:${id}` }, 'rooms');
    assert.equal(userRoomName(a, 'alice'), 'a:alice');
    assert.equal(userRoomName(b, 'alice'), 'b:alice');
    assert.equal(userRoomName(a, 'alice'), 'a:alice');
  });

  it('does not remember what is not a room name, and asks the naming again next time', () => {
    let calls = 0;
    const naming = checkRoomsObject({ userRoom: () => (++calls === 1 ? '' : 'second') }, 'rooms');
    assert.equal(userRoomName(naming, 'u'), '');
    assert.equal(userRoomName(naming, 'u'), 'second');
    assert.equal(userRoomName(naming, 'u'), 'second');
    assert.equal(calls, 2);
  });

  it('lets go of a name once the last socket has left its room, and holds a bounded number of names', () => {
    const adapter = new Server().of('/').adapter;
    forgetNamesOfDeletedRooms(adapter);
    const room = userRoomName(DEFAULT_ROOM_NAMING, `leaving-${process.pid}`) as string;
    const sessionRoom = sessionRoomName(DEFAULT_ROOM_NAMING, `leaving-session-${process.pid}`) as string;
    adapter.addAll('socket-1', new Set([room, sessionRoom]));
    adapter.addAll('socket-2', new Set([room]));
    const held = roomNameCount();
    adapter.delAll('socket-1');
    assert.equal(roomNameCount(), held - 1, "the session's room was deleted, the user's still has a socket");
    adapter.delAll('socket-2');
    assert.equal(roomNameCount(), held - 2);
    for (let i = 0; i < 70_000; i++) userRoomName(DEFAULT_ROOM_NAMING, `many-${i}`);
    assert.ok(roomNameCount() <= 2 * 65_536, `${roomNameCount()} names held`);
    assert.equal(userRoomName(DEFAULT_ROOM_NAMING, 'many-69999'), 'passport:user:many-69999');
  });
});
