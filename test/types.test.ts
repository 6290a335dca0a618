import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..');
const tsc = (project: string) =>
  spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'test/types', project)], {
    cwd: root,
    encoding: 'utf8',
  });

describe('the published types', () => {
  it('compile a file written against @types/passport.socketio, unchanged', () => {
    const result = tsc('tsconfig.legacy.json');
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('type socket.request.user through Express.User and catch the mistakes marked in test/types/modern.ts', () => {
    const result = tsc('tsconfig.modern.json');
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});
