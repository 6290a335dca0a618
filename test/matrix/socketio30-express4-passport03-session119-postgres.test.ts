// The oldest socket.io 3 (3.0.0) with the newest Passport 0.3 (0.3.2), sessions in PostgreSQL.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { postgresStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v30',
    express: 'express',
    passport: 'passport-v03',
    session: 'express-session',
    store: postgresStore,
  }),
);
