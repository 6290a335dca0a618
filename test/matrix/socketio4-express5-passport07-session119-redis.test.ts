import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { redisStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io',
    express: 'express-v5',
    passport: 'passport',
    session: 'express-session',
    store: redisStore,
  }),
);
