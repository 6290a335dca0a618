import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memoryStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io',
    express: 'express',
    passport: 'passport',
    session: 'express-session',
    store: memoryStore,
  }),
);
