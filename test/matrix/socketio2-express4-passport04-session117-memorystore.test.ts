import { behaviourSuite } from '../behaviour/suite';
import { defineStack } from '../support/stack';
import { memorystoreStore } from '../support/stores';

behaviourSuite(
  defineStack({
    socketIo: 'socket.io-v2',
    express: 'express',
    passport: 'passport-v04',
    session: 'express-session-v117',
    store: memorystoreStore,
  }),
);
