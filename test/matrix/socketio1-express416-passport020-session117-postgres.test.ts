// Passport 0.2.0 with sessions in PostgreSQL, on the newest socket.io 1.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { postgresStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v1',
    express: 'express-v416',
    passport: 'passport-v020',
    session: 'express-session-v117',
    store: postgresStore,
  }),
);
