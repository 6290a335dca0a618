// The stack most legacy passport.socketio apps run: the first migration step swaps only the import.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memoryStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v2',
    express: 'express',
    passport: 'passport-v04',
    session: 'express-session-v117',
    store: memoryStore,
  }),
);
