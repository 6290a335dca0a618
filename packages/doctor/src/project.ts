import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExpression } from '@babel/parser';
import type { Node, ObjectExpression, ObjectProperty } from '@babel/types';
import { keyName, stringValue } from './ast';

export const LEGACY_PACKAGE = 'passport.socketio';
export const COMPAT_PACKAGE = 'passport.socketio-compat';
export const LEGACY_TYPES_PACKAGE = '@types/passport.socketio';

const DEPENDENCY_SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/** One `"name": "spec"` entry of package.json, with its place in the text for `--fix`. */
export interface DependencyEntry {
  section: (typeof DEPENDENCY_SECTIONS)[number];
  name: string;
  spec: string;
  property: ObjectProperty;
  /** The section's object, for removing an entry cleanly. */
  object: ObjectExpression;
}

interface PackageJson {
  /** Relative to the directory the doctor reads. */
  file: string;
  text: string;
  dependencies: DependencyEntry[];
}

/** What the whole app tells about itself, beyond one source file. */
export interface ProjectFacts {
  packageJson?: PackageJson;
  /** Why package.json could not be read, when it exists but is not JSON. */
  packageJsonError?: string;
  /** The socket.io server's major version: installed, else from the dependency's range. */
  socketIoMajor?: number;
  /** The socket.io client's major version, when the app depends on socket.io-client. */
  clientMajor?: number;
  /** Cluster adapters the app depends on or loads (@socket.io/redis-adapter, socket.io-redis, ...). */
  adapters: Set<string>;
  /** package.json already installs the successor under the old name (the zero-code route). */
  servedByCompat: boolean;
  /** The exact version of each dependency the app runs: installed in node_modules, else locked. */
  resolved: Map<string, ResolvedVersion>;
}

export interface ResolvedVersion {
  version: string;
  from: 'node_modules' | 'package-lock.json' | 'npm-shrinkwrap.json';
}

/** A module that spreads socket.io's rooms and broadcasts over several processes. */
export function isAdapterModule(name: string): boolean {
  if (name.startsWith('@socket.io/') && name.endsWith('-adapter')) return true;
  return ['socket.io-redis', 'socket.io-ioredis', 'socket.io-adapter-mongo', 'socket.io-mongo', 'socket.io-postgres'].includes(name);
}

export function readProject(dir: string): ProjectFacts {
  const facts: ProjectFacts = { adapters: new Set(), servedByCompat: false, resolved: new Map() };
  const path = join(dir, 'package.json');
  if (!existsSync(path)) return facts;
  const text = readFileSync(path, 'utf8');
  let manifest: Node;
  try {
    // JSON is a JavaScript expression; parsing it this way keeps every key's position for --fix.
    manifest = parseExpression(text);
  } catch (err) {
    facts.packageJsonError = err instanceof Error ? err.message : String(err);
    return facts;
  }
  if (manifest.type !== 'ObjectExpression') {
    facts.packageJsonError = 'package.json is not a JSON object';
    return facts;
  }
  const dependencies = dependencyEntries(manifest);
  facts.packageJson = { file: 'package.json', text, dependencies };
  for (const entry of dependencies) {
    if (isAdapterModule(entry.name)) facts.adapters.add(entry.name);
    if (entry.name === LEGACY_PACKAGE && targetOf(entry.spec).name === COMPAT_PACKAGE) facts.servedByCompat = true;
  }
  const locked = lockedVersions(dir);
  for (const { name } of dependencies) {
    const installed = installedVersion(dir, name);
    if (installed !== undefined) facts.resolved.set(name, { version: installed, from: 'node_modules' });
    else if (locked?.versions.has(name)) facts.resolved.set(name, { version: locked.versions.get(name) as string, from: locked.file });
  }
  facts.socketIoMajor = majorOf(facts.resolved.get('socket.io')?.version) ?? rangeMajor(dependencies, 'socket.io');
  facts.clientMajor = majorOf(facts.resolved.get('socket.io-client')?.version) ?? rangeMajor(dependencies, 'socket.io-client');
  return facts;
}

/** The top-level versions an npm lock file holds (lockfileVersion 1, 2 and 3). */
function lockedVersions(dir: string): { file: ResolvedVersion['from']; versions: Map<string, string> } | undefined {
  for (const file of ['npm-shrinkwrap.json', 'package-lock.json'] as const) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const versions = new Map<string, string>();
    try {
      const lock = JSON.parse(readFileSync(path, 'utf8')) as {
        packages?: Record<string, { version?: unknown }>;
        dependencies?: Record<string, { version?: unknown }>;
      };
      for (const [key, entry] of Object.entries(lock.packages ?? {})) {
        const name = key.startsWith('node_modules/') ? key.slice('node_modules/'.length) : undefined;
        if (name !== undefined && !name.includes('/node_modules/') && typeof entry.version === 'string') versions.set(name, entry.version);
      }
      for (const [name, entry] of Object.entries(lock.dependencies ?? {})) {
        if (!versions.has(name) && typeof entry.version === 'string') versions.set(name, entry.version);
      }
    } catch {
      return undefined;
    }
    return { file, versions };
  }
  return undefined;
}

function dependencyEntries(manifest: ObjectExpression): DependencyEntry[] {
  const entries: DependencyEntry[] = [];
  for (const section of DEPENDENCY_SECTIONS) {
    const property = manifest.properties.find((p): p is ObjectProperty => p.type === 'ObjectProperty' && keyName(p) === section);
    if (property?.value.type !== 'ObjectExpression') continue;
    const object = property.value;
    for (const entry of object.properties) {
      if (entry.type !== 'ObjectProperty') continue;
      const name = keyName(entry);
      const spec = stringValue(entry.value);
      if (name !== undefined && spec !== undefined) entries.push({ section, name, spec, property: entry, object });
    }
  }
  return entries;
}

/** `npm:passport.socketio-compat@^1.0.0` names another package; a plain range names itself. */
export function targetOf(spec: string): { name?: string; range: string } {
  if (!spec.startsWith('npm:')) return { range: spec };
  const body = spec.slice(4);
  const at = body.lastIndexOf('@');
  return at > 0 ? { name: body.slice(0, at), range: body.slice(at + 1) } : { name: body, range: '' };
}

function installedVersion(dir: string, name: string): string | undefined {
  const path = join(dir, 'node_modules', name, 'package.json');
  if (!existsSync(path)) return undefined;
  try {
    const version: unknown = JSON.parse(readFileSync(path, 'utf8')).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

function rangeMajor(dependencies: DependencyEntry[], name: string): number | undefined {
  const entry = dependencies.find((one) => one.name === name && one.section !== 'peerDependencies');
  return entry ? majorOf(targetOf(entry.spec).range) : undefined;
}

/** The major version a range starts from: '^2.4.0' → 2, '~1.7' → 1, '>=3' → 3; 'latest' → unknown. */
function majorOf(range: unknown): number | undefined {
  if (typeof range !== 'string') return undefined;
  const digits = /^[\s^~>=v]*(\d+)/.exec(range);
  return digits ? Number(digits[1]) : undefined;
}
