/**
 * The tested matrix: which versions of what an app pins passport.socketio-compat is tested with.
 * This is the one place to change when the matrix changes; the package.json rule
 * (rules/pinned-versions.ts) reads it and nothing else. Ranges are npm semver ranges.
 */

/** The release of passport.socketio-compat this doctor moves apps to; `--fix` writes this range. */
export const COMPAT_RANGE = '^1.1.0';

export interface TestedPackage {
  /** The npm name an app pins. */
  name: string;
  /**
   * `peer`: passport.socketio-compat declares it in peerDependencies with the tested range, so npm
   * refuses (ERESOLVE) or moves a pin outside it. `app`: npm installs any version; only whether it
   * works is at stake (Express, session stores).
   */
  kind: 'peer' | 'app';
  /** The tested versions as one npm range (empty: none tested), and as people read it. */
  tested: string;
  shown: string;
  /** What to do with a version older than every tested one. */
  older: string;
}

// Session stores: passport.socketio-compat calls only express-session's store interface
// (get(sid, callback)), so a store that works with express-session is expected to work.
const STORE_ADVICE =
  'passport.socketio-compat only calls the store as express-session does (get(sid, callback)): log in once and connect a socket to check it';

export const TESTED: readonly TestedPackage[] = [
  {
    name: 'socket.io',
    kind: 'peer',
    tested: '>=1.4.0 <1.8.0 || >=2.0.4 <2.6.0 || >=3.0.0 <3.2.0 || >=4.0.0 <4.9.0',
    shown: '1.4 to 1.7, 2.0.4 to 2.5, 3.0 to 3.1, 4.0 to 4.8',
    older:
      "upgrade socket.io to 1.4 or later within its major first (1.0 to 1.3 fetch their client from GitHub at install time and are not tested; socket.io 0.9's io.set('authorization', ...) is never called by later versions), then swap the import",
  },
  {
    name: 'passport',
    kind: 'peer',
    tested: '^0.2.0 || ^0.3.0 || ^0.4.0 || ^0.5.0 || ^0.6.0 || ^0.7.0',
    shown: '0.2 to 0.7',
    older: 'upgrade Passport to 0.2 or later first',
  },
  {
    name: 'express-session',
    kind: 'peer',
    tested: '^1.11.0',
    shown: '1.11 and later 1.x',
    older: 'upgrade express-session to 1.11 or later first (sessions and cookies stay compatible across 1.x)',
  },
  {
    name: 'cookie-parser',
    kind: 'peer',
    tested: '^1.3.0',
    shown: '1.3 and later 1.x',
    older: 'upgrade cookie-parser to 1.3 or later, or drop the cookieParser option (it is optional)',
  },
  {
    name: 'express',
    kind: 'app',
    tested: '>=4.0.0 <6.0.0',
    shown: '4 and 5',
    older: "move to Express 4 with express-session first: Express 3's built-in session (connect) is not tested",
  },
  { name: 'connect-redis', kind: 'app', tested: '>=3.4.0 <4.0.0 || >=9.0.0 <10.0.0', shown: '3.4 and 9', older: STORE_ADVICE },
  { name: 'connect-pg-simple', kind: 'app', tested: '>=10.0.0 <11.0.0', shown: '10', older: STORE_ADVICE },
  { name: 'memorystore', kind: 'app', tested: '>=1.6.0 <2.0.0', shown: '1.6 and later 1.x', older: STORE_ADVICE },
  { name: 'session-file-store', kind: 'app', tested: '>=1.5.0 <2.0.0', shown: '1.5 and later 1.x', older: STORE_ADVICE },
  { name: 'connect-mongo', kind: 'app', tested: '', shown: 'none', older: STORE_ADVICE },
  { name: 'connect-mongodb-session', kind: 'app', tested: '', shown: 'none', older: STORE_ADVICE },
  { name: 'connect-session-sequelize', kind: 'app', tested: '', shown: 'none', older: STORE_ADVICE },
  { name: 'connect-sqlite3', kind: 'app', tested: '', shown: 'none', older: STORE_ADVICE },
  { name: 'connect-memcached', kind: 'app', tested: '', shown: 'none', older: STORE_ADVICE },
];
