/**
 * What `rooms` + `liveSession` cost per handshake (issue 17: at most 1.2× the CPU of a plain
 * `authorize()` and under +0.5 KB of retained heap per socket over it), measured with the
 * auth-layer harness (bench/auth-layer.ts): the contenders run interleaved, rotated each round,
 * so ratios are per round. `rooms` alone and `liveSession` alone show each one's share;
 * docs/cluster-profile.md says where the difference goes. A second part measures whole handshakes:
 * real socket.io servers (plain, both features, none) in processes of their own, real
 * socket.io-client connections over websocket, each disconnecting once accepted, and the server
 * process's CPU per handshake, rounds rotated.
 *
 *   node --import tsx bench/cluster-cost.ts [--quick] [--write]
 *     (--write: its section of docs/cluster-benchmarks.md, which bench/storm.ts --write keeps)
 *   BENCH_BEFORE_DIR=/abs/path/to/compiled/src node --import tsx bench/cluster-cost.ts
 *     (adds the same options on an earlier compiled copy of src, to compare a change in one run)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTH_LAYER_FULL, AUTH_LAYER_QUICK, runAuthLayer } from './auth-layer';
import { END_TO_END_FULL, END_TO_END_QUICK, runEndToEnd } from './end-to-end';
import { buildBench, REPO_ROOT, removeBuild } from './lib/build';
import { COMPAT, COMPAT_CLUSTER, COMPAT_CLUSTER_BEFORE, COMPAT_LIVE, COMPAT_ROOMS, NO_AUTH } from './lib/contenders';
import { captureRealHandshake } from './lib/handshakes';
import { formatNumber, formatRatio, markdownTable, roundRatios, spread } from './lib/stats';
import { currentLoad, machineLine } from './report';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const started = Date.now();
  const loadBefore = currentLoad();
  const contenders = [
    NO_AUTH,
    COMPAT,
    COMPAT_CLUSTER,
    COMPAT_ROOMS,
    COMPAT_LIVE,
    ...(process.env.BENCH_BEFORE_DIR ? [COMPAT_CLUSTER_BEFORE] : []),
  ];
  const buildDir = buildBench();
  try {
    const captured = await captureRealHandshake();
    // Batches of 2,000: long enough (tens of ms) that one round is not one scheduler hiccup of a shared machine.
    const config = quick ? AUTH_LAYER_QUICK : { ...AUTH_LAYER_FULL, rounds: 50, batch: 2000, heapRounds: 9 };
    const result = await runAuthLayer('memory', contenders, captured, config, (line) => process.stderr.write(`${line}\n`));
    const none = result.rows.find((r) => r.id === 'none');
    const plain = result.rows.find((r) => r.id === 'compat');
    if (!none || !plain) throw new Error('missing rows');
    const net = (values: number[]) => values.map((v, i) => v - (none.cpuUs[i] as number));
    const kb = (bytes: number) => `${bytes >= 0 ? '+' : ''}${(bytes / 1024).toFixed(2)}`;
    const rows = result.rows
      .filter((r) => r.id !== 'none')
      .map((row) => {
        const cpu = spread(row.cpuUs);
        const netCpu = spread(net(row.cpuUs));
        const released = spread(row.releaseUs);
        const heap = spread(row.heapBytes);
        const heapOver = spread(row.heapBytes.map((v, i) => v - (plain.heapBytes[i] as number)));
        return [
          row.label,
          `${formatNumber(cpu.median)} (${formatNumber(cpu.min)}–${formatNumber(cpu.max)})`,
          `${formatNumber(netCpu.median)} (${formatNumber(netCpu.min)}–${formatNumber(netCpu.max)})`,
          formatRatio(roundRatios(row.cpuUs, plain.cpuUs)),
          formatRatio(roundRatios(net(row.cpuUs), net(plain.cpuUs))),
          `${formatNumber(released.median)} (${formatNumber(released.min)}–${formatNumber(released.max)})`,
          `${kb(heap.median)} (${kb(heap.min)}–${kb(heap.max)})`,
          `${kb(heapOver.median)} (${kb(heapOver.min)}–${kb(heapOver.max)})`,
        ];
      });
    const harness = spread(none.cpuUs);

    const e2eConfig = quick ? END_TO_END_QUICK : END_TO_END_FULL;
    const e2e = await runEndToEnd([NO_AUTH, COMPAT, COMPAT_CLUSTER], e2eConfig, (line) => process.stderr.write(`${line}\n`));
    const e2ePlain = e2e.find((r) => r.id === 'compat');
    const e2eNone = e2e.find((r) => r.id === 'none');
    if (!e2ePlain || !e2eNone) throw new Error('missing end-to-end rows');
    const authShare = (values: number[]) => values.map((v, i) => v - (e2eNone.serverCpuUs[i] as number));
    const e2eRows = e2e.map((row) => {
      const cpu = spread(row.serverCpuUs);
      return [
        row.label,
        formatNumber(spread(row.perSecond).median, 0),
        `${formatNumber(cpu.median, 0)} (${formatNumber(cpu.min, 0)}–${formatNumber(cpu.max, 0)})`,
        row.id === 'none' ? 'n/a' : formatRatio(roundRatios(row.serverCpuUs, e2ePlain.serverCpuUs)),
        row.id === 'none' ? 'n/a' : formatRatio(roundRatios(authShare(row.serverCpuUs), authShare(e2ePlain.serverCpuUs))),
      ];
    });
    const markdown = [
      '### What `rooms` + `liveSession` cost per handshake (in-process, MemoryStore)',
      '',
      `Command: \`node --import tsx bench/cluster-cost.ts${quick ? ' --quick' : ''}\`; ${Math.round((Date.now() - started) / 1000)} s; ` +
        `machine: ${machineLine()}; load average ${loadBefore.join(' / ')} before, ${currentLoad().join(' / ')} after. ` +
        `${config.rounds} rounds of ${config.batch.toLocaleString('en-US')} handshakes and ${config.heapRounds} heap rounds of ` +
        `${config.heapSockets.toLocaleString('en-US')} sockets, the contenders in turn (rotated each round); spread is min–max over ` +
        `rounds, ratios per round. The harness alone (no authorization): ${formatNumber(harness.median)} µs ` +
        `(${formatNumber(harness.min)}–${formatNumber(harness.max)}). The disconnect column is the CPU of each socket's ` +
        'disconnect after its batch (measured apart: leaving rooms, listeners letting go).',
      '',
      markdownTable(
        [
          'contender',
          'CPU µs/handshake',
          'net of the harness',
          '× plain authorize',
          '× plain, net of the harness',
          'disconnect CPU µs/socket',
          'retained heap KB/socket',
          'KB/socket over plain',
        ],
        rows,
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
      '',
      `Whole handshakes, in the same run: ${e2eConfig.rounds} rounds of ${e2eConfig.handshakes.toLocaleString('en-US')} ` +
        `real socket.io-client connections (websocket, ${e2eConfig.concurrency} in flight, ${e2eConfig.sessions.toLocaleString('en-US')} ` +
        'sessions), each disconnecting once accepted, against a real socket.io server per contender in a process of its own; the ' +
        "server process's CPU per handshake, connection and disconnect included. The last column compares only what " +
        'authorization adds over the server without it.',
      '',
      markdownTable(['server', 'handshakes/s', 'server CPU µs/handshake', '× plain authorize', '× plain, authorization share'], e2eRows, [
        'l',
        'r',
        'r',
        'r',
        'r',
      ]),
    ].join('\n');
    console.log(markdown);
    if (process.argv.includes('--write')) {
      const page = join(REPO_ROOT, 'docs', 'cluster-benchmarks.md');
      writeFileSync(page, withSection(readFileSync(page, 'utf8'), markdown));
      process.stderr.write('wrote its section of docs/cluster-benchmarks.md\n');
    }
  } finally {
    removeBuild(buildDir);
  }
}

export const SECTION_START = '<!-- bench/cluster-cost.ts -->';
export const SECTION_END = '<!-- /bench/cluster-cost.ts -->';

/** The page with this benchmark's section replaced (or added at the end). */
export function withSection(page: string, markdown: string): string {
  const section = `${SECTION_START}\n${markdown}\n${SECTION_END}`;
  const start = page.indexOf(SECTION_START);
  const end = page.indexOf(SECTION_END);
  if (start < 0 || end < start) return `${page.trimEnd()}\n\n${section}\n`;
  return `${page.slice(0, start)}${section}${page.slice(end + SECTION_END.length)}`;
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
