/**
 * The short soak: scripts/soak.ts with a few hundred clients against the real Redis store, as
 * `npm run soak` runs it with thousands. Then the same script with faults injected on purpose, to
 * show its checks do catch a wrongly accepted connection and per-connection leftovers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REDIS_URL, requireService } from '../support/services';

const root = join(__dirname, '../..');

function soak(...args: string[]): { status: number | null; report: any; output: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The test runner's variable would make the child report to it instead of running plainly.
  delete env.NODE_TEST_CONTEXT;
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/soak.ts', '--redis-url', REDIS_URL, '--workers', '20', '--json', ...args],
    { cwd: root, env, encoding: 'utf8', timeout: 180_000 },
  );
  const output = `${child.stdout}\n${child.stderr}`;
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  let report: any;
  try {
    report = JSON.parse(last);
  } catch {
    assert.fail(`the soak printed no JSON report (status ${child.status}):\n${output}`);
  }
  return { status: child.status, report, output };
}

describe('soak (short): concurrent handshakes, then connect/disconnect cycles, against Redis', async () => {
  if (!(await requireService('redis'))) return;

  it('lets in exactly the clients entitled to it, decides every handshake, and leaves no socket, timer or request behind', () => {
    const { status, report, output } = soak('--clients', '300', '--cycles', '600', '--users', '50');
    assert.deepEqual(report.problems, [], output);
    assert.equal(status, 0, output);
    for (const phase of [report.burst, report.sequential, report.cycles]) {
      const rows = Object.values(phase.byKind) as { clients: number; accepted: number; refused: number; wrong: number }[];
      for (const row of rows) {
        assert.equal(row.wrong, 0);
        assert.equal(row.accepted + row.refused, row.clients);
      }
    }
    const total = (phase: any) => Object.values(phase.byKind).reduce((sum: number, row: any) => sum + row.clients, 0);
    assert.equal(total(report.burst), 300);
    assert.equal(total(report.cycles), 600 + report.cycles.warmup);
    assert.ok(report.burst.byKind.valid.accepted > 0 && report.burst.byKind.forgedSignature.refused > 0, 'the mix had both kinds');
    assert.deepEqual(
      { ...report.leftBehind, activeTimeoutsBefore: undefined, activeTimeoutsAfter: undefined },
      {
        sockets: 0,
        engineClients: 0,
        timersCreatedDuringCyclesStillArmed: 0,
        handshakeRequestsTracked: 600,
        handshakeRequestsStillReachable: 0,
        activeTimeoutsBefore: undefined,
        activeTimeoutsAfter: undefined,
      },
    );
    assert.deepEqual(report.crashes, []);
  });

  it('fails, naming them, when a fail callback lets forged and anonymous clients in', () => {
    const { status, report } = soak('--clients', '60', '--cycles', '100', '--users', '10', '--inject', 'fail-open');
    assert.equal(status, 1);
    assert.ok(
      report.problems.some((problem: string) => /^wrongly accepted: forgedSignature/.test(problem)),
      JSON.stringify(report.problems),
    );
  });

  it('fails, naming them, when every connection leaves its request and an armed timer behind', () => {
    const { status, report } = soak('--clients', '60', '--cycles', '100', '--users', '10', '--inject', 'leak');
    assert.equal(status, 1);
    assert.ok(report.problems.some((problem: string) => /timers created during the cycles are still armed/.test(problem)));
    assert.ok(report.problems.some((problem: string) => /handshake requests were never collected/.test(problem)));
  });
});
