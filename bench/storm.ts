/**
 * The reconnect storm (docs/cluster-benchmarks.md): three nodes share Redis sessions
 * (connect-redis) and the Redis adapter; N clients (2,000 by default, STORM_CLIENTS to change it)
 * are connected to one of them; that node is killed with SIGKILL, and every client reconnects at
 * once to one of the two others, as a load balancer would send it. Per contender: the time until
 * every client is authorized again as its own user, handshakes per second and p50/p99 latency
 * during the storm, session-store reads and the survivors' CPU time per re-authorization. The
 * contenders take turns round after round; ratios are per round against this package.
 *
 * Then the cluster-wide lookup: 10,000 sockets (5 per user) over three nodes, one user's sockets
 * found with `fetchSocketsByUser` against the socket.io guide's `io.fetchSockets()` + filter.
 *
 *   npm run bench -- --only=storm [--quick]
 *   node --import tsx bench/storm.ts [--quick] [--write]   (--write: docs/cluster-benchmarks.md)
 *   STORM_CLIENTS=5000 node --import tsx bench/storm.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { REPO_ROOT } from './lib/build';
import { contenderById } from './lib/contenders';
import { REDIS_URL, redisReachable } from './lib/fixtures';
import { spawnWorker, type Worker } from './lib/ipc';
import { formatNumber, formatRatio, markdownTable, median, quantile, rotated, roundRatios, spread } from './lib/stats';
import { currentLoad, machineLine } from './report';

export interface StormConfig {
  clients: number;
  rounds: number;
  concurrency: number;
  lookupSockets: number;
  lookupPerUser: number;
  lookupRounds: number;
  lookupIterations: number;
}

const clientsFromEnv = Number(process.env.STORM_CLIENTS);
export const STORM_FULL: StormConfig = {
  clients: Number.isInteger(clientsFromEnv) && clientsFromEnv > 0 ? clientsFromEnv : 2000,
  rounds: 3,
  concurrency: 64,
  lookupSockets: 10_000,
  lookupPerUser: 5,
  lookupRounds: 10,
  lookupIterations: 3,
};
export const STORM_QUICK: StormConfig = {
  clients: 100,
  rounds: 1,
  concurrency: 32,
  lookupSockets: 300,
  lookupPerUser: 5,
  lookupRounds: 2,
  lookupIterations: 2,
};

/** This package (plain, then with the cluster features), the legacy package, the guide's pattern, the floor. */
const STORM_CONTENDERS = ['compat', 'compat-cluster', 'legacy', 'engine-use', 'floor'];
const BASELINE = 'compat';
const STORM_TIMEOUT_MS = 180_000;

interface StormRound {
  contender: string;
  allBackMs: number;
  handshakesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  storeReadsPerReconnect: number;
  cpuMsPerReconnect: number;
  failed: number;
  wrongUser: number;
  refusals: number;
}

const nowMs = () => performance.timeOrigin + performance.now();

async function stormRound(contender: string, config: StormConfig, round: number): Promise<StormRound> {
  const workers: Worker[] = [];
  try {
    const adapterKey = `bench-storm-${process.pid}-${round}-${contender}`;
    const victim = await spawnWorker('storm-node');
    workers.push(victim);
    const a = await victim.call('init', { contender, seed: config.clients, adapterKey });
    const survivors: Worker[] = [];
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const node = await spawnWorker('storm-node');
      workers.push(node);
      survivors.push(node);
      urls.push((await node.call('init', { contender, seed: 0, storePrefix: a.storePrefix, adapterKey })).url);
    }
    const clients = await spawnWorker('storm-clients');
    workers.push(clients);
    await clients.call('open', { url: a.url, cookies: a.cookies, concurrency: config.concurrency });
    await clients.call('arm', { urls });
    for (const node of survivors) await node.call('reset');
    const killedAt = nowMs();
    process.kill(victim.pid, 'SIGKILL');
    const seen: Array<{ droppedAt?: number; authorizedAt?: number; refusals: number; wrongUser: boolean }> = await clients.call('results', {
      timeoutMs: STORM_TIMEOUT_MS,
    });
    const counts: Array<{ storeReads: number; cpuMs: number; connections: number }> = [];
    for (const node of survivors) counts.push(await node.call('counts'));
    const done = seen.filter((c) => c.authorizedAt !== undefined);
    const lastBack = Math.max(...done.map((c) => c.authorizedAt as number));
    const firstDrop = Math.min(...seen.map((c) => c.droppedAt ?? Number.POSITIVE_INFINITY));
    const latencies = done.map((c) => (c.authorizedAt as number) - (c.droppedAt as number));
    const reconnects = Math.max(done.length, 1);
    return {
      contender,
      allBackMs: lastBack - killedAt,
      handshakesPerSecond: done.length / ((lastBack - firstDrop) / 1000),
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      storeReadsPerReconnect: counts.reduce((sum, c) => sum + c.storeReads, 0) / reconnects,
      cpuMsPerReconnect: counts.reduce((sum, c) => sum + c.cpuMs, 0) / reconnects,
      failed: seen.length - done.length,
      wrongUser: seen.filter((c) => c.wrongUser).length,
      refusals: seen.reduce((sum, c) => sum + c.refusals, 0),
    };
  } finally {
    for (const worker of workers.reverse()) await worker.close().catch(() => {});
  }
}

