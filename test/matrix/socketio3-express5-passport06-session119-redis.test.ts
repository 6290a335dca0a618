import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { redisStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v3',
    express: 'express-v5',
    passport: 'passport-v06',
    session: 'express-session',
    store: redisStore,
  }),
);
