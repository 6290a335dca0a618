// Packaging proof: builds the package in a staging copy, packs it as `npm publish` would, lints the
// tarball (attw, publint), installs it into throwaway apps outside the repository (CommonJS, ES
// modules, TypeScript with every moduleResolution) and runs them; then installs it under the old
// name into a legacy app that says require("passport.socketio") and runs that, unchanged.
//
//   npm run check:package            (KEEP_PACKAGE_CHECK=1 keeps the temporary directory)
//
// The repository's own dist/ and node_modules are never written: other work may be using them.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'pssio-package-'));
const started = Date.now();
const lockfile = join(root, 'node_modules/.package-lock.json');
const lockBefore = existsSync(lockfile) ? statSync(lockfile).mtimeMs : undefined;

/** Runs a command, output captured; on failure prints it all and stops. */
function run(command, args, cwd, env = process.env) {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    throw new Error(`${[command, ...args].join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

/** A dev tool's CLI script (some packages do not export their package.json). */
function binOf(name, bin) {
  const pkgPath = (require.resolve.paths(name) ?? []).map((dir) => join(dir, name, 'package.json')).find((path) => existsSync(path));
  if (!pkgPath) throw new Error(`${name} is not installed (npm ci)`);
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  return join(dirname(pkgPath), typeof pkg.bin === 'string' ? pkg.bin : pkg.bin[bin]);
}

async function step(title, body) {
  const at = Date.now();
  process.stdout.write(`check-package: ${title} ... `);
  try {
    const note = await body();
    console.log(`ok (${((Date.now() - at) / 1000).toFixed(1)} s)${note ? `: ${note}` : ''}`);
  } catch (err) {
    console.log('FAILED');
    throw err;
  }
}

function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}:\n  expected ${e}\n  got      ${a}`);
}

/** npm in a throwaway directory: no npm_* variables of an outer `npm run` leak into it. */
function npmInstall(dir) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], dir, env);
}

/** The last JSON line a fixture printed. */
function reportOf(output) {
  const line = output.trim().split('\n').at(-1);
  return JSON.parse(line);
}

const TSC = join(root, 'node_modules/typescript/bin/tsc');
let tarball;

