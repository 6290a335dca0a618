import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..');
const runFixture = (file: string) =>
  JSON.parse(execFileSync(process.execPath, [join(root, 'test/fixtures', file)], { cwd: root, encoding: 'utf8' }));

describe('the built package loads in every module format', () => {
  it('gives require() the legacy shape: an object with authorize and filterSocketsByUser', () => {
    const report = runFixture('cjs-app/index.cjs');
    assert.equal(report.authorize, 'function');
    assert.equal(report.filterSocketsByUser, 'function');
    assert.equal(report.middlewareArity, 2);
    assert.match(report.resolved, /dist[\\/]cjs[\\/]index\.js$/);
  });

  it('gives import both named exports and a default export with the same functions', () => {
    const report = runFixture('esm-app/index.mjs');
    assert.deepEqual(
      { ...report, resolved: undefined },
      {
        authorize: 'function',
        filterSocketsByUser: 'function',
        defaultAuthorize: 'function',
        defaultFilter: 'function',
        sameFunction: true,
        noSession: 'ERR_NO_SESSION',
        middlewareArity: 2,
        resolved: undefined,
      },
    );
    assert.match(report.resolved, /dist\/esm\/index\.mjs$/);
  });
});
