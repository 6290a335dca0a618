// Loaded into each test file Stryker runs (stryker.config.mjs, `--require`). Under a mutant that
// leaves a handshake undecided, a test file can wait for ever; Stryker's own timeout for a mutant
// is the normal time of every test file reaching it, times 1.5, plus 10 s: a minute and more for
// the handshake's mutants, reached by every suite. A file that runs past MUTATION_FILE_LIMIT_MS
// (several times the slowest file's normal time) fails instead, with a TAP line saying why, so the
// mutant counts as detected, as a Stryker timeout would.
const limitMs = Number(process.env.MUTATION_FILE_LIMIT_MS ?? 20_000);
setTimeout(() => {
  process.stdout.write(`\nnot ok 9999 - the test file did not finish within ${limitMs} ms\n`);
  process.exit(1);
}, limitMs).unref();
