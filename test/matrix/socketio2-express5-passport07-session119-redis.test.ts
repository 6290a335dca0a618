// Still on socket.io 2, with Express and Passport already upgraded.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { redisStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v2',
    express: 'express-v5',
    passport: 'passport',
    session: 'express-session',
    store: redisStore,
  }),
);
