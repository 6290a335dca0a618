// Mutation testing, one scope at a time: `npm run mutation` runs every scope in turn
// (scripts/mutation.mjs); `npm run mutation -- engine` runs one. Not part of CI: the ten scopes
// take a few hours on two cores. Results and the surviving mutants are explained in
// docs/mutation.md; `node scripts/mutation-summary.mjs` prints the table per module.
//
// The tap runner runs each test file directly (`node --import tsx --test-reporter=tap <file>`),
// so Stryker sees per-file coverage and runs only the files of the scope that reach a mutant.

// The property tests run 30 cases per mutant instead of 350 (see test/hardening/properties.test.ts):
// a mutant that breaks a property breaks it for most inputs. Worker processes inherit this.
process.env.FC_RUNS ??= '30';

/**
 * What each scope mutates, and the in-process suites (real servers, real clients, real stores)
 * that may kill its mutants, cheapest first since a failing file ends a mutant's run.
 * Left out everywhere: index.ts, types.ts and client.ts (exports, types, the browser helper with a
 * suite of its own), log.ts (one line).
 */
/** The suites every part of the handshake is reached by: edges, security, store answers, socket.io 4 and 2. */
const HANDSHAKE_SUITES = [
  'test/hardening/edges.test.ts',
  'test/hardening/security.test.ts',
  'test/hardening/answers.test.ts',
  'test/matrix/socketio4-express4-passport07-session119-memory.test.ts',
  'test/matrix/socketio2-express4-passport04-session117-memory.test.ts',
];

const scopes = {
  // The core, part 1: every option and its check, and the coded errors. Killed by the option
  // suites and the handshake suites that pass options; the slow suites of part 2 add nothing here.
  options: {
    mutate: ['src/options.ts', 'src/errors.ts'],
    testFiles: [
      'test/errors.test.ts',
      'test/options-messages.test.ts',
      'test/options.test.ts',
      // options.ts also holds the strategy, rooms, liveSession and cookieSession options.
      'test/authorize-strategy/options.test.ts',
      'test/cluster/options.test.ts',
      'test/session/options.test.ts',
      'test/identify/cookie-session.test.ts',
      'test/hardening/edges.test.ts',
      'test/hardening/security.test.ts',
      'test/hardening/answers.test.ts',
      'test/matrix/socketio4-express4-passport07-session119-memory.test.ts',
      'test/events/decision-events.test.ts',
    ],
  },
  // The core, part 2: who is this? Identification by session: the session id from the cookie or
  // query, the store read, the Passport user.
  identify: {
    mutate: ['src/identify/session.ts', 'src/identify/session-id.ts', 'src/identify/session-store.ts', 'src/identify/passport-user.ts'],
    testFiles: [
      ...HANDSHAKE_SUITES,
      'test/matrix/socketio4-express5-passport050-session119-cookieparser13-memory.test.ts',
      'test/hardening/properties.test.ts',
      // What the run of 2026-12-01 lacked (docs/mutation.md): the session option's Session, a
      // handshake's timings and sessionIdRejected fact, and the work the cookie reader saves.
      'test/session/socket-session.test.ts',
      'test/hardening/cookie-reading.test.ts',
      'test/events/decision-events.test.ts',
    ],
  },
  // The core, part 2b: legacy apps' cookieParser option, read by the built-in reader when it reads alike.
  'cookie-parser': {
    mutate: ['src/identify/cookie-parser-match.ts'],
    testFiles: [
      'test/matrix/socketio4-express5-passport050-session119-cookieparser13-memory.test.ts',
      'test/hardening/cookie-reading.test.ts',
    ],
  },
  // The core, part 3: the decision (callbacks, accept forms, verdict), its delivery to socket.io,
  // the legacy contract and the entry point that composes them.
  decide: {
    mutate: [
      'src/authorize.ts',
      'src/decide/callbacks.ts',
      'src/decide/settlement.ts',
      'src/decide/settle-once.ts',
      'src/decide/handshake-user.ts',
      'src/deliver/socket.ts',
      'src/deliver/connection-user.ts',
      'src/deliver/client-error.ts',
      'src/legacy/accept.ts',
      'src/legacy/socketio-09.ts',
      'src/filter-sockets-by-user.ts',
    ],
    testFiles: [
      ...HANDSHAKE_SUITES,
      'test/cluster/helpers.test.ts',
      'test/hardening/properties.test.ts',
      // The facts each decision reports (sources, timings) and the user id the rooms are named by.
      'test/events/decision-events.test.ts',
      // Added after the run of 2026-12-01 (docs/mutation.md): each namespace socket's own user.
      'test/hardening/namespaces.test.ts',
    ],
  },
  // authorizeEngine: the handshake at engine.io's level, and the recovery guard.
  engine: {
    mutate: ['src/authorize-engine.ts', 'src/deliver/engine.ts', 'src/deliver/recovery.ts'],
    testFiles: [
      'test/authorize-engine/engine-bypass.test.ts',
      'test/authorize-engine/engine.test.ts',
      'test/hardening/recovery.test.ts',
      // The recovery guard runs in every socket-level handshake: a server without recovery must admit.
      'test/matrix/socketio4-express4-passport07-session119-memory.test.ts',
    ],
  },
  // authorizeStrategy: tokens through a Passport strategy, alone or beside the session.
  strategy: {
    mutate: [
      'src/authorize-strategy.ts',
      'src/identify/strategy.ts',
      'src/identify/strategy-failures.ts',
      'src/identify/token.ts',
      'src/identify/session-or-token.ts',
      'src/deliver/token-expiry.ts',
    ],
    testFiles: [
      'test/authorize-strategy/options.test.ts',
      'test/authorize-strategy/session-and-token.test.ts',
      'test/authorize-engine/engine.test.ts',
      'test/authorize-strategy/strategy.test.ts',
      'test/authorize-strategy/expiry.test.ts',
      // How clients send tokens, which place wins, socket.io 2, the recovery guard, jose's failures.
      'test/authorize-strategy/token-reading.test.ts',
    ],
  },
  // rooms and the helpers that act on a user or a session across the cluster. The suites that run
  // nodes in processes of their own are left out: Stryker sees the coverage of its own process only.
  cluster: {
    mutate: [
      'src/cluster/rooms.ts',
      'src/cluster/identity.ts',
      'src/cluster/accepted-socket.ts',
      'src/cluster/user-sockets.ts',
      'src/cluster/socket-io.ts',
      'src/cluster/logout.ts',
      'src/cluster/ended-rooms.ts',
    ],
    testFiles: [
      'test/cluster/options.test.ts',
      'test/cluster/helper-arguments.test.ts',
      'test/cluster/lookup-timeout.test.ts',
      'test/cluster/session-key.test.ts',
      'test/cluster/shared-names.test.ts',
      'test/cluster/room-naming.test.ts',
      'test/cluster/rooms-not-named.test.ts',
      'test/cluster/helpers.test.ts',
      'test/cluster/logout.test.ts',
      'test/session/ended-rooms.test.ts',
      'test/cluster/older-majors.test.ts',
      'test/session/reconnect.test.ts',
      'test/cluster/live-session.test.ts',
      'test/session/cluster.test.ts',
    ],
  },
  // liveSession, the socket's session, login and logout from a socket, and disconnects that reconnect.
  'live-session': {
    mutate: [
      'src/cluster/live-session.ts',
      'src/cluster/session-ended.ts',
      'src/cluster/socket-session.ts',
      'src/cluster/socket-login.ts',
      'src/cluster/reconnect.ts',
    ],
    testFiles: [
      'test/session/options.test.ts',
      'test/cluster/live-session.test.ts',
      'test/session/refresh-user.test.ts',
      'test/session/socket-events.test.ts',
      'test/session/reconnect.test.ts',
      'test/session/login.test.ts',
      'test/session/socket-session.test.ts',
      'test/cluster/older-majors.test.ts',
      'test/session/cluster.test.ts',
    ],
  },
  // What operators see: decision events, socket events and the metrics built on them.
  events: {
    mutate: ['src/events/*.ts', 'src/observers.ts'],
    testFiles: ['test/events/decision-events.test.ts', 'test/events/metrics.test.ts', 'test/session/socket-events.test.ts'],
  },
  // session: { rolling }: its suite waits for real intervals, so it kills rolling.ts's mutants alone.
  rolling: {
    mutate: ['src/cluster/rolling.ts'],
    testFiles: ['test/session/options.test.ts', 'test/session/rolling.test.ts'],
  },
};

