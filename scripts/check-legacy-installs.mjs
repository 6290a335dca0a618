// Installing changes nothing else: the packed tarball goes into throwaway apps locked (package.json
// ranges + package-lock.json) to the oldest tested socket.io 1.x, 2.x, 3.x and 4.x, under the new
// name and under the old one, with a plain `npm install <spec>` (no --legacy-peer-deps, no
// --force). Then: every version the lock held before is still the version it holds, the package's
// peers are the app's own copies (nothing nested, no optional peer added), and the app runs: a
// logged-in user is welcomed, a visitor is refused with 'No session found'.
//
//   node scripts/check-legacy-installs.mjs <tarball>     (check-package.mjs passes its tarball)
//   node scripts/check-legacy-installs.mjs               (packs the current build: npm run build first)
//
// The fixtures are test/packaging/legacy-pins/<app>/{package.json,package-lock.json} plus the one
// shared app.js. npm needs the registry for these installs (its cache is used first); each install
// is bounded in time. KEEP_LEGACY_INSTALLS=1 keeps the temporary directory.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test/packaging/legacy-pins');
const NEW_NAME = 'passport.socketio-compat';
const OLD_NAME = 'passport.socketio';
const PEERS = ['socket.io', 'passport', 'express-session', 'cookie-parser'];
const INSTALL_TIMEOUT_MS = 240_000;
const RUN_TIMEOUT_MS = 30_000;
const CONCURRENCY = 4;

/** Runs a command; resolves with stdout, rejects with everything it printed. */
function run(command, args, cwd, { env = process.env, timeout = RUN_TIMEOUT_MS } = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, timeout, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const why = err.killed ? `killed after ${timeout / 1000} s` : `exit ${err.code}`;
        reject(new Error(`${[command, ...args].join(' ')} failed (${why}) in ${cwd}:\n${stdout}${stderr}`));
      } else resolve(stdout);
    });
  });
}

/** npm as an app's developer runs it: no npm_* variables of an outer `npm run` leak into it. */
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));

/** Every installed path of a lock file and the version and tarball it resolved to. */
function lockedVersions(dir) {
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  const versions = new Map();
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path !== '') versions.set(path, `${entry.version} ${entry.resolved ?? ''}`.trim());
  }
  return versions;
}

async function packedTarball(work) {
  if (process.argv[2]) return process.argv[2];
  if (!existsSync(join(root, 'dist/cjs/index.js'))) throw new Error('no build to pack: run npm run build first, or pass a tarball');
  const [packed] = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], root, { env: npmEnv }));
  return join(work, packed.filename);
}

/** One fixture app, one name: install, compare the lock, run the app. Returns a one-line summary. */
async function check(work, tarball, app, route) {
  const name = route === 'old name' ? OLD_NAME : NEW_NAME;
  const dir = join(work, `${app}-${route.replace(' ', '-')}`);
  mkdirSync(dir);
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(fixtures, app, file), join(dir, file));
  copyFileSync(join(fixtures, 'app.js'), join(dir, 'app.js'));
  copyFileSync(tarball, join(dir, 'package.tgz'));
  const manifestBefore = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const before = lockedVersions(dir);

  // What a developer types; the old name is an alias of the successor (here from the tarball).
  const spec = route === 'old name' ? `${OLD_NAME}@file:package.tgz` : 'file:package.tgz';
  await run('npm', ['install', spec, '--no-audit', '--no-fund', '--loglevel=error'], dir, { env: npmEnv, timeout: INSTALL_TIMEOUT_MS });

  const problems = [];
  const manifestAfter = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const [dependency, range] of Object.entries(manifestBefore.dependencies)) {
    if (manifestAfter.dependencies[dependency] !== range) {
      problems.push(`package.json: ${dependency} went from ${range} to ${manifestAfter.dependencies[dependency]}`);
    }
  }
  if (!manifestAfter.dependencies[name]) problems.push(`package.json does not list ${name}`);
  const after = lockedVersions(dir);
  for (const [path, version] of before) {
    if (after.get(path) !== version) problems.push(`${path}: ${version} became ${after.get(path) ?? 'removed'}`);
  }
  const installed = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8'));
  if (installed.name !== NEW_NAME) problems.push(`node_modules/${name} holds ${installed.name}`);
  for (const peer of PEERS) {
    if (after.has(`node_modules/${name}/node_modules/${peer}`)) problems.push(`npm nested its own ${peer} under ${name}`);
    if (!before.has(`node_modules/${peer}`) && after.has(`node_modules/${peer}`))
      problems.push(`npm added ${peer}, which the app does not use`);
  }
  if (problems.length > 0) throw new Error(`${app} (${route}): installing moved what was locked:\n  ${problems.join('\n  ')}`);

  const output = await run(process.execPath, ['app.js'], dir, { env: { ...npmEnv, PASSPORT_SOCKETIO: name } });
  const report = JSON.parse(output.trim().split('\n').at(-1));
  const expected = {
    resolved: join(dir, 'node_modules', name, 'dist/cjs/index.js'),
    alice: { welcome: 'hello alice' },
    visitor: { refused: 'No session found' },
  };
  if (JSON.stringify(report) !== JSON.stringify(expected)) {
    throw new Error(`${app} (${route}): the app saw\n  ${JSON.stringify(report)}\nexpected\n  ${JSON.stringify(expected)}`);
  }
  const locked = (peer) => before.get(`node_modules/${peer}`)?.split(' ')[0];
  const pins = PEERS.filter(locked).map((peer) => `${peer}@${locked(peer)}`);
  return `${app} (${route}): ${before.size} locked versions kept, ran [${pins.join(', ')}]`;
}

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'pssio-legacy-pins-'));
try {
  const tarball = await packedTarball(work);
  const apps = readdirSync(fixtures, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  if (apps.length === 0) throw new Error(`no fixtures under ${fixtures}`);
  const jobs = apps.flatMap((app) => ['new name', 'old name'].map((route) => () => check(work, tarball, app, route)));
  const summaries = [];
  const failures = [];
  const worker = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      try {
        summaries.push(await job());
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  for (const line of summaries.sort()) console.log(`  ${line}`);
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
  console.log(
    `legacy installs: ${summaries.length} installs of ${basename(tarball)} (plain npm install, both names) left every locked version in place, in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  if (process.env.KEEP_LEGACY_INSTALLS === '1') console.log(`legacy installs: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
