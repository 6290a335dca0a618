// Runs every test/**/*.test.ts with node's test runner (TypeScript through tsx). Node 20 has no
// globs for --test, hence this list. Pass paths or folders to run a part: npm test -- test/matrix
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', 'fixtures', 'corpus', 'types']);

function collect(path, out) {
  if (statSync(path).isFile()) {
    if (path.endsWith('.test.ts')) out.push(path);
    return out;
  }
  for (const entry of readdirSync(path).sort()) {
    if (!SKIP.has(entry)) collect(join(path, entry), out);
  }
  return out;
}

const args = process.argv.slice(2);
const roots = args.length > 0 ? args.map((arg) => join(root, arg)) : [join(root, 'test')];
const files = roots.flatMap((path) => collect(path, [])).map((file) => relative(root, file));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// A bound on each test file (and each test in it), so that a hang fails with its name instead of
// running until CI gives up. The slowest file takes about a minute on a busy 2-core machine.
const timeoutMs = process.env.TEST_TIMEOUT_MS ?? String(5 * 60 * 1000);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`, '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
