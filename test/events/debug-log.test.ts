/**
 * The package's `debug` logging, in a child process of its own (DEBUG is read once, at load):
 * silent without DEBUG; with it, one namespace with a sub-namespace per module, a line for every
 * decision, and never a cookie, a session id or the secret.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertNoSecrets } from './support';

const root = join(__dirname, '../..');
const CHILD = join(__dirname, 'fixtures/debug-child.ts');
const HANDSHAKES = 10;

function runChild(debug: string | undefined): { stderr: string; secrets: string[]; outcomes: string[] } {
  const env: NodeJS.ProcessEnv = { ...process.env, DEBUG_COLORS: 'no' };
  delete env.DEBUG;
  // The test runner's own variables would make the child report to it instead of running plainly.
  delete env.NODE_TEST_CONTEXT;
  if (debug !== undefined) env.DEBUG = debug;
  const child = spawnSync(process.execPath, ['--import', 'tsx', CHILD], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.status, 0, `the child failed: ${child.stdout}\n${child.stderr}`);
  const report = JSON.parse(child.stdout);
  assert.equal(report.outcomes.length, HANDSHAKES, 'every handshake of the child was decided');
  assert.ok(report.secrets.length > 0);
  return { stderr: child.stderr, ...report };
}

/** `<ISO date> passport.socketio-compat:<module> <message>` when stderr is not a terminal. */
function parseLines(stderr: string): { namespace: string; message: string }[] {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^\S+ (\S+) (.*)$/.exec(line);
      assert.ok(match, `unexpected stderr line: ${line}`);
      return { namespace: match[1] as string, message: match[2] as string };
    });
}

describe('debug logging', () => {
  it('writes nothing to stderr when DEBUG is not set', () => {
    const { stderr, outcomes } = runChild(undefined);
    assert.ok(outcomes.includes('connected') && outcomes.includes('Internal server error'), 'the child did play its handshakes');
    assert.equal(stderr, '');
  });

  it('writes nothing of its own when DEBUG enables other libraries', () => {
    const { stderr } = runChild('express-session');
    assert.match(stderr, /express-session/, "express-session's own lines show that DEBUG reached the child");
    assert.doesNotMatch(stderr, /passport\.socketio-compat/);
  });

  it('logs every decision under passport.socketio-compat:<module> with DEBUG=passport.socketio-compat:*, and no secret', () => {
    const { stderr, secrets } = runChild('passport.socketio-compat:*');
    const lines = parseLines(stderr);
    for (const line of lines) assert.match(line.namespace, /^passport\.socketio-compat:[a-z-]+$/);
    const modules = new Set(lines.map((line) => line.namespace.split(':')[1]));
    for (const module of ['decisions', 'handshake', 'session-id', 'session-store', 'passport-user', 'accept']) {
      assert.ok(modules.has(module), `a line from ${module}; got ${[...modules].join(', ')}`);
    }
    const decisions = lines.filter((line) => line.namespace === 'passport.socketio-compat:decisions');
    assert.equal(decisions.length, HANDSHAKES, 'one line per decision');
    assert.deepEqual(
      decisions.map((line) => /^(accepted|refused) (\S+):/.exec(line.message)?.slice(1, 3).join(' ')),
      [
        'accepted OK',
        'accepted OK',
        'refused ERR_NO_SESSION',
        'refused ERR_NO_SESSION',
        'refused ERR_NO_SESSION',
        'refused ERR_NO_SESSION',
        'refused ERR_SESSION_STORE',
        'refused ERR_SESSION_STORE_TIMEOUT',
        'refused ERR_DESERIALIZE_TIMEOUT',
        'refused ERR_CALLBACK_THREW',
      ],
    );
    assertNoSecrets(stderr, [...secrets, 'connection lost', 'bug in success'], 'the debug log');
  });

  it('enables one module at a time', () => {
    const lines = parseLines(runChild('passport.socketio-compat:session-id').stderr);
    assert.ok(lines.length >= 2, 'the bad query signature and the unsigned query value');
    for (const line of lines) assert.equal(line.namespace, 'passport.socketio-compat:session-id');
  });
});
