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
    const [socketIo, express, passport, session, store] = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    return { socketIo, express, passport, session, store } as Row;
  });
}

const key = (row: Row) => [row.socketIo, row.express, row.passport, row.session, row.store].join(' | ');
const matrixFiles = readdirSync(matrixDir).filter((file) => file.endsWith('.test.ts'));
const tested = matrixFiles.map(rowOfMatrixFile);

/** `^` for the newest tested release of a major, `~` for an older minor of the same major. */
function rangeOf(versions: string[]): string {
  const unique = [...new Set(versions)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const majorOf = (version: string) => (version.startsWith('0.') ? version.split('.').slice(0, 2).join('.') : version.split('.')[0]);
  return unique
    .map((version, i) =>
      unique[i + 1] !== undefined && majorOf(unique[i + 1] as string) === majorOf(version) ? `~${version}` : `^${version}`,
    )
    .join(' || ');
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
    assert.deepEqual([...values('socketIo')].sort(), ['2', '3', '4']);
    assert.deepEqual([...values('express')].sort(), ['4', '5']);
    assert.deepEqual([...values('passport')].sort(), ['0.4', '0.5', '0.6', '0.7']);
    assert.deepEqual(new Set(tested.map((row) => row.session)), new Set([versionOf('express-session-v117'), versionOf('express-session')]));
    assert.deepEqual(new Set(tested.map((row) => row.store)), new Set(Object.values(STORES).map((store) => store.name)));
  });

  it('runs each Passport version with each store, and socket.io 2 with Passport 0.4 on each store', () => {
    const stores = Object.values(STORES).map((store) => store.name);
    for (const passport of new Set(tested.map((row) => row.passport))) {
      for (const store of stores) {
        assert.ok(
          tested.some((row) => row.passport === passport && row.store === store),
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
    // The behaviour suite passes cookie-parser on every stack (the `cookieParser` option).
    assert.equal(peerDependencies['cookie-parser'], rangeOf([versionOf('cookie-parser')]));
  });

  it('names the Node major the tests run on', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Compatibility\n')).split(/\n## /)[1] as string;
    assert.match(section, new RegExp(`Node ${process.versions.node.split('.')[0]}\\b`));
  });
});
