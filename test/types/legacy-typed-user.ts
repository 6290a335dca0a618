// A typed app that declares its user on Express.User, as Passport's own types ask, and was written
// against @types/passport.socketio: the filter and the callbacks read the app's fields. With this
// package the anonymous side of the user reads as undefined, and logged_in narrows to the full user.
// Compiled unchanged, with strict on, for every moduleResolution (test/types.test.ts).

import * as session from 'express-session';
import * as passportSocketIo from 'passport.socketio';
import { Server, type Socket } from 'socket.io';

declare global {
  namespace Express {
    interface User {
      id: string;
      username: string;
      profile: { displayName: string };
    }
  }
}

const io = new Server();
const store = new session.MemoryStore();

io.use(
  passportSocketIo.authorize({
    secret: 'typed secret',
    store,
    success: (data, accept) => {
      // success only ever sees a found user: its fields are the app's, not undefined-able.
      const name: string = data.user.profile.displayName.toUpperCase();
      console.log(name, data.user.username.length);
      accept(null, true);
    },
    fail: (data, message, critical, accept) => {
      const username: string | undefined = data.user.username;
      if (data.user.logged_in) console.log(data.user.profile.displayName);
      accept(critical ? new Error(message) : null, !!username);
    },
  }),
);

const johns: Socket[] = passportSocketIo.filterSocketsByUser(io, (user) => user.username === 'john');
const byId = (id: string): Socket[] => passportSocketIo.filterSocketsByUser(io, (user) => user.logged_in && user.id === id);
const named = passportSocketIo.filterSocketsByUser(io, (user) => {
  if (!user.logged_in) return false;
  const displayName: string = user.profile.displayName;
  return displayName.startsWith('J');
});
io.on('connection', (socket) => {
  const user = socket.request.user;
  if (user?.logged_in) socket.emit('hello', user.username);
});
console.log(johns.length, byId('1').length, named.length);
