// The oldest Passport 0.3 with the MemoryStore, on the newest socket.io 1.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memoryStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v1',
    express: 'express',
    passport: 'passport-v030',
    session: 'express-session-v117',
    store: memoryStore,
  }),
);
