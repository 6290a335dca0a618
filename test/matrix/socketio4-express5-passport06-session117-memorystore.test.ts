import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memorystoreStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io',
    express: 'express-v5',
    passport: 'passport-v06',
    session: 'express-session-v117',
    store: memorystoreStore,
  }),
);
