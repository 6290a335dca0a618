// Passport 0.3 with sessions in Redis, on the oldest socket.io 4.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { redisStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v40',
    express: 'express-v5',
    passport: 'passport-v03',
    session: 'express-session',
    store: redisStore,
  }),
);
