// The newest socket.io 4 with the oldest Passport 0.5 (0.5.0) and cookie-parser 1.3.0.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memoryStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io',
    express: 'express-v5',
    passport: 'passport-v050',
    session: 'express-session',
    cookieParser: 'cookie-parser-v13',
    store: memoryStore,
  }),
);
