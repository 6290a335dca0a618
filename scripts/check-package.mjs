// Packaging proof: builds the package and the doctor (packages/doctor) in a staging copy, packs
// both as `npm publish` would, lints both tarballs (attw, publint, the links of their Markdown
// files), measures what each installs into an empty app, installs the package into throwaway apps
// outside the repository (CommonJS, ES modules, TypeScript with every moduleResolution) and runs
// them; installs it under the old name into a legacy app that says require("passport.socketio")
// and runs that, unchanged; and runs the doctor from its tarball with npx on the legacy corpus.
//
//   npm run check:package            (KEEP_PACKAGE_CHECK=1 keeps the temporary directory)
//
// The repository's own dist/ and node_modules are never written: other work may be using them.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brokenLinks, topMarkdown } from './check-links.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The bounds README.md states (Install; Moving an app over) for what each package installs. */
const LIBRARY_MAX_KB = 600;
const DOCTOR_MAX_MB = 6;
const require = createRequire(join(root, 'package.json'));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const doctorManifest = JSON.parse(readFileSync(join(root, 'packages/doctor/package.json'), 'utf8'));
/** What installing the package into an empty app may bring: its runtime dependencies, and ms (debug's). */
const LIBRARY_INSTALLS = [manifest.name, 'cookie', 'cookie-signature', 'debug', 'ms'].sort();
/** The bounds README states for what each package adds to an empty app. */
const LIBRARY_MAX_BYTES = LIBRARY_MAX_KB * 1024;
const DOCTOR_MAX_BYTES = DOCTOR_MAX_MB * 1024 * 1024;
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

/** The environment for npm in a throwaway directory: no npm_* variables of an outer `npm run`. */
const npmEnv = () => Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));

function npmInstall(dir, ...extra) {
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', ...extra], dir, npmEnv());
}

/** The packages under node_modules (scoped ones as @scope/name), sorted. */
function installedPackages(modules) {
  const names = [];
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) for (const inner of readdirSync(join(modules, entry))) names.push(`${entry}/${inner}`);
    else names.push(entry);
  }
  const nested = names.flatMap((name) =>
    existsSync(join(modules, name, 'node_modules')) ? installedPackages(join(modules, name, 'node_modules')) : [],
  );
  return [...names, ...nested].sort();
}

/** Bytes of every file below a directory (what `du --apparent-size` counts), links not followed. */
function sizeOf(path) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.isFile() ? stat.size : 0;
  return readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0);
}

const kB = (bytes) => `${(bytes / 1024).toFixed(0)} kB`;
const MB = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Unpacks a tarball as the registry serves it, and checks the links of its Markdown files. */
function checkLinks(tgz, into) {
  mkdirSync(into, { recursive: true });
  run('tar', ['-xzf', tgz, '-C', into], work);
  const dir = join(into, 'package');
  const files = topMarkdown(dir);
  const broken = brokenLinks(dir, files, root);
  if (broken.length > 0) {
    throw new Error(`broken links in the tarball:\n${broken.map((b) => `  ${b.file}:${b.line}: ${b.target}: ${b.reason}`).join('\n')}`);
  }
  return files;
}

/** The last JSON line a fixture printed. */
function reportOf(output) {
  const line = output.trim().split('\n').at(-1);
  return JSON.parse(line);
}

const TSC = join(root, 'node_modules/typescript/bin/tsc');
let tarball;
let doctorTarball;