const scopeName = process.env.MUTATION_SCOPE ?? 'options';
const scope = scopes[scopeName];
if (!scope) throw new Error(`MUTATION_SCOPE must be one of ${Object.keys(scopes).join(', ')}; got ${scopeName}`);
// scripts/mutation-watchdog.cjs: how long one test file may run under a mutant before it counts as
// failed (the slowest file of a scope takes 7 s alone, rolling's 19 s).
process.env.MUTATION_FILE_LIMIT_MS ??=
  scopeName === 'rolling' ? '60000' : scopeName === 'cluster' || scopeName === 'live-session' ? '30000' : '20000';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
  packageManager: 'npm',
  plugins: ['@stryker-mutator/tap-runner'],
  testRunner: 'tap',
  tap: {
    testFiles: scope.testFiles,
    nodeArgs: ['--import', 'tsx', '--require', './scripts/mutation-watchdog.cjs', '--test-reporter=tap'],
    forceBail: true,
  },
  mutate: scope.mutate,
  ignorePatterns: ['dist', 'reports', '.tmp', 'bench', 'demo', 'coverage', '*.tgz', 'packages/*/node_modules'],
  coverageAnalysis: 'perTest',
  // Module-level mutants would need every test file for each; the constants they touch are
  // checked by the tests that read them.
  ignoreStatic: true,
  concurrency: 2,
  // A mutant that leaves a handshake undecided is a timeout (detected): 5 s past the normal time is plenty.
  timeoutMS: 5000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${scopeName}.html` },
  jsonReporter: { fileName: `reports/mutation/${scopeName}.json` },
  tempDirName: `.stryker-tmp-${scopeName}`,
  cleanTempDir: true,
};
