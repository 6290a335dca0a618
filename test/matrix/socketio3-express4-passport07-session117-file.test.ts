import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { fileStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v3',
    express: 'express',
    passport: 'passport',
    session: 'express-session-v117',
    store: fileStore,
  }),
);
