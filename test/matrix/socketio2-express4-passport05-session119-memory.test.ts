import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memoryStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v2',
    express: 'express',
    passport: 'passport-v05',
    session: 'express-session',
    store: memoryStore,
  }),
);
