/**
 * What README.md's compatibility table and package.json's peerDependencies claim is exactly what
 * test/matrix runs: one row per matrix file, with the versions installed, and peer ranges made of
 * the tested versions.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { versionOf } from './support/stack';
import { STORES } from './support/stores';

const root = join(__dirname, '..');
const matrixDir = join(root, 'test/matrix');
const STORE_OF_EXPORT: Record<string, keyof typeof STORES> = {
  memoryStore: 'memory',
  memorystoreStore: 'memorystore',
  redisStore: 'redis',
  postgresStore: 'postgres',
  fileStore: 'file',
};

interface Row {
  socketIo: string;
  express: string;
  passport: string;
  session: string;
  cookieParser: string;
  store: string;
}

/** The stack a matrix file runs, read from its defineStack({...}) call. */
function rowOfMatrixFile(file: string): Row {
  const source = readFileSync(join(matrixDir, file), 'utf8');
  const part = (key: string) => {
    const match = new RegExp(`${key}: '([^']+)'`).exec(source);
    assert.ok(match, `${file} names its ${key} module explicitly`);
    return match[1] as string;
  };
  const storeExport = /store: (\w+)/.exec(source)?.[1] ?? '';
  const store = STORES[STORE_OF_EXPORT[storeExport] as keyof typeof STORES];
  assert.ok(store, `${file} uses a store from test/support/stores.ts`);
  return {
    socketIo: versionOf(part('socketIo')),
    express: versionOf(part('express')),
    passport: versionOf(part('passport')),
    session: versionOf(part('session')),
    // The behaviour suite passes the stack's cookie-parser as the `cookieParser` option.
    cookieParser: versionOf(/cookieParser: '([^']+)'/.exec(source)?.[1] ?? 'cookie-parser'),
    store: store.name,
  };
}

/** The rows of the table under README.md's "## Compatibility". */
function readmeRows(): Row[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Compatibility\n');
  assert.ok(start >= 0, 'README.md has a "## Compatibility" section');
  const section = readme.slice(start + 1).split(/\n## /)[0] as string;
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  return lines.slice(2).map((line) => {
    const [socketIo, express, passport, session, cookieParser, store] = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    return { socketIo, express, passport, session, cookieParser, store } as Row;
  });
}

const key = (row: Row) => [row.socketIo, row.express, row.passport, row.session, row.cookieParser, row.store].join(' | ');
const matrixFiles = readdirSync(matrixDir).filter((file) => file.endsWith('.test.ts'));
const tested = matrixFiles.map(rowOfMatrixFile);

/** A release line as `^` reads it: the major, or the minor of a 0.x version. */
const lineOf = (version: string) =>
  version.startsWith('0.') ? version.split('.').slice(0, 2).join('.') : (version.split('.')[0] as string);
const byVersion = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * One `^` range per tested line, from the oldest release tested in it: an app pinned anywhere in
 * a line (`~2.3.0` between the tested 2.0.4 and 2.5.1) installs without a flag and keeps its pin.
 */
function rangeOf(versions: string[]): string {
  const oldest = new Map<string, string>();
  for (const version of [...new Set(versions)].sort(byVersion)) {
    const line = lineOf(version);
    if (!oldest.has(line)) oldest.set(line, version);
  }
  return [...oldest.values()].map((version) => `^${version}`).join(' || ');
}

describe('the compatibility claims', () => {
  it('lists in README.md exactly the stacks test/matrix runs, with the installed versions', () => {
    const claimed = readmeRows().map(key).sort();
    const run = tested.map(key).sort();
    assert.equal(new Set(run).size, run.length, 'no two matrix files run the same stack');
    assert.deepEqual(claimed, run);
  });

  it('covers every value of every axis', () => {
    const values = (field: keyof Row) =>
      new Set(
        tested.map((row) => (row[field].split('.')[0] === '0' ? row[field].split('.').slice(0, 2).join('.') : row[field].split('.')[0])),
      );
    assert.deepEqual([...values('socketIo')].sort(), ['1', '2', '3', '4']);
    assert.deepEqual([...values('express')].sort(), ['4', '5']);
    assert.deepEqual([...values('passport')].sort(), ['0.2', '0.3', '0.4', '0.5', '0.6', '0.7']);
    assert.deepEqual(
      new Set(tested.map((row) => row.session)),
      new Set([versionOf('express-session-v111'), versionOf('express-session-v117'), versionOf('express-session')]),
    );
    assert.deepEqual(new Set(tested.map((row) => row.cookieParser)), new Set([versionOf('cookie-parser-v13'), versionOf('cookie-parser')]));
    assert.deepEqual(new Set(tested.map((row) => row.store)), new Set(Object.values(STORES).map((store) => store.name)));
  });

  it('tests the oldest release of every supported line: socket.io 1.4.0, 2.0.4, 3.0.0, 4.0.0, Passport 0.2.0 to 0.7.0, express-session 1.11.0, cookie-parser 1.3.0', () => {
    const has = (field: keyof Row, version: string) => tested.some((row) => row[field] === version);
    for (const version of ['1.4.0', '1.7.4', '2.0.4', '3.0.0', '4.0.0']) assert.ok(has('socketIo', version), `socket.io ${version}`);
    for (const version of ['0.2.0', '0.2.2', '0.3.0', '0.3.2', '0.4.0', '0.4.1', '0.5.0', '0.5.3', '0.6.0', '0.7.0']) {
      assert.ok(has('passport', version), `passport ${version}`);
    }
    assert.ok(has('session', '1.11.0'), 'express-session 1.11.0');
    assert.ok(has('cookieParser', '1.3.0'), 'cookie-parser 1.3.0');
  });

  it('runs each Passport line with each store, and socket.io 2 with Passport 0.4 on each store', () => {
    const stores = Object.values(STORES).map((store) => store.name);
    for (const passport of new Set(tested.map((row) => lineOf(row.passport)))) {
      for (const store of stores) {
        assert.ok(
          tested.some((row) => lineOf(row.passport) === passport && row.store === store),
          `passport ${passport} with ${store}`,
        );
      }
    }
    const legacy = tested.filter((row) => row.socketIo.startsWith('2.') && row.passport.startsWith('0.4.'));
    assert.deepEqual(new Set(legacy.map((row) => row.store)), new Set(stores));
  });

  it('makes peerDependencies of the tested versions, and nothing more', () => {
    const { peerDependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.equal(peerDependencies['socket.io'], rangeOf(tested.map((row) => row.socketIo)));
    assert.equal(peerDependencies.passport, rangeOf(tested.map((row) => row.passport)));
    assert.equal(peerDependencies['express-session'], rangeOf(tested.map((row) => row.session)));
    // The behaviour suite passes the stack's cookie-parser (the `cookieParser` option) on every stack.
    assert.equal(peerDependencies['cookie-parser'], rangeOf(tested.map((row) => row.cookieParser)));
  });

  it('marks as optional the peers the package never loads: cookie-parser and express-session', () => {
    const { peerDependenciesMeta } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.deepEqual(peerDependenciesMeta, { 'cookie-parser': { optional: true }, 'express-session': { optional: true } });
  });

  it('names the Node major the tests run on', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Compatibility\n')).split(/\n## /)[1] as string;
    assert.match(section, new RegExp(`Node ${process.versions.node.split('.')[0]}\\b`));
  });
});
