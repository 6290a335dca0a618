/**
 * The published types compile the TypeScript apps wrote against @types/passport.socketio,
 * unchanged, with strict on, under every common moduleResolution; and type a modern app's user
 * through Express.User. Each tsc run is its own program, since apps' Express.User declarations
 * are global.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..');

function tsc(project: string, ...flags: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'test/types', project), ...flags],
      { cwd: root, encoding: 'utf8' },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

/** moduleResolution, and the module setting it goes with. */
const RESOLUTIONS: [string, string][] = [
  ['node10', 'commonjs'],
  ['node16', 'node16'],
  ['nodenext', 'nodenext'],
  ['bundler', 'preserve'],
];

describe('the published types', () => {
  for (const [resolution, module] of RESOLUTIONS) {
    const flags = ['--module', module, '--moduleResolution', resolution];
    it(`compile, unchanged and strict, files written against @types/passport.socketio by apps with no user type (moduleResolution ${resolution})`, async () => {
      const result = await tsc('tsconfig.legacy.json', ...flags);
      assert.equal(result.code, 0, result.output);
    });

    it(`compile, unchanged and strict, a file written against @types/passport.socketio by an app that types its user (moduleResolution ${resolution})`, async () => {
      const result = await tsc('tsconfig.legacy-typed.json', ...flags);
      assert.equal(result.code, 0, result.output);
    });
  }

  it('type socket.request.user through Express.User and catch the mistakes marked in test/types/modern.ts', async () => {
    const result = await tsc('tsconfig.modern.json');
    assert.equal(result.code, 0, result.output);
  });
});
