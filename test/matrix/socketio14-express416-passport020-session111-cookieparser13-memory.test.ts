// The oldest release of every supported line at once: socket.io 1.4.0, Passport 0.2.0,
// express-session 1.11.0, cookie-parser 1.3.0, on the oldest Express 4 that has express.json().
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memoryStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v14',
    express: 'express-v416',
    passport: 'passport-v020',
    session: 'express-session-v111',
    cookieParser: 'cookie-parser-v13',
    store: memoryStore,
  }),
);
