import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { redisStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io',
    express: 'express',
    passport: 'passport-v05',
    session: 'express-session',
    store: redisStore,
  }),
);