try {
  await step('build in a staging copy of the source', () => {
    const staging = join(work, 'source');
    mkdirSync(join(staging, 'scripts'), { recursive: true });
    for (const file of ['package.json', 'tsconfig.json', 'README.md', 'MIGRATION.md', 'SECURITY.md', 'CHANGELOG.md', 'LICENSE']) {
      if (existsSync(join(root, file))) copyFileSync(join(root, file), join(staging, file));
    }
    copyFileSync(join(root, 'scripts/build.mjs'), join(staging, 'scripts/build.mjs'));
    cpSync(join(root, 'src'), join(staging, 'src'), { recursive: true });
    const doctor = join(staging, 'packages/doctor');
    mkdirSync(doctor, { recursive: true });
    for (const entry of ['package.json', 'tsconfig.json', 'README.md', 'LICENSE', 'scripts', 'src']) {
      cpSync(join(root, 'packages/doctor', entry), join(doctor, entry), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(staging, 'node_modules'), 'dir');
    run(process.execPath, ['scripts/build.mjs'], staging);
    run(process.execPath, ['packages/doctor/scripts/build.mjs'], staging);
  });

  await step('npm pack', () => {
    const staging = join(work, 'source');
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], staging));
    tarball = join(work, packed.filename);
    const files = packed.files.map((file) => file.path);
    const targets = [manifest.main, manifest.types, ...exportTargets(manifest.exports)].map((path) => path.replace(/^\.\//, ''));
    const missing = targets.filter((path) => !files.includes(path));
    if (missing.length > 0) throw new Error(`the tarball lacks files package.json points to: ${missing.join(', ')}`);
    for (const needed of ['package.json', 'README.md', 'MIGRATION.md', 'SECURITY.md', 'CHANGELOG.md', 'LICENSE']) {
      if (!files.includes(needed)) throw new Error(`the tarball lacks ${needed}`);
    }
    const stray = files.filter((path) => /^(src|test|scripts|packages|node_modules|\.tmp)\//.test(path) || path.endsWith('.tgz'));
    if (stray.length > 0) throw new Error(`the tarball carries files users do not need: ${stray.slice(0, 10).join(', ')}`);
    if (manifest.bin !== undefined) throw new Error('the library has a bin: the doctor is its own package');
    return `${packed.filename}, ${files.length} files, ${(packed.size / 1024).toFixed(0)} kB`;
  });

  await step('npm pack the doctor (packages/doctor)', () => {
    const staging = join(work, 'source/packages/doctor');
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], staging));
    doctorTarball = join(work, packed.filename);
    const files = packed.files.map((file) => file.path);
    const targets = [
      doctorManifest.main,
      doctorManifest.types,
      ...Object.values(doctorManifest.bin),
      ...exportTargets(doctorManifest.exports),
    ];
    const missing = [...targets.map((path) => path.replace(/^\.\//, '')), 'README.md', 'LICENSE'].filter((path) => !files.includes(path));
    if (missing.length > 0) throw new Error(`the doctor's tarball lacks ${missing.join(', ')}`);
    const stray = files.filter((path) => /^(src|test|scripts|node_modules)\//.test(path));
    if (stray.length > 0) throw new Error(`the doctor's tarball carries files users do not need: ${stray.slice(0, 10).join(', ')}`);
    return `${packed.filename}, ${files.length} files, ${(packed.size / 1024).toFixed(0)} kB`;
  });

  for (const [what, tgz] of [
    ['the tarball', () => tarball],
    ["the doctor's tarball", () => doctorTarball],
  ]) {
    await step(`attw (are the types wrong?) on ${what}`, () => {
      run(process.execPath, [binOf('@arethetypeswrong/cli', 'attw'), tgz(), '--format', 'ascii', '--no-color'], work);
      return 'no problems (node10, node16 from CJS and ESM, bundler)';
    });

    await step(`publint on ${what} (warnings count as errors)`, () => {
      const output = run(process.execPath, [binOf('publint', 'publint'), 'run', tgz(), '--level', 'warning', '--strict'], work);
      return output.includes('All good') ? 'all good' : output.trim().split('\n').at(-1);
    });

    await step(`every link in the Markdown files of ${what} is absolute or points to a shipped file`, () => {
      const files = checkLinks(tgz(), join(work, 'unpacked', basename(tgz())));
      return files.join(', ');
    });
  }

  await step('install the tarball into an empty app: only the package, cookie, cookie-signature, debug (and ms)', () => {
    const app = join(work, 'empty-app');
    mkdirSync(app);
    run('npm', ['init', '--yes', '--loglevel=error'], app, npmEnv());
    // Peers (socket.io, passport, ...) are the app's own; what the package itself adds is measured.
    npmInstall(app, '--omit=peer', tarball);
    expectEqual(installedPackages(join(app, 'node_modules')), LIBRARY_INSTALLS, 'packages installed');
    const bytes = sizeOf(join(app, 'node_modules'));
    if (bytes > LIBRARY_MAX_BYTES) throw new Error(`it installs ${kB(bytes)}, more than the ${LIBRARY_MAX_KB} kB README states`);
    return `${LIBRARY_INSTALLS.length} packages, ${kB(bytes)} (README: under ${LIBRARY_MAX_KB} kB)`;
  });

  await step("install the doctor's tarball into an empty app: the parser, not the library", () => {
    const app = join(work, 'empty-doctor-app');
    mkdirSync(app);
    run('npm', ['init', '--yes', '--loglevel=error'], app, npmEnv());
    npmInstall(app, doctorTarball);
    const packages = installedPackages(join(app, 'node_modules'));
    if (packages.includes(manifest.name)) throw new Error('the doctor installs the library');
    const bytes = sizeOf(join(app, 'node_modules'));
    if (bytes > DOCTOR_MAX_BYTES) throw new Error(`it installs ${MB(bytes)}, more than the ${DOCTOR_MAX_MB} MB README states`);
    return `${packages.length} packages (${packages.join(', ')}), ${MB(bytes)} (README: under ${DOCTOR_MAX_MB} MB)`;
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

  await step('npx the doctor from its tarball on the legacy corpus: the same report as the built doctor, and --fix', () => {
    const corpus = join(root, 'test/corpus');
    const apps = readdirSync(corpus).filter((name) => existsSync(join(corpus, name, 'package.json')));
    const npx = (args, cwd) => {
      try {
        return execFileSync('npx', ['--yes', '--prefer-offline', '--package', doctorTarball, '--', doctorManifest.name, ...args], {
          cwd,
          env: npmEnv(),
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (err) {
        // Exit code 1 means "findings": the report is still on stdout.
        if (err.status === 1 && err.stdout) return err.stdout;
        throw new Error(`npx ${doctorManifest.name} ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      }
    };
    const built = join(work, 'source/packages/doctor', doctorManifest.bin[doctorManifest.name]);
    const direct = (args, cwd) => {
      try {
        return execFileSync(process.execPath, [built, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        if (err.status === 1 && err.stdout) return err.stdout;
        throw err;
      }
    };
    let findings = 0;
    for (const app of apps) {
      const dir = join(work, 'corpus', app);
      cpSync(join(corpus, app), dir, { recursive: true });
      const viaNpx = JSON.parse(npx(['.', '--json'], dir));
      expectEqual(viaNpx, JSON.parse(direct(['.', '--json'], dir)), `npx ${doctorManifest.name} on ${app}`);
      if (viaNpx.findings.length === 0) throw new Error(`the doctor found nothing in ${app}`);
      findings += viaNpx.findings.length;
      const fixed = JSON.parse(npx(['.', '--fix', '--json'], dir));
      if (!fixed.fixed.files.includes('package.json')) throw new Error(`--fix did not rewrite ${app}'s package.json`);
      const dependencies = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies;
      if (!dependencies[manifest.name] || dependencies['passport.socketio']) throw new Error(`--fix left ${app} on the legacy package`);
    }
    return `${apps.length} apps (${apps.join(', ')}), ${findings} findings, each fixed`;
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
