// The oldest socket.io 2 release we support (2.0.4) with the oldest Passport 0.3 and express-session 1.11.0.
import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { fileStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v20',
    express: 'express-v416',
    passport: 'passport-v030',
    session: 'express-session-v111',
    cookieParser: 'cookie-parser-v13',
    store: fileStore,
  }),
);
