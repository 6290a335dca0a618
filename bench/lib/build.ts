/**
 * The benchmarks measure the package as users get it: compiled by tsc, as `npm run build` does,
 * never through tsx (whose esbuild transform wraps every closure in a naming helper and would
 * slow this package's code, and only it, down). Each run compiles src and the bench workers into
 * a directory of its own, so that runs (and `npm test` rebuilding dist/) never collide.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export function buildBench(): string {
  const outDir = join(REPO_ROOT, '.tmp', `bench-build-${process.pid}`);
  rmSync(outDir, { recursive: true, force: true });
  const result = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(REPO_ROOT, 'bench/tsconfig.json'), '--outDir', outDir],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  const worker = join(outDir, 'bench', 'workers', 'auth-worker.js');
  if (!existsSync(worker)) {
    throw new Error(`compiling the benchmark failed:\n${result.stdout}${result.stderr}`);
  }
  if (result.status !== 0) {
    // Type errors elsewhere in a tree being edited do not stop tsc from emitting JavaScript.
    process.stderr.write(`tsc reported type errors; benchmarking the emitted JavaScript anyway:\n${result.stdout}\n`);
  }
  process.env.BENCH_BUILD_DIR = outDir;
  return outDir;
}

export function removeBuild(outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
}
