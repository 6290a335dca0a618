import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { postgresStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io',
    express: 'express',
    passport: 'passport-v06',
    session: 'express-session-v117',
    store: postgresStore,
  }),
);
