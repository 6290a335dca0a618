// Passport 0.2 with session-file-store, on the oldest socket.io 2.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { fileStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v20',
    express: 'express',
    passport: 'passport-v02',
    session: 'express-session',
    store: fileStore,
  }),
);
