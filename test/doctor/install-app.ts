/**
 * Lays out a corpus app in a temporary directory as `npm install` would, without the network:
 * every dependency its package.json names is linked from this repository's node_modules (the
 * installed package, or an alias such as socket.io-v2, whose version satisfies the app's range),
 * and passport.socketio-compat is a real copy of the build (package.json + dist) whose own
 * dependencies are hoisted next to it. A real directory, not a link, so that its
 * `require('passport')` finds the app's passport, as the peer dependency does after npm install.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const ROOT = join(__dirname, '../..');
export const CORPUS = join(ROOT, 'test/corpus');
const COMPAT = 'passport.socketio-compat';
/** The doctor's own package (packages/doctor, an npm workspace), built by `npm run build`. */
export const DOCTOR_DIR = join(ROOT, 'packages/doctor');
export const DOCTOR = 'passport.socketio-compat-doctor';
/** The file the doctor's bin names, as npx runs it. */
export const CLI = join(DOCTOR_DIR, readManifest(DOCTOR_DIR).bin?.[DOCTOR] ?? 'missing-bin');

interface Manifest {
  name: string;
  version: string;
  main?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  bin?: Record<string, string>;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}
const repoManifest = readManifest(ROOT);

/** Copies test/corpus/<name> (or any folder) into a fresh temporary directory. */
export function copyApp(name: string): { dir: string; remove(): void } {
  const base = mkdtempSync(join(tmpdir(), `psio-corpus-${name}-`));
  const dir = join(base, name);
  cpSync(join(CORPUS, name), dir, { recursive: true });
  return { dir, remove: () => rmSync(base, { recursive: true, force: true }) };
}

/** What `npm install passport.socketio@npm:passport.socketio-compat` writes into package.json. */
export function aliasLegacyName(dir: string): void {
  const path = join(dir, 'package.json');
  const manifest = readManifest(dir);
  const dependencies = manifest.dependencies ?? {};
  if (!dependencies['passport.socketio']) throw new Error(`${manifest.name} does not depend on passport.socketio`);
  dependencies['passport.socketio'] = `npm:${COMPAT}@^${repoManifest.version}`;
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Installs every dependency of the app's package.json into its node_modules. */
export function installDependencies(dir: string): void {
  const modules = join(dir, 'node_modules');
  const manifest = readManifest(dir);
  const wanted = { ...manifest.dependencies, ...manifest.devDependencies };
  for (const [name, spec] of Object.entries(wanted)) {
    const { target, range } = parseSpec(name, spec);
    if (target === COMPAT) {
      if (!satisfies(repoManifest.version, range))
        throw new Error(`${manifest.name} wants ${COMPAT}@${range}, the build is ${repoManifest.version}`);
      installCompat(join(modules, name), modules, Object.keys(wanted));
    } else {
      link(join(modules, name), installedDir(manifest.name, target, range));
    }
  }
}

/** The package as npm unpacks it, its own dependencies hoisted unless the app has its own. */
function installCompat(into: string, modules: string, appDependencies: string[]): void {
  mkdirSync(into, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(into, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(into, 'dist'), { recursive: true });
  for (const dependency of Object.keys(repoManifest.dependencies ?? {})) {
    const hoisted = !appDependencies.includes(dependency);
    link(join(hoisted ? modules : join(into, 'node_modules'), dependency), join(ROOT, 'node_modules', dependency));
  }
}

/**
 * Installs the doctor's build into the app as `npm install -D passport.socketio-compat-doctor`
 * would: the package (package.json + dist), its dependencies, and its bin link, executable.
 * Returns the path of that bin link.
 */
export function installDoctor(dir: string): string {
  const into = join(dir, 'node_modules', DOCTOR);
  const manifest = readManifest(DOCTOR_DIR);
  mkdirSync(into, { recursive: true });
  cpSync(join(DOCTOR_DIR, 'package.json'), join(into, 'package.json'));
  cpSync(join(DOCTOR_DIR, 'dist'), join(into, 'dist'), { recursive: true });
  for (const dependency of Object.keys(manifest.dependencies ?? {})) {
    link(join(into, 'node_modules', dependency), join(ROOT, 'node_modules', dependency));
  }
  for (const [command, file] of Object.entries(manifest.bin ?? {})) {
    chmodSync(join(into, file), 0o755);
    link(join(dir, 'node_modules/.bin', command), join(into, file));
  }
  return join(dir, 'node_modules/.bin', DOCTOR);
}

function link(path: string, target: string): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

function parseSpec(name: string, spec: string): { target: string; range: string } {
  if (!spec.startsWith('npm:')) return { target: name, range: spec };
  const body = spec.slice(4);
  const at = body.lastIndexOf('@');
  return { target: body.slice(0, at), range: body.slice(at + 1) };
}

/** The repository's installed copy of `name` (under its own name or an alias) that satisfies `range`. */
function installedDir(app: string, name: string, range: string): string {
  // The package under its own name (declared by the repo, or hoisted from a dependency), then aliases.
  const aliases = Object.entries({ ...repoManifest.dependencies, ...repoManifest.devDependencies })
    .filter(([key, spec]) => key !== name && parseSpec(key, spec).target === name)
    .map(([key]) => key);
  const candidates = [name, ...aliases]
    .map((key) => join(ROOT, 'node_modules', key))
    .filter((dir) => existsSync(join(dir, 'package.json')));
  const match = candidates.find((dir) => satisfies(readManifest(dir).version, range));
  if (!match) throw new Error(`${app} needs ${name}@${range}; this repository has no installed copy that satisfies it`);
  return match;
}

/** Enough of semver for the corpus: exact versions, ^ and ~ ranges. */
export function satisfies(version: string, range: string): boolean {
  const parse = (text: string) =>
    text
      .replace(/^[\^~=v]+/, '')
      .split('.')
      .map(Number) as [number, number, number];
  const [major, minor, patch] = parse(version);
  const [wantMajor, wantMinor = 0, wantPatch = 0] = parse(range);
  const atLeast = major > wantMajor || (major === wantMajor && (minor > wantMinor || (minor === wantMinor && patch >= wantPatch)));
  if (!atLeast || major !== wantMajor) return false;
  if (range.startsWith('~') || (range.startsWith('^') && wantMajor === 0)) return minor === wantMinor;
  if (range.startsWith('^')) return true;
  return minor === wantMinor && patch === wantPatch;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the doctor package's built bin with plain node, as `npx passport.socketio-compat-doctor
 * [dir] [--fix] [--json]` does. `args` are the doctor's own: there is no `doctor` command word.
 */
export function runCli(args: string[], cwd = ROOT): CliRun {
  if (args[0] === 'doctor') {
    throw new Error(`runCli takes the doctor's own arguments ([dir] [--fix] [--json]); drop the 'doctor' word: ${JSON.stringify(args)}`);
  }
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: childEnv() });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The environment for child processes, without what the test runner sets for its own children. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  return env;
}
