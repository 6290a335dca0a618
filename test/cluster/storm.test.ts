/**
 * The reconnect storm of the benchmarks keeps working and keeps its promise: with 100 clients on
 * a node killed with SIGKILL, every client is authorized again on the two other nodes as its own
 * user, for every contender, and the tables have a number in every cell. Speed is never judged
 * here (see docs/cluster-benchmarks.md for a full run). Needs Redis (the nodes share sessions).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScript } from '../support/run-script';
import { requireService } from '../support/services';

const CONTENDERS = [
  'passport.socketio-compat',
  'passport.socketio-compat + rooms + liveSession',
  'passport.socketio 3.7.0 (legacy)',
  'io.engine.use(session) + passport.session()',
  'floor (hand-written minimum)',
];

function rowsAfter(output: string, heading: string): string[][] {
  const start = output.indexOf(heading);
  assert.ok(start >= 0, `no "${heading}" in:\n${output}`);
  const lines = output.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows.slice(2);
}

describe('the reconnect storm (bench/storm.ts --quick)', async () => {
  if (!(await requireService('redis'))) return;

  it('re-authorizes every client of the killed node as its own user, for every contender', { timeout: 4 * 60_000 }, async () => {
    const { code, stdout, stderr } = await runScript('bench/storm.ts', '--quick');
    assert.equal(code, 0, `the storm failed:\n${stderr.slice(-4000)}`);
    const storm = rowsAfter(stdout, '### Reconnect storm: 100 clients');
    assert.deepEqual(
      storm.map((row) => row[0]),
      CONTENDERS,
    );
    for (const row of storm) {
      assert.equal(row[8], '0', `${row[0]}: clients lost or authorized as another user`);
      assert.equal(row[6], '1.00', `${row[0]}: one store read per reconnect`);
      for (const cell of row.slice(1)) assert.doesNotMatch(cell, /n\/a|NaN|Infinity/, `${row[0]}`);
    }
    const lookups = rowsAfter(stdout, "### One user's sockets among 300 over three nodes");
    assert.equal(lookups.length, 2);
    for (const row of lookups) assert.match(row[1] ?? '', /^\d+/, `${row[0]}`);
  });
});