interface LookupSamples {
  sockets: number;
  samples: Record<string, number[]>;
}

async function clusterLookups(config: StormConfig): Promise<LookupSamples> {
  const users = Math.ceil(config.lookupSockets / config.lookupPerUser);
  const workers: Worker[] = [];
  try {
    const adapterKey = `bench-storm-lookups-${process.pid}`;
    const first = await spawnWorker('storm-node');
    workers.push(first);
    const a = await first.call('init', { contender: 'compat-cluster', seed: users, adapterKey });
    const urls = [a.url];
    for (let i = 0; i < 2; i++) {
      const node = await spawnWorker('storm-node');
      workers.push(node);
      urls.push((await node.call('init', { contender: 'compat-cluster', seed: 0, storePrefix: a.storePrefix, adapterKey })).url);
    }
    const holder = await spawnWorker('socket-holder');
    workers.push(holder);
    await holder.call('open', {
      urls,
      cookies: a.cookies,
      from: 0,
      to: config.lookupSockets,
      perUser: config.lookupPerUser,
      concurrency: config.concurrency,
    });
    const targets = Array.from({ length: 32 }, (_, i) => 1 + ((i * 7919) % users));
    const samples = await first.call('lookups', {
      targets,
      rounds: config.lookupRounds,
      iterations: config.lookupIterations,
      expected: config.lookupPerUser,
    });
    return { sockets: config.lookupSockets, samples };
  } finally {
    for (const worker of workers.reverse()) {
      if (worker === workers[0]) await worker.call('closeAll').catch(() => {});
      await worker.close().catch(() => {});
    }
  }
}

export interface StormResults {
  config: StormConfig;
  rounds: StormRound[];
  lookups: LookupSamples | undefined;
  seconds: number;
  loadBefore: number[];
  loadAfter: number[];
  command: string;
}

export async function runStorm(config: StormConfig, progress: (line: string) => void, command: string): Promise<StormResults> {
  const started = Date.now();
  const loadBefore = currentLoad();
  const rounds: StormRound[] = [];
  for (let round = 0; round < config.rounds; round++) {
    for (const contender of rotated(STORM_CONTENDERS, round)) {
      const result = await stormRound(contender, config, round);
      rounds.push(result);
      progress(
        `storm round ${round + 1}/${config.rounds}, ${contender}: all ${config.clients} back in ${Math.round(result.allBackMs)} ms` +
          (result.failed + result.wrongUser > 0 ? ` (${result.failed} never back, ${result.wrongUser} as another user)` : ''),
      );
    }
  }
  const lookups = await clusterLookups(config);
  progress(`cluster lookups: ${config.lookupSockets} sockets over three nodes`);
  return { config, rounds, lookups, seconds: (Date.now() - started) / 1000, loadBefore, loadAfter: currentLoad(), command };
}

