// The oldest socket.io 4 (4.0.0) with the oldest Passport 0.4 (0.4.0) and express-session 1.11.0.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memorystoreStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v40',
    express: 'express',
    passport: 'passport-v040',
    session: 'express-session-v111',
    store: memorystoreStore,
  }),
);
