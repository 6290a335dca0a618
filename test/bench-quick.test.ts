/**
 * The benchmark suite keeps working: `npm run bench -- --quick` runs every part against real
 * servers and a real Redis, and prints every table with a row for every contender. It never
 * judges speed (quick mode is far too short for that, and CI machines vary); the numbers are for
 * `npm run bench` on a quiet machine, see docs/benchmarks.md.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScript } from './support/run-script';
import { requireService } from './support/services';

/** The Markdown table under a heading: its rows, each as its cells. */
function tableAfter(output: string, heading: string): string[][] {
  const start = output.indexOf(heading);
  assert.ok(start >= 0, `no "${heading}" in the output`);
  const lines = output.slice(start).split('\n').slice(1);
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
  // Header, rule, then at least one row.
  assert.ok(rows.length >= 3, `the table under "${heading}" has no rows`);
  return rows.slice(2);
}

const AUTH_ROWS = [
  'no authorization (the harness alone)',
  'passport.socketio-compat',
  'passport.socketio-compat, legacy options (cookieParser)',
  'passport.socketio-compat + onDecision',
  'passport.socketio-compat + session',
  'passport.socketio 3.7.0 (legacy)',
  'io.engine.use(session) + passport.session()',
  'io.use(wrap(session)) + wrap(passport.session())',
  'express-socket.io-session + deserializeUser',
  'floor (hand-written minimum)',
];

describe('npm run bench -- --quick', async () => {
  if (!(await requireService('redis'))) return;

  it('completes and prints every table, with a row for every contender and a number in every cell', { timeout: 10 * 60_000 }, async () => {
    const { code, stdout, stderr } = await runScript('bench/run.ts', '--quick');
    assert.equal(code, 0, `the quick benchmark failed:\n${stderr.slice(-4000)}`);

    for (const heading of ['### 1. Authorization layer alone, MemoryStore', '### 1. Authorization layer alone, Redis (connect-redis 9)']) {
      const rows = tableAfter(stdout, heading);
      const labels = rows.map((row) => row[0]);
      for (const label of AUTH_ROWS) assert.ok(labels.includes(label), `${heading}: no row for ${label}`);
      for (const row of rows) {
        assert.match(row[1] ?? '', /^\d+\.\d \(\d+\.\d–\d+\.\d\)$/, `${heading}: CPU cell of ${row[0]}`);
        assert.match(row[4] ?? '', /^[+-]\d+\.\d\d \([+-]\d+\.\d\d–[+-]\d+\.\d\d\)$/, `${heading}: heap cell of ${row[0]}`);
      }
    }

    const endToEnd = tableAfter(stdout, '### 2. End to end');
    const servers = endToEnd.map((row) => row[0]);
    for (const label of AUTH_ROWS) assert.ok(servers.includes(label), `end to end: no row for ${label}`);
    for (const row of endToEnd) {
      for (const cell of row.slice(1)) assert.doesNotMatch(cell, /n\/a|NaN/, `end to end: ${row[0]}`);
    }

    const storeOps = tableAfter(stdout, '### 3. Store operations per handshake');
    assert.ok(storeOps.some((row) => row[0] === 'io.engine.use(session), saveUninitialized: true'));
    for (const row of storeOps) {
      assert.equal(row.length, 9, `store operations: ${row[0]} has a cell for each transport and case`);
      for (const cell of row.slice(1)) assert.match(cell, /^(0|\d+(\.\d+)? (get|set|touch|destroy)( \+ .*)?)( \(.*\))?$/);
    }

    for (const setup of ['one node', 'two nodes, Redis adapter']) {
      const lookups = tableAfter(stdout, `### 4. User lookups, ${setup}`);
      assert.ok(
        lookups.some((row) => row[0]?.startsWith('filterSocketsByUser')),
        `${setup}: no scan row`,
      );
      assert.ok(
        lookups.some((row) => row[0]?.includes('fetchSockets')),
        `${setup}: no room row`,
      );
      for (const row of lookups) assert.match(row[1] ?? '', /^\d+\.\d$/, `${setup}: ${row[0]}`);
    }

    const hostile = tableAfter(stdout, '### 5. A hostile Cookie header');
    for (const secrets of ['1', '3']) {
      const labels = hostile.filter((row) => row[1] === secrets).map((row) => row[0]);
      for (const label of [
        'passport.socketio-compat, ordinary header',
        'passport.socketio-compat, hostile header',
        'passport.socketio-compat, legacy options (cookieParser), hostile header',
        'express-session (io.use(wrap(session))), hostile header',
      ]) {
        assert.ok(labels.includes(label), `hostile header, ${secrets} secret(s): no row for ${label}`);
      }
    }
    for (const row of hostile) {
      for (const cell of row.slice(2)) assert.match(cell, /^\d+\.\d+×? \(\d+\.\d+×?–\d+\.\d+×?\)$/, `hostile header: ${row[0]}`);
    }

    const touches = tableAfter(stdout, '### 7. Rolling expiry under an active socket load');
    const perInterval = touches.find((row) => row[0] === 'touches per session per interval');
    assert.ok(perInterval, 'rolling expiry: a row of touches per session per interval');
    assert.ok(
      Number(perInterval[1]) > 0 && Number(perInterval[1]) <= 1,
      `rolling expiry: ${perInterval[1]} touches per session per interval`,
    );

    const targets = tableAfter(stdout, '### Targets');
    assert.ok(targets.length >= 9, 'every target has a row');
    for (const name of ['legacy options', 'hostile Cookie header', 'rolling expiry']) {
      assert.ok(
        targets.some((row) => row[0]?.includes(name)),
        `a target about the ${name}`,
      );
    }
  });
});
