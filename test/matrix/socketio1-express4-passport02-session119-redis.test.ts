// The newest socket.io 1 (1.7.4) and Passport 0.2 (0.2.2), sessions in Redis.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { redisStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v1',
    express: 'express',
    passport: 'passport-v02',
    session: 'express-session',
    store: redisStore,
  }),
);
