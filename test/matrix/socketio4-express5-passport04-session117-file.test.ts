import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { fileStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io',
    express: 'express-v5',
    passport: 'passport-v04',
    session: 'express-session-v117',
    store: fileStore,
  }),
);
