// Passport 0.2 (it writes an empty passport field into every session) with memorystore, on socket.io 1.4.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memorystoreStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v14',
    express: 'express',
    passport: 'passport-v02',
    session: 'express-session',
    store: memorystoreStore,
  }),
);
