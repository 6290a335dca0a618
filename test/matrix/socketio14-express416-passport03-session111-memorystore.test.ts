// A 2015-era app: socket.io 1.4, Express 4.16, Passport 0.3, express-session 1.11 with memorystore.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memorystoreStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v14',
    express: 'express-v416',
    passport: 'passport-v03',
    session: 'express-session-v111',
    store: memorystoreStore,
  }),
);