try {
  await step('build in a staging copy of the source', () => {
    const staging = join(work, 'source');
    mkdirSync(join(staging, 'scripts'), { recursive: true });
    for (const file of ['package.json', 'tsconfig.json', 'README.md', 'MIGRATION.md', 'LICENSE']) {
      if (existsSync(join(root, file))) copyFileSync(join(root, file), join(staging, file));
    }
    copyFileSync(join(root, 'scripts/build.mjs'), join(staging, 'scripts/build.mjs'));
    cpSync(join(root, 'src'), join(staging, 'src'), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(staging, 'node_modules'), 'dir');
    run(process.execPath, ['scripts/build.mjs'], staging);
  });

  await step('npm pack', () => {
    const staging = join(work, 'source');
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], staging));
    tarball = join(work, packed.filename);
    const files = packed.files.map((file) => file.path);
    const targets = [manifest.main, manifest.types, ...exportTargets(manifest.exports)].map((path) => path.replace(/^\.\//, ''));
    const missing = targets.filter((path) => !files.includes(path));
    if (missing.length > 0) throw new Error(`the tarball lacks files package.json points to: ${missing.join(', ')}`);
    for (const needed of ['package.json', 'README.md', 'MIGRATION.md', 'LICENSE']) {
      if (!files.includes(needed)) throw new Error(`the tarball lacks ${needed}`);
    }
    const stray = files.filter((path) => /^(src|test|scripts|node_modules|\.tmp)\//.test(path) || path.endsWith('.tgz'));
    if (stray.length > 0) throw new Error(`the tarball carries files users do not need: ${stray.slice(0, 10).join(', ')}`);
    return `${packed.filename}, ${files.length} files, ${(packed.size / 1024).toFixed(0)} kB`;
  });

  await step('attw (are the types wrong?) on the tarball', () => {
    run(process.execPath, [binOf('@arethetypeswrong/cli', 'attw'), tarball, '--format', 'ascii', '--no-color'], work);
    return 'no problems (node10, node16 from CJS and ESM, bundler)';
  });

  await step('publint on the tarball (warnings count as errors)', () => {
    const output = run(process.execPath, [binOf('publint', 'publint'), 'run', tarball, '--level', 'warning', '--strict'], work);
    return output.includes('All good') ? 'all good' : output.trim().split('\n').at(-1);
  });

  const consumer = join(work, 'consumer');
  await step('install the tarball into a throwaway app (CommonJS, ESM, TypeScript)', () => {
    cpSync(join(root, 'test/packaging/consumer'), consumer, { recursive: true });
    copyFileSync(tarball, join(consumer, 'passport.socketio-compat.tgz'));
    copyFileSync(join(consumer, 'typed.mts'), join(consumer, 'typed.ts'));
    npmInstall(consumer);
  });

  const live = (format) => ({
    format,
    visitor: { refused: 'No session found', code: 'ERR_NO_SESSION' },
    alice: { user: { id: 1, name: 'Alice', logged_in: true } },
  });
  await step('run the CommonJS app: require(), a real socket.io server and client', () => {
    const report = reportOf(run(process.execPath, ['app.cjs'], consumer));
    expectEqual(report.resolved, join(consumer, 'node_modules/passport.socketio-compat/dist/cjs/index.js'), 'require resolves to');
    expectEqual({ ...report, resolved: undefined }, { ...live('commonjs'), resolved: undefined }, 'CommonJS app');
  });

  await step('run the ES module app: named and default imports', () => {
    const report = reportOf(run(process.execPath, ['app.mjs'], consumer));
    const esm = pathToFileURL(join(consumer, 'node_modules/passport.socketio-compat/dist/esm/index.mjs')).href;
    expectEqual(report.resolved, esm, 'import resolves to');
    expectEqual({ ...report, resolved: undefined }, { ...live('esm'), resolved: undefined }, 'ES module app');
  });

  const typedReport = {
    refused: 'No session found',
    failures: [{ message: 'No session found', critical: false, code: 'ERR_NO_SESSION' }],
    invalid: 'ERR_INVALID_OPTION',
    found: 0,
    isAuthorizationError: true,
    noSession: 'ERR_NO_SESSION',
  };
  const compiled = { node10: ['typed.js'], node16: ['typed.js', 'typed.mjs'], nodenext: ['typed.js', 'typed.mjs'], bundler: [] };
  for (const [resolution, outputs] of Object.entries(compiled)) {
    const what =
      outputs.length > 0 ? `compile (strict, skipLibCheck off) and run ${outputs.join(' and ')}` : 'typecheck (strict, skipLibCheck off)';
    await step(`TypeScript, moduleResolution ${resolution}: ${what}`, () => {
      run(process.execPath, [TSC, '-p', `tsconfig.${resolution}.json`], consumer);
      for (const output of outputs) {
        expectEqual(reportOf(run(process.execPath, [join('out', resolution, output)], consumer)), typedReport, `${resolution} ${output}`);
      }
    });
  }

  const legacy = join(work, 'legacy-app');
  await step('install the tarball as "passport.socketio": "file:..." into a legacy app', () => {
    cpSync(join(root, 'test/packaging/legacy-app'), legacy, { recursive: true });
    copyFileSync(tarball, join(legacy, 'passport.socketio-compat.tgz'));
    npmInstall(legacy);
    const installed = JSON.parse(readFileSync(join(legacy, 'node_modules/passport.socketio/package.json'), 'utf8'));
    expectEqual(installed.name, manifest.name, 'node_modules/passport.socketio holds');
    const versions = ['socket.io', 'express', 'passport', 'express-session'].map(
      (name) => `${name}@${JSON.parse(readFileSync(join(legacy, 'node_modules', name, 'package.json'), 'utf8')).version}`,
    );
    return versions.join(', ');
  });

  await step('run the legacy app unchanged: form login, then socket.io 2 with and without the cookie', () => {
    const report = reportOf(run(process.execPath, ['drive.js'], legacy));
    expectEqual(
      report,
      {
        resolved: join(legacy, 'node_modules/passport.socketio/dist/cjs/index.js'),
        alice: { welcome: 'hello alice' },
        visitor: { refused: 'No session found' },
      },
      'legacy app',
    );
  });

  await step('legacy pins: socket.io 1 to 4', () => run(process.execPath, ['scripts/check-legacy-installs.mjs', tarball], root));

  await step("the repository's node_modules were not touched", () => {
    const lockAfter = existsSync(lockfile) ? statSync(lockfile).mtimeMs : undefined;
    expectEqual(lockAfter, lockBefore, 'node_modules/.package-lock.json modification time');
  });

  console.log(`check-package: all checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  if (process.env.KEEP_PACKAGE_CHECK === '1') console.log(`check-package: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

/** Every file path an exports map points to. */
function exportTargets(exportsField) {
  if (typeof exportsField === 'string') return [exportsField];
  if (exportsField === null || typeof exportsField !== 'object') return [];
  return Object.values(exportsField).flatMap(exportTargets);
}
