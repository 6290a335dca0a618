// A legacy app with its sessions in Redis.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { redisStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v2',
    express: 'express',
    passport: 'passport-v04',
    session: 'express-session',
    store: redisStore,
  }),
);
