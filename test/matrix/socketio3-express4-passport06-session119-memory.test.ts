import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memoryStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v3',
    express: 'express',
    passport: 'passport-v06',
    session: 'express-session',
    store: memoryStore,
  }),
);
