// Mutation testing of the decision core: `npm run mutation` (not part of CI: about 40 minutes on
// two cores). Results and the surviving mutants are explained in docs/mutation.md.
//
// The tap runner runs each test file directly (`node --import tsx --test-reporter=tap <file>`),
// in-process, so Stryker sees per-file coverage and runs only the files that reach a mutant.

// The property tests run 100 cases per mutant instead of 350 (see test/hardening/properties.test.ts);
// worker processes inherit this.
process.env.FC_RUNS ??= '100';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
  packageManager: 'npm',
  plugins: ['@stryker-mutator/tap-runner'],
  testRunner: 'tap',
  tap: {
    // Fast, in-process suites over real servers; the cheapest first, since a failing file ends the run.
    testFiles: [
      'test/options.test.ts',
      // options.ts also holds the strategy, rooms, liveSession and cookieSession options.
      'test/authorize-strategy/options.test.ts',
      'test/cluster/options.test.ts',
      'test/identify/cookie-session.test.ts',
      'test/hardening/edges.test.ts',
      'test/hardening/security.test.ts',
      'test/matrix/socketio4-express4-passport07-session119-memory.test.ts',
      'test/matrix/socketio2-express4-passport04-session117-memory.test.ts',
      'test/hardening/properties.test.ts',
      // The facts each decision reports (sources, timings) and the user id the rooms are named by.
      'test/events/decision-events.test.ts',
      'test/cluster/helpers.test.ts',
    ],
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap'],
    forceBail: true,
  },
  // The handshake decision and what it is built from: identification by session, the decision,
  // socket delivery, the legacy contract, errors and options. Left out: index.ts and types.ts
  // (exports and types), log.ts (one line), events/ (decision events, tested by
  // test/events), and the features with suites of their own (cli/, cluster/,
  // authorize-engine.ts and deliver/engine.ts, authorize-strategy.ts and identify's token modules).
  mutate: [
    'src/authorize.ts',
    'src/identify/session.ts',
    'src/identify/session-id.ts',
    'src/identify/session-store.ts',
    'src/identify/passport-user.ts',
    'src/decide/callbacks.ts',
    'src/decide/settlement.ts',
    'src/decide/settle-once.ts',
    'src/deliver/socket.ts',
    'src/deliver/client-error.ts',
    'src/legacy/accept.ts',
    'src/legacy/socketio-09.ts',
    'src/errors.ts',
    'src/options.ts',
    'src/filter-sockets-by-user.ts',
  ],
  ignorePatterns: ['dist', 'reports', '.tmp', 'bench', 'demo', 'coverage', '*.tgz'],
  coverageAnalysis: 'perTest',
  // Module-level mutants would need every test file for each; the constants they touch are
  // checked by the tests that read them.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