export function renderStorm(results: StormResults): string {
  const { config } = results;
  const byContender = (id: string) => results.rounds.filter((r) => r.contender === id);
  const base = byContender(BASELINE);
  const fmtSpread = (values: number[], digits: number) => {
    const s = spread(values);
    return values.length > 1
      ? `${formatNumber(s.median, digits)} (${formatNumber(s.min, digits)}–${formatNumber(s.max, digits)})`
      : formatNumber(s.median, digits);
  };
  const rows = STORM_CONTENDERS.map((id) => {
    const mine = byContender(id);
    const ratio = roundRatios(
      mine.map((r) => r.allBackMs),
      base.map((r) => r.allBackMs),
    );
    return [
      contenderById(id).label,
      fmtSpread(
        mine.map((r) => r.allBackMs),
        0,
      ),
      id === BASELINE ? '1.00×' : formatRatio(ratio),
      fmtSpread(
        mine.map((r) => r.handshakesPerSecond),
        0,
      ),
      formatNumber(median(mine.map((r) => r.p50Ms)), 0),
      formatNumber(median(mine.map((r) => r.p99Ms)), 0),
      formatNumber(median(mine.map((r) => r.storeReadsPerReconnect)), 2),
      formatNumber(median(mine.map((r) => r.cpuMsPerReconnect)), 2),
      String(mine.reduce((sum, r) => sum + r.failed + r.wrongUser, 0)),
    ];
  });
  const storm = markdownTable(
    [
      'contender',
      'all back, ms',
      'vs this package',
      'handshakes/s',
      'p50 ms',
      'p99 ms',
      'store reads / reconnect',
      'survivors CPU ms / reconnect',
      'lost or wrong user',
    ],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
  let lookupSection = '';
  if (results.lookups) {
    const names = Object.keys(results.lookups.samples);
    const ours = results.lookups.samples[names[0] as string] as number[];
    const guide = results.lookups.samples[names[1] as string] as number[];
    lookupSection = [
      '',
      `### One user's sockets among ${results.lookups.sockets.toLocaleString('en-US')} over three nodes (Redis adapter)`,
      '',
      markdownTable(
        ['lookup (from one node)', 'µs per call, median (min–max) of rounds'],
        names.map((name) => [name, fmtSpread(results.lookups?.samples[name] as number[], 0)]),
        ['l', 'r'],
      ),
      '',
      `The guide's \`io.fetchSockets()\` + filter takes ${formatRatio(roundRatios(guide, ours))} the time of \`fetchSocketsByUser\` ` +
        `(per-round ratios, ${config.lookupRounds} rounds of ${config.lookupIterations} calls).`,
    ].join('\n');
  }
  return [
    `### Reconnect storm: ${config.clients.toLocaleString('en-US')} clients of a killed node re-authorized on the two others`,
    '',
    `Command: \`${results.command}\`; ${results.seconds.toFixed(0)} s; machine: ${machineLine()}; load average ` +
      `${results.loadBefore.join(' / ')} before, ${results.loadAfter.join(' / ')} after. Redis at ${REDIS_URL}. ` +
      `${config.rounds} round(s), the contenders in turn (rotated each round); spread is min–max over rounds, ratios per round.`,
    '',
    storm,
    lookupSection,
  ].join('\n');
}

/** The `storm` part of `npm run bench`: prints its tables, and writes docs/cluster-benchmarks.md with --write. */
export async function runStormPart(
  cli: { quick: boolean; write: boolean; args: string[] },
  progress: (line: string) => void,
): Promise<void> {
  const standalone = require.main === module || cli.args.some((arg) => arg.startsWith('--only='));
  if (cli.quick && !standalone) {
    // CI runs the quick storm once, in test/cluster/storm.test.ts, not a second time here.
    progress('reconnect storm: left out of a quick run of every part (run it with --only=storm --quick)');
    return;
  }
  if (!(await redisReachable())) {
    progress(`Redis is not reachable at ${REDIS_URL}: the reconnect storm is skipped (it shares sessions between three nodes)`);
    return;
  }
  const command =
    require.main === module ? ['node --import tsx bench/storm.ts', ...cli.args].join(' ') : ['npm run bench --', ...cli.args].join(' ');
  const results = await runStorm(cli.quick ? STORM_QUICK : STORM_FULL, progress, command);
  const markdown = renderStorm(results);
  console.log(markdown);
  if (cli.write) {
    const page = join(REPO_ROOT, 'docs', 'cluster-benchmarks.md');
    // bench/cluster-cost.ts writes a section of its own in the same page: kept as it is.
    const previous = existsSync(page) ? readFileSync(page, 'utf8') : '';
    const start = previous.indexOf(COST_SECTION_START);
    const kept = start >= 0 ? `\n${previous.slice(start).trimEnd()}\n` : '';
    writeFileSync(page, `${PAGE_HEAD}\n${markdown}\n${kept}`);
    progress('wrote docs/cluster-benchmarks.md');
  }
}

const COST_SECTION_START = '<!-- bench/cluster-cost.ts -->';

const PAGE_HEAD = `# Cluster benchmarks

Written by \`node --import tsx bench/storm.ts --write\` (the \`storm\` part of \`npm run bench\`): every figure below comes from
the one run described under each heading. What is measured and why: see the top of bench/storm.ts.
The last section, the cost of \`rooms\` + \`liveSession\` per handshake, is written by
\`node --import tsx bench/cluster-cost.ts --write\` (see docs/cluster-profile.md).

How to read the storm table: all N clients drop at the same instant and reconnect at once, so the
wall-clock figures (all back, handshakes/s, p50/p99) measure the whole machine during the storm:
the two surviving nodes, Redis, and the one process that runs every client (which on a small
machine is the bottleneck, for every contender alike). On a shared machine they swing with its
load; compare contenders within a round (the ratio column), never across runs. "Store reads /
reconnect" and "survivors CPU ms / reconnect" (the user and system CPU time of the two surviving
node processes during the storm, divided by the clients they took in, adapter work included) are
what a contender changes on the servers. "Lost or wrong user" counts clients never authorized
again within 180 s, or authorized as anyone but their own user: it must be 0.
`;

// Alone: `node --import tsx bench/storm.ts [--quick] [--write]` (what `--only=storm` runs, without
// the rest of `npm run bench`, whose --write also rewrites docs/benchmarks.md).
if (require.main === module) {
  const { buildBench, removeBuild } = require('./lib/build') as typeof import('./lib/build');
  const args = process.argv.slice(2);
  const dir = buildBench();
  runStormPart({ quick: args.includes('--quick'), write: args.includes('--write'), args }, (line) => process.stderr.write(`${line}\n`))
    .catch((err) => {
      console.error(err);
      process.exitCode = 1;
    })
    .finally(() => removeBuild(dir));
}
